"""The demo supplier's own credit history: the record of a well-run, established exporter.

Every other demo company gets a simulated history (credit/simulation.py), drawn from a hidden risk
level. The demo supplier is the demo's protagonist — the company a visitor signs in as, whose orders the
demo bank finances — so its history is not left to a draw: with seed 2026 the simulation drew it a
payment 118 days late and an insolvency default, which the index rightly grades C and for which the
financing policy rightly lends nothing. Instead it gets the history written here, and the index grades
it on that as it grades everyone (no grade is set anywhere).

What the facts say, each from the source that would report it (the simulation's demo sources, with
its reporting lags): registered in the company's founding year with capital in line with its staff,
active in the registry; rated by its bank every January (A, then AA); an export credit insurer's buyer
limit; a member of the chamber of commerce; its business licence approved when it was verified; on the platform since it joined: a deal completed about
every month, each invoice paid by its due date but one, paid four days late. The fairs, meetings,
deliveries and the deals of the demo itself add their facts through their own services later.

Recorded through `credit.facts.record` in one transaction (one `fact_recorded` announcement).
Deterministic through `seed`; idempotent by external ref (a second run adds nothing).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from credit.facts import record
from credit.kinds import SourceType
from credit.simulation import KNOWN_LAG, demo_sources
from marketplace.companies.models import Company

# Bank rating each January, oldest first (RATING_SCALE: AAA best … D worst); the last one holds on.
BANK_RATINGS = ("A", "A", "AA")
INSURED_LIMIT = Decimal("600000.00")  # USD: the insurer's limit on the company's buyers
DEAL_EVERY = dt.timedelta(days=30)
LATE_DEAL = 4  # the fifth invoice was paid a few days late (under the 15 days that count as late)
LATE_DAYS = 4


def history_facts(supplier: Company, *, seed: int, today: dt.datetime) -> list[dict]:
    """The facts, as keyword arguments for `record` (without the source object): oldest first."""
    rng = random.Random(f"{seed}:demo-supplier-history")  # noqa: S311 - a demo, not security
    start = today - dt.timedelta(days=round(365.25 * 3))
    joined = max(start, supplier.created_at)
    founded = dt.date(int(supplier.founded_year or start.year - 20), 3, 1)
    employees = supplier.employees or 200
    facts: list[dict] = [
        {
            "source_type": SourceType.REGISTRY,
            "kind": "company_registered",
            "occurred_at": start,
            "payload": {
                "registered_capital": Decimal(employees * 25_000),
                "currency": "CNY",
                "founded_on": founded,
            },
        },
        {
            "source_type": SourceType.REGISTRY,
            "kind": "registry_status",
            "occurred_at": start,
            "payload": {"status": "active"},
        },
        {
            "source_type": SourceType.INSURER,
            "kind": "insurance_limit_granted",
            "occurred_at": start + dt.timedelta(days=45),
            "payload": {"limit": INSURED_LIMIT, "currency": "USD"},
        },
        {
            "source_type": SourceType.CHAMBER,
            "kind": "chamber_membership",
            "occurred_at": start + dt.timedelta(days=60),
            "payload": {
                "chamber": "Demo Chamber of Commerce",
                "valid_until": (today + dt.timedelta(days=365)).date(),
            },
        },
    ]
    if supplier.verified_at is not None:
        verified = max(supplier.verified_at, start)
        facts += [
            {
                "source_type": SourceType.PLATFORM,
                "kind": "verification_decision",
                "occurred_at": verified,
                "payload": {"document": "business_licence", "decision": "approved", "verified": True},
            },
            {
                "source_type": SourceType.PLATFORM,
                "kind": "company_profile",
                "occurred_at": verified,
                "payload": {
                    "country": supplier.country,
                    "registration_number": supplier.registration_number,
                    "founded_year": founded.year,
                },
            },
        ]
    for year, rating in zip(range(start.year + 1, today.year + 1), BANK_RATINGS, strict=False):
        facts.append(
            {
                "source_type": SourceType.BANK,
                "kind": "bank_rating",
                "occurred_at": dt.datetime(year, 1, 15, tzinfo=dt.UTC),
                "payload": {"rating": rating},
            }
        )
    at, n = joined + dt.timedelta(days=10), 0
    while at + dt.timedelta(days=30) < today:
        value = Decimal(rng.randrange(18_000, 90_000, 5))
        facts.append(
            {
                "source_type": SourceType.PLATFORM,
                "kind": "deal_completed",
                "occurred_at": at,
                "payload": {"value": value, "currency": "USD"},
            }
        )
        due = (at + dt.timedelta(days=30)).date()
        paid = due + dt.timedelta(days=LATE_DAYS if n == LATE_DEAL else -rng.randint(0, 5))
        paid_at = dt.datetime.combine(paid, dt.time(10), tzinfo=dt.UTC)
        if paid_at + KNOWN_LAG[SourceType.PLATFORM] <= today:
            facts.append(
                {
                    "source_type": SourceType.PLATFORM,
                    "kind": "invoice_paid",
                    "occurred_at": paid_at,
                    "payload": {"amount": value, "currency": "USD", "due_date": due, "paid_date": paid},
                }
            )
        at, n = at + DEAL_EVERY, n + 1
    return [f for f in facts if f["occurred_at"] + KNOWN_LAG[f["source_type"]] <= today]


def seed_supplier_history(supplier: Company, *, seed: int, today: dt.datetime) -> int:
    """Record the demo supplier's history; returns the facts added (0 on a second run)."""
    sources = demo_sources()
    added = 0
    with transaction.atomic():
        for n, fact in enumerate(history_facts(supplier, seed=seed, today=today), start=1):
            source_type = fact.pop("source_type")
            _fact, created = record(
                source=sources[source_type],
                subject=supplier,
                known_at=fact["occurred_at"] + KNOWN_LAG[source_type],
                external_ref=f"demo{seed}:supplier-history:{n}",
                **fact,
            )
            added += created
    return added
