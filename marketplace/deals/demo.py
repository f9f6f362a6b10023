"""The deals part of the demo world, called by `manage.py seed_demo` (marketplace/demo) after credit.

Deals between the demo buyer (buyer@) and the demo supplier (supplier@) at every step of the trade:
an inquiry with messages, a negotiation with an offer and a counter-offer, agreed terms, an order whose
contract both accepted and whose deposit was paid late (with a factory visit report), a shipment with
its documents, a delivery, a dispute, and two completed deals rated by both sides.

Every step goes through the deals services, so each deal's record is a real hash chain that
`manage.py verify_trade_record` checks. The services read the time from `django.utils.timezone.now`;
the seeder runs each deal on its own fixed clock (days before the anchor, a few hours per step), so a
visit can be reported after it took place and a claim window can close. Idempotent: a deal is keyed by
its buyer, supplier and subject, and a deal already there is left alone. Nothing is random.
"""

import datetime as dt
import io
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from marketplace.companies.demo import minimal_pdf
from marketplace.companies.models import User
from marketplace.deals import (
    contracts,
    disputes,
    milestones,
    negotiation,
    orders,
    ratings,
    services,
    shipments,
    visits,
)
from marketplace.deals.models import Deal, MilestoneKind

SHIPMENT_TO = "Hamburg"


class Clock:
    """A fixed clock the services read while a deal is seeded; `advance` moves it on."""

    def __init__(self, start: dt.datetime):
        self.at = start

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta) -> dt.datetime:
        self.at += dt.timedelta(**delta)
        return self.at

    def today(self) -> dt.date:
        return self.at.date()


@contextmanager
def _on(clock: Clock) -> Iterator[Clock]:
    with mock.patch("django.utils.timezone.now", clock.now):
        yield clock


def _pdf(name: str, title: str, lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(title, lines), content_type="application/pdf")


