"""The label, defined once: a serious delinquency within 12 months of the as-of date.

A serious delinquency is any of
- a payment 90 or more days late (`payment_late` with days_late >= 90),
- an insurance claim paid on the company's trade (`insurance_claim_paid`),
- a default or insolvency (`default`).

A company that was already seriously delinquent at the as-of date is not a training row for that
date: it is known bad, there is nothing left to predict.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from django.db.models import Q

from credit.models import Fact

HORIZON = dt.timedelta(days=365)
SERIOUS_DAYS_LATE = 90

OUTCOME_FILTER = Q(kind="payment_late", metric__gte=SERIOUS_DAYS_LATE) | Q(
    kind__in=["insurance_claim_paid", "default"]
)


def first_outcomes(*, subject_ids: Iterable[int] | None = None) -> dict[int, dt.datetime]:
    """The moment each subject first became seriously delinquent, for the subjects that ever did."""
    facts = Fact.objects.filter(OUTCOME_FILTER)
    if subject_ids is not None:
        facts = facts.filter(subject_id__in=list(subject_ids))
    first: dict[int, dt.datetime] = {}
    for subject_id, occurred_at in (
        facts.order_by().values_list("subject_id", "occurred_at").iterator(chunk_size=20000)
    ):
        if subject_id not in first or occurred_at < first[subject_id]:
            first[subject_id] = occurred_at
    return first


def labels(
    subject_ids: np.ndarray, *, as_of: dt.datetime, first: dict[int, dt.datetime]
) -> tuple[np.ndarray, np.ndarray]:
    """(keep, y): rows to keep (not already bad at `as_of`) and 1 where the outcome falls in the horizon."""
    keep = np.ones(len(subject_ids), dtype=bool)
    y = np.zeros(len(subject_ids), dtype=int)
    end = as_of + HORIZON
    for k, subject_id in enumerate(subject_ids):
        moment = first.get(int(subject_id))
        if moment is None:
            continue
        if moment <= as_of:
            keep[k] = False
        elif moment <= end:
            y[k] = 1
    return keep, y


def outcome_counts() -> dict[int, int]:
    """How many subjects have ever had the outcome, by year (for the registry page)."""
    counts: dict[int, int] = defaultdict(int)
    for moment in first_outcomes().values():
        counts[moment.year] += 1
    return dict(counts)
