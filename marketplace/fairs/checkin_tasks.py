"""After a fair day: the participants of that day's meetings at fair tables who never checked in.

For each confirmed in-person meeting at a table that started on `day` — a day of a fair session whose
desks checked anyone in that day (so a day without working desks accuses nobody) — every participant
without a check-in that day is reported to matchmaking through `meetings_services.record_absence(meeting,
user, by=None)`. A no-show *claim* by the other side then stands (matchmaking's rule); the absence alone
settles nothing. Each (meeting, person) is reported once, so a repeated run changes nothing.

Until exhibitors and hosted meetings tie tables to a session, "a fair table" is any in-person meeting
table used on a session's day. On a queue that can defer, the task queues itself for the next day at
`RUN_AT` UTC; `manage.py record_fair_absences` runs it once now (for yesterday) and starts the chain.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.tasks import task
from django.utils import timezone

from marketplace.core import daily
from marketplace.fairs import badges_selectors
from marketplace.fairs.models import CheckIn, FairSession
from marketplace.matchmaking import meetings_services
from marketplace.matchmaking.models.meetings import Meeting, MeetingAttendance, MeetingMode, MeetingState

log = logging.getLogger(__name__)

RUN_AT = dt.time(0, 30, tzinfo=dt.UTC)
CHAIN_KEY = "fairs:record-absences"


def fair_day_meetings(day: dt.date):
    """Confirmed in-person meetings at a table that started on `day`, if `day` is a fair day with check-ins."""
    sessions = FairSession.objects.filter(starts_on__lte=day, ends_on__gte=day)
    if not CheckIn.objects.filter(day=day, badge__registration__session__in=sessions).exists():
        return Meeting.objects.none()
    return (
        Meeting.objects.filter(
            state=MeetingState.CONFIRMED, mode=MeetingMode.IN_PERSON, table__isnull=False, start__date=day
        )
        .select_related("requester", "invitee")
        .order_by("start", "pk")
    )


def run(day: dt.date | None = None, *, now: dt.datetime | None = None) -> dict:
    """Report the absent participants of `day`'s fair-table meetings (yesterday by default)."""
    day = day or timezone.localdate() - dt.timedelta(days=1)
    reported = skipped = 0
    for meeting in fair_day_meetings(day):
        for person in (meeting.requester, meeting.invitee):
            if person is None or badges_selectors.checked_in(person, day):
                continue
            if MeetingAttendance.objects.filter(meeting=meeting, absent=person, source="checkin").exists():
                continue
            try:
                meetings_services.record_absence(meeting, person, by=None, now=now)
            except ValidationError as error:  # settled already, or not over yet
                log.info("meeting %s: absence of %s not recorded: %s", meeting.pk, person.pk, error.messages)
                skipped += 1
            else:
                reported += 1
    return {"day": day.isoformat(), "reported": reported, "skipped": skipped}


def schedule_next(now: dt.datetime | None = None) -> dt.datetime | None:
    return daily.schedule_next(record_fair_absences, at=RUN_AT, key=CHAIN_KEY, now=now)


@task()
def record_fair_absences() -> dict:
    done = run()
    schedule_next()
    return done
