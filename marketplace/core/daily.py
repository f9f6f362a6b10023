"""A task that runs once a day: it queues its own next run on a queue that can defer.

The database worker and RQ with its scheduler can hold a task until `run_after`; the immediate backend
(tests) and plain RQ cannot, and there a cron line calling the task's command does the same job. A cache
marker per task and day keeps two chains (two workers, a command run by hand) from doubling up.
"""

import datetime as dt

from django.core.cache import cache
from django.tasks import Task, default_task_backend
from django.utils import timezone


def next_run(now: dt.datetime, at: dt.time) -> dt.datetime:
    """The next moment at `at` (a UTC time of day) strictly after `now`."""
    today = now.astimezone(dt.UTC).date()
    when = dt.datetime.combine(today, at)
    return when if when > now else when + dt.timedelta(days=1)


def schedule_next(task: Task, *, at: dt.time, key: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """Queue `task`'s next daily run once; None when the queue cannot defer or the run is queued already."""
    if not default_task_backend.supports_defer:
        return None
    when = next_run(now or timezone.now(), at)
    if not cache.add(f"{key}:{when.date().isoformat()}", 1, 2 * 86400):
        return None
    task.using(run_after=when).enqueue()
    return when
