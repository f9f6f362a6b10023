"""What the people of a meeting hear: in-app and by email with the .ics attached, in their own language.

Connected in `MatchmakingConfig.ready`. Each change tells the other side (never the person who acted);
accepting, cancelling and a reschedule also send the updated .ics to both participants so their
calendars update in place. Accepting queues the reminders.
"""

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from marketplace.companies.models import Membership, PlatformRole, User
from marketplace.core.signals import state_changed
from marketplace.deals.permissions import ACTING_ROLES
from marketplace.matchmaking import meetings_tasks
from marketplace.matchmaking.meetings_signals import attendance_settled, meeting_requested
from marketplace.matchmaking.models.meetings import AttendanceOutcome, Meeting
from marketplace.notifications.services import notify

TITLES = {
    "requested": _("New meeting request"),
    "accept": _("Your meeting is confirmed"),
    "decline": _("Your meeting request was declined"),
    "reschedule": _("New times proposed for a meeting"),
    "cancel": _("A meeting was cancelled"),
    "expire": _("A meeting request expired unanswered"),
    "disputed": _("A meeting's attendance is disputed"),
}
EMAIL_WHAT = {
    "accept": "accepted",
    "decline": "declined",
    "reschedule": "rescheduled",
    "cancel": "cancelled",
    "expire": "expired",
}


def side_people(meeting: Meeting, company_id: int):
    """The person of that side in the meeting, or the company's acting members while nobody is named."""
    named = meeting.requester if company_id == meeting.requester_company_id else meeting.invitee
    if named is not None:
        return [named]
    return list(
        User.objects.filter(
            pk__in=Membership.objects.filter(company_id=company_id, role__in=ACTING_ROLES).values("user_id"),
            is_active=True,
        )
    )


def _tell(meeting: Meeting, people, key: str, *, actor=None, email_what: str | None = None) -> None:
    people = [p for p in people if actor is None or p.pk != getattr(actor, "pk", None)]
    if not people:
        return
    url = reverse("meetings:detail", args=[meeting.pk])
    notify(recipients=people, title=TITLES[key], body=meeting.subject, url=url, email=False)
    if email_what:
        for person in people:
            meetings_tasks.send_meeting_email.enqueue(meeting.pk, person.pk, email_what)


@receiver(meeting_requested, sender=Meeting, dispatch_uid="matchmaking.meeting_requested")
def on_request(sender, meeting: Meeting, actor=None, **kwargs):
    _tell(
        meeting,
        side_people(meeting, meeting.invitee_company_id),
        "requested",
        actor=actor,
        email_what="requested",
    )


@receiver(state_changed, sender=Meeting, dispatch_uid="matchmaking.meeting_state_changed")
def on_change(sender, instance: Meeting, event: str, actor=None, **kwargs):
    meeting = Meeting.objects.select_related("requester", "invitee", "table").get(pk=instance.pk)
    what = EMAIL_WHAT.get(event)
    if event == "accept":
        _tell(meeting, meeting.participants(), "accept", email_what=what)
        meetings_tasks.schedule_reminders(meeting)
    elif event in ("cancel", "reschedule"):
        people = {p.pk: p for p in meeting.participants()}
        for company_id in (meeting.requester_company_id, meeting.invitee_company_id):
            for person in side_people(meeting, company_id):
                people.setdefault(person.pk, person)
        _tell(meeting, people.values(), event, actor=actor, email_what=what)
    elif event in ("decline", "expire"):
        _tell(meeting, [meeting.proposer or meeting.requester], event, actor=actor, email_what=what)


@receiver(attendance_settled, sender=Meeting, dispatch_uid="matchmaking.meeting_attendance_settled")
def on_dispute(sender, meeting: Meeting, outcome: str, **kwargs):
    if outcome != AttendanceOutcome.DISPUTED:
        return
    operators = User.objects.filter(platform_role=PlatformRole.OPERATOR, is_active=True)
    _tell(meeting, list(operators), "disputed")
