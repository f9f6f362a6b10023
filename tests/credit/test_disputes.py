"""Fact disputes: every transition, who may open and decide, the deadline, and that nothing is deleted."""

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from credit import disputes, facts
from credit.features import AGGS, LATEST_KINDS, feature_vector
from credit.index import current
from credit.kinds import RETRACTION_KIND, SourceType
from credit.models import (
    AppendOnlyError,
    Assessment,
    DisputeEvent,
    DisputeStatus,
    Fact,
    FactDispute,
    Source,
    SourcePartner,
)
from marketplace.companies.models import PlatformRole
from marketplace.notifications.models import Notification
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
_refs = itertools.count(1)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name="receipt.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _member(company):
    return MembershipFactory(company=company).user


@pytest.fixture
def world():
    """A company and its staff, a bank source run by a partner company, another partner, staff roles."""
    company = CompanyFactory()
    bank_company, insurer_company = CompanyFactory(name="Bank Co"), CompanyFactory(name="Insurer Co")
    bank = Source.objects.create(code="bank-x", name="Bank X", source_type=SourceType.BANK)
    insurer = Source.objects.create(code="ins-x", name="Insurer X", source_type=SourceType.INSURER)
    SourcePartner.objects.create(source=bank, partner=bank_company)
    SourcePartner.objects.create(source=insurer, partner=insurer_company)
    late, _ = facts.record(
        source=bank,
        kind="payment_late",
        subject=company,
        payload={"days_late": 75, "amount": "20000", "currency": "USD", "invoice": "INV-9"},
        occurred_at=timezone.now() - dt.timedelta(days=20),
        external_ref=f"late-{next(_refs)}",
    )
    return SimpleNamespace(
        company=company,
        member=_member(company),
        colleague=_member(company),
        outsider=_member(CompanyFactory()),
        reviewer=_member(bank_company),
        other_reviewer=_member(insurer_company),
        risk=UserFactory(platform_role=PlatformRole.RISK_OFFICER),
        operator=UserFactory(platform_role=PlatformRole.OPERATOR),
        bank=bank,
        fact=late,
    )


def _open(w, **kwargs):
    return disputes.dispute_open(
        fact=w.fact,
        by_user=kwargs.pop("by", w.member),
        ground=kwargs.pop("ground", "already_paid"),
        statement=kwargs.pop("statement", "Paid on the due date; the bank statement is attached."),
        evidence=kwargs.pop("evidence", [pdf()]),
    )


def test_a_member_opens_a_dispute_the_fact_stays_and_is_marked(world, django_capture_on_commit_callbacks):
    facts_before = Fact.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        dispute = _open(world)
    assert dispute.status == DisputeStatus.OPEN and dispute.is_open and not dispute.is_overdue
    assert abs((dispute.due_at - dispute.opened_at) - dt.timedelta(days=30)) < dt.timedelta(seconds=1)
    assert dispute.days_left == 30
    assert [e.action for e in dispute.events.all()] == ["opened", "evidence_added"]
    assert dispute.events.first().actor == world.member
    evidence = dispute.evidence.get()
    assert evidence.content_type == "application/pdf" and evidence.size == len(PDF)
    assert Fact.objects.count() == facts_before  # a dispute is its own record
    assert disputes.open_fact_ids(subject_id=world.company.pk) == {world.fact.pk}
    # The source's reviewers hear of it.
    assert Notification.objects.filter(recipient=world.reviewer).count() == 1
    assert not Notification.objects.filter(recipient=world.other_reviewer).exists()


@pytest.mark.parametrize("who", ["outsider", "reviewer", "other_reviewer", "risk", "operator"])
def test_only_the_company_members_open_a_dispute(world, who):
    with pytest.raises(PermissionDenied):
        _open(world, by=getattr(world, who))
    assert not FactDispute.objects.exists()


def test_evidence_is_judged_by_its_content(world):
    fake = SimpleUploadedFile("statement.pdf", b"just text, not a PDF", content_type="application/pdf")
    with pytest.raises(ValidationError, match="PDF, PNG or JPEG"):
        _open(world, evidence=[fake])
    assert not FactDispute.objects.exists()  # the whole opening rolled back


def test_one_open_dispute_per_fact_and_a_statement_is_required(world):
    with pytest.raises(ValidationError):
        _open(world, statement="  ")
    _open(world)
    with pytest.raises(ValidationError, match="already under review"):
        _open(world, by=world.colleague)


