"""The badges demo: registered buyers with badges for both sessions (the demo buyer among them), a desk
staffed by operator@, check-ins and fair_attended facts for the past session only; idempotent."""

import datetime as dt

import pytest
from django.utils import timezone

from credit.models import Fact
from marketplace.companies.demo_data import DEMO_DOMAIN
from marketplace.companies.models import CompanyKind, PlatformRole
from marketplace.fairs import badge_tokens, badges_demo
from marketplace.fairs.models import Badge, CheckIn, Registration, ServicePoint
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.marketplace.fairs.factories import FairPhaseFactory, FairSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    buyer_co = CompanyFactory(kind=CompanyKind.BUYER, country="GB")
    supplier_co = CompanyFactory(kind=CompanyKind.SUPPLIER)
    for _ in range(5):
        CompanyFactory(kind=CompanyKind.BUYER)
    people = [
        MembershipFactory(
            user=UserFactory(email=f"buyer@{DEMO_DOMAIN}", first_name="Emma"), company=buyer_co
        ).user,
        MembershipFactory(user=UserFactory(email=f"supplier@{DEMO_DOMAIN}"), company=supplier_co).user,
        UserFactory(email=f"operator@{DEMO_DOMAIN}", platform_role=PlatformRole.OPERATOR),
    ]
    return {u.email: u for u in people}


@pytest.fixture
def sessions():
    today = timezone.localdate()
    past = FairSessionFactory(
        starts_on=today - dt.timedelta(days=220), ends_on=today - dt.timedelta(days=200)
    )
    future = FairSessionFactory(starts_on=today + dt.timedelta(days=45))
    for session in (past, future):
        FairPhaseFactory(session=session, number=1, starts_on=session.starts_on)
    return past, future


def test_the_demo_registers_buyers_for_both_sessions_and_checks_in_the_past_one(users, sessions):
    past, future = sessions
    added = badges_demo.seed_badges(users=users, seed=7)
    buyer = users[f"buyer@{DEMO_DOMAIN}"]
    operator = users[f"operator@{DEMO_DOMAIN}"]
    for session in sessions:
        mine = Registration.objects.get(session=session, user=buyer)
        assert badge_tokens.read(badge_tokens.token_for(mine.badge), session=session) == mine.badge
        assert Registration.objects.filter(session=session, role="buyer", user__isnull=True).count() == 5
        assert Registration.objects.filter(session=session, role="exhibitor_staff").count() == 1
        assert list(ServicePoint.objects.get(session=session).staff.all()) == [operator]
    assert added == Badge.objects.count() == 2 * 7
    assert CheckIn.objects.filter(badge__registration__session=past).exists()
    assert not CheckIn.objects.filter(badge__registration__session=future).exists()
    attended = set(Fact.objects.filter(kind="fair_attended").values_list("subject_id", flat=True))
    checked_buyers = set(
        CheckIn.objects.filter(badge__registration__role="buyer").values_list(
            "badge__registration__company_id", flat=True
        )
    )
    assert attended == checked_buyers
    assert badges_demo.seed_badges(users=users, seed=7) == 0  # idempotent
    assert Badge.objects.count() == 14
