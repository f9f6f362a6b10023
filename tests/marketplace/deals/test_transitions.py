"""The deal's table through `services.step`: every event from every state it allows moves the deal and
appends one event; from every other state, by the wrong party or a platform role, nothing changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.core.transitions import TransitionNotAllowed
from marketplace.deals import permissions, record, services
from marketplace.deals.models import DEAL_TRANSITIONS, Deal, DealEvent, DealState

EVENTS = [event for event in DEAL_TRANSITIONS.moves if event != "open"]
ALLOWED = [(e, s) for e in EVENTS for s in DEAL_TRANSITIONS.moves[e]]
FORBIDDEN = [(e, s) for e in EVENTS for s in DealState.values if s not in DEAL_TRANSITIONS.moves[e]]


def snapshot(deal):
    fresh = Deal.objects.get(pk=deal.pk)
    return (
        fresh.state,
        fresh.record_length,
        fresh.record_head,
        fresh.cancelled_at,
        list(DealEvent.objects.filter(deal=deal).values_list("pk", "hash")),
    )


def _in_state(deal, state):
    Deal.objects.filter(pk=deal.pk).update(state=state)
    deal.refresh_from_db()
    return deal


def test_the_table_has_every_state_and_event_of_the_plan():
    assert set(DEAL_TRANSITIONS.moves) == {
        "open", "propose", "decline_offer", "accept_offer", "place_order", "ship", "confirm_delivery",
        "open_dispute", "resolve_dispute", "complete", "cancel",
        "reopen",  # agreed → negotiation, for secured terms (negotiation.reopen)
    }  # fmt: skip
    targets = {t for sources in DEAL_TRANSITIONS.moves.values() for t in sources.values()}
    assert targets | {"inquiry"} == set(DealState.values)


@pytest.mark.parametrize("event, state", ALLOWED)
def test_each_event_moves_from_each_state_it_allows(deal, parties, event, state):
    _in_state(deal, state)
    row = services.step(
        deal, event, by_user=parties["buyer_user"], allowed=permissions.may_act, data={"note": "x"}
    )
    deal.refresh_from_db()
    assert deal.state == DEAL_TRANSITIONS.moves[event][state]
    assert (row.action, row.data["from"], row.data["to"], row.data["note"]) == (event, state, deal.state, "x")
    assert row.actor_company_id == parties["buyer"].pk
    assert deal.record_length == 2 and record.verify(deal) is None


@pytest.mark.parametrize("event, state", FORBIDDEN)
def test_each_event_is_refused_from_every_other_state_and_writes_nothing(deal, parties, event, state):
    _in_state(deal, state)
    before = snapshot(deal)
    with pytest.raises(TransitionNotAllowed):
        services.step(deal, event, by_user=parties["buyer_user"], allowed=permissions.may_act)
    assert snapshot(deal) == before


@pytest.mark.parametrize(
    "who", ["third_user", "no_company", "operator", "risk_officer", "bank_risk_officer", "editor"]
)
@pytest.mark.parametrize("event", ["propose", "cancel"])
def test_outsiders_and_platform_roles_cannot_step(deal, parties, who, event):
    before = snapshot(deal)
    with pytest.raises(PermissionDenied):
        services.step(deal, event, by_user=parties[who], allowed=permissions.may_act)
    assert snapshot(deal) == before


def test_a_step_for_one_side_refuses_the_other(deal, parties):
    before = snapshot(deal)
    with pytest.raises(PermissionDenied):
        services.step(
            deal, "propose", by_user=parties["buyer_user"], allowed=permissions.may_act_for("supplier")
        )
    assert snapshot(deal) == before


def test_a_refusing_apply_rolls_everything_back(deal, parties):
    before = snapshot(deal)

    def refuse(locked):
        locked.subject = "changed"
        raise ValidationError("no")

    with pytest.raises(ValidationError):
        services.step(
            deal, "propose", by_user=parties["buyer_user"], allowed=permissions.may_act, apply=refuse
        )
    assert snapshot(deal) == before and Deal.objects.get(pk=deal.pk).subject != "changed"


def test_side_step_keeps_the_state_and_checks_states(deal, parties):
    row = services.side_step(
        deal, "visit_requested", parties["buyer_user"], permissions.may_act, {"when": "Mon"}
    )
    assert row.seq == 2 and Deal.objects.get(pk=deal.pk).state == "inquiry"
    before = snapshot(deal)
    with pytest.raises(TransitionNotAllowed):
        services.side_step(
            deal, "payment_proof", parties["buyer_user"], permissions.may_act, states=["ordered"]
        )
    with pytest.raises(PermissionDenied):
        services.side_step(deal, "message", parties["third_user"], permissions.may_act)
    assert snapshot(deal) == before


@pytest.mark.parametrize("state", ["inquiry", "negotiation", "agreed", "ordered"])
def test_cancel_records_who_why_and_from_where(deal, parties, state):
    _in_state(deal, state)
    services.cancel(deal=deal, by_user=parties["supplier_staff"], reason="Factory closed for the holiday")
    deal.refresh_from_db()
    assert deal.state == "cancelled" and deal.cancelled_at_state == state
    assert deal.cancelled_by == parties["supplier_staff"] and deal.cancelled_by_company == parties["supplier"]
    assert deal.events.order_by("seq").last().data["reason"] == "Factory closed for the holiday"


def test_cancel_needs_a_reason_and_not_after_a_shipment(deal, parties):
    before = snapshot(deal)
    with pytest.raises(ValidationError):
        services.cancel(deal=deal, by_user=parties["buyer_user"], reason=" ")
    assert snapshot(deal) == before
    _in_state(deal, "ordered")
    services.side_step(deal, "ship", parties["supplier_user"], permissions.may_act, {"tracking": "X1"})
    before = snapshot(deal)
    with pytest.raises(ValidationError, match="shipped"):
        services.cancel(deal=deal, by_user=parties["buyer_user"], reason="late")
    assert snapshot(deal) == before


@pytest.mark.parametrize("kind", ["product", "company", "showcase_interest", "rfq"])
def test_a_supplier_opens_a_deal_only_from_a_fair_lead(parties, kind):
    """The supplier side may open an inquiry only to follow up a badge scanned at its booth."""
    buyer, supplier = parties["buyer_user"].company, parties["supplier_user"].company
    with pytest.raises(PermissionDenied):
        services.open_deal(
            buyer=buyer,
            supplier=supplier,
            by_user=parties["supplier_user"],
            opening=services.Opening(kind=kind),
        )
    assert not Deal.objects.filter(buyer=buyer, supplier=supplier, source_kind=kind).exists()
    deal = services.open_deal(
        buyer=buyer,
        supplier=supplier,
        by_user=parties["supplier_user"],
        opening=services.Opening(kind="fair_lead", reference="lead-1", message="We met at the booth."),
    )
    opening = deal.events.get(seq=1)
    assert opening.actor_company_id == supplier.pk and deal.messages.get().author_company == supplier
    # Nobody outside both parties opens one from a lead either.
    with pytest.raises(PermissionDenied):
        services.open_deal(
            buyer=buyer,
            supplier=supplier,
            by_user=parties["third_user"],
            opening=services.Opening(kind="fair_lead"),
        )