@pytest.mark.parametrize("who", ["member", "outsider", "other_reviewer", "operator"])
def test_only_the_source_reviewers_or_risk_officers_decide(world, who):
    dispute = _open(world)
    user = getattr(world, who)
    with pytest.raises(PermissionDenied):
        disputes.dispute_reject(dispute=dispute, by_user=user, reason="No.")
    with pytest.raises(PermissionDenied):
        disputes.dispute_correct(
            dispute=dispute,
            by_user=user,
            kind="payment_late",
            payload={"days_late": 1, "amount": "1", "currency": "USD"},
            reason="x",
        )
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN


def test_rejection_needs_a_reason_keeps_the_fact_tells_the_company(world, django_capture_on_commit_callbacks):
    dispute = _open(world)
    with pytest.raises(ValidationError):
        disputes.dispute_reject(dispute=dispute, by_user=world.reviewer, reason=" ")
    assessments = Assessment.objects.filter(subject=world.company).count()
    with django_capture_on_commit_callbacks(execute=True):
        disputes.dispute_reject(
            dispute=dispute, by_user=world.reviewer, reason="Our ledger shows payment 75 days late."
        )
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.REJECTED and dispute.decided_by == world.reviewer
    assert dispute.correction is None
    assert Fact.objects.visible(timezone.now()).filter(pk=world.fact.pk).exists()
    assert Assessment.objects.filter(subject=world.company).count() == assessments + 1  # recomputed
    told = Notification.objects.get(recipient=world.member)
    assert "rejected" in told.title and "75 days" in told.body
    assert Notification.objects.filter(recipient=world.colleague).exists()
    assert [e.action for e in dispute.events.all()][-1] == "rejected"
    # A decided dispute cannot be decided again or withdrawn.
    with pytest.raises(ValidationError):
        disputes.dispute_correct(
            dispute=dispute, by_user=world.risk, kind="invoice_paid", payload={}, reason="x"
        )
    with pytest.raises(ValidationError):
        disputes.dispute_withdraw(dispute=dispute, by_user=world.member)


def test_correction_is_a_new_fact_that_supersedes_and_raises_the_index(
    world, django_capture_on_commit_callbacks
):
    dispute = _open(world)
    before = current(world.company)
    day = world.fact.occurred_at.date().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        disputes.dispute_correct(
            dispute=dispute,
            by_user=world.risk,
            kind="invoice_paid",
            payload={
                "amount": "20000",
                "currency": "USD",
                "due_date": day,
                "paid_date": day,
                "invoice": "INV-9",
            },
            reason="The bank confirms the invoice was paid on its due date.",
        )
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.CORRECTED and dispute.decided_by == world.risk
    correction = dispute.correction
    assert correction.supersedes_id == world.fact.pk and correction.source_id == world.bank.pk
    assert Fact.objects.filter(pk=world.fact.pk).exists()  # the old fact is kept...
    visible = Fact.objects.visible(timezone.now()).filter(subject=world.company)
    assert list(visible.values_list("kind", flat=True)) == ["invoice_paid"]  # ...but no longer counts
    after = Assessment.objects.filter(subject=world.company).order_by("-as_of", "-id").first()
    assert after.pk != before.pk and after.index > before.index
    assert Notification.objects.filter(recipient=world.member, title__contains="corrected").exists()
    assert [e.action for e in dispute.events.all()][-1] == "corrected"


def test_the_reviewer_of_the_source_may_correct(world):
    dispute = _open(world)
    disputes.dispute_correct(
        dispute=dispute,
        by_user=world.reviewer,
        kind="payment_late",
        payload={"days_late": 5, "amount": "20000", "currency": "USD"},
        reason="It was 5 days late, not 75.",
    )
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.CORRECTED and dispute.correction.metric == 5.0


def test_an_invalid_correction_changes_nothing(world):
    dispute = _open(world)
    with pytest.raises(ValidationError):
        disputes.dispute_correct(
            dispute=dispute, by_user=world.risk, kind="payment_late", payload={"days_late": 0}, reason="x"
        )
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN and dispute.correction is None


def test_withdrawal_by_a_member(world):
    dispute = _open(world)
    with pytest.raises(PermissionDenied):
        disputes.dispute_withdraw(dispute=dispute, by_user=world.reviewer)
    disputes.dispute_withdraw(dispute=dispute, by_user=world.colleague)
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        disputes.dispute_reject(dispute=dispute, by_user=world.risk, reason="late")
    # The fact may be disputed again afterwards.
    assert _open(world).is_open


