"""Every meetings model has a factory in factories_meetings, and each factory saves a valid row.

(tests/test_factories.py checks one factories module per app; until matchmaking's is assembled at merge,
this holds the meetings part to the same rule.)
"""

import importlib
import inspect

import factory
import pytest

from marketplace.matchmaking.models import meetings

pytestmark = pytest.mark.django_db

MODULE = "tests.marketplace.matchmaking.factories_meetings"


def _factories():
    module = importlib.import_module(MODULE)
    return [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, factory.django.DjangoModelFactory)
        and obj.__module__ == MODULE
    ]


def test_every_meetings_model_has_a_factory():
    models = {
        getattr(meetings, name)
        for name in meetings.__all__
        if inspect.isclass(getattr(meetings, name)) and hasattr(getattr(meetings, name), "_meta")
    }
    covered = {f._meta.get_model_class() for f in _factories()}
    assert models == covered


@pytest.mark.parametrize("factory_class", _factories(), ids=lambda f: f.__name__)
def test_each_factory_saves_a_valid_row(factory_class):
    obj = factory_class()
    obj.full_clean(validate_unique=False)
    assert type(obj)._default_manager.filter(pk=obj.pk).exists()