def _photo(name: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# -- the deals ----------------------------------------------------------------------------------

# (subject, how far it goes, days before the anchor it started, the buyer's question, line, unit price)
PLANS = (
    ("Servo motors for a packaging line", "inquiry", 3, "servo", "Servo motor 750 W", "186.00", "40"),
    ("Conveyor belts, 12 rolls", "negotiation", 6, "conveyor", "Conveyor belt roll 20 m", "940.00", "12"),
    (
        "Control cabinets for the Bremen plant",
        "agreed",
        10,
        "cabinet",
        "Control cabinet IP54",
        "1250.00",
        "8",
    ),
    ("Gear reducers, first order", "ordered", 40, "gear", "Helical gear reducer", "420.00", "25"),
    ("Frequency inverters 5.5 kW", "shipped", 60, "inverter", "Frequency inverter 5.5 kW", "310.00", "30"),
    (
        "Pneumatic cylinders, spring stock",
        "delivered",
        75,
        "cylinder",
        "Pneumatic cylinder 63 mm",
        "58.00",
        "200",
    ),
    (
        "Linear guides for the cutting tables",
        "disputed",
        90,
        "guide",
        "Linear guide rail 1.5 m",
        "96.00",
        "60",
    ),
    ("Spare parts kit, autumn", "completed", 160, "spares", "Spare parts kit", "730.00", "10"),
    ("Stepper drives, trial order", "completed", 200, "stepper", "Stepper drive 2-phase", "142.00", "50"),
)
ORDER = ("inquiry", "negotiation", "agreed", "ordered", "shipped", "delivered", "disputed", "completed")


def _terms(deal: Deal, total: Decimal, today: dt.date, *, percent: int = 30) -> dict:
    """Deposit and balance if credit allows it for the demo buyer, else prepayment (allowed for every grade)."""
    decision = orders.check_terms(
        deal, payment_terms="deposit_balance", amount=total, currency="USD", term_days=None
    )
    deposit = decision.allowed
    return {
        "currency": "USD",
        "incoterm": "FOB",
        "named_place": "Ningbo",
        "delivery_date": None,
        "lead_time_days": 30,
        "payment_terms": "deposit_balance" if deposit else "prepayment",
        "deposit_percent": percent if deposit else None,
        "term_days": None,
        "inspection": "buyer",
        "valid_until": today + dt.timedelta(days=14),
        "notes": "",
    }


def _seed_one(plan, buyer_user: User, supplier_user: User, anchor: dt.datetime, n: int) -> Deal:
    subject, goal, days_ago, _key, description, price, quantity = plan
    reach = ORDER.index(goal)
    clock = Clock(anchor - dt.timedelta(days=days_ago) + dt.timedelta(hours=9))
    buyer, supplier = buyer_user.company, supplier_user.company
    with _on(clock), transaction.atomic():
        deal = services.open_deal(
            buyer=buyer,
            supplier=supplier,
            by_user=buyer_user,
            opening=services.Opening(
                kind="company",
                reference=str(supplier.pk),
                subject=subject,
                message=f"Could you quote {quantity} × {description.lower()}, FOB Ningbo, delivery to {SHIPMENT_TO}?",
                currency="USD",
            ),
        )
        clock.advance(hours=3)
        services.post_message(
            deal=deal,
            by_user=supplier_user,
            body="Thank you for asking. We can offer this from stock; our datasheet is attached.",
            uploads=[_pdf("datasheet.pdf", description, [f"{description}: datasheet", "CE, RoHS"])],
        )
        clock.advance(hours=2)
        services.post_message(deal=deal, by_user=buyer_user, body="Thanks. Please send us your offer.")
        if reach < 1:
            return deal
        clock.advance(days=1)
        total = Decimal(price) * Decimal(quantity)
        terms = _terms(deal, total, clock.today())
        line = {
            "product": None,
            "description": description,
            "quantity": Decimal(quantity),
            "unit": "piece",
            "unit_price": Decimal(price),
            "hs_code": "8501.52" if n % 2 else "8483.40",
        }
        negotiation.propose(deal=deal, by_user=supplier_user, terms=terms, lines=[line])
        clock.advance(days=1)
        counter_price = (Decimal(price) * Decimal("0.95")).quantize(Decimal("0.01"))
        counter = negotiation.propose(
            deal=deal,
            by_user=buyer_user,
            terms={**terms, "valid_until": clock.today() + dt.timedelta(days=14)},
            lines=[{**line, "unit_price": counter_price}],
        )
        if reach < 2:
            return deal
        clock.advance(hours=5)
        negotiation.accept(deal=deal, by_user=supplier_user, offer_id=counter.pk)
        if reach < 3:
            return deal
        clock.advance(hours=1)
        deal.refresh_from_db()
        contract = contracts.issue_contract(deal=deal, by_user=supplier_user)
        clock.advance(hours=2)
        for user, name in ((buyer_user, "Emma Clarke"), (supplier_user, "Zhang Wei")):
            contracts.accept_contract(
                contract=contract,
                by_user=user,
                name=name,
                title="Director",
                ip="192.0.2.10",
                sha256=contract.sha256,
            )
            clock.advance(hours=1)
        order = orders.place_order(deal=deal, by_user=buyer_user)
        first = order.milestones.order_by("seq").first()
        late = goal == "ordered"  # the deposit of the open order came in after its due date
        clock.at = dt.datetime.combine(first.due_date, dt.time(10), tzinfo=clock.at.tzinfo) + (
            dt.timedelta(days=4) if late else dt.timedelta(days=-1)
        )
        if late:
            milestones.refresh(clock.today())
        milestones.upload_proof(
            milestone=first,
            by_user=buyer_user,
            upload=_pdf(
                "transfer.pdf", "Bank transfer", [f"Transfer {first.amount} {first.currency}", subject]
            ),
            note="Transfer order from our bank.",
        )
        clock.advance(hours=20)
        milestones.confirm_payment(milestone=first, by_user=supplier_user, paid_on=clock.today())
        if reach < 4:
            _visit(deal, buyer_user, supplier_user, clock)
            return deal
        clock.advance(days=20)
        shipments.record_shipment(
            deal=deal,
            by_user=supplier_user,
            mode="sea",
            carrier="COSCO Shipping",
            tracking_reference=f"COSU{6200410 + n * 137}",
            shipped_on=clock.today(),
            documents=[
                (kind, _pdf(f"{kind}.pdf", title, [subject, f"{quantity} × {description}"]))
                for kind, title in (
                    ("commercial_invoice", "Commercial invoice"),
                    ("packing_list", "Packing list"),
                    ("bill_of_lading", "Bill of lading"),
                )
            ],
            notes="Container loaded at Ningbo-Zhoushan.",
        )
        balance = order.milestones.filter(kind=MilestoneKind.BALANCE).first()
        if balance is not None:
            clock.advance(days=1)
            milestones.upload_proof(
                milestone=balance,
                by_user=buyer_user,
                upload=_pdf(
                    "balance.pdf", "Bank transfer", [f"Transfer {balance.amount} {balance.currency}"]
                ),
            )
            clock.advance(hours=20)
            milestones.confirm_payment(milestone=balance, by_user=supplier_user, paid_on=clock.today())
        if reach < 5:
            return deal
        clock.advance(days=28)
        shipments.confirm_delivery(
            deal=deal, by_user=buyer_user, delivered_on=clock.today(), note="Received complete in Hamburg."
        )
        if reach < 6:
            return deal
        if goal == "disputed":
            clock.advance(days=3)
            disputes.open_dispute(
                deal=deal,
                by_user=buyer_user,
                reason="quality",
                description="Eight of the rails are bent at one end; photos attached.",
                claimed_amount=str(Decimal(price) * 8),
                files=[_photo("bent-rail.png", (150, 150, 160))],
            )
            return deal
        clock.advance(days=31)
        disputes.complete_after_window(deal=deal, now=clock.at)
        clock.advance(hours=2)
        ratings.rate(deal=deal, by_user=buyer_user, score=5 - n % 2, comment="On time, well packed.")
        clock.advance(hours=3)
        ratings.rate(deal=deal, by_user=supplier_user, score=5, comment="Paid promptly, clear documents.")
        return deal


def _visit(deal: Deal, buyer_user: User, supplier_user: User, clock: Clock) -> None:
    """The buyer's factory visit of the open order: requested, confirmed, held and reported."""
    clock.advance(days=1)
    proposed = [
        dt.datetime.combine(clock.today() + dt.timedelta(days=d), dt.time(2), tzinfo=dt.UTC) for d in (5, 6)
    ]
    visit = visits.request_visit(
        deal=deal,
        by_user=buyer_user,
        mode="on_site",
        times=proposed,
        note="Our engineer is in Ningbo that week.",
    )
    clock.advance(hours=6)
    visits.confirm_visit(visit=visit, by_user=supplier_user, time=proposed[0])
    clock.at = proposed[0] + dt.timedelta(days=1)
    visits.file_report(
        visit=visit,
        by_user=buyer_user,
        outcome="conditional",
        checklist={code: code != "packing" for code in visits.CHECKLIST_CODES},
        notes="Lines and testing fine; export packing needs corner protection before shipment.",
        photos=[_photo("assembly-line.png", (40, 110, 180)), _photo("test-bench.png", (60, 140, 90))],
    )


def seed_deals(
    *,
    supplier_user: User,
    buyer_user: User,
    now: dt.datetime,
    stage: Callable[..., None] = lambda *a, **k: None,
) -> int:
    """Deals between `buyer_user`'s and `supplier_user`'s companies at every step; returns how many were added."""
    started = time.monotonic()
    added = 0
    if buyer_user.company is not None and supplier_user.company is not None:
        existing = set(
            Deal.objects.filter(buyer=buyer_user.company, supplier=supplier_user.company).values_list(
                "subject", flat=True
            )
        )
        for n, plan in enumerate(PLANS):
            if plan[0] in existing:
                continue
            _seed_one(plan, buyer_user, supplier_user, now, n)
            added += 1
    stage("deals", started, total=Deal.objects.count(), new=added)
    return added
