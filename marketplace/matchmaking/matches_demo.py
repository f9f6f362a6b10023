# ruff: noqa: S311 - seeded, reproducible demo data, nothing secret
"""The ranking's part of the demo world, called by `manage.py seed_demo` after the deals.

Fair presence is the fairs app's to report, and fairs stands above matchmaking: seed_demo passes the
demo's sessions in as plain values (`SessionInfo`), and about a third of the demo suppliers get a booth in
each — the demo supplier always in the upcoming one. Then every supplier's signals are built.
Deterministic (one generator from the run's seed) and idempotent (a presence is keyed by company and
session; the signals are rebuilt).
"""

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from marketplace.companies.models import Company
from marketplace.matchmaking.models import FairPresence
from marketplace.matchmaking.ranking_signals import record_presence, refresh_all

SHARE_EXHIBITING = 0.35


@dataclass(frozen=True)
class SessionInfo:
    """A fair session as the fairs app describes it: its slug, names, dates and halls (code, name, name_zh)."""

    key: str
    name: str
    name_zh: str
    starts_on: date
    ends_on: date
    halls: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)


def seed_matches(
    sessions: Iterable[SessionInfo],
    *,
    demo_supplier_slug: str,
    seed: int,
    stage: Callable[..., None] = lambda *a, **k: None,
) -> int:
    """Booths for some demo suppliers in each session, then every supplier's signals; returns presences added."""
    started = time.monotonic()
    suppliers = list(
        Company.objects.suppliers()
        .exclude(slug__startswith="scale-")
        .exclude(slug__startswith="catalog-scale-")
        .order_by("slug")
    )
    existing = set(FairPresence.objects.values_list("company_id", "session_key"))
    added = 0
    for session in sessions:
        if not session.halls:
            continue
        rng = random.Random(f"{seed}:matches:{session.key}")
        for company in suppliers:
            exhibits = rng.random() < SHARE_EXHIBITING
            code, name, name_zh = rng.choice(session.halls)
            booth = f"{code}-{rng.randint(1, 40):02d}"
            if company.slug == demo_supplier_slug:
                exhibits = True
            if not exhibits or (company.pk, session.key) in existing:
                continue
            record_presence(
                company=company,
                session_key=session.key,
                session_name=session.name,
                session_name_zh=session.name_zh,
                starts_on=session.starts_on,
                ends_on=session.ends_on,
                hall=name,
                hall_zh=name_zh,
                booth=booth,
            )
            added += 1
    refreshed = refresh_all()
    stage("match signals", started, fair_presences_new=added, suppliers=refreshed)
    return added
