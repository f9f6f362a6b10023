"""Meetings between companies, online or at a table, that never double-book.

A meeting is asked for by one person of a company (the requester) from another company (the invitee
company), with one to five proposed slots. Someone of the invitee company accepts one slot: the
meeting is then confirmed for the two people (and the table, in person). Every time is stored in UTC.

`Booking` rows are what makes double booking impossible: one row per person and per table a meeting
occupies. A pending request holds its slots (for the requester and the table) until it expires
(`hold_until`); a confirmed meeting holds its chosen slot for good. On PostgreSQL two exclusion
constraints (btree_gist, tstzrange) refuse two active overlapping rows of one person or one table;
on SQLite the service makes the same check under the database's write lock.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.companies.models import Company
from marketplace.core.transitions import TransitionTable

__all__ = [
    "MEETING_TRANSITIONS",
    "AttendanceMark",
    "AttendanceOutcome",
    "Booking",
    "BookingKind",
    "Meeting",
    "MeetingAttendance",
    "MeetingMode",
    "MeetingProfile",
    "MeetingReminder",
    "MeetingSlot",
    "MeetingState",
    "MeetingTable",
    "TableKind",
]


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class MeetingProfile(models.Model):
    """A person's time zone and the secret token of their calendar feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="meeting_profile",
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    feed_token = models.CharField(
        _("calendar feed token"), max_length=64, unique=True, default=new_feed_token
    )

    class Meta:
        verbose_name = _("meeting profile")
        verbose_name_plural = _("meeting profiles")

    def __str__(self):
        return f"{self.user} ({self.time_zone})"


class TableKind(models.TextChoices):
    BOOTH = "booth", _("Booth")
    MATCHMAKING = "matchmaking", _("Matchmaking table")


