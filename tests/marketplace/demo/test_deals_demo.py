"""The demo's deals: one at every step, each record a valid hash chain, and a second seed adds nothing."""

import io

import pytest
from django.core.management import call_command

from marketplace.deals import record
from marketplace.deals.models import (
    Contract,
    ContractAcceptance,
    Deal,
    DealEvent,
    Delivery,
    Dispute,
    FactoryVisit,
    Milestone,
    Offer,
    PaymentProof,
    Rating,
    Shipment,
    ShipmentDocument,
)

pytestmark = pytest.mark.django_db(transaction=False)

MODELS = (
    Deal,
    DealEvent,
    Offer,
    Contract,
    ContractAcceptance,
    Milestone,
    PaymentProof,
    Shipment,
    ShipmentDocument,
    Delivery,
    Dispute,
    FactoryVisit,
    Rating,
)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def seed():
    call_command("seed_demo", suppliers=20, buyers=20, stdout=io.StringIO(), verbosity=0)


def test_demo_deals_cover_every_step_verify_and_reseed_adds_nothing():
    seed()
    deals = Deal.objects.select_related("buyer", "supplier")
    states = sorted(deals.values_list("state", flat=True))
    for state in ("inquiry", "negotiation", "agreed", "ordered", "shipped", "delivered", "disputed"):
        assert state in states
    assert states.count("completed") == 2
    assert all(
        d.buyer.slug == deals[0].buyer.slug and d.supplier.slug == deals[0].supplier.slug for d in deals
    )
    # The chains are real: each one verifies, and the command agrees.
    for deal in deals:
        assert record.verify(deal) is None, deal.subject
    out = io.StringIO()
    call_command("verify_trade_record", stdout=out)
    # Every step is there: messages, offer and counter-offer, both acceptances, a late deposit, documents.
    negotiating = deals.get(state="negotiation")
    assert list(negotiating.offers.order_by("version").values_list("from_side", flat=True)) == [
        "supplier",
        "buyer",
    ]
    assert negotiating.events.filter(action="message").count() == 2
    assert (
        ContractAcceptance.objects.count()
        == 2 * deals.exclude(state__in=("inquiry", "negotiation", "agreed")).count()
    )
    late = [m for m in Milestone.objects.filter(paid_on__isnull=False) if m.paid_on > m.due_date]
    assert len(late) == 1 and late[0].deal.state == "ordered"
    assert ShipmentDocument.objects.filter(deal__state="shipped").count() == 3
    assert FactoryVisit.objects.filter(status="reported").count() == 1
    assert Rating.objects.count() == 4 and Dispute.objects.count() == 1
    before = counts()
    seed()
    assert counts() == before
