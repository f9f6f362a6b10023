"""The daily insurance check (duties.run) in the background, queueing its own next run (core/daily.py).

`manage.py check_insurance` runs it once now and starts the daily chain; a cron line calling the command
does the same job where the queue cannot defer.
"""

import datetime as dt

from django.tasks import task
from django.utils import timezone

from marketplace.core import daily
from marketplace.insurance.duties import run

RUN_AT = dt.time(0, 45, tzinfo=dt.UTC)
CHAIN_KEY = "insurance:check-insurance"


def schedule_next(now: dt.datetime | None = None) -> dt.datetime | None:
    return daily.schedule_next(check_insurance, at=RUN_AT, key=CHAIN_KEY, now=now)


@task()
def check_insurance() -> dict:
    done = run(timezone.localdate())
    schedule_next()
    return done
