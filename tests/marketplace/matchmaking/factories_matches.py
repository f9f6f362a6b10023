"""factory_boy factories for the ranking's models (SupplierSignals, SupplierCategory, FairPresence, MatchFeedback)."""

import datetime

import factory
from django.utils import timezone

from marketplace.companies.models import CompanyKind
from marketplace.matchmaking.models import (
    FairPresence,
    FeedbackKind,
    MatchFeedback,
    SupplierCategory,
    SupplierSignals,
)
from tests.marketplace.companies.factories import CompanyFactory, UserFactory


class SupplierSignalsFactory(factory.django.DjangoModelFactory):
    """A supplier's signals row as the refresh writes it; the category rows come from `SupplierCategoryFactory`."""

    class Meta:
        model = SupplierSignals

    supplier = factory.SubFactory(CompanyFactory, kind=CompanyKind.SUPPLIER)
    chapters = factory.LazyFunction(lambda: ["84"])
    headings = factory.LazyFunction(lambda: ["8477"])
    certifications = factory.LazyFunction(list)
    min_moq = 1
    max_capacity = 100
    lead_time_days = 30
    search_document = "injection moulding machine 注塑机 注塑 塑机"


class SupplierCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierCategory

    supplier = factory.SubFactory(CompanyFactory, kind=CompanyKind.SUPPLIER)
    code = "8477"


class FairPresenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FairPresence

    company = factory.SubFactory(CompanyFactory, kind=CompanyKind.SUPPLIER)
    session_key = "140th-session"
    session_name = "140th Session"
    session_name_zh = "第140届"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=52))
    hall = "Hall 11.2"
    hall_zh = "11.2号馆"
    booth = "11.2 C15"


class MatchFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchFeedback

    buyer = factory.SubFactory(CompanyFactory, kind=CompanyKind.BUYER, country="DE")
    supplier = factory.SubFactory(CompanyFactory, kind=CompanyKind.SUPPLIER)
    kind = FeedbackKind.DECLINED
    by_user = factory.SubFactory(UserFactory)