def test_evidence_only_while_open_and_only_by_members(world):
    dispute = _open(world, evidence=[])
    with pytest.raises(PermissionDenied):
        disputes.evidence_add(dispute=dispute, by_user=world.reviewer, upload=pdf())
    disputes.evidence_add(dispute=dispute, by_user=world.member, upload=pdf("second.pdf"))
    disputes.dispute_reject(dispute=dispute, by_user=world.risk, reason="late")
    with pytest.raises(ValidationError):
        disputes.evidence_add(dispute=dispute, by_user=world.member, upload=pdf("third.pdf"))
    assert list(dispute.evidence.values_list("original_name", flat=True)) == ["second.pdf"]


def test_the_deadline(world, settings):
    settings.CREDIT_DISPUTE_REVIEW_DAYS = 5
    dispute = _open(world)
    assert dispute.days_left == 5 and not disputes.overdue().exists()
    FactDispute.objects.filter(pk=dispute.pk).update(due_at=timezone.now() - dt.timedelta(hours=30))
    dispute.refresh_from_db()
    assert dispute.is_overdue and dispute.days_overdue == 2 and dispute.days_left == 0
    assert list(disputes.overdue()) == [dispute]
    assert list(disputes.review_queue(user=world.reviewer, overdue=True)) == [dispute]
    assert list(disputes.review_queue(user=world.other_reviewer)) == []
    # Deciding ends it being overdue.
    disputes.dispute_reject(dispute=dispute, by_user=world.reviewer, reason="Late indeed.")
    assert not disputes.overdue().exists()


def test_nothing_is_deleted(world):
    dispute = _open(world)
    disputes.dispute_reject(dispute=dispute, by_user=world.risk, reason="late")
    with pytest.raises(AppendOnlyError):
        dispute.delete()
    with pytest.raises(AppendOnlyError):
        dispute.evidence.get().delete()
    event = dispute.events.first()
    with pytest.raises(AppendOnlyError):
        event.delete()
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        world.fact.delete()
    assert DisputeEvent.objects.filter(dispute=dispute).count() == 3


# -- what upholding records, by ground ------------------------------------------------------------


def _latest_assessment(company):
    return Assessment.objects.filter(subject=company).order_by("-as_of", "-id").first()


def test_upholding_not_ours_retracts_the_late_payment_and_restores_the_index(
    world, django_capture_on_commit_callbacks
):
    # A twin that never had the late payment: the index the company should get back.
    twin = CompanyFactory(created_at=world.company.created_at, country=world.company.country)
    clean = current(twin)
    before = current(world.company)
    assert before.features["worst_days_late_24m"] == 75.0 and before.index < clean.index
    original = Fact.objects.filter(pk=world.fact.pk).values().get()
    facts_before = Fact.objects.count()

    dispute = _open(world, ground="not_ours", statement="INV-9 is another company's invoice.")
    kind, _payload = disputes.suggested_correction(dispute)
    assert kind == "payment_late"  # "not ours" is upheld by retracting, not by a correction to fill in
    with django_capture_on_commit_callbacks(execute=True):
        disputes.dispute_retract(
            dispute=dispute, by_user=world.reviewer, reason="The invoice belongs to a namesake."
        )

    dispute.refresh_from_db()
    retraction = dispute.correction
    assert dispute.status == DisputeStatus.RETRACTED and dispute.decided_by == world.reviewer
    assert dispute.get_status_display() == "Retracted"
    assert retraction.kind == "fact_retracted" and retraction.supersedes_id == world.fact.pk
    assert retraction.source_id == world.bank.pk
    assert retraction.payload == {
        "ground": "not_ours",
        "retracted_kind": "payment_late",
        "note": "The invoice belongs to a namesake.",
    }
    # Append-only: one fact more, the retracted one kept exactly as it was.
    assert Fact.objects.count() == facts_before + 1
    assert Fact.objects.filter(pk=world.fact.pk).values().get() == original
    with pytest.raises(AppendOnlyError):
        Fact.objects.filter(pk=world.fact.pk).update(metric=0)

    after = _latest_assessment(world.company)
    assert after.pk != before.pk  # recomputed
    assert after.features["worst_days_late_24m"] is None and after.features["avg_days_late_24m"] is None
    assert after.index == clean.index and after.grade == clean.grade
    evidence_features = {k: v for k, v in after.features.items() if k != "years_on_platform"}
    assert evidence_features == {k: v for k, v in clean.features.items() if k != "years_on_platform"}

    # Point in time: an index as of a moment before the retraction was known still saw the late payment.
    earlier = feature_vector(subject=world.company, as_of=retraction.known_at - dt.timedelta(microseconds=1))
    assert earlier["worst_days_late_24m"] == 75.0
    assert feature_vector(subject=world.company, as_of=retraction.known_at)["worst_days_late_24m"] is None

    # The retraction is not itself disputable; the company is told; the trail says what happened.
    assert not disputes.disputable_facts(subject_id=world.company.pk).exists()
    assert Notification.objects.filter(recipient=world.member, title__contains="retracted").exists()
    assert [e.action for e in dispute.events.all()][-1] == "retracted"
    context = disputes.risk_context(subject_id=world.company.pk)
    assert context["retracted_ids"] == {world.fact.pk}


