"""The sourcing-request part of the demo world, called by `manage.py seed_demo` at the end.

The demo buyer (buyer@) has posted two requests: one for injection moulding machines to which it invited
the demo supplier (supplier@) and the second supplier (supplier2@), both of whom quoted (different tiers,
Incoterms and lead times, so the comparison has something to show), and one open to every verified
supplier of the demo supplier's HS chapter, still waiting for quotations (it shows in supplier@'s inbox).
Everything goes through `rfq_services`, so the audit trail and notifications are real. Idempotent: a
request is keyed by its buyer and title and left alone when it exists. Nothing is random.
"""

import datetime as dt
import time
from collections.abc import Callable
from decimal import Decimal

from marketplace.catalog.models import Product, ProductCertification
from marketplace.companies.demo import DEMO_BUYER_OWNER, DEMO_SUPPLIER_OWNER, SECOND_SUPPLIER_OWNER
from marketplace.matchmaking import rfq_services
from marketplace.matchmaking.models import Rfq

INVITED_TITLE = "Injection moulding machines, 250 t clamping force"
OPEN_TITLE = "CNC lathes for a new workshop line"

QUOTES = (
    # (supplier email, currency, incoterm, place, lead days, moq, tiers, payment, samples)
    (
        DEMO_SUPPLIER_OWNER,
        "USD",
        "FOB",
        "Ningbo",
        45,
        "2",
        [("1", "38500"), ("5", "36200"), ("10", "34900")],
        "deposit_balance",
        "none",
    ),
    (
        SECOND_SUPPLIER_OWNER,
        "CNY",
        "CIF",
        "Felixstowe",
        60,
        "4",
        [("1", "268000"), ("8", "251000")],
        "lc_sight",
        "paid",
    ),
)


def _category(supplier_user):
    product = Product.objects.public().filter(supplier=supplier_user.company).order_by("pk").first()
    return product.category if product else None


def _request(buyer_user, title: str, category, today: dt.date, **extra) -> dict:
    return {
        "title": title,
        "description": extra.pop(
            "description",
            "Hydraulic, energy-saving servo pump, CE marked; documentation in English. Delivery before the "
            "spring season.",
        ),
        "category": category,
        "quantity": extra.pop("quantity", "6"),
        "unit": "set",
        "target_price": extra.pop("target_price", "36000"),
        "target_currency": "USD",
        "destination_country": "GB",
        "destination_port": "Felixstowe",
        "incoterm": "FOB",
        "certifications": extra.pop("certifications", ["CE"]),
        "sample_needs": "",
        "closes_on": today + dt.timedelta(days=extra.pop("days", 21)),
        "visibility": extra.pop("visibility", "invited"),
        "quotations_wanted": extra.pop("wanted", 5),
    }


def seed_rfqs(*, users: dict, now: dt.datetime, stage: Callable[..., None] = lambda *a, **k: None) -> int:
    """The demo buyer's requests and the demo suppliers' quotations; returns how many rows were added."""
    started = time.monotonic()
    buyer = users.get(DEMO_BUYER_OWNER)
    supplier = users.get(DEMO_SUPPLIER_OWNER)
    if buyer is None or supplier is None or buyer.company is None or supplier.company is None:
        return 0
    category = _category(supplier)
    if category is None:
        return 0
    today = now.date()
    added = 0
    quoting = [(spec, users.get(spec[0])) for spec in QUOTES]
    quoting = [(spec, user) for spec, user in quoting if user is not None and user.company is not None]
    if not Rfq.objects.filter(buyer=buyer.company, title=INVITED_TITLE).exists():
        rfq = rfq_services.post_rfq(
            buyer=buyer.company,
            by_user=buyer,
            data=_request(buyer, INVITED_TITLE, category, today),
            invited=[user.company for _spec, user in quoting],
        )
        added += 1
        for (_email, currency, incoterm, place, lead, moq, tiers, payment, samples), user in quoting:
            certificates = ProductCertification.objects.filter(
                product__supplier=user.company, expires_on__gte=today
            ).values_list("pk", flat=True)[:3]
            rfq_services.submit_quotation(
                rfq=rfq,
                by_user=user,
                data={
                    "currency": currency,
                    "incoterm": incoterm,
                    "named_place": place,
                    "lead_time_days": lead,
                    "moq": Decimal(moq),
                    "valid_until": today + dt.timedelta(days=30),
                    "payment_terms": payment,
                    "deposit_percent": 30 if payment == "deposit_balance" else None,
                    "sample_terms": samples,
                    "sample_price": Decimal("1200") if samples == "paid" else None,
                    "sample_freight": "buyer" if samples != "none" else "",
                    "message": "Standard model with servo pump; commissioning engineer available.",
                },
                tiers=tiers,
                certificate_ids=list(certificates),
            )
            added += 1
    if not Rfq.objects.filter(buyer=buyer.company, title=OPEN_TITLE).exists():
        rfq_services.post_rfq(
            buyer=buyer.company,
            by_user=buyer,
            data=_request(
                buyer,
                OPEN_TITLE,
                category,
                today,
                description="Flat-bed CNC lathes, 500 mm swing, Fanuc or Siemens control.",
                quantity="3",
                target_price="",
                certifications=[],
                visibility="category",
                wanted=10,
                days=30,
            ),
        )
        added += 1
    stage("rfqs", started, total=Rfq.objects.count(), new=added)
    return added
