"""The hourly payment check: `reconcile_payments` fetches the provider's state of every open card payment and
repairs what a lost webhook missed — an authorisation that lapsed uncaptured is cancelled and the buyer asked
to pay again, held money whose condition is met is captured and released (`services.reconcile`).

On a queue that can defer it queues its own next run an hour later; `manage.py reconcile_payments` does the
same job once (from cron where the queue cannot defer). A cache marker per hour keeps two chains from doubling.
"""

import datetime as dt

from django.core.cache import cache
from django.tasks import default_task_backend, task
from django.utils import timezone

from marketplace.payments import services

EVERY = dt.timedelta(hours=1)
CHAIN_KEY = "payments:reconcile"


def schedule_next(now: dt.datetime | None = None) -> dt.datetime | None:
    """Queue the next run once; None when the queue cannot defer or that hour's run is queued already."""
    if not default_task_backend.supports_defer:
        return None
    when = (now or timezone.now()) + EVERY
    if not cache.add(f"{CHAIN_KEY}:{when:%Y%m%d%H}", 1, int(EVERY.total_seconds()) * 2):
        return None
    reconcile_payments.using(run_after=when).enqueue()
    return when


@task()
def reconcile_payments() -> dict:
    done = services.reconcile()
    schedule_next()
    return done


@task()
def apply_webhook_event(event_pk: int) -> bool:
    """Apply one stored provider event (queued by the webhook endpoint once the event is stored).

    A provider that does not answer fails the task and leaves the event unapplied: a redelivery queues it
    again, and the hourly reconcile applies what is left (`services.apply_unprocessed`)."""
    return services.apply_event(event_pk)
