"""The daily refresh of the ranking's supplier signals: credit grades and fair sessions move without an
event the receivers hear, so every supplier's row is rebuilt once a day (`manage.py refresh_match_signals`
runs it now and starts the chain; from cron where the queue cannot defer)."""

import datetime as dt

from django.tasks import task

from marketplace.core import daily
from marketplace.matchmaking.ranking_signals import refresh_all

RUN_AT = dt.time(1, 30, tzinfo=dt.UTC)
CHAIN_KEY = "matchmaking:refresh-signals"


def schedule_next(now: dt.datetime | None = None) -> dt.datetime | None:
    return daily.schedule_next(refresh_match_signals, at=RUN_AT, key=CHAIN_KEY, now=now)


@task()
def refresh_match_signals() -> int:
    done = refresh_all()
    schedule_next()
    return done
