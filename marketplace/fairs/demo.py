# ruff: noqa: S311 - seeded, reproducible demo data, nothing secret
"""The fairs part of the demo world, called by `manage.py seed_demo` (marketplace/demo).

Two sessions around today, each in three phases with twelve halls. Deterministic (one generator
seeded from the run's seed) and idempotent (sessions are keyed by slug).
"""

import random
import time
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from marketplace.companies.demo_data import INDUSTRIES
from marketplace.companies.models import Industry
from marketplace.fairs.models import FairPhase, FairSession, Hall

# The fair's venue and its halls, by area.
VENUE = "Pazhou International Trade Fair Complex"
VENUE_ZH = "琶洲国际贸易展览中心"
VENUE_CITY = "Guangzhou"
HALL_AREAS: tuple[tuple[str, str, str], ...] = (
    ("A", "Area A", "A区"),
    ("B", "Area B", "B区"),
    ("C", "Area C", "C区"),
)


def seed_fairs(
    industries: dict[str, Industry], *, seed: int, stage: Callable[..., None] = lambda *a, **k: None
) -> int:
    """Two sessions around today: one ended about 200 days ago, one starts in about six weeks."""
    started = time.monotonic()
    rng = random.Random(f"{seed}:fairs")
    today = timezone.localdate()
    past_end = today - timedelta(days=200)
    sessions = (
        (139, past_end - timedelta(days=22)),
        (140, today + timedelta(days=45)),
    )
    new = 0
    for number, first_day in sessions:
        slug = f"{number}th-session"
        if FairSession.objects.filter(slug=slug).exists():
            continue
        # Three phases of five days, four days apart for the halls to be rebuilt.
        phases = [(k, first_day + timedelta(days=9 * (k - 1))) for k in (1, 2, 3)]
        session = FairSession.objects.create(
            name=f"{number}th Session",
            name_zh=f"第{number}届",
            slug=slug,
            venue=VENUE,
            venue_zh=VENUE_ZH,
            city=VENUE_CITY,
            country="CN",
            starts_on=first_day,
            ends_on=phases[-1][1] + timedelta(days=4),
            description=(
                f"The {number}th session of the fair, in three phases at the {VENUE}, Guangzhou: "
                "machinery and electronics, then consumer goods and building materials, then textiles, "
                "garments and health products."
            ),
        )
        for k, phase_start in phases:
            phase = FairPhase.objects.create(
                session=session, number=k, starts_on=phase_start, ends_on=phase_start + timedelta(days=4)
            )
            phase.industries.set([industries[i.slug] for i in INDUSTRIES if i.phase == k])
        Hall.objects.bulk_create(
            Hall(
                session=session,
                code=f"{area}{n}",
                name=f"{area_en}, Hall {n}",
                name_zh=f"{area_zh}{n}号馆",
                area_sqm=rng.choice((10_000, 12_000, 15_000, 20_000)),
            )
            for area, area_en, area_zh in HALL_AREAS
            for n in range(1, 5)
        )
        new += 1
    stage("fair sessions", started, total=FairSession.objects.count(), new=new)
    return new
