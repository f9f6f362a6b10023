"""The deals part of the demo world, called by `manage.py seed_demo` (marketplace/demo) after credit.

Deals between the demo buyer (buyer@) and the demo supplier (supplier@) at every step of the trade:
an inquiry with messages, a negotiation with an offer and a counter-offer, agreed terms, an order whose
contract both accepted and whose deposit was paid late (with a factory visit report), a shipment with
its documents, a delivery, a dispute, and two completed deals rated by both sides. Beside them, a few
deals between two more pairs, so the directory's trade is not one couple's: the second buyer (buyer2@,
a German importer) asks the demo supplier for machines (an inquiry, an order paid on time, a completed
deal), and the demo buyer buys houseware from the second supplier (supplier2@, a plastics and rubber
manufacturer: a negotiation and a delivery). companies/demo.py says which companies those two own.

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

from marketplace.companies.demo import (
    DEMO_BUYER_OWNER,
    DEMO_SUPPLIER_OWNER,
    SECOND_BUYER_OWNER,
    SECOND_SUPPLIER_OWNER,
    minimal_pdf,
)
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
# Chinese cities with a container port; a supplier elsewhere ships FOB Shanghai.
SEA_PORTS = {
    "Ningbo",
    "Shanghai",
    "Shenzhen",
    "Guangzhou",
    "Xiamen",
    "Qingdao",
    "Tianjin",
    "Dalian",
    "Shantou",
}


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
def on_clock(clock: Clock) -> Iterator[Clock]:
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
# The second buyer (a German importer) and the demo supplier (injection moulding machines, lathes, presses);
# an eighth field is the lines' HS code.
SECOND_BUYER_PLANS = (
    (
        "Flat-bed lathe for our workshop",
        "inquiry",
        4,
        "lathe",
        "Flat-bed lathe 500 mm swing",
        "18400.00",
        "1",
        "8458.11",
    ),
    ("Hydraulic presses 200 t", "ordered", 45, "press", "Hydraulic press 200 t", "26500.00", "2", "8462.61"),
    (
        "Injection moulding machines, two units",
        "completed",
        170,
        "moulding",
        "Injection moulding machine 160 t",
        "21800.00",
        "2",
        "8477.10",
    ),
)
# The demo buyer (kitchen appliances and houseware) and the second supplier (plastic and rubber goods).
SECOND_SUPPLIER_PLANS = (
    (
        "Silicone baking mats for the spring range",
        "negotiation",
        7,
        "mats",
        "Silicone baking mat 40 × 30 cm",
        "1.85",
        "3000",
        "3924.10",
    ),
    (
        "PP food storage boxes, first order",
        "delivered",
        80,
        "boxes",
        "PP food storage box set",
        "3.40",
        "2400",
        "3924.10",
    ),
)
# (buyer's email, supplier's email, plans); the first pair also gets the late deposit and the factory visit.
PAIRS = (
    (DEMO_BUYER_OWNER, DEMO_SUPPLIER_OWNER, PLANS),
    (SECOND_BUYER_OWNER, DEMO_SUPPLIER_OWNER, SECOND_BUYER_PLANS),
    (DEMO_BUYER_OWNER, SECOND_SUPPLIER_OWNER, SECOND_SUPPLIER_PLANS),
)
ORDER = ("inquiry", "negotiation", "agreed", "ordered", "shipped", "delivered", "disputed", "completed")


def _signature(user: User) -> str:
    """The name a party signs with: family name first for a Chinese company's people."""
    if user.company is not None and user.company.country == "CN":
        return f"{user.last_name} {user.first_name}"
    return f"{user.first_name} {user.last_name}"


def _terms(deal: Deal, total: Decimal, today: dt.date, *, port: str, percent: int = 30) -> dict:
    """Deposit and balance if credit allows it for the demo buyer, else prepayment (allowed for every grade)."""
    decision = orders.check_terms(
        deal, payment_terms="deposit_balance", amount=total, currency="USD", term_days=None
    )
    deposit = decision.allowed
    return {
        "currency": "USD",
        "incoterm": "FOB",
        "named_place": port,
        "delivery_date": None,
        "lead_time_days": 30,
        "payment_terms": "deposit_balance" if deposit else "prepayment",
        "deposit_percent": percent if deposit else None,
        "term_days": None,
        "inspection": "buyer",
        "valid_until": today + dt.timedelta(days=14),
        "notes": "",
    }


