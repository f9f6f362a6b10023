# ruff: noqa: S311 - seeded, reproducible demo data, nothing secret
"""The demo's exchange rates: a daily series up to today, so the demo converts at this week's rates.

The reference rates of migration 0003 are dated 2026-01-01; a demo seeded a year later would compare
quotations at year-old rates (and the comparison rightly warns). `seed_fx_rates` adds one rate a day
for the last `days` days, ending today, for every reference currency: the reference value moved by a
small deterministic wobble (at most ±1.5 %) drawn from the seed, the currency and the date, so a
given day's rate is the same whenever the demo is seeded. It goes through `fx.import_ecb_csv`, as an
operator's upload does (the catalog reprices on its signal), and adds only the dates not on record:
a second run the same day adds nothing, and a rate an operator uploaded is never replaced.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import ROUND_HALF_UP, Decimal
from importlib import import_module

from marketplace.core import fx
from marketplace.core.models import FxRate

DEMO_SOURCE = "demo"
DEMO_DAYS = 90
WOBBLE = 0.015


def demo_rate(reference: Decimal, *, seed: int, currency: str, day: dt.date) -> Decimal:
    """The demo's rate of `currency` on `day`: the reference value times (1 ± at most WOBBLE)."""
    rng = random.Random(f"{seed}:fx:{currency}:{day.isoformat()}")
    factor = Decimal(str(round(1 + rng.uniform(-WOBBLE, WOBBLE), 6)))
    return (reference * factor).quantize(fx.RATE_STEP, rounding=ROUND_HALF_UP)


def seed_fx_rates(*, today: dt.date, seed: int, days: int = DEMO_DAYS, stage=None) -> int:
    """Add the demo's daily rates for the `days` days ending `today` that are not on record; the count added."""
    started = time.monotonic()
    reference = import_module("marketplace.core.migrations.0003_reference_fx_rates").REFERENCE_PER_EUR
    window = [today - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]
    have = set(FxRate.objects.filter(date__gte=window[0], date__lte=today).values_list("date", flat=True))
    wanted = [day for day in window if day not in have]
    added = 0
    if wanted:
        codes = sorted(reference)
        lines = ["Date," + ",".join(codes)]
        for day in wanted:
            values = (demo_rate(Decimal(reference[c]), seed=seed, currency=c, day=day) for c in codes)
            lines.append(day.isoformat() + "," + ",".join(f"{v:f}" for v in values))
        added = fx.import_ecb_csv(("\n".join(lines) + "\n").encode(), source=DEMO_SOURCE).created
    if stage is not None:
        stage("fx rates", started, days=len(window), new=added)
    return added
