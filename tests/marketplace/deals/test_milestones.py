"""Payment milestones: proof from the payer, confirmation by the payee or an operator, the daily due/overdue
check (once per change, both sides told), credit facts, and a late payment lowering the buyer's index."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from credit import index
from credit.models import Assessment, Fact
from marketplace.deals import milestones, orders
from marketplace.deals.models import Deal, DealState, Milestone, MilestoneStatus, Order, PaymentProof
from marketplace.notifications.models import Notification
from tests.marketplace.deals.factories import PDF_BYTES, agreed_deal
from tests.marketplace.deals.test_orders import both_accept, rate

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def ordered(parties):
    rate(parties["buyer"], "A")
    deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"], payment_terms="deposit_balance")
    both_accept(deal, parties)
    orders.place_order(deal=deal, by_user=parties["buyer_user"])
    deal.refresh_from_db()
    return deal


def deposit(deal):
    return deal.milestones.get(seq=1)


def state(deal):
    deal.refresh_from_db()
    return (
        deal.record_length,
        list(Milestone.objects.filter(deal=deal).values_list("status", "paid_on")),
        PaymentProof.objects.count(),
        Fact.objects.count(),
    )


def test_the_payer_uploads_a_proof_kept_privately_with_its_hash(ordered, parties, settings):
    proof = milestones.upload_proof(
        milestone=deposit(ordered),
        by_user=parties["buyer_staff"],
        upload=SimpleUploadedFile("slip.pdf", PDF_BYTES, content_type="application/pdf"),
        note="TT ref 123",
    )
    assert proof.sha256 == hashlib.sha256(PDF_BYTES).hexdigest() and proof.content_type == "application/pdf"
    assert proof.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))  # private storage, outside /media/
    event = ordered.events.get(action="payment_proof")
    assert event.data == {
        "milestone": 1,
        "sha256": proof.sha256,
        "type": "application/pdf",
        "note": "TT ref 123",
    }


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("slip.pdf", b"MZ\x90\x00" + b"\x00" * 100, "not a PDF, JPEG or PNG"),  # a program named .pdf
        ("slip.png", b"GIF89a" + b"\x00" * 100, "not a PDF, JPEG or PNG"),
        ("slip.pdf", b"", "empty"),
    ],
)
def test_a_disguised_or_empty_proof_is_refused_with_nothing_written(ordered, parties, name, content, message):
    before = state(ordered)
    with pytest.raises(ValidationError) as error:
        milestones.upload_proof(
            milestone=deposit(ordered),
            by_user=parties["buyer_user"],
            upload=SimpleUploadedFile(name, content),
        )
    assert message in " ".join(error.value.message_dict["file"])
    assert state(ordered) == before


def test_an_oversize_proof_is_refused(ordered, parties, settings):
    settings.DEALS_PROOF_MAX_BYTES = 1000
    before = state(ordered)
    with pytest.raises(ValidationError) as error:
        milestones.upload_proof(
            milestone=deposit(ordered),
            by_user=parties["buyer_user"],
            upload=SimpleUploadedFile("slip.png", PNG + b"\x00" * 2000),
        )
    assert "the limit is" in " ".join(error.value.message_dict["file"])
    assert state(ordered) == before


@pytest.mark.parametrize("who", ["supplier_user", "third_user", "operator", "risk_officer", "no_company"])
def test_only_the_payer_uploads_proof(ordered, parties, who):
    before = state(ordered)
    with pytest.raises(PermissionDenied):
        milestones.upload_proof(
            milestone=deposit(ordered), by_user=parties[who], upload=SimpleUploadedFile("slip.pdf", PDF_BYTES)
        )
    assert state(ordered) == before


@pytest.mark.parametrize(
    "who", ["buyer_user", "third_user", "risk_officer", "bank_risk_officer", "no_company"]
)
def test_only_the_payee_or_an_operator_confirms(ordered, parties, who):
    before = state(ordered)
    with pytest.raises(PermissionDenied):
        milestones.confirm_payment(
            milestone=deposit(ordered), by_user=parties[who], paid_on=timezone.localdate()
        )
    assert state(ordered) == before


@pytest.mark.parametrize("days", [1, -30])  # in the future; before the order
def test_a_payment_date_outside_the_order_is_refused(ordered, parties, days):
    before = state(ordered)
    with pytest.raises(ValidationError) as error:
        milestones.confirm_payment(
            milestone=deposit(ordered),
            by_user=parties["supplier_user"],
            paid_on=timezone.localdate() + dt.timedelta(days=days),
        )
    assert "paid_on" in error.value.message_dict
    assert state(ordered) == before


def test_no_payment_on_a_deal_that_is_not_running(ordered, parties):
    Deal.objects.filter(pk=ordered.pk).update(state=DealState.CANCELLED)
    before = state(ordered)
    with pytest.raises(ValidationError):
        milestones.confirm_payment(
            milestone=deposit(ordered), by_user=parties["operator"], paid_on=timezone.localdate()
        )
    assert state(ordered) == before


def test_confirming_on_time_records_invoice_paid_once(ordered, parties):
    today = timezone.localdate()
    milestone = milestones.confirm_payment(
        milestone=deposit(ordered), by_user=parties["operator"], paid_on=today
    )
    assert milestone.status == MilestoneStatus.PAID and milestone.confirmed_by == parties["operator"]
    fact = Fact.objects.get(kind="invoice_paid")
    assert fact.external_ref == f"deal:{ordered.pk}:milestone:1:paid"
    assert fact.payload["due_date"] == (today + dt.timedelta(days=7)).isoformat()
    assert not Fact.objects.filter(kind="payment_late").exists()
    with pytest.raises(ValidationError):  # twice: refused, nothing more written
        milestones.confirm_payment(
            milestone=deposit(ordered), by_user=parties["supplier_user"], paid_on=today
        )
    assert Fact.objects.filter(kind="invoice_paid").count() == 1


def test_the_daily_check_moves_each_milestone_once_and_tells_both_sides(ordered, parties):
    first = deposit(ordered)
    today = timezone.localdate()
    Notification.objects.all().delete()
    assert milestones.refresh(today)["due"] == 1  # the deposit is due within 7 days
    assert milestones.refresh(today) == {
        "due": 0,
        "overdue": 0,
        "serious": 0,
    }  # the second run changes nothing
    first.refresh_from_db()
    assert first.status == MilestoneStatus.DUE
    assert ordered.events.filter(action="milestone_due").count() == 1
    later = first.due_date + dt.timedelta(days=1)
    moved = milestones.refresh(later)
    assert moved["overdue"] == 1
    assert milestones.refresh(later)["overdue"] == 0
    assert ordered.events.filter(action="milestone_overdue").count() == 1


def test_the_daily_task_runs_the_check(ordered):
    from marketplace.deals.tasks import check_milestones

    result = check_milestones.enqueue()
    assert result.return_value == {"due": 1, "overdue": 0, "serious": 0}
    assert deposit(ordered).status == MilestoneStatus.DUE


def test_ninety_days_overdue_is_a_serious_delinquency_fact(ordered):
    first = deposit(ordered)
    Milestone.objects.filter(pk=first.pk).update(due_date=timezone.localdate() - dt.timedelta(days=90))
    assert milestones.refresh()["serious"] == 1
    assert milestones.refresh()["serious"] == 0  # idempotent by its reference
    fact = Fact.objects.get(kind="payment_late", external_ref=f"deal:{ordered.pk}:milestone:1:overdue90")
    assert fact.payload["days_late"] == 90


def newest(company):
    """The assessment credit's recompute stored last (the fixture's hand-made one is dated ahead)."""
    return Assessment.objects.filter(subject_id=company.pk).order_by("-id").first()


def test_a_late_payment_recorded_through_a_deal_lowers_the_buyers_index(ordered, parties):
    buyer = parties["buyer"]
    index.recompute(subject_ids=[buyer.pk])
    before = newest(buyer).index
    first = deposit(ordered)
    # The deposit fell due 70 days ago and was paid today: 70 days late.
    Milestone.objects.filter(pk=first.pk).update(due_date=timezone.localdate() - dt.timedelta(days=70))
    Order.objects.filter(pk=ordered.order.pk).update(placed_at=timezone.now() - dt.timedelta(days=80))
    milestones.confirm_payment(
        milestone=first, by_user=parties["supplier_user"], paid_on=timezone.localdate()
    )
    late = Fact.objects.get(kind="payment_late", external_ref=f"deal:{ordered.pk}:milestone:1:late")
    assert late.payload["days_late"] == 70
    index.recompute(subject_ids=[buyer.pk])
    after = newest(buyer)
    assert after.index < before, (before, after.index)
