"""Demo leads: the badges the demo supplier's staff scanned at its booth in the past session.

Until the badge demo is merged, the registrations and badges needed here are made in this module, by
plain model creation, with the names of the demo users (keyed by session and user, so the badge demo
and this one can share them). buyer@'s hot lead becomes an inquiry the day after the scan and, through
the deals demo's steps, an order completed that summer. Idempotent: every lead has a fixed client_id (uuid5 of a fixed name).
"""

import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as clock

from django.utils import timezone

from marketplace.companies.models import Company, User
from marketplace.deals.demo import Clock, continue_deal, on_clock
from marketplace.fairs import leads_services
from marketplace.fairs.models import Badge, FairSession, Lead, LeadQuestion, Registration

NAMESPACE = uuid.UUID("6f1d7c1e-8b2a-4c55-9e8e-3d1a6a2f0b39")
PAST_SESSION = "139th-session"

# (demo user's email local part or "" for a walk-in, walk-in name, rating, status, notes, day, hour, withdrawn)
SCANS = (
    (
        "buyer",
        "",
        "hot",
        "contacted",
        "Wants 500 units of the press line for Q2; asked for CE papers.",
        0,
        10,
        False,
    ),
    ("james.wright", "", "warm", "new", "Colleague of Emma Clarke; compares three suppliers.", 0, 14, False),
    ("buyer2", "", "cold", "new", "Only browsing this year; budget next spring.", 1, 11, True),
    (
        "",
        "Demo walk-in: Carlos Ruiz",
        "warm",
        "new",
        "Walk-in from Madrid; no account yet, card taken.",
        2,
        16,
        False,
    ),
)
# The scan the exhibitor turned into an inquiry (buyer@'s hot lead), so the session's funnel reaches a deal.
CONVERTED = 0
# What buyer@ ordered after the fair (description, unit price in USD, quantity): the press line it asked about.
FOLLOW_UP_ORDER = ("Quick die clamps for the press line", "48.00", 500)
FOLLOW_UP_N = 40  # the deal's number in the deals demo's sequences (tracking reference), clear of its own
QUESTIONS = (
    ("Do you import under your own brand?", LeadQuestion.Kind.YES_NO),
    ("Yearly volume (units)?", LeadQuestion.Kind.TEXT),
)


def seed_leads(
    *,
    users: dict[str, User],
    supplier_slug: str,
    domain: str,
    stage: Callable[..., None] = lambda *a, **k: None,
) -> int:
    started = time.monotonic()
    session = FairSession.objects.filter(slug=PAST_SESSION).first()
    supplier = Company.objects.filter(slug=supplier_slug).first()
    if session is None or supplier is None:
        return 0
    scanner = users.get(f"li.na@{domain}") or users.get(f"supplier@{domain}")
    questions = [
        LeadQuestion.objects.get_or_create(
            company=supplier, session=session, text=text, defaults={"kind": kind, "position": i}
        )[0]
        for i, (text, kind) in enumerate(QUESTIONS)
    ]
    products = list(supplier.products.order_by("pk").values_list("pk", flat=True)[:2])
    new = 0
    for n, (local, walk_in, rating, status, notes, day, hour, withdrawn) in enumerate(SCANS):
        client_id = uuid.uuid5(NAMESPACE, f"{PAST_SESSION}:{supplier_slug}:{n}")
        if Lead.objects.filter(company=supplier, client_id=client_id).exists():
            continue
        user = users.get(f"{local}@{domain}") if local else None
        if local and user is None:
            continue
        registration = _registration(session, user, walk_in)
        badge = Badge.objects.get_or_create(registration=registration)[0]
        scanned_at = timezone.make_aware(
            datetime.combine(session.starts_on + timedelta(days=day), clock(hour, 5 * n))
        )
        lead = Lead.objects.create(
            company=supplier,
            session=session,
            badge=badge,
            registration=registration,
            scanned_by=scanner,
            client_id=client_id,
            scanned_at=scanned_at,
            received_at=scanned_at + timedelta(seconds=40),
            notes=notes,
            rating=rating,
            status=status,
            answers={str(questions[0].pk): n % 2 == 0, str(questions[1].pk): ("500", "2000", "", "")[n]},
            consent_withdrawn_at=scanned_at + timedelta(days=3) if withdrawn else None,
        )
        lead.answers = {k: v for k, v in lead.answers.items() if v != ""}
        lead.save(update_fields=["answers"])
        if products and rating != "cold":
            lead.products.set(products[: 1 + n % 2])
        if n == CONVERTED and scanner is not None:
            _convert(lead, scanner=scanner, seller=users.get(f"supplier@{domain}"), buyer_user=user)
        new += 1
    stage("fair leads", started, total=Lead.objects.filter(company=supplier).count(), new=new)
    return new


def _convert(lead: Lead, *, scanner: User, seller: User | None, buyer_user: User | None) -> None:
    """The day after the scan the exhibitor follows the lead up with an inquiry; when the supplier's owner
    and the buyer are in the demo, the deal goes on to an order, delivered and completed that summer —
    through the same deal steps as the deals demo — so the session's funnel shows a deal and its value."""
    clock = Clock(lead.scanned_at + timedelta(days=1))
    with on_clock(clock):
        deal = leads_services.convert_to_inquiry(
            lead=lead, by_user=scanner, message="Thank you for visiting our booth: here is our follow-up."
        )
    if seller is None or buyer_user is None:
        return
    plan = (deal.subject, "completed", 0, "fair-lead", *FOLLOW_UP_ORDER)
    continue_deal(
        deal,
        plan,
        buyer_user=buyer_user,
        supplier_user=seller,
        start=clock.at + timedelta(days=2),
        n=FOLLOW_UP_N,
    )


def _registration(session: FairSession, user: User | None, walk_in: str) -> Registration:
    if user is not None:
        existing = Registration.objects.filter(session=session, user=user).first()
        if existing is not None:
            return existing
        company = user.company
        return Registration.objects.create(
            session=session,
            role="buyer",
            user=user,
            company=company,
            full_name=f"{user.first_name} {user.last_name}".strip() or user.email,
            company_name=company.name if company else "",
            country=company.country if company else "DE",
            email=user.email,
        )
    existing = Registration.objects.filter(session=session, full_name=walk_in, user=None).first()
    return existing or Registration.objects.create(
        session=session,
        role="buyer",
        full_name=walk_in,
        company_name="Ruiz Importaciones (demo walk-in)",
        country="ES",
        walk_in=True,
    )
