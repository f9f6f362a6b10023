"""factory_boy factories for every model of the showcases app."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from marketplace.companies.models import CompanyKind
from marketplace.showcases.models import (
    Interest,
    Showcase,
    ShowcaseAccess,
    ShowcaseInvitation,
    ShowcaseItem,
    ShowcaseView,
)
from tests.marketplace.catalog.factories import ProductFactory
from tests.marketplace.companies.factories import CompanyFactory, UserFactory


class ShowcaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Showcase

    supplier = factory.SubFactory(CompanyFactory, kind=CompanyKind.SUPPLIER)
    title = factory.Sequence(lambda n: f"Spring offer {n}")
    message = "Prices for our partners only."
    valid_from = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    valid_until = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    created_by = factory.SubFactory(UserFactory)


class ShowcaseItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShowcaseItem

    showcase = factory.SubFactory(ShowcaseFactory)
    product = factory.SubFactory(ProductFactory, supplier=factory.SelfAttribute("..showcase.supplier"))
    price = Decimal("77.7700")
    currency = "USD"


class ShowcaseAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShowcaseAccess

    showcase = factory.SubFactory(ShowcaseFactory)
    company = factory.SubFactory(CompanyFactory, kind=CompanyKind.BUYER, country="DE")
    granted_by = factory.SelfAttribute("showcase.created_by")


class ShowcaseInvitationFactory(factory.django.DjangoModelFactory):
    """An unopened link as a row; `services.showcase_invite` is what mails one."""

    class Meta:
        model = ShowcaseInvitation

    showcase = factory.SubFactory(ShowcaseFactory)
    email = factory.Sequence(lambda n: f"buyer{n}@importer.example")
    created_by = factory.SelfAttribute("showcase.created_by")
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))


class ShowcaseViewFactory(factory.django.DjangoModelFactory):
    """One look at the showcase (`item=None`) or at one of its products."""

    class Meta:
        model = ShowcaseView

    showcase = factory.SubFactory(ShowcaseFactory)
    item = None
    company = factory.SubFactory(CompanyFactory, kind=CompanyKind.BUYER, country="DE")
    user = factory.SubFactory(UserFactory)


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest

    item = factory.SubFactory(ShowcaseItemFactory)
    showcase = factory.SelfAttribute("item.showcase")
    product = factory.SelfAttribute("item.product")
    company = factory.SubFactory(CompanyFactory, kind=CompanyKind.BUYER, country="DE")
    user = factory.SubFactory(UserFactory)
    quantity = 100
    message = "Please quote FOB Ningbo."
