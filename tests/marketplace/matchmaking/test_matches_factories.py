"""Every model of the ranking has a factory in factories_matches, and each saves a valid row (the shared
tests/test_factories.py takes one module per app; the lead joins matchmaking's three at merge)."""

import inspect

import factory
import pytest

from marketplace.matchmaking.models import matching
from tests.marketplace.matchmaking import factories_matches

pytestmark = pytest.mark.django_db

FACTORIES = [
    obj
    for obj in vars(factories_matches).values()
    if inspect.isclass(obj)
    and issubclass(obj, factory.django.DjangoModelFactory)
    and obj.__module__ == factories_matches.__name__
]


def test_every_ranking_model_has_a_factory():
    models = {getattr(matching, name) for name in matching.__all__}
    models = {m for m in models if inspect.isclass(m) and hasattr(m, "_meta") and not m._meta.abstract}
    assert {f._meta.get_model_class() for f in FACTORIES} == models


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda f: f.__name__)
def test_each_factory_saves_a_valid_row(factory_class):
    obj = factory_class()
    obj.full_clean(validate_unique=False)
    assert type(obj)._default_manager.filter(pk=obj.pk).exists()
