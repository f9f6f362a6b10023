"""Identity facts from the platform itself: verification decisions, registration data and certificates
become credit facts of the platform's own source, and the index is recomputed."""

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from credit import facts
from credit.index import current, recompute
from credit.models import Assessment, Fact
from marketplace.catalog import tasks
from marketplace.catalog.models import ProductCertification
from marketplace.companies import services
from marketplace.companies.forms import DecisionForm
from marketplace.companies.models import DocumentStatus, VerificationDocument
from marketplace.core import daily
from marketplace.core.models import AuditEvent
from marketplace.notifications.models import Notification
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


# -- expiry: the daily check ----------------------------------------------------------------------


def _pass_the_date(document, days_ago=1):
    """Time passes: the document's last valid day is now behind us (as if approved long ago)."""
    VerificationDocument.objects.filter(pk=document.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=days_ago)
    )


def test_approval_takes_a_future_validity_date(trading_supplier, operator):
    document = _licence(trading_supplier.company, trading_supplier)
    with pytest.raises(ValidationError) as error:
        services.document_decide(
            document=document, by_user=operator, approve=True, valid_until=timezone.localdate()
        )
    assert "valid_until" in error.value.error_dict
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING and not document.decisions.exists()

    # The operator's form asks for the date, or for "no end date" explicitly.
    missing = DecisionForm({"decision": "approve"})
    assert not missing.is_valid() and "valid_until" in missing.errors
    past = DecisionForm({"decision": "approve", "valid_until": "2020-01-01"})
    assert not past.is_valid() and "expired on 2020-01-01" in str(past.errors["valid_until"])
    today = DecisionForm({"decision": "approve", "valid_until": timezone.localdate().isoformat()})
    assert not today.is_valid() and "expires today" in str(today.errors["valid_until"])
    both = DecisionForm({"decision": "approve", "valid_until": "2099-01-01", "no_end_date": "on"})
    assert not both.is_valid()
    assert DecisionForm({"decision": "approve", "no_end_date": "on"}).is_valid()
    assert DecisionForm({"decision": "reject", "reason": "Blurred."}).is_valid()


