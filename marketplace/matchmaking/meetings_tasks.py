"""Meeting emails with the .ics attached, reminders 24 h and 15 min before, and the expiry of requests.

- `send_meeting_email(meeting_id, user_id, what)`: one person's email about one change, in their
  language, with the meeting as `.ics` in their time zone (METHOD:REQUEST, or CANCEL once it is off).
- Reminders: when a meeting is confirmed, `schedule_reminders` queues `send_reminder` for 24 h and
  15 min before on a queue that can defer; `send_reminder` does nothing for a meeting that is no longer
  confirmed at that start (cancelled or rescheduled), and each reminder is sent once
  (`MeetingReminder`). `meetings_sweep` (every `SWEEP_EVERY`, queued by itself where the queue can
  defer, or from cron) expires unanswered requests and sends any reminder that is due and unsent, so a
  queue that cannot defer loses nothing.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.tasks import default_task_backend, task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace.companies.models import User
from marketplace.core.links import absolute_url
from marketplace.matchmaking import meetings_ics
from marketplace.matchmaking.meetings_services import expire_due, zone_of
from marketplace.matchmaking.models.meetings import Meeting, MeetingReminder, MeetingState
from marketplace.notifications.services import notify

REMINDERS = {
    MeetingReminder.Kind.DAY: dt.timedelta(hours=24),
    MeetingReminder.Kind.QUARTER: dt.timedelta(minutes=15),
}
SWEEP_EVERY = dt.timedelta(minutes=5)
SWEEP_KEY = "matchmaking:meetings-sweep"


def _subject(what: str, meeting: Meeting) -> str:
    titles = {
        "requested": _("Meeting request: %(subject)s"),
        "accepted": _("Meeting confirmed: %(subject)s"),
        "rescheduled": _("New times proposed: %(subject)s"),
        "declined": _("Meeting request declined: %(subject)s"),
        "cancelled": _("Meeting cancelled: %(subject)s"),
        "expired": _("Meeting request expired: %(subject)s"),
        "24h": _("Coming up within 24 hours: %(subject)s"),
        "15m": _("In 15 minutes: %(subject)s"),
    }
    return titles.get(what, _("Meeting: %(subject)s")) % {"subject": meeting.subject}


def email_for(meeting: Meeting, user, what: str) -> EmailMessage:
    """The email (not sent) for `user`, in their language, with the .ics in their time zone."""
    with translation.override(getattr(user, "preferred_language", "") or "en"):
        zone = zone_of(user)
        link = absolute_url(reverse("meetings:detail", args=[meeting.pk]))
        lines = [_subject(what, meeting), ""]
        if meeting.start:
            local = meeting.start.astimezone(zone)
            lines.append(_("When: %(when)s") % {"when": f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({zone})"})
        if meeting.table:
            lines.append(_("Where: %(place)s") % {"place": meeting.table.label})
        if meeting.video_link:
            lines.append(_("Video link: %(link)s") % {"link": meeting.video_link})
        if meeting.decline_reason and what == "declined":
            lines.append(_("Reason: %(reason)s") % {"reason": meeting.decline_reason})
        if meeting.cancel_reason and what == "cancelled":
            lines.append(_("Reason: %(reason)s") % {"reason": meeting.cancel_reason})
        lines += ["", link]
        message = EmailMessage(
            subject=f"[TrustFair] {_subject(what, meeting)}", body="\n".join(lines), to=[user.email]
        )
    method = meetings_ics.method_of(meeting)
    calendar = meetings_ics.calendar_for(meeting, zone=zone)
    message.attach(
        f"meeting-{meeting.pk}.ics", meetings_ics.ics_bytes(calendar), f"text/calendar; method={method}"
    )
    return message


@task()
def send_meeting_email(meeting_id: int, user_id: int, what: str) -> None:
    meeting = Meeting.objects.select_related("requester", "invitee", "table").get(pk=meeting_id)
    user = User.objects.get(pk=user_id)
    email_for(meeting, user, what).send()


def schedule_reminders(meeting: Meeting) -> list[dt.datetime]:
    """Queue the two reminders of a confirmed meeting where the queue can defer; the times queued."""
    if (
        meeting.state != MeetingState.CONFIRMED
        or meeting.start is None
        or not default_task_backend.supports_defer
    ):
        return []
    queued = []
    now = timezone.now()
    for kind, before in REMINDERS.items():
        when = meeting.start - before
        if when > now:
            send_reminder.using(run_after=when).enqueue(meeting.pk, kind, meeting.start.isoformat())
            queued.append(when)
    return queued


def remind(meeting: Meeting, kind: str, *, start: dt.datetime) -> bool:
    """Tell both participants (in-app and by email with the .ics) once; False when skipped."""
    if meeting.state != MeetingState.CONFIRMED or meeting.start != start:
        return False
    try:
        with transaction.atomic():
            MeetingReminder.objects.create(meeting=meeting, kind=kind, start=start)
    except IntegrityError:
        return False
    people = meeting.participants()
    url = reverse("meetings:detail", args=[meeting.pk])
    for person in people:
        with translation.override(getattr(person, "preferred_language", "") or "en"):
            title = _subject(kind, meeting)
        notify(recipients=[person], title=title, body=meeting.subject, url=url, email=False)
        transaction.on_commit(lambda p=person: send_meeting_email.enqueue(meeting.pk, p.pk, kind))
    return True


@task()
def send_reminder(meeting_id: int, kind: str, start_iso: str) -> bool:
    meeting = Meeting.objects.select_related("requester", "invitee", "table").filter(pk=meeting_id).first()
    if meeting is None:
        return False
    return remind(meeting, kind, start=dt.datetime.fromisoformat(start_iso))


def send_due_reminders(now: dt.datetime | None = None) -> int:
    """Every reminder that is due now and was not sent (the sweep's half for a queue that cannot defer)."""
    now = now or timezone.now()
    sent = 0
    for kind, before in REMINDERS.items():
        due = Meeting.objects.filter(
            state=MeetingState.CONFIRMED, start__gt=now, start__lte=now + before
        ).exclude(reminders__kind=kind)
        for meeting in due.select_related("requester", "invitee", "table"):
            if (
                kind == MeetingReminder.Kind.DAY
                and meeting.start - now <= REMINDERS[MeetingReminder.Kind.QUARTER]
            ):
                continue  # a 24 h reminder 15 minutes before is noise: the 15 min one goes out instead
            sent += remind(meeting, kind, start=meeting.start)
    return sent


def sweep(now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    return {"expired": expire_due(now=now), "reminded": send_due_reminders(now=now)}


def schedule_next(now: dt.datetime | None = None) -> dt.datetime | None:
    """Queue the next sweep once; None when the queue cannot defer or that run is queued already."""
    if not default_task_backend.supports_defer:
        return None
    when = (now or timezone.now()) + SWEEP_EVERY
    if not cache.add(f"{SWEEP_KEY}:{when:%Y%m%d%H%M}", 1, int(SWEEP_EVERY.total_seconds()) * 2):
        return None
    meetings_sweep.using(run_after=when).enqueue()
    return when


@task()
def meetings_sweep() -> dict:
    done = sweep()
    schedule_next()
    return done
