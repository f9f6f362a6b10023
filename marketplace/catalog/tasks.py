"""The daily expiry check: verification documents and product certificates that passed their last valid day.

`check_expiries` expires every approved verification document whose validity ended
(`companies.services.documents_expire`) and reports each supplier whose product certificate expired
since the catalog last told credit (`catalog.certificates.certificates_report_expired`); each expiry is
recorded once, so a repeated run changes nothing. It lives in catalog, the lowest app that sees both.
On a queue that can defer it queues itself for the next day at `RUN_AT` UTC; `manage.py check_expiries`
runs it once now and starts the daily chain (or, from cron, does the daily job where the queue cannot defer).
"""

import datetime as dt

from django.tasks import task
from django.utils import timezone

from marketplace.catalog.certificates import certificates_report_expired
from marketplace.companies.services import documents_expire
from marketplace.core import daily

RUN_AT = dt.time(0, 15, tzinfo=dt.UTC)
CHAIN_KEY = "catalog:check-expiries"


def run(today: dt.date | None = None) -> dict:
    """Both checks once, as of `today` (the platform's date)."""
    today = today or timezone.localdate()
    documents = documents_expire(today=today)
    suppliers = certificates_report_expired(today=today)
    return {"documents": len(documents), "suppliers": len(suppliers)}


def schedule_next(now: dt.datetime | None = None) -> dt.datetime | None:
    return daily.schedule_next(check_expiries, at=RUN_AT, key=CHAIN_KEY, now=now)


@task()
def check_expiries() -> dict:
    done = run()
    schedule_next()
    return done