def _seed_one(
    plan, buyer_user: User, supplier_user: User, anchor: dt.datetime, n: int, *, extras: bool = True
) -> Deal:
    """One deal taken as far as its plan says; `extras`: an open order's deposit comes late and is visited."""
    subject, goal, days_ago, _key, description, price, quantity, *hs = plan
    reach = ORDER.index(goal)
    clock = Clock(anchor - dt.timedelta(days=days_ago) + dt.timedelta(hours=9))
    buyer, supplier = buyer_user.company, supplier_user.company
    port = supplier.city if supplier.city in SEA_PORTS else "Shanghai"
    with on_clock(clock), transaction.atomic():
        deal = services.open_deal(
            buyer=buyer,
            supplier=supplier,
            by_user=buyer_user,
            opening=services.Opening(
                kind="company",
                reference=str(supplier.pk),
                subject=subject,
                message=f"Could you quote {quantity} × {description.lower()}, FOB {port}, delivery to {SHIPMENT_TO}?",
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
        return _advance(deal, plan, buyer_user, supplier_user, clock, n, extras=extras, port=port)


def continue_deal(
    deal: Deal, plan, *, buyer_user: User, supplier_user: User, start: dt.datetime, n: int
) -> Deal:
    """Take an inquiry opened elsewhere (e.g. from a fair lead) on through the same steps as the demo's
    own deals, on a clock starting at `start`: offer, counter, acceptance, contract, order, deposit, and
    on to the plan's goal. `plan` is a DEALS row (its days-ago field is not used: `start` is)."""
    reach = ORDER.index(plan[1])
    clock = Clock(start)
    supplier = supplier_user.company
    port = supplier.city if supplier.city in SEA_PORTS else "Shanghai"
    if reach < 1:
        return deal
    with on_clock(clock), transaction.atomic():
        return _advance(deal, plan, buyer_user, supplier_user, clock, n, extras=False, port=port)


def _advance(
    deal: Deal, plan, buyer_user: User, supplier_user: User, clock: Clock, n: int, *, extras: bool, port: str
) -> Deal:
    """From the inquiry on, as far as the plan's goal (the caller holds the clock and the transaction)."""
    subject, goal, _days_ago, _key, description, price, quantity, *hs = plan
    reach = ORDER.index(goal)
    clock.advance(days=1)
    total = Decimal(price) * Decimal(quantity)
    terms = _terms(deal, total, clock.today(), port=port)
    line = {
        "product": None,
        "description": description,
        "quantity": Decimal(quantity),
        "unit": "piece",
        "unit_price": Decimal(price),
        "hs_code": hs[0] if hs else "8501.52" if n % 2 else "8483.40",
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
    for user in (buyer_user, supplier_user):
        contracts.accept_contract(
            contract=contract,
            by_user=user,
            name=_signature(user),
            title="Director",
            ip="192.0.2.10",
            sha256=contract.sha256,
        )
        clock.advance(hours=1)
    order = orders.place_order(deal=deal, by_user=buyer_user)
    first = order.milestones.order_by("seq").first()
    late = extras and goal == "ordered"  # the deposit of the open order came in after its due date
    clock.at = dt.datetime.combine(first.due_date, dt.time(10), tzinfo=clock.at.tzinfo) + (
        dt.timedelta(days=4) if late else dt.timedelta(days=-1)
    )
    if late:
        milestones.refresh(clock.today())
    milestones.upload_proof(
        milestone=first,
        by_user=buyer_user,
        upload=_pdf("transfer.pdf", "Bank transfer", [f"Transfer {first.amount} {first.currency}", subject]),
        note="Transfer order from our bank.",
    )
    clock.advance(hours=20)
    milestones.confirm_payment(milestone=first, by_user=supplier_user, paid_on=clock.today())
    if reach < 4:
        if extras:
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
        notes=f"Container loaded at {'Ningbo-Zhoushan' if port == 'Ningbo' else port}.",
    )
    balance = order.milestones.filter(kind=MilestoneKind.BALANCE).first()
    if balance is not None:
        clock.advance(days=1)
        milestones.upload_proof(
            milestone=balance,
            by_user=buyer_user,
            upload=_pdf("balance.pdf", "Bank transfer", [f"Transfer {balance.amount} {balance.currency}"]),
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
    users: dict[str, User],
    now: dt.datetime,
    stage: Callable[..., None] = lambda *a, **k: None,
) -> int:
    """The deals of every pair in PAIRS whose owners `users` holds, with a company; returns how many were added."""
    started = time.monotonic()
    added = 0
    for pair, (buyer_email, supplier_email, plans) in enumerate(PAIRS):
        buyer_user, supplier_user = users.get(buyer_email), users.get(supplier_email)
        if buyer_user is None or supplier_user is None:
            continue  # a directory too small to hold the second supplier's or buyer's company
        if buyer_user.company is None or supplier_user.company is None:
            continue
        existing = set(
            Deal.objects.filter(buyer=buyer_user.company, supplier=supplier_user.company).values_list(
                "subject", flat=True
            )
        )
        for n, plan in enumerate(plans):
            if plan[0] in existing:
                continue
            _seed_one(plan, buyer_user, supplier_user, now, 10 * pair + n, extras=pair == 0)
            added += 1
    stage("deals", started, total=Deal.objects.count(), new=added)
    return added
