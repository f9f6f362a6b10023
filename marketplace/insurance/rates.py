"""The insurer's premium table: a rate (% of the insured amount) per buyer grade and term band.

A shipment's premium is its insured amount times the rate of the buyer's grade in the shortest band
that covers the term (a 45-day term uses the "up to 60 days" column). An insurer starts from the
defaults below (installed on first use, the way credit.gating installs its default policy) and its risk
officers change single cells on `insurance:rates`; each change is audited.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction

from credit.grading import GRADES
from marketplace.insurance.models import PremiumRate

# The rows of a rate table: credit's grades, best first, then "NR" (a thin file, not yet rated).
GRADE_ROWS = (*(grade.code for grade in GRADES), "NR")

TERM_BANDS = (30, 60, 90, 120, 180)
# Base rate (%) by grade for terms up to 30 days, and the factor of each longer band.
_BASE = {
    "AAA": "0.150",
    "AA": "0.200",
    "A": "0.300",
    "BBB": "0.450",
    "BB": "0.700",
    "B": "1.000",
    "CCC": "1.600",
    "C": "2.200",
    "NR": "0.900",
}
_FACTOR = {30: "1.0", 60: "1.3", 90: "1.6", 120: "1.9", 180: "2.4"}


def default_rate(grade: str, band: int) -> Decimal:
    return (Decimal(_BASE[grade]) * Decimal(_FACTOR[band])).quantize(Decimal("0.001"))


def ensure_table(insurer) -> None:
    """Install the default table for an insurer that has none yet."""
    if PremiumRate.objects.filter(insurer=insurer).exists():
        return
    try:
        with transaction.atomic():
            PremiumRate.objects.bulk_create(
                PremiumRate(
                    insurer=insurer, grade=grade, max_term_days=band, rate_percent=default_rate(grade, band)
                )
                for grade in GRADE_ROWS
                if grade in _BASE
                for band in TERM_BANDS
            )
    except IntegrityError:  # installed by a concurrent request
        pass


def table(insurer) -> dict[str, dict[int, PremiumRate]]:
    """{grade: {band: rate row}} in the policy's grade order."""
    ensure_table(insurer)
    rows: dict[str, dict[int, PremiumRate]] = {}
    for rate in PremiumRate.objects.filter(insurer=insurer).order_by("max_term_days"):
        rows.setdefault(rate.grade, {})[rate.max_term_days] = rate
    return {grade: rows[grade] for grade in GRADE_ROWS if grade in rows}


def rate_for(insurer, grade: str, term_days: int) -> Decimal | None:
    """The rate (%) for `grade` and `term_days`; None when no band is long enough or the grade has no row."""
    ensure_table(insurer)
    row = (
        PremiumRate.objects.filter(insurer=insurer, grade=grade, max_term_days__gte=term_days)
        .order_by("max_term_days")
        .first()
    )
    return row.rate_percent if row else None