def test_an_expired_licence_lowers_the_identity_subscore_and_the_index_once(
    trading_supplier, operator, django_capture_on_commit_callbacks
):
    company = trading_supplier.company
    document = _licence(company, trading_supplier)
    # Approved ten days ago, valid through the day before yesterday.
    approved_at = timezone.now() - dt.timedelta(days=10)
    valid_until = timezone.localdate() - dt.timedelta(days=2)
    with freeze_time(approved_at), django_capture_on_commit_callbacks(execute=True):
        assert tasks.run() == {"documents": 0, "suppliers": 0}  # nothing to do while it is valid
        services.document_decide(document=document, by_user=operator, approve=True, valid_until=valid_until)
        document.refresh_from_db()
        assert document.valid_until == valid_until and document.days_left == 8
    approved = Fact.objects.get(subject=company, kind="verification_decision")
    assert approved.payload["valid_until"] == valid_until.isoformat()
    recompute(subject_ids=[company.pk])
    verified = Assessment.objects.filter(subject=company).order_by("-as_of", "-id").first()
    assert verified.features["identity_verified"] == 1.0

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.run() == {"documents": 1, "suppliers": 0}
    document.refresh_from_db()
    company.refresh_from_db()
    assert document.status == DocumentStatus.EXPIRED and not company.is_verified
    decision = document.last_decision
    assert decision.status == DocumentStatus.EXPIRED and decision.decided_by is None
    assert AuditEvent.objects.filter(action="companies.verificationdocument.expire", actor=None).count() == 1

    expired = Fact.objects.filter(subject=company, kind="verification_decision").order_by("-id").first()
    assert expired.payload["decision"] == "expired" and expired.payload["verified"] is False
    assert expired.platform_event == "verification.expire"
    # It happened when the last valid day ended, not when the check noticed it.
    assert expired.occurred_at == dt.datetime.combine(
        valid_until + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    after = Assessment.objects.filter(subject=company).order_by("-as_of", "-id").first()
    assert after.pk != verified.pk, "the expiry queued a recompute"
    assert after.features["identity_verified"] == 0.0
    assert after.subscores["identity_compliance"] < verified.subscores["identity_compliance"]
    assert after.index < verified.index

    told = Notification.objects.filter(recipient=trading_supplier, title__contains="expired")
    assert told.count() == 1 and document.valid_until.isoformat() in told.get().body
    page = Client()
    page.force_login(trading_supplier)
    html = page.get(reverse("companies:verification")).content.decode()
    assert "Expired" in html and document.valid_until.isoformat() in html

    # A second run (the same day, or the next) records nothing more.
    facts_now, assessments_now = Fact.objects.count(), Assessment.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.run() == {"documents": 0, "suppliers": 0}
        assert tasks.run(today=timezone.localdate() + dt.timedelta(days=1)) == {
            "documents": 0,
            "suppliers": 0,
        }
    assert (Fact.objects.count(), Assessment.objects.count()) == (facts_now, assessments_now)
    assert told.count() == 1
    assert document.decisions.count() == 2


def test_a_second_valid_licence_keeps_the_company_verified(
    trading_supplier, operator, django_capture_on_commit_callbacks
):
    company = trading_supplier.company
    old, renewed = _licence(company, trading_supplier), _licence(company, trading_supplier)
    later = timezone.localdate() + dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_decide(document=old, by_user=operator, approve=True, valid_until=later)
        services.document_decide(document=renewed, by_user=operator, approve=True, valid_until=None)
    _pass_the_date(old)
    with django_capture_on_commit_callbacks(execute=True):
        assert [d.pk for d in services.documents_expire()] == [old.pk]
    company.refresh_from_db()
    assert company.is_verified
    fact = Fact.objects.filter(subject=company, kind="verification_decision").order_by("-id").first()
    assert fact.payload["decision"] == "expired" and fact.payload["verified"] is True


def test_a_lapsed_certificate_is_noticed_without_a_catalog_change_once(
    supplier_owner, django_capture_on_commit_callbacks
):
    company = supplier_owner.company
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        certificate = CertificationFactory(
            product=ProductFactory(supplier=company), standard="CE", expires_on=today
        )
    before = Assessment.objects.filter(subject=company).order_by("-as_of", "-id").first()
    assert before.features["certificates_current"] == 1.0  # valid through its last day

    # Time passes: yesterday was its last day (no save, so the catalog's receiver does not fire).
    ProductCertification.objects.filter(pk=certificate.pk).update(expires_on=today - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.run() == {"documents": 0, "suppliers": 1}
    summary = Fact.objects.filter(subject=company, kind="certificates_on_file").order_by("-id").first()
    assert summary.payload == {"current": 0, "expired": 1}
    assert summary.platform_event == "catalog.certificate_expired"
    after = Assessment.objects.filter(subject=company).order_by("-as_of", "-id").first()
    assert after.features["certificates_current"] == 0.0
    assert after.subscores["identity_compliance"] < before.subscores["identity_compliance"]
    assert after.index < before.index
    told = Notification.objects.filter(recipient=supplier_owner, title__contains="certificates have expired")
    assert told.count() == 1 and "CE" in told.get().body
    assert AuditEvent.objects.filter(action="catalog.certificates.lapsed", company_id=company.pk).count() == 1

    facts_now = Fact.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.run() == {"documents": 0, "suppliers": 0}
        assert tasks.run(today=today + dt.timedelta(days=3)) == {"documents": 0, "suppliers": 0}
    assert Fact.objects.count() == facts_now and told.count() == 1


def test_the_command_runs_the_check_and_says_so(trading_supplier, operator):
    document = _licence(trading_supplier.company, trading_supplier)
    services.document_decide(
        document=document,
        by_user=operator,
        approve=True,
        valid_until=timezone.localdate() + dt.timedelta(days=9),
    )
    _pass_the_date(document)
    out = StringIO()
    call_command("check_expiries", stdout=out)
    assert out.getvalue().strip() == "1 verification documents expired; certificates expired at 0 suppliers."
    document.refresh_from_db()
    assert document.status == DocumentStatus.EXPIRED


def test_the_daily_chain_queues_the_next_run_once(settings):
    # The immediate backend cannot defer: the command or cron does the daily job.
    assert tasks.schedule_next() is None
    assert daily.next_run(dt.datetime(2026, 12, 2, 0, 10, tzinfo=dt.UTC), tasks.RUN_AT) == dt.datetime(
        2026, 12, 2, 0, 15, tzinfo=dt.UTC
    )
    assert daily.next_run(dt.datetime(2026, 12, 2, 0, 15, tzinfo=dt.UTC), tasks.RUN_AT) == dt.datetime(
        2026, 12, 3, 0, 15, tzinfo=dt.UTC
    )
