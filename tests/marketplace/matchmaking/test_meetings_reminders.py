"""Reminders 24 h and 15 min before, in-app and by email, once each, never for a cancelled meeting;
and the sweep that expires unanswered requests."""

import datetime as dt

import pytest
from django.tasks import default_task_backend
from django.utils import timezone

from marketplace.matchmaking import meetings_services as svc
from marketplace.matchmaking import meetings_tasks as tasks
from marketplace.matchmaking.models.meetings import MeetingReminder, MeetingState
from marketplace.notifications.models import Notification
from tests.marketplace.matchmaking.factories_meetings import meeting_parties

pytestmark = pytest.mark.django_db


@pytest.fixture
def p():
    return meeting_parties()


def _confirmed(p, start):
    meeting = svc.request_meeting(
        by_user=p["buyer"],
        with_company=p["supplier_company"],
        subject="Reminder me",
        slots=[(start, start + dt.timedelta(minutes=30))],
        now=start - dt.timedelta(days=2),
    )
    svc.accept(meeting, by_user=p["supplier"], slot=meeting.slots.get(), now=start - dt.timedelta(days=2))
    meeting.refresh_from_db()
    return meeting


def test_the_sweep_sends_each_reminder_once_to_both_people(p, mailoutbox, django_capture_on_commit_callbacks):
    start = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    meeting = _confirmed(p, start)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_due_reminders(now=start - dt.timedelta(hours=30)) == 0
        assert tasks.send_due_reminders(now=start - dt.timedelta(hours=23)) == 1
        assert tasks.send_due_reminders(now=start - dt.timedelta(hours=22)) == 0
    assert {m.to[0] for m in mailoutbox} == {p["buyer"].email, p["supplier"].email}
    assert all(m.attachments[0][0].endswith(".ics") for m in mailoutbox)
    assert Notification.objects.filter(url__contains=f"/meetings/{meeting.pk}/").count() == 2
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_due_reminders(now=start - dt.timedelta(minutes=14)) == 1
        assert tasks.send_due_reminders(now=start - dt.timedelta(minutes=5)) == 0
    assert len(mailoutbox) == 2 and "15" in mailoutbox[0].subject
    assert set(MeetingReminder.objects.values_list("kind", flat=True)) == {"24h", "15m"}


def test_no_reminder_for_a_cancelled_or_rescheduled_meeting(p):
    start = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    meeting = _confirmed(p, start)
    # A reminder queued for the old start does nothing once the meeting moved.
    svc.reschedule(
        meeting,
        by_user=p["buyer"],
        slots=[(start + dt.timedelta(days=1), start + dt.timedelta(days=1, minutes=30))],
    )
    assert tasks.send_reminder.call(meeting.pk, "24h", start.isoformat()) is False
    meeting.refresh_from_db()
    svc.cancel(meeting, by_user=p["supplier"], reason="Ill")
    assert tasks.send_due_reminders(now=start + dt.timedelta(hours=1)) == 0
    assert not MeetingReminder.objects.exists()


def test_confirming_queues_both_reminders_on_a_queue_that_defers(
    p, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    assert default_task_backend.supports_defer
    start = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _confirmed(p, start)
    queued = DBTaskResult.objects.filter(task_path="marketplace.matchmaking.meetings_tasks.send_reminder")
    assert sorted(r.run_after for r in queued) == [
        start - dt.timedelta(hours=24),
        start - dt.timedelta(minutes=15),
    ]
    assert all(r.args_kwargs["args"][0] == meeting.pk for r in queued)


def test_the_sweep_expires_unanswered_requests(p):
    start = timezone.now() + dt.timedelta(hours=5)
    meeting = svc.request_meeting(
        by_user=p["buyer"],
        with_company=p["supplier_company"],
        subject="x",
        slots=[(start, start + dt.timedelta(minutes=30))],
    )
    assert tasks.sweep(now=start - dt.timedelta(hours=1)) == {"expired": 0, "reminded": 0}
    assert tasks.sweep(now=start) == {"expired": 1, "reminded": 0}
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.EXPIRED
