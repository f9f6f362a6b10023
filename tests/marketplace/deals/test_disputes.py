"""Disputes within the claim window, the supplier's answer, the operator's decision, completion after the window."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from credit.models import Fact
from marketplace.deals import disputes, record, shipments
from marketplace.deals.models import Delivery, Dispute
from marketplace.deals.tasks_fulfilment import complete_due_deals
from marketplace.notifications.models import Notification
from tests.marketplace.deals.fulfilment_helpers import (
    STATES,
    bring_to,
    disguised,
    pdf,
    shipping_documents,
    snapshot,
)

pytestmark = pytest.mark.django_db


def delivered(deal, parties, *, days_ago=0):
    bring_to(deal, "ordered")
    shipments.record_shipment(
        deal=deal,
        by_user=parties["supplier_user"],
        mode="sea",
        carrier="Maersk",
        tracking_reference="MSKU1234567",
        shipped_on=timezone.localdate(),
        documents=shipping_documents(),
    )
    shipments.confirm_delivery(deal=deal, by_user=parties["buyer_user"], delivered_on=timezone.localdate())
    if days_ago:
        Delivery.objects.filter(deal=deal).update(claim_until=timezone.now() - dt.timedelta(days=days_ago))
    deal.refresh_from_db()
    return deal


def open_(deal, user, **kwargs):
    return disputes.open_dispute(
        deal=deal,
        by_user=user,
        reason=kwargs.pop("reason", "quality"),
        description=kwargs.pop("description", "12 of 100 housings cracked."),
        claimed_amount=kwargs.pop("claimed_amount", "1500.00"),
        files=kwargs.pop("files", [pdf("photos.pdf")]),
    )


def test_dispute_answer_decision_chain(deal, parties, django_capture_on_commit_callbacks):
    delivered(deal, parties)
    with django_capture_on_commit_callbacks(execute=True):
        dispute = open_(deal, parties["buyer_staff"])
    deal.refresh_from_db()
    assert deal.state == "disputed" and dispute.claimed_amount == Decimal("1500.00")
    assert Fact.objects.get(kind="dispute_opened").subject_id == deal.supplier_id
    assert Notification.objects.filter(
        recipient=parties["operator"], title="A dispute awaits a decision"
    ).exists()
    with django_capture_on_commit_callbacks(execute=True):
        disputes.answer_dispute(
            deal=deal, by_user=parties["supplier_user"], answer="Cracks from transit.", files=[pdf()]
        )
    with pytest.raises(ValidationError):
        disputes.answer_dispute(deal=deal, by_user=parties["supplier_user"], answer="Again")
    with django_capture_on_commit_callbacks(execute=True):
        disputes.resolve_dispute(
            deal=deal,
            by_user=parties["operator"],
            resolution="partial",
            refund_amount="900",
            reason="Half the cracks predate loading.",
        )
    deal.refresh_from_db()
    dispute.refresh_from_db()
    assert deal.state == "completed" and dispute.refund_amount == Decimal("900")
    assert [e.action for e in deal.events.order_by("seq")][-3:] == [
        "open_dispute",
        "dispute_answer",
        "resolve_dispute",
    ]
    assert deal.events.order_by("seq").last().actor_company_id is None
    assert record.verify(deal) is None
    outcome = {f.subject_id: f.payload["in_favour_of"] for f in Fact.objects.filter(kind="dispute_resolved")}
    assert outcome == {deal.buyer_id: "subject", deal.supplier_id: "counterparty"}
    completed = Fact.objects.filter(kind="deal_completed")
    assert {f.subject_id for f in completed} == {deal.buyer_id, deal.supplier_id}
    assert {f.amount for f in completed} == {Decimal("124100.00")}  # 10 × 12,500 less the 900 refund
    # Idempotent: the same event again records nothing new.
    from marketplace.deals import fulfilment_facts

    fulfilment_facts.record_for(deal, deal.events.order_by("seq").last())
    assert Fact.objects.filter(kind="deal_completed").count() == 2


def test_no_dispute_after_the_claim_window(deal, parties):
    delivered(deal, parties, days_ago=1)
    before = snapshot(deal)
    with pytest.raises(ValidationError) as error:
        open_(deal, parties["buyer_user"])
    assert "claim window" in " ".join(error.value.messages)
    assert snapshot(deal) == before


@pytest.mark.parametrize("state", [s for s in STATES if s != "delivered"])
def test_no_dispute_from_other_states(deal, parties, state):
    bring_to(deal, state)
    before = snapshot(deal)
    with pytest.raises(ValidationError):
        open_(deal, parties["buyer_user"])
    assert snapshot(deal) == before


@pytest.mark.parametrize("who", ["supplier_user", "third_user", "operator", "risk_officer"])
def test_only_the_buyer_opens_a_dispute(deal, parties, who):
    delivered(deal, parties)
    before = snapshot(deal)
    with pytest.raises(PermissionDenied):
        open_(deal, parties[who])
    assert snapshot(deal) == before


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"description": ""}, "description"),
        ({"reason": "bored"}, "reason"),
        ({"claimed_amount": "-5"}, "claimed_amount"),
        ({"claimed_amount": "10.555"}, "claimed_amount"),
        ({"claimed_amount": "abc"}, "claimed_amount"),
        ({"claimed_amount": "999999999"}, "claimed_amount"),
        ({"files": [disguised("evidence.png")]}, "files"),
    ],
)
def test_bad_dispute_input_is_refused(deal, parties, kwargs, field):
    delivered(deal, parties)
    before = snapshot(deal)
    with pytest.raises(ValidationError) as error:
        open_(deal, parties["buyer_user"], **kwargs)
    assert field in error.value.message_dict
    assert snapshot(deal) == before


def test_answer_and_decision_by_the_right_people_only(deal, parties):
    delivered(deal, parties)
    open_(deal, parties["buyer_user"])
    before = snapshot(deal)
    for who in ("buyer_user", "third_user", "operator"):
        with pytest.raises(PermissionDenied):
            disputes.answer_dispute(deal=deal, by_user=parties[who], answer="No")
    for who in ("buyer_user", "supplier_user", "risk_officer", "third_user"):
        with pytest.raises(PermissionDenied):
            disputes.resolve_dispute(deal=deal, by_user=parties[who], resolution="rejected", reason="No")
    for kwargs in (
        {"resolution": "partial", "refund_amount": ""},
        {"resolution": "partial", "refund_amount": "125000"},
        {"resolution": "rejected", "reason": ""},
    ):
        with pytest.raises(ValidationError):
            disputes.resolve_dispute(deal=deal, by_user=parties["operator"], **{"reason": "x", **kwargs})
    assert snapshot(deal) == before


def test_a_rejected_claim_goes_the_suppliers_way(deal, parties, django_capture_on_commit_callbacks):
    delivered(deal, parties)
    open_(deal, parties["buyer_user"])
    with django_capture_on_commit_callbacks(execute=True):
        disputes.resolve_dispute(
            deal=deal, by_user=parties["operator"], resolution="rejected", reason="Photos show misuse."
        )
    outcome = {f.subject_id: f.metric for f in Fact.objects.filter(kind="dispute_resolved")}
    assert outcome == {deal.buyer_id: 1.0, deal.supplier_id: 0.0}


def test_the_daily_task_completes_only_deals_whose_window_closed(
    deal, parties, django_capture_on_commit_callbacks
):
    delivered(deal, parties, days_ago=1)
    from marketplace.deals import services
    from tests.marketplace.deals.fulfilment_helpers import bring_to as _bring

    still_open = services.open_deal(
        buyer=parties["buyer"],
        supplier=parties["supplier"],
        by_user=parties["buyer_user"],
        opening=services.Opening(kind="company", message="Second lot"),
    )
    delivered(still_open, parties)
    disputed = services.open_deal(
        buyer=parties["buyer"],
        supplier=parties["supplier"],
        by_user=parties["buyer_user"],
        opening=services.Opening(kind="company", message="Third lot"),
    )
    delivered(disputed, parties)
    open_(disputed, parties["buyer_user"])
    Delivery.objects.filter(deal=disputed).update(claim_until=timezone.now() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = complete_due_deals.enqueue()
    assert result.return_value == 1
    states = {d.pk: d.state for d in (deal, still_open, disputed) if not d.refresh_from_db()}
    assert states == {deal.pk: "completed", still_open.pk: "delivered", disputed.pk: "disputed"}
    last = deal.events.order_by("seq").last()
    assert last.action == "complete" and last.actor_user_id is None
    assert (
        Fact.objects.filter(kind="deal_completed", external_ref__startswith=f"deal:{deal.pk}:").count() == 2
    )
    assert record.verify(deal) is None
    assert complete_due_deals.enqueue().return_value == 0
    assert _bring  # the helper module is shared with the other tests


def test_completing_by_hand_is_refused_while_the_window_is_open(deal, parties):
    delivered(deal, parties)
    before = snapshot(deal)
    assert disputes.complete_after_window(deal=deal) is False
    assert snapshot(deal) == before
    assert Dispute.objects.count() == 0
