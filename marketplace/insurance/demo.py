"""The insurance part of the demo world, called by `manage.py seed_demo` after the deals.

One order of the demo buyer (buyer@) from the demo supplier (supplier@) on deferred terms, shipped and
insured with the demo insurer (Pacific Export Credit Insurance, whose risk officer is insurer@): the
supplier's limit application on the buyer, approved by insurer@ with TrustFair's suggestion beside it,
and the shipment declared under the limit with its certificate. Everything goes through the services,
so the deal's record, the audit trail and the insurer's credit facts are real.

The terms are the most generous deferred ones the credit policy allows the demo buyer (open account,
then D/A, then D/P); a buyer the policy allows none of gets no insured deal, and the seeder says so
by returning 0. Idempotent: the deal is keyed by its subject; a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from marketplace.companies.demo import (
    DEMO_BUYER_OWNER,
    DEMO_INSURER_OWNER,
    DEMO_INSURER_SLUG,
    DEMO_SUPPLIER_OWNER,
    minimal_pdf,
)
from marketplace.companies.models import Company, User
from marketplace.deals import contracts, negotiation, orders, services, shipments
from marketplace.deals.models import Deal
from marketplace.insurance import services as insurance
from marketplace.insurance.models import LimitStatus

SUBJECT = "Servo drives for the Hamburg warehouse, insured"
QUANTITY, PRICE = Decimal("40"), Decimal("640.00")
TERMS = (("open_account", 60), ("da", 60), ("dp", None))


def _pdf(name: str, title: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(title, [SUBJECT]), content_type="application/pdf")


def _terms(deal: Deal) -> tuple[str, int | None] | None:
    total = QUANTITY * PRICE
    for terms, days in TERMS:
        decision = orders.check_terms(deal, payment_terms=terms, amount=total, currency="USD", term_days=days)
        if decision.allowed:
            return terms, days
    return None


def seed_insurance(*, users: dict[str, User], stage=lambda *a, **k: None) -> int:
    """The insured demo deal; returns 1 when it was added, 0 when it was there already or not possible."""
    started = time.monotonic()
    buyer_user, supplier_user = users.get(DEMO_BUYER_OWNER), users.get(DEMO_SUPPLIER_OWNER)
    officer = users.get(DEMO_INSURER_OWNER) or User.objects.filter(email=DEMO_INSURER_OWNER).first()
    insurer = Company.objects.filter(slug=DEMO_INSURER_SLUG).first()
    if not (
        buyer_user and supplier_user and officer and insurer and buyer_user.company and supplier_user.company
    ):
        return 0
    buyer, supplier = buyer_user.company, supplier_user.company
    if Deal.objects.filter(buyer=buyer, supplier=supplier, subject=SUBJECT).exists():
        stage("insurance", started, new=0)
        return 0
    today = timezone.localdate()
    with transaction.atomic():
        deal = services.open_deal(
            buyer=buyer,
            supplier=supplier,
            by_user=buyer_user,
            opening=services.Opening(
                kind="company",
                reference=str(supplier.pk),
                subject=SUBJECT,
                message="We would like 40 servo drives on deferred terms; you may insure them with your insurer.",
                currency="USD",
            ),
        )
        chosen = _terms(deal)
        if chosen is None:
            transaction.set_rollback(True)
            return 0
        terms, days = chosen
        offer = negotiation.propose(
            deal=deal,
            by_user=supplier_user,
            terms={
                "currency": "USD",
                "incoterm": "FOB",
                "named_place": supplier.city or "Ningbo",
                "delivery_date": None,
                "lead_time_days": 14,
                "payment_terms": terms,
                "deposit_percent": None,
                "term_days": days,
                "inspection": "none",
                "valid_until": today + dt.timedelta(days=14),
                "notes": "",
            },
            lines=[
                {
                    "product": None,
                    "description": "Servo drive 2.2 kW",
                    "quantity": QUANTITY,
                    "unit": "piece",
                    "unit_price": PRICE,
                    "hs_code": "8504.40",
                }
            ],
        )
        negotiation.accept(deal=deal, by_user=buyer_user, offer_id=offer.pk)
        deal.refresh_from_db()
        contract = contracts.issue_contract(deal=deal, by_user=supplier_user)
        for user in (buyer_user, supplier_user):
            contracts.accept_contract(
                contract=contract,
                by_user=user,
                name=user.get_full_name(),
                title="Director",
                ip="192.0.2.10",
                sha256=contract.sha256,
            )
        orders.place_order(deal=deal, by_user=buyer_user)
        shipment = shipments.record_shipment(
            deal=deal,
            by_user=supplier_user,
            mode="sea",
            carrier="COSCO Shipping",
            tracking_reference="COSU6299001",
            shipped_on=today,
            documents=[
                ("commercial_invoice", _pdf("commercial_invoice.pdf", "Commercial invoice")),
                ("packing_list", _pdf("packing_list.pdf", "Packing list")),
                ("bill_of_lading", _pdf("bill_of_lading.pdf", "Bill of lading")),
            ],
        )
        limit = insurance.request_cover(deal=deal, insurer=insurer, by_user=supplier_user)
        if limit.status == LimitStatus.PENDING:
            insurance.decide_limit(
                limit=limit,
                by_user=officer,
                outcome="approve",
                amount=Decimal("60000"),
                max_term_days=90,
                valid_until=today + dt.timedelta(days=365),
            )
        insurance.declare(deal=deal, shipment=shipment, by_user=supplier_user)
    stage("insurance", started, new=1)
    return 1
