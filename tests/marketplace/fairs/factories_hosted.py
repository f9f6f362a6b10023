"""factory_boy factories for the hosted buyer meeting models."""

import datetime

import factory
from django.utils import timezone

from marketplace.fairs.models import (
    HostedApplication,
    HostedAttendance,
    HostedEvent,
    HostedPair,
    HostedTable,
)
from tests.marketplace.companies.factories import CompanyFactory, IndustryFactory, UserFactory
from tests.marketplace.fairs.factories import FairSessionFactory
from tests.marketplace.matchmaking.factories_meetings import MeetingTableFactory


class HostedEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HostedEvent

    session = factory.SubFactory(FairSessionFactory)
    title = "EU buyers, household appliances"
    title_zh = "欧盟采购商·家用电器"
    region = "EU"
    countries = ["DE", "FR", "IT"]
    industry = factory.SubFactory(IndustryFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    starts_at = datetime.time(9, 0)
    ends_at = datetime.time(11, 0)
    time_zone = "Asia/Shanghai"
    table_count = 2
    slot_minutes = 30
    max_meetings = 4
    apply_by = factory.LazyAttribute(lambda o: o.date - datetime.timedelta(days=7))


class HostedTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HostedTable

    event = factory.SubFactory(HostedEventFactory)
    number = factory.Sequence(lambda n: n + 1)
    table = factory.SubFactory(MeetingTableFactory)


class HostedApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HostedApplication

    event = factory.SubFactory(HostedEventFactory)
    company = factory.SubFactory(CompanyFactory, kind="buyer", country="DE")
    applicant = factory.SubFactory(UserFactory)
    side = "buyer"
    need = "dishwashers and washing machines"


class HostedPairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HostedPair

    event = factory.SubFactory(HostedEventFactory)
    buyer = factory.SubFactory(HostedApplicationFactory, event=factory.SelfAttribute("..event"))
    supplier = factory.SubFactory(
        HostedApplicationFactory,
        event=factory.SelfAttribute("..event"),
        side="supplier",
        company=factory.SubFactory(CompanyFactory, kind="supplier"),
        need="dishwashers",
    )


class HostedAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HostedAttendance

    pair = factory.SubFactory(HostedPairFactory)
    company = factory.LazyAttribute(lambda o: o.pair.buyer.company)
    badge_holder = "Anna Weber"
    scanned_at = factory.LazyFunction(timezone.now)
