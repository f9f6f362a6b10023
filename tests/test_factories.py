"""Every model of every app has a factory in that app's factories module, and each factory builds a valid row."""

import importlib
import inspect

import factory
import pytest
from django.apps import apps
from django.conf import settings

pytestmark = pytest.mark.django_db

# app label -> the factories module for it (an app built in parts may name one module per part)
FACTORY_MODULES = {
    "matchmaking": (
        "tests.marketplace.matchmaking.factories_rfq",
        "tests.marketplace.matchmaking.factories_meetings",
        "tests.marketplace.matchmaking.factories_matches",
    ),
    "companies": "tests.marketplace.companies.factories",
    "catalog": "tests.marketplace.catalog.factories",
    "showcases": "tests.marketplace.showcases.factories",
    "fairs": (
        "tests.marketplace.fairs.factories",
        "tests.marketplace.fairs.factories_exhibitors",
        "tests.marketplace.fairs.factories_leads",
        "tests.marketplace.fairs.factories_hosted",
    ),
    "notifications": "tests.marketplace.notifications.factories",
    "deals": "tests.marketplace.deals.factories",
    "insurance": "tests.marketplace.insurance.factories",
    "payments": "tests.marketplace.payments.factories",
    "credit": "tests.credit.factories",
    "financing": "tests.marketplace.financing.factories",
}


def _factories(module_names: str | tuple[str, ...]) -> list[type[factory.django.DjangoModelFactory]]:
    found = []
    for module_name in (module_names,) if isinstance(module_names, str) else module_names:
        module = importlib.import_module(module_name)
        found += [
            obj
            for obj in vars(module).values()
            if inspect.isclass(obj)
            and issubclass(obj, factory.django.DjangoModelFactory)
            and obj.__module__ == module_name
        ]
    return found


def _model(factory_class):
    return factory_class._meta.get_model_class()


@pytest.mark.parametrize("label", FACTORY_MODULES)
def test_every_model_of_the_app_has_a_factory_in_its_module(label):
    covered = {_model(f) for f in _factories(FACTORY_MODULES[label])}
    models = {m for m in apps.get_app_config(label).get_models() if not m._meta.auto_created}
    if label == "credit":  # the subject is another app's model, named by a setting
        covered.discard(apps.get_model(settings.CREDIT_SUBJECT_MODEL))
    assert models - covered == set(), f"no factory in {FACTORY_MODULES[label]} for these models"
    assert covered <= models, "a factory in the wrong app's module"


@pytest.mark.parametrize(
    "factory_class",
    [f for name in FACTORY_MODULES.values() for f in _factories(name)],
    ids=lambda f: f.__name__,
)
def test_each_factory_saves_a_valid_row(factory_class):
    obj = factory_class()
    obj.full_clean(validate_unique=False)
    assert type(obj)._default_manager.filter(pk=obj.pk).exists()


def test_the_old_import_paths_still_work():
    from tests.factories import CompanyFactory, FairSessionFactory, MembershipFactory, UserFactory
    from tests.marketplace.catalog.factories import (
        ShowcaseAccessFactory,
        ShowcaseFactory,
        ShowcaseItemFactory,
        buyer_member,
        image_bytes,
        supplier_member,
    )
    from tests.marketplace.companies import factories as companies
    from tests.marketplace.fairs import factories as fairs
    from tests.marketplace.showcases import factories as showcases

    assert (CompanyFactory, MembershipFactory, UserFactory) == (
        companies.CompanyFactory,
        companies.MembershipFactory,
        companies.UserFactory,
    )
    assert FairSessionFactory is fairs.FairSessionFactory
    assert (ShowcaseFactory, ShowcaseItemFactory, ShowcaseAccessFactory) == (
        showcases.ShowcaseFactory,
        showcases.ShowcaseItemFactory,
        showcases.ShowcaseAccessFactory,
    )
    assert buyer_member is companies.buyer_member and supplier_member is companies.supplier_member
    assert image_bytes()[:2] == b"\xff\xd8"
