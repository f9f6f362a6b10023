"""factory_boy factories for the meetings models of the matchmaking app.

`MeetingFactory` makes a pending online request as a row (one proposed slot tomorrow); tests of the
rules go through `meetings_services`, which also writes the bookings.
"""

import datetime as dt

import factory
from django.utils import timezone

from marketplace.companies.models import CompanyKind
from marketplace.matchmaking.models.meetings import (
    AttendanceMark,
    Booking,
    BookingKind,
    Meeting,
    MeetingAttendance,
    MeetingMode,
    MeetingProfile,
    MeetingReminder,
    MeetingSlot,
    MeetingState,
    MeetingTable,
    TableKind,
)
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory, UserFactory


def tomorrow_at(hour: int = 10, minute: int = 0, days: int = 1) -> dt.datetime:
    base = timezone.now().astimezone(dt.UTC) + dt.timedelta(days=days)
    return base.replace(hour=hour, minute=minute, second=0, microsecond=0)


class MeetingProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingProfile
        django_get_or_create = ["user"]

    user = factory.SubFactory(UserFactory)
    time_zone = "Europe/Berlin"


class MeetingTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingTable

    label = factory.Sequence(lambda n: f"Matchmaking table {n}")
    kind = TableKind.MATCHMAKING
    time_zone = "Asia/Shanghai"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    requester = factory.LazyAttribute(lambda o: MembershipFactory(company=o.requester_company).user)
    requester_company = factory.SubFactory(CompanyFactory, kind=CompanyKind.BUYER, country="DE")
    invitee_company = factory.SubFactory(CompanyFactory, kind=CompanyKind.SUPPLIER)
    awaiting_company = factory.SelfAttribute("invitee_company")
    proposer = factory.SelfAttribute("requester")
    mode = MeetingMode.ONLINE
    video_link = "https://meet.trustfair.test/room"
    subject = factory.Sequence(lambda n: f"Meeting about samples {n}")
    state = MeetingState.PENDING
    expires_at = factory.LazyFunction(lambda: tomorrow_at(9))


class MeetingSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingSlot

    meeting = factory.SubFactory(MeetingFactory)
    start = factory.LazyFunction(lambda: tomorrow_at(10))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(minutes=30))


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SelfAttribute("meeting.requester")
    kind = BookingKind.HOLD
    start = factory.LazyFunction(lambda: tomorrow_at(10, days=30))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(minutes=30))
    hold_until = factory.LazyFunction(lambda: tomorrow_at(9))


class MeetingReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingReminder

    meeting = factory.SubFactory(MeetingFactory)
    kind = MeetingReminder.Kind.DAY
    start = factory.LazyFunction(lambda: tomorrow_at(10))


class MeetingAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingAttendance

    meeting = factory.SubFactory(MeetingFactory)
    marked_by = factory.SelfAttribute("meeting.requester")
    side_company = factory.SelfAttribute("meeting.requester_company")
    mark = AttendanceMark.HELD


def meeting_parties(*, buyer_zone: str = "Europe/Berlin", supplier_zone: str = "Asia/Shanghai") -> dict:
    """A buyer company with one person, a supplier company with two, and their time zones."""
    buyer_company = CompanyFactory(kind=CompanyKind.BUYER, country="DE", city="Hamburg")
    supplier_company = CompanyFactory(kind=CompanyKind.SUPPLIER, country="CN")
    buyer = MembershipFactory(company=buyer_company).user
    supplier = MembershipFactory(company=supplier_company).user
    colleague = MembershipFactory(company=supplier_company).user
    MeetingProfileFactory(user=buyer, time_zone=buyer_zone)
    MeetingProfileFactory(user=supplier, time_zone=supplier_zone)
    return {
        "buyer": buyer,
        "buyer_company": buyer_company,
        "supplier": supplier,
        "colleague": colleague,
        "supplier_company": supplier_company,
    }


def slot(hour: int = 10, minutes: int = 30, days: int = 2) -> tuple[dt.datetime, dt.datetime]:
    start = tomorrow_at(hour, days=days)
    return (start, start + dt.timedelta(minutes=minutes))
