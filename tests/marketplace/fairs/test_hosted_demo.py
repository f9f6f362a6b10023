"""The demo hosted buyer meeting: built through the services, with a published schedule; a second run adds nothing."""

import pytest

from marketplace.companies.demo import (
    DEMO_BUYER_OWNER,
    DEMO_SUPPLIER_OWNER,
    SECOND_BUYER_OWNER,
    SECOND_SUPPLIER_OWNER,
)
from marketplace.companies.models import CompanyKind, PlatformRole
from marketplace.fairs import hosted_demo
from marketplace.fairs.models import HostedEvent, HostedEventStatus
from tests.marketplace.companies.factories import (
    CompanyFactory,
    IndustryFactory,
    MembershipFactory,
    UserFactory,
)
from tests.marketplace.fairs.factories import FairSessionFactory

pytestmark = pytest.mark.django_db


def test_seed_hosted_builds_a_published_schedule_once():
    FairSessionFactory()
    appliances = IndustryFactory(slug="home-appliances")
    CompanyFactory(slug=hosted_demo.CHAMBER_SLUG, kind=CompanyKind.CHAMBER, country="DE")
    users = {
        "operator@x": UserFactory(platform_role=PlatformRole.OPERATOR),
        DEMO_BUYER_OWNER: MembershipFactory(company=CompanyFactory(kind="buyer", country="GB")).user,
        SECOND_BUYER_OWNER: MembershipFactory(company=CompanyFactory(kind="buyer", country="DE")).user,
        DEMO_SUPPLIER_OWNER: MembershipFactory(company=CompanyFactory(kind="supplier")).user,
        SECOND_SUPPLIER_OWNER: MembershipFactory(
            company=CompanyFactory(kind="supplier", industry=appliances)
        ).user,
    }
    booked = hosted_demo.seed_hosted(users=users, operator_email="operator@x")
    assert booked == 4  # two buyers × two suppliers
    event = HostedEvent.objects.get()
    assert event.status == HostedEventStatus.PUBLISHED
    assert event.applications.count() == 4
    assert hosted_demo.seed_hosted(users=users, operator_email="operator@x") == 0
