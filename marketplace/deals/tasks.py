"""The daily milestone check, in the background through Django's Tasks API.

`check_milestones` moves unpaid milestones to due and overdue (deals.milestones.refresh; each move
once, so a repeated run changes nothing) and then, on a queue that can defer (the database worker, RQ
with its scheduler), queues itself for the next day at `RUN_AT` UTC. `manage.py check_milestones`
runs it once now and starts the daily chain; a cron line calling the command does the same job where
the queue cannot defer.
"""

import datetime as dt

from django.core.cache import cache
from django.tasks import default_task_backend, task
from django.utils import timezone

from marketplace.deals.milestones import refresh

RUN_AT = dt.time(0, 30, tzinfo=dt.UTC)
CHAIN_KEY = "deals:check-milestones:{}"


def next_run(now: dt.datetime) -> dt.datetime:
    today = now.astimezone(dt.UTC).date()
    at = dt.datetime.combine(today, RUN_AT)
    return at if at > now else at + dt.timedelta(days=1)


def schedule_next(now: dt.datetime | None = None) -> dt.datetime | None:
    """Queue tomorrow's run once (a cache marker per day keeps two chains from doubling up)."""
    if not default_task_backend.supports_defer:
        return None
    when = next_run(now or timezone.now())
    if not cache.add(CHAIN_KEY.format(when.date().isoformat()), 1, 2 * 86400):
        return None
    check_milestones.using(run_after=when).enqueue()
    return when


@task()
def check_milestones() -> dict:
    moved = refresh(timezone.localdate())
    schedule_next()
    return {str(k): v for k, v in moved.items()}
