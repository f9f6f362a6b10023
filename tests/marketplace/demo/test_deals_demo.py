"""The demo's deals: every step, between three pairs, each record a valid hash chain, a second seed adds nothing."""

import io
from unittest import mock

import pytest
from django.core.management import call_command

from marketplace.companies.demo import (
    DEMO_BUYER_OWNER,
    DEMO_SUPPLIER_OWNER,
    SECOND_BUYER_OWNER,
    SECOND_SUPPLIER_OWNER,
)
from marketplace.companies.models import CompanyKind, User
from marketplace.deals import record
from marketplace.deals.demo import ORDER
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
    # The deals demo alone: the insured deal insurance/demo.py adds is tested in tests/marketplace/insurance.
    with mock.patch("marketplace.insurance.demo.seed_insurance", return_value=0):
        call_command("seed_demo", suppliers=20, buyers=20, stdout=io.StringIO(), verbosity=0)


def test_demo_deals_cover_every_step_verify_and_reseed_adds_nothing():
    seed()
    deals = Deal.objects.select_related("buyer", "supplier")
    states = sorted(deals.values_list("state", flat=True))
    for state in ("inquiry", "negotiation", "agreed", "ordered", "shipped", "delivered", "disputed"):
        assert state in states
    # Three completed in the deals demo, and the fair lead's inquiry (fairs/leads_demo.py) that went on to a
    # completed order (it is what the fair ROI funnel of the past session shows).
    assert states.count("completed") == 4
    # Three pairs trade: the demo pair at every step, and each demo owner with the other side's second owner.
    company = {u.email: u.company for u in User.objects.filter(email__contains="@demo.trustfair.test")}
    demo_buyer, demo_supplier = company[DEMO_BUYER_OWNER], company[DEMO_SUPPLIER_OWNER]
    second_buyer, second_supplier = company[SECOND_BUYER_OWNER], company[SECOND_SUPPLIER_OWNER]
    assert second_buyer.kind == CompanyKind.BUYER and second_supplier.kind == CompanyKind.SUPPLIER
    assert second_buyer.verified_at and second_supplier.verified_at
    assert len({demo_buyer, demo_supplier, second_buyer, second_supplier}) == 4
    by_pair = {}
    for deal in deals:
        by_pair.setdefault((deal.buyer_id, deal.supplier_id), set()).add(deal.state)
    assert by_pair == {
        (demo_buyer.pk, demo_supplier.pk): set(ORDER),
        (second_buyer.pk, demo_supplier.pk): {"inquiry", "ordered", "completed"},
        (demo_buyer.pk, second_supplier.pk): {"negotiation", "delivered"},
    }
    # The chains are real: each one verifies, and the command agrees.
    for deal in deals:
        assert record.verify(deal) is None, deal.subject
    out = io.StringIO()
    call_command("verify_trade_record", stdout=out)
    report = record.verify_all()
    assert report.deals == deals.count() == 15 and report.breaks == 0 and report.first_break is None
    # Every step is there: messages, offer and counter-offer, both acceptances, a late deposit, documents.
    negotiating = deals.get(state="negotiation", supplier=demo_supplier)
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
    assert Rating.objects.count() == 8 and Dispute.objects.count() == 1  # both sides of the 4 completed
    signed = set(
        ContractAcceptance.objects.filter(contract__deal__supplier=second_supplier).values_list(
            "name", flat=True
        )
    )
    assert signed == {"Emma Clarke", "Huang Xiaoming"}
    before = counts()
    seed()
    assert counts() == before
