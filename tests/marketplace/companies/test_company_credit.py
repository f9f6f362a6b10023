"""A company sees its own index and reasons; other signed-in companies see only its grade."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from credit import facts
from credit.index import current
from credit.kinds import SourceType
from credit.models import Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier_with_history(supplier_owner):
    platform, _ = Source.objects.get_or_create(
        code="platform", defaults={"name": "TrustFair", "source_type": SourceType.PLATFORM}
    )
    facts.record(
        source=platform,
        kind="payment_late",
        subject=supplier_owner.company,
        external_ref="own-late",
        payload={"days_late": 35, "amount": "100", "currency": "USD"},
        occurred_at=timezone.now() - dt.timedelta(days=9),
    )
    # Verified, with a completed deal: enough evidence to be rated.
    facts.record(
        source=platform,
        kind="verification_decision",
        subject=supplier_owner.company,
        external_ref="own-verification",
        payload={"document": "business_licence", "decision": "approved", "verified": True},
        occurred_at=timezone.now() - dt.timedelta(days=60),
    )
    facts.record(
        source=platform,
        kind="deal_completed",
        subject=supplier_owner.company,
        external_ref="own-deal",
        payload={"value": "100", "currency": "USD"},
        occurred_at=timezone.now() - dt.timedelta(days=40),
    )
    return supplier_owner


def test_company_sees_its_own_index_subscores_and_reasons(client, supplier_with_history):
    client.force_login(supplier_with_history)
    html = client.get(reverse("companies:company_credit")).content.decode()
    assessment = current(supplier_with_history.company)
    assert str(assessment.index) in html and "Subscores" in html and "A payment was 35 days late" in html


def test_other_companies_see_the_grade_only(client, supplier_with_history, buyer_owner):
    company = supplier_with_history.company
    grade = current(company).grade
    client.force_login(buyer_owner)
    profile = client.get(company.get_absolute_url()).content.decode()
    assert f'grade-{grade.lower()}">{grade}<' in profile
    assert "35 days late" not in profile and "Subscores" not in profile
    listing = client.get(reverse("companies:company_list")).content.decode()
    assert f'grade-{grade.lower()}">{grade}<' in listing
    # Their own credit page shows their own company, never the supplier's.
    own = client.get(reverse("companies:company_credit")).content.decode()
    assert "35 days late" not in own


def test_anonymous_visitors_see_no_grade(client, supplier_with_history):
    company = supplier_with_history.company
    current(company)
    assert "Credit grade" not in client.get(company.get_absolute_url()).content.decode()
    assert "Credit grade" not in client.get(reverse("companies:company_list")).content.decode()


def test_own_credit_page_needs_a_company(client, risk_officer):
    assert client.get(reverse("companies:company_credit")).status_code == 302
    client.force_login(risk_officer)
    assert client.get(reverse("companies:company_credit")).status_code == 403


def test_a_thin_file_shows_not_yet_rated_everywhere(client, supplier_owner, buyer_owner):
    company = supplier_owner.company
    assert current(company).grade == "NR"
    client.force_login(supplier_owner)
    own = client.get(reverse("companies:company_credit")).content.decode()
    assert "Not yet rated — not enough data" in own and "What would rate it" in own
    assert "A first completed deal on TrustFair" in own
    client.force_login(buyer_owner)
    for page in (company.get_absolute_url(), reverse("companies:company_list")):
        html = client.get(page).content.decode()
        assert 'grade-nr"' in html and ">Not yet rated<" in html and ">NR<" not in html
