"""The demo meetings: the demo pairs meet in every state, times in their zones, a second seed adds nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from credit.models import Fact
from marketplace.companies.demo import (
    DEMO_BUYER_OWNER,
    DEMO_SUPPLIER_OWNER,
    SECOND_BUYER_OWNER,
    SECOND_SUPPLIER_OWNER,
)
from marketplace.companies.models import CompanyKind
from marketplace.matchmaking.meetings_demo import seed_meetings
from marketplace.matchmaking.models.meetings import AttendanceOutcome, Meeting, MeetingProfile
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _people():
    users = {}
    for email, kind, country in (
        (DEMO_BUYER_OWNER, CompanyKind.BUYER, "GB"),
        (SECOND_BUYER_OWNER, CompanyKind.BUYER, "DE"),
        (DEMO_SUPPLIER_OWNER, CompanyKind.SUPPLIER, "CN"),
        (SECOND_SUPPLIER_OWNER, CompanyKind.SUPPLIER, "CN"),
    ):
        users[email] = MembershipFactory(
            user=UserFactory(email=email), company=CompanyFactory(kind=kind, country=country)
        ).user
    return users


def test_demo_meetings_cover_the_states_and_reseeding_adds_nothing():
    users = _people()
    now = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    assert seed_meetings(users=users, now=now) == 6
    states = sorted(Meeting.objects.values_list("state", flat=True))
    assert states == sorted(["confirmed", "pending", "confirmed", "confirmed", "declined", "cancelled"])
    outcomes = set(Meeting.objects.values_list("outcome", flat=True))
    assert {AttendanceOutcome.HELD, AttendanceOutcome.MISSED} <= outcomes
    assert Meeting.objects.filter(
        table__label="Matchmaking table 5", state="confirmed", start__gt=now
    ).exists()
    assert MeetingProfile.objects.get(user=users[DEMO_SUPPLIER_OWNER]).time_zone == "Asia/Shanghai"
    assert MeetingProfile.objects.get(user=users[DEMO_BUYER_OWNER]).time_zone == "Europe/London"
    assert Fact.objects.filter(kind="meeting_held").count() == 2
    assert Fact.objects.filter(kind="meeting_missed").count() == 1
    assert seed_meetings(users=users, now=now + dt.timedelta(hours=1)) == 0
    assert Meeting.objects.count() == 6
