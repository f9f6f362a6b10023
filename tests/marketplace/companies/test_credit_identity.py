"""Identity facts from the platform itself: verification decisions, registration data and certificates
become credit facts of the platform's own source, and the index is recomputed."""

import datetime as dt

import pytest
from django.utils import timezone

from credit import facts
from credit.index import current
from credit.models import Assessment, Fact
from marketplace.companies import services
from marketplace.companies.models import DocumentStatus, VerificationDocument
from tests.marketplace.catalog.factories import CertificationFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _licence(company, owner):
    return VerificationDocument.objects.create(
        company=company,
        kind="business_licence",
        original_name="licence.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=owner,
        file="verification/licence.pdf",
        status=DocumentStatus.PENDING,
    )


@pytest.fixture
def trading_supplier(supplier_owner, django_capture_on_commit_callbacks):
    """A supplier with a year of completed deals and registration data on its profile.

    The deals' facts are committed (their announcement runs), as in production: a hook left pending on
    the test's transaction would swallow the announcement of every later fact in it."""
    company = supplier_owner.company
    company.registration_number = "91330200MA2ABCDE1X"
    company.founded_year = 2009
    company.created_at = timezone.now() - dt.timedelta(days=400)
    company.save()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            facts.record(
                source="platform",
                kind="deal_completed",
                subject=company,
                payload={"value": "20000", "currency": "USD"},
                occurred_at=timezone.now() - dt.timedelta(days=30 + 60 * n),
                external_ref=f"identity-deal-{n}",
            )
    return supplier_owner


def test_approving_a_licence_changes_the_identity_subscore_and_the_index(
    trading_supplier, operator, django_capture_on_commit_callbacks
):
    company = trading_supplier.company
    before = current(company)
    assert before.features["identity_verified"] is None and before.grade == "NR"
    document = _licence(company, trading_supplier)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_decide(document=document, by_user=operator, approve=True)
    decision = Fact.objects.get(subject=company, kind="verification_decision")
    assert decision.source.code == "platform" and decision.payload["decision"] == "approved"
    assert decision.payload["verified"] is True and decision.metric == 1.0
    profile = Fact.objects.get(subject=company, kind="company_profile")
    assert profile.payload == {
        "country": "CN",
        "registration_number": "91330200MA2ABCDE1X",
        "founded_year": 2009,
    }

    after = Assessment.objects.filter(subject=company).order_by("-as_of", "-id").first()
    assert after.pk != before.pk, "the decision queued a recompute"
    assert after.features["identity_verified"] == 1.0 and after.features["years_in_business"] > 15
    assert after.subscores["identity_compliance"] > before.subscores["identity_compliance"]
    assert after.index > before.index
    assert after.grade != "NR"  # verified, with a year of deals: rated

    # Revoking the approval is recorded too, and takes the benefit away.
    with django_capture_on_commit_callbacks(execute=True):
        services.document_decide(document=document, by_user=operator, approve=False, reason="Forged stamp.")
    revoked = Fact.objects.filter(subject=company, kind="verification_decision").order_by("-id").first()
    assert revoked.payload["decision"] == "revoked" and revoked.payload["verified"] is False
    latest = Assessment.objects.filter(subject=company).order_by("-as_of", "-id").first()
    assert latest.features["identity_verified"] == 0.0 and latest.index < after.index


def test_a_rejected_licence_is_recorded_without_registration_data(
    trading_supplier, operator, django_capture_on_commit_callbacks
):
    company = trading_supplier.company
    with django_capture_on_commit_callbacks(execute=True):
        services.document_decide(
            document=_licence(company, trading_supplier), by_user=operator, approve=False, reason="Blurred."
        )
    decision = Fact.objects.get(subject=company, kind="verification_decision")
    assert decision.payload["decision"] == "rejected" and decision.metric == 0.0
    assert not Fact.objects.filter(subject=company, kind="company_profile").exists()
    assert current(company).features["identity_verified"] == 0.0


def test_certificates_and_their_expiry_become_facts(supplier_owner, django_capture_on_commit_callbacks):
    company = supplier_owner.company
    product = ProductFactory(supplier=company)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        CertificationFactory(product=product, standard="CE", expires_on=today + dt.timedelta(days=200))
        expired = CertificationFactory(
            product=product, standard="RoHS", expires_on=today - dt.timedelta(days=3)
        )
    summary = Fact.objects.filter(subject=company, kind="certificates_on_file").order_by("-id").first()
    assert summary.payload == {
        "current": 1,
        "expired": 1,
        "next_expiry": (today + dt.timedelta(days=200)).isoformat(),
    }
    assert current(company).features["certificates_current"] == 1.0
    with django_capture_on_commit_callbacks(execute=True):
        expired.expires_on = today + dt.timedelta(days=700)
        expired.save()
    assert (
        Fact.objects.filter(subject=company, kind="certificates_on_file").order_by("-id").first().metric
        == 2.0
    )
    assert (
        Assessment.objects.filter(subject=company)
        .order_by("-as_of", "-id")
        .first()
        .features["certificates_current"]
        == 2.0
    )
    with django_capture_on_commit_callbacks(execute=True):
        expired.delete()
    assert (
        Fact.objects.filter(subject=company, kind="certificates_on_file").order_by("-id").first().metric
        == 1.0
    )
