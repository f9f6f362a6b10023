"""The daily sourcing-request expiry: RFQs past their closing date close, quotations past their validity expire.

`check_rfq_expiries` runs `rfq_services.expire` (each change once, so a repeated run changes nothing) and
then, on a queue that can defer, queues itself for the next day at `RUN_AT` UTC (`core.daily`).
`manage.py check_rfq_expiries` runs it once now and starts the chain (or, from cron, does the daily job).
"""

import datetime as dt

from django.tasks import task
from django.utils import timezone

from marketplace.core import daily
from marketplace.matchmaking.rfq_services import expire

RUN_AT = dt.time(0, 45, tzinfo=dt.UTC)
CHAIN_KEY = "matchmaking:rfq-expiries"


def run(today: dt.date | None = None) -> dict:
    return expire(today or timezone.localdate())


def schedule_next(now: dt.datetime | None = None) -> dt.datetime | None:
    return daily.schedule_next(check_rfq_expiries, at=RUN_AT, key=CHAIN_KEY, now=now)


@task()
def check_rfq_expiries() -> dict:
    done = run()
    schedule_next()
    return done
