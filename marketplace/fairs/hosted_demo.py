"""Demo hosted buyer meeting: "EU buyers, household appliances" at the upcoming session, co-hosted by the
demo chamber, with the demo buyers and suppliers applying, ranked proposals both sides accepted, and a
published schedule — all through the services, as an operator and the participants would do it."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from marketplace.companies.demo import (
    DEMO_BUYER_OWNER,
    DEMO_SUPPLIER_OWNER,
    SECOND_BUYER_OWNER,
    SECOND_SUPPLIER_OWNER,
)
from marketplace.companies.models import Company, Industry
from marketplace.fairs import hosted_services as hs
from marketplace.fairs.models import FairSession, HostedEvent, HostedPair

TITLE = "EU buyers, household appliances"
TITLE_ZH = "欧盟采购商·家用电器采购见面会"
CHAMBER_SLUG = "euro-china-chamber-of-commerce"
INDUSTRY_SLUG = "home-appliances"
# The EU members and the UK (the demo buyer imports through Felixstowe).
EUROPE = [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
    "GB",
]
NEEDS = {
    DEMO_BUYER_OWNER: ("Built-in dishwashers and washing machines, energy class A, CE marked", "8422"),
    SECOND_BUYER_OWNER: ("Kitchen appliances: kettles, toasters and small motors for them", "8516"),
    DEMO_SUPPLIER_OWNER: ("Precision-machined motor housings and drums for washing machines", "8450"),
    SECOND_SUPPLIER_OWNER: ("Electric kettles and toasters, OEM", "8516"),
}


@transaction.atomic  # all or nothing: a half-built event would stop a later run from finishing it
def seed_hosted(
    *, users: dict, operator_email: str, stage: Callable[..., None] = lambda *a, **k: None
) -> int:
    """The demo event and its schedule (once); returns how many meetings it booked."""
    started = time.monotonic()
    today = timezone.localdate()
    session = FairSession.objects.filter(starts_on__gt=today).order_by("starts_on").first()
    operator = users.get(operator_email)
    chamber = Company.objects.filter(slug=CHAMBER_SLUG).first()
    industry = Industry.objects.filter(slug=INDUSTRY_SLUG).first()
    # The second buyer and supplier exist only in a world large enough to draw them: seed with who is there.
    people = {email: u for email in NEEDS if (u := users.get(email)) is not None and u.company is not None}
    if session is None or operator is None or industry is None:
        return 0
    if DEMO_BUYER_OWNER not in people or DEMO_SUPPLIER_OWNER not in people:
        return 0
    if HostedEvent.objects.filter(session=session, title=TITLE).exists():
        return 0
    day = session.starts_on + dt.timedelta(days=1)
    event = hs.create_event(
        by_user=operator,
        session=session,
        title=TITLE,
        title_zh=TITLE_ZH,
        region="Europe (EU and UK)",
        countries=EUROPE,
        industry=industry,
        partner=chamber,
        date=day,
        starts_at=dt.time(9, 30),
        ends_at=dt.time(12, 0),
        time_zone="Asia/Shanghai",
        table_count=4,
        slot_minutes=30,
        max_meetings=4,
        apply_by=min(day - dt.timedelta(days=7), max(today, session.starts_on - dt.timedelta(days=7))),
    )
    event = hs.move_event(event, by_user=operator, to="open")
    for email, user in people.items():
        need, hs_code = NEEDS[email]
        side = "buyer" if user.company.is_buyer and not user.company.is_supplier else "supplier"
        application = hs.apply(event=event, by_user=user, side=side, need=need, hs_code=hs_code)
        hs.decide(application, by_user=operator, accept=True)
    hs.propose_pairs(event, by_user=operator)
    for pair in HostedPair.objects.filter(event=event).select_related(
        "buyer__applicant", "supplier__applicant"
    ):
        hs.answer_pair(pair, by_user=pair.buyer.applicant, accept=True)
        hs.answer_pair(pair, by_user=pair.supplier.applicant, accept=True)
    event = hs.move_event(event, by_user=operator, to="close")
    result = hs.schedule(event, by_user=operator)
    if result["placed"]:
        hs.move_event(event, by_user=operator, to="publish")
    stage("buyer meetings", started, total=HostedEvent.objects.count(), new=len(result["placed"]))
    return len(result["placed"])