def test_a_retraction_must_name_the_fact_and_no_feature_reads_it(world):
    with pytest.raises(ValidationError, match="names the fact it takes back"):
        facts.record(
            source=world.bank,
            kind="fact_retracted",
            subject=world.company,
            payload={"ground": "duplicate", "retracted_kind": "payment_late"},
            occurred_at=timezone.now(),
            external_ref="retract-nothing",
        )
    read = {k for agg in AGGS.values() for k in agg.kinds} | set(LATEST_KINDS)
    assert RETRACTION_KIND not in read
    # A partner retracts its own fact through the same path as any fact (supersedes_ref in the API).
    other = CompanyFactory()
    with pytest.raises(ValidationError, match="another subject"):
        facts.record(
            source=world.bank,
            kind="fact_retracted",
            subject=other,
            payload={"ground": "duplicate", "retracted_kind": "payment_late"},
            occurred_at=timezone.now(),
            external_ref="retract-other",
            supersedes=world.fact,
        )


def test_only_reviewers_retract_and_a_reason_is_needed(world):
    dispute = _open(world, ground="not_ours")
    for user in (world.member, world.other_reviewer, world.operator):
        with pytest.raises(PermissionDenied):
            disputes.dispute_retract(dispute=dispute, by_user=user, reason="x")
    with pytest.raises(ValidationError):
        disputes.dispute_retract(dispute=dispute, by_user=world.risk, reason="  ")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN
    assert not Fact.objects.filter(kind="fact_retracted").exists()


def test_already_paid_on_a_late_payment_becomes_the_payment_on_time(
    world, django_capture_on_commit_callbacks
):
    dispute = _open(world, ground="already_paid")
    kind, payload = disputes.suggested_correction(dispute)
    due = (world.fact.occurred_at - dt.timedelta(days=75)).date().isoformat()
    assert kind == "invoice_paid"
    assert payload == {
        "amount": "20000",
        "currency": "USD",
        "invoice": "INV-9",
        "due_date": due,
        "paid_date": due,
    }
    with django_capture_on_commit_callbacks(execute=True):
        disputes.dispute_correct(
            dispute=dispute,
            by_user=world.reviewer,
            kind=kind,
            payload=payload,
            reason="Paid on the due date.",
        )
    correction = FactDispute.objects.get(pk=dispute.pk).correction
    assert correction.kind == "invoice_paid" and correction.metric == 0.0  # paid 0 days late
    assert correction.supersedes_id == world.fact.pk
    after = _latest_assessment(world.company).features
    assert after["on_time_payment_ratio"] == 1.0 and after["worst_days_late_24m"] == 0.0


def test_wrong_is_corrected_with_the_same_kind_and_the_right_content(
    world, django_capture_on_commit_callbacks
):
    dispute = _open(world, ground="wrong", statement="It was 5 days late, not 75.")
    kind, payload = disputes.suggested_correction(dispute)
    assert (kind, payload) == ("payment_late", world.fact.payload)
    with django_capture_on_commit_callbacks(execute=True):
        disputes.dispute_correct(
            dispute=dispute,
            by_user=world.reviewer,
            kind=kind,
            payload={**payload, "days_late": 5},
            reason="Our ledger shows 5 days.",
        )
    correction = FactDispute.objects.get(pk=dispute.pk).correction
    assert correction.kind == "payment_late" and correction.metric == 5.0
    assert _latest_assessment(world.company).features["worst_days_late_24m"] == 5.0
