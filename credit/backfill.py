"""Month-end history for a newly promoted model, from point-in-time features.

A company's history chart and the migration between grades need assessments in the past, not only
from the day a model went live. Features are computed as of any moment from the facts known by then
(no leakage), so the champion can score each past month-end as it would have then. This runs in the
background after a promotion commits (`tasks.backfill_after_promotion`), reports its progress in the
cache (the model registry page shows it) and skips month-ends this version has scored already.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone

from credit.index import recompute
from credit.models import Assessment, Fact, ModelVersion
from credit.registry import champion

PROGRESS_KEY = "credit:backfill:{}"
PROGRESS_SECONDS = 24 * 3600
MONTHS = 36


def month_ends(first: dt.datetime, last: dt.datetime) -> list[dt.datetime]:
    """The close of each month (the first instant of the next, UTC) after `first`, up to `last`."""
    moments = []
    year, month = first.year, first.month
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        moment = dt.datetime(year, month, 1, tzinfo=dt.UTC)
        if moment > last:
            return moments
        moments.append(moment)


def progress_of(version: ModelVersion) -> dict | None:
    """{"done": n, "total": m, "finished": bool} while or after a backfill of `version` ran, else None."""
    return cache.get(PROGRESS_KEY.format(version.pk))


def backfill_history(
    *, version: ModelVersion, months: int = MONTHS, progress: Callable[[int, int], None] | None = None
) -> int:
    """Score every subject at each past month-end since its first fact (at most `months` back) with the
    champion `version`; returns the assessments written. Stops if `version` is no longer the champion.

    It ends by scoring everyone now again, so that each subject's newest assessment is also its last
    written one (the risk pages take the latest by id).
    """
    now = timezone.now()
    first = Fact.objects.aggregate(first=Min("occurred_at"))["first"]
    if first is None:
        return 0
    moments = month_ends(max(first, now - dt.timedelta(days=round(months * 30.44))), now)
    scored = set(Assessment.objects.filter(model_version=version).values_list("as_of", flat=True).distinct())
    key, written = PROGRESS_KEY.format(version.pk), 0
    for done, moment in enumerate(moments, start=1):
        if champion().pk != version.pk:
            break
        if moment not in scored:
            written += recompute(as_of=moment)
        cache.set(key, {"done": done, "total": len(moments), "finished": False}, PROGRESS_SECONDS)
        if progress:
            progress(done, len(moments))
    else:
        written += recompute()
    cache.set(key, {"done": len(moments), "total": len(moments), "finished": True}, PROGRESS_SECONDS)
    return written
