"""The daily repayment check: disbursed financing past its due date becomes overdue (services.refresh_overdue).

On a queue that can defer it queues itself for the next day at `RUN_AT` UTC (core/daily.py);
`manage.py check_repayments` runs it once now and starts the chain, or does the daily job from cron.
"""

import datetime as dt

from django.tasks import task
from django.utils import timezone

from marketplace.core import daily
from marketplace.financing.services import refresh_overdue

RUN_AT = dt.time(0, 45, tzinfo=dt.UTC)
CHAIN_KEY = "financing:check-repayments"


def run(today: dt.date | None = None) -> dict:
    return refresh_overdue(today or timezone.localdate())


def schedule_next(now: dt.datetime | None = None) -> dt.datetime | None:
    return daily.schedule_next(check_repayments, at=RUN_AT, key=CHAIN_KEY, now=now)


@task()
def check_repayments() -> dict:
    done = run()
    schedule_next()
    return done
