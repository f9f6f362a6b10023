"""Set-up shared by the insurance tests: an order on open account, through the deals services."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from credit.models import ModelVersion
from marketplace.deals import contracts, negotiation, orders, services, shipments
from tests.credit.factories import AssessmentFactory
from tests.marketplace.deals.fulfilment_helpers import shipping_documents


def rate(buyer, grade="A"):
    """Give `buyer` a current grade, dated ahead so the recompute an order triggers does not replace it."""
    installed = ModelVersion.objects.order_by("-version").first()
    return AssessmentFactory(
        subject=buyer,
        grade=grade,
        index=720,
        reasons=[
            {
                "feature": "on_time_share",
                "value": 0.96,
                "points": 14.0,
                "kind": "evidence",
                "en": "Pays 96% of invoices on time",
                "zh": "96%的发票按时付款",
            },
            {
                "feature": "disputes_lost",
                "value": 1.0,
                "points": -6.0,
                "kind": "evidence",
                "en": "Lost one dispute",
                "zh": "败诉一次争议",
            },
        ],
        as_of=timezone.now() + dt.timedelta(days=1),
        **({"model_version": installed} if installed else {}),
    )


def ordered_deal(
    *,
    buyer,
    supplier,
    buyer_user,
    supplier_user,
    terms="open_account",
    term_days=60,
    price="10000.00",
    quantity="5",
):
    """An ordered deal on `terms` (default open account 60 days) worth quantity × price USD."""
    deal = services.open_deal(
        buyer=buyer,
        supplier=supplier,
        by_user=buyer_user,
        opening=services.Opening(
            kind="company", reference=str(supplier.pk), subject="Gear reducers", message="Quote?"
        ),
    )
    offer_terms = {
        "currency": "USD",
        "incoterm": "FOB",
        "named_place": "Ningbo",
        "delivery_date": None,
        "lead_time_days": 20,
        "payment_terms": terms,
        "deposit_percent": None,
        "term_days": term_days if terms in ("da", "open_account") else None,
        "inspection": "none",
        "valid_until": timezone.localdate() + dt.timedelta(days=20),
        "notes": "",
    }
    lines = [
        {
            "product": None,
            "description": "Helical gear reducer",
            "quantity": Decimal(quantity),
            "unit": "piece",
            "unit_price": Decimal(price),
            "hs_code": "8483.40",
        }
    ]
    offer = negotiation.propose(deal=deal, by_user=supplier_user, terms=offer_terms, lines=lines)
    negotiation.accept(deal=deal, by_user=buyer_user, offer_id=offer.pk)
    deal.refresh_from_db()
    contract = contracts.issue_contract(deal=deal, by_user=supplier_user)
    for user in (buyer_user, supplier_user):
        orders.accept_and_order(
            contract=contract,
            by_user=user,
            name="A. Person",
            title="Director",
            ip="192.0.2.7",
            sha256=contract.sha256,
        )
    deal.refresh_from_db()
    return deal


def ship(deal, user, *, on=None, tracking="MSKU1234567"):
    return shipments.record_shipment(
        deal=deal,
        by_user=user,
        mode="sea",
        carrier="Maersk",
        tracking_reference=tracking,
        shipped_on=on or timezone.localdate(),
        documents=shipping_documents(),
    )
