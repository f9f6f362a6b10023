"""After a fair day, participants of that day's table meetings without a check-in are reported to
matchmaking once; a claimed no-show then stands. Online meetings and days without desks accuse nobody."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace.fairs import checkin_tasks
from marketplace.matchmaking import meetings_services
from marketplace.matchmaking.models.meetings import AttendanceOutcome, MeetingAttendance, MeetingMode
from tests.marketplace.fairs.factories import BadgeFactory, CheckInFactory, FairSessionFactory
from tests.marketplace.matchmaking.factories_meetings import (
    MeetingFactory,
    MeetingTableFactory,
    meeting_parties,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def fair(day):
    return FairSessionFactory(starts_on=day - dt.timedelta(days=1), ends_on=day + dt.timedelta(days=3))


def table_meeting(p, day, *, mode=MeetingMode.IN_PERSON):
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    return MeetingFactory(
        requester=p["buyer"],
        requester_company=p["buyer_company"],
        invitee=p["supplier"],
        invitee_company=p["supplier_company"],
        mode=mode,
        table=MeetingTableFactory() if mode == MeetingMode.IN_PERSON else None,
        state="confirmed",
        start=start,
        end=start + dt.timedelta(minutes=30),
    )


def checked_in(user, company, session, day):
    CheckInFactory(
        badge=BadgeFactory(
            registration__session=session, registration__user=user, registration__company=company
        ),
        day=day,
    )


def test_the_absent_participant_is_reported_once_and_a_claim_then_stands(fair, day):
    p = meeting_parties()
    meeting = table_meeting(p, day)
    checked_in(p["supplier"], p["supplier_company"], fair, day)
    assert checkin_tasks.run(day) == {"day": day.isoformat(), "reported": 1, "skipped": 0}
    row = MeetingAttendance.objects.get(meeting=meeting)
    assert (row.absent, row.source, row.marked_by) == (p["buyer"], "checkin", None)
    assert checkin_tasks.run(day)["reported"] == 0  # a repeated run changes nothing
    meetings_services.record_attendance(meeting, by_user=p["supplier"], mark="no_show")
    meeting.refresh_from_db()
    assert meeting.outcome == AttendanceOutcome.MISSED and meeting.missed_by == p["buyer"]


def test_both_checked_in_online_meetings_and_days_without_desks_report_nobody(fair, day):
    p = meeting_parties()
    table_meeting(p, day - dt.timedelta(days=1))  # a fair day on which no desk checked anyone in
    table_meeting(p, day, mode=MeetingMode.ONLINE)
    both = table_meeting(p, day)
    checked_in(p["buyer"], p["buyer_company"], fair, day)
    checked_in(p["supplier"], p["supplier_company"], fair, day)
    assert checkin_tasks.run(day)["reported"] == 0
    assert checkin_tasks.run(day - dt.timedelta(days=1))["reported"] == 0
    assert not MeetingAttendance.objects.exists()
    both.refresh_from_db()
    assert both.outcome == AttendanceOutcome.OPEN


def test_the_command_runs_for_a_given_day(fair, day, capsys):
    p = meeting_parties()
    table_meeting(p, day)
    checked_in(p["buyer"], p["buyer_company"], fair, day)
    call_command("record_fair_absences", day=day)
    assert "1 absences reported" in capsys.readouterr().out