class MeetingTable(models.Model):
    """A bookable place: a booth or a matchmaking table, open between `available_from` and `available_until`.

    A booth also keeps daily opening hours (`opens_daily`–`closes_daily`, wall-clock times in the table's
    zone): a meeting there starts and ends inside one day's hours. Empty means open around the clock.
    """

    label = models.CharField(_("label"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=20, choices=TableKind.choices, default=TableKind.MATCHMAKING
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("owner company"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meeting_tables",
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    available_from = models.DateTimeField(_("available from"), null=True, blank=True)
    available_until = models.DateTimeField(_("available until"), null=True, blank=True)
    opens_daily = models.TimeField(_("opens each day at"), null=True, blank=True)
    closes_daily = models.TimeField(_("closes each day at"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("meeting table")
        verbose_name_plural = _("meeting tables")
        ordering = ["label"]

    def __str__(self):
        return self.label


class AttendanceMark(models.TextChoices):
    HELD = "held", _("It happened")
    NO_SHOW = "no_show", _("The other side did not come")


class AttendanceOutcome(models.TextChoices):
    OPEN = "open", _("Waiting for the other side")
    HELD = "held", _("Held")
    MISSED = "missed", _("No-show confirmed")
    DISPUTED = "disputed", _("Disputed: with an operator")


class MeetingMode(models.TextChoices):
    ONLINE = "online", _("Online (video)")
    IN_PERSON = "in_person", _("In person at a table")


class MeetingState(models.TextChoices):
    PENDING = "pending", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


MEETING_TRANSITIONS = TransitionTable(
    field="state",
    company=lambda meeting: meeting.requester_company_id,
    prefix="matchmaking.meeting",
    moves={
        "accept": {MeetingState.PENDING: MeetingState.CONFIRMED},
        "decline": {MeetingState.PENDING: MeetingState.DECLINED},
        "reschedule": {
            MeetingState.PENDING: MeetingState.PENDING,
            MeetingState.CONFIRMED: MeetingState.PENDING,
        },
        "cancel": {
            MeetingState.PENDING: MeetingState.CANCELLED,
            MeetingState.CONFIRMED: MeetingState.CANCELLED,
        },
        "expire": {MeetingState.PENDING: MeetingState.EXPIRED},
    },
    refusals={
        "accept": _("Only a pending request can be accepted."),
        "decline": _("Only a pending request can be declined."),
        "reschedule": _("This meeting can no longer be rescheduled."),
        "cancel": _("This meeting can no longer be cancelled."),
    },
)


class Meeting(models.Model):
    """One meeting between two companies; `start`/`end` are set once a slot is accepted (UTC)."""

    uid = models.UUIDField(_("calendar UID"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    state = models.CharField(
        _("state"), max_length=20, choices=MeetingState.choices, default=MeetingState.PENDING
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="meetings_requested",
    )
    requester_company = models.ForeignKey(
        Company,
        verbose_name=_("requesting company"),
        on_delete=models.PROTECT,
        related_name="meetings_requested",
    )
    invitee_company = models.ForeignKey(
        Company, verbose_name=_("invited company"), on_delete=models.PROTECT, related_name="meetings_invited"
    )
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings_accepted",
    )
    # Whose answer the proposed slots wait for (the invitee company; the other side after a reschedule).
    awaiting_company = models.ForeignKey(
        Company,
        verbose_name=_("waiting for"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # Who proposed the current slots (their time is held while the request is pending).
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("slots proposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    deal = models.ForeignKey(
        "deals.Deal",
        verbose_name=_("deal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
    )
    mode = models.CharField(_("how"), max_length=20, choices=MeetingMode.choices, default=MeetingMode.ONLINE)
    table = models.ForeignKey(
        MeetingTable,
        verbose_name=_("table"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    video_link = models.URLField(_("video link"), blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"), blank=True)
    start = models.DateTimeField(_("starts"), null=True, blank=True)
    end = models.DateTimeField(_("ends"), null=True, blank=True)
    expires_at = models.DateTimeField(_("request expires"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(
        _("attendance"), max_length=20, choices=AttendanceOutcome.choices, default=AttendanceOutcome.OPEN
    )
    missed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("no-show"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "expires_at"]), models.Index(fields=["state", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(mode="in_person") | models.Q(table__isnull=False),
                name="matchmaking_meeting_in_person_has_table",
            ),
            models.CheckConstraint(
                condition=models.Q(start__isnull=True) | models.Q(end__gt=models.F("start")),
                name="matchmaking_meeting_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.subject

    def participants(self) -> list:
        return [u for u in (self.requester, self.invitee) if u is not None]


class MeetingSlot(models.Model):
    """A proposed time (UTC) for a pending request."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="slots"
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("proposed slot")
        verbose_name_plural = _("proposed slots")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="matchmaking_slot_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC"


class BookingKind(models.TextChoices):
    HOLD = "hold", _("Held by a pending request")
    CONFIRMED = "confirmed", _("Confirmed")


class Booking(models.Model):
    """One person's or one table's time taken by a meeting. See the module docstring for the rules."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="bookings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meeting_bookings",
    )
    table = models.ForeignKey(
        MeetingTable,
        verbose_name=_("table"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="bookings",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=BookingKind.choices)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    # A hold counts until then (the request's expiry); a confirmed booking has none.
    hold_until = models.DateTimeField(_("held until"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [models.Index(fields=["user", "start"]), models.Index(fields=["table", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, table__isnull=True)
                | models.Q(user__isnull=True, table__isnull=False),
                name="matchmaking_booking_person_or_table",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="matchmaking_booking_ends_after_start"
            ),
        ]
        # The exclusion constraints (PostgreSQL only) are added by migration 0002's RunPython.

    def __str__(self):
        return f"{self.user or self.table} {self.start:%Y-%m-%d %H:%M} ({self.kind})"


class MeetingReminder(models.Model):
    """A reminder sent (once per meeting, kind and start time: a rescheduled meeting is reminded again)."""

    class Kind(models.TextChoices):
        DAY = "24h", _("24 hours before")
        QUARTER = "15m", _("15 minutes before")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    start = models.DateTimeField(_("meeting start"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting reminder")
        verbose_name_plural = _("meeting reminders")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind", "start"], name="matchmaking_reminder_once")
        ]

    def __str__(self):
        return f"{self.meeting_id} {self.kind}"


class MeetingAttendance(models.Model):
    """What one side says about a past meeting, and the outcome once both sides (or an operator) agree.

    `absent` is the person said not to have come (for a no-show mark), `marked_by` who said so
    (a participant, an operator, or None for the fair's check-in through `record_absence`).
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    side_company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    mark = models.CharField(_("what happened"), max_length=20, choices=AttendanceMark.choices)
    absent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("absent person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=20, default="participant")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.meeting_id} {self.mark}"
