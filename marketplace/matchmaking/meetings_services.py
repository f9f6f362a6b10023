"""Meetings: every change goes through one function here (request, accept, decline, reschedule, cancel,
expire, attendance), in one transaction, on a locked row, written to the audit trail.

Double booking. A person or a table never holds two overlapping active bookings (see models.meetings):
`_take` locks the people's profiles and the table, drops holds that have expired, checks for overlaps
and inserts; on PostgreSQL the exclusion constraints refuse what a check could ever miss.

Public API for other apps (fairs, the ranking):
- `request_meeting`, `accept`, `decline`, `reschedule`, `cancel`, `expire_due`
- `create_table(label=, kind=, company=, time_zone=, available_from=, available_until=, opens_daily=,
  closes_daily=)` (fairs' booths: open on the phase's days, inside the daily hours)
- `table_open_at(table, start, end)`: whether a slot lies inside the table's dates and daily hours
- `record_attendance`, `record_absence(meeting, user, by=...)` (fairs' check-in), `resolve_dispute`
- `attendance_counts(company)` -> {"held": n, "missed": n} and `attendance_counts_by_company(ids)`
- `table_schedule(table, since=, until=)`: the confirmed meetings at a table (a booth's day)
- `statistics(since=, until=)`: requested, accepted, held, no-shows per month and in all
- `profile_for(user)`, `zone_of(user)`, `set_time_zone`, `reset_feed_token`
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.facts import record as record_fact
from marketplace.companies.models import Company, Membership
from marketplace.companies.permissions import is_member, is_operator
from marketplace.core import audit
from marketplace.core.signals import send_after_commit
from marketplace.core.transitions import transition
from marketplace.deals.permissions import ACTING_ROLES
from marketplace.matchmaking.meetings_signals import attendance_settled, meeting_requested
from marketplace.matchmaking.models.meetings import (
    MEETING_TRANSITIONS,
    AttendanceMark,
    AttendanceOutcome,
    Booking,
    BookingKind,
    Meeting,
    MeetingAttendance,
    MeetingMode,
    MeetingProfile,
    MeetingSlot,
    MeetingState,
    MeetingTable,
    new_feed_token,
)

MAX_SLOTS = 5
DEFAULT_EXPIRY = dt.timedelta(days=3)
MAX_DURATION = dt.timedelta(hours=4)
MIN_DURATION = dt.timedelta(minutes=10)
PLATFORM_SOURCE = "platform"
DEFAULT_VIDEO_URL = "https://meet.trustfair.test/{uid}"


class SlotTaken(ValidationError):
    """A person or the table already holds an overlapping meeting."""


# --- people and their time zones -------------------------------------------------------------------


# Countries with several zones: the one most of their trade runs on (else babel's zone for a one-zone country).
COUNTRY_ZONES = {
    "CN": "Asia/Shanghai",
    "US": "America/New_York",
    "CA": "America/Toronto",
    "BR": "America/Sao_Paulo",
    "AU": "Australia/Sydney",
    "RU": "Europe/Moscow",
    "MX": "America/Mexico_City",
    "ID": "Asia/Jakarta",
    "DE": "Europe/Berlin",
    "ES": "Europe/Madrid",
    "PT": "Europe/Lisbon",
    "KZ": "Asia/Almaty",
}


def default_zone(user) -> str:
    """A first guess from the person's company's country, until they choose one (UTC when unknown)."""
    company = getattr(user, "company", None)
    country = str(getattr(company, "country", "") or "")
    if country in COUNTRY_ZONES:
        return COUNTRY_ZONES[country]
    from babel.core import get_global

    zones = get_global("territory_zones").get(country, [])
    return zones[0] if len(zones) == 1 and valid_zone(zones[0]) else "UTC"


def profile_for(user) -> MeetingProfile:
    """The person's profile (created on first use), kept on `user` so later reads see changes."""
    try:
        return user.meeting_profile
    except MeetingProfile.DoesNotExist:
        profile, _created = MeetingProfile.objects.get_or_create(
            user=user, defaults={"time_zone": default_zone(user)}
        )
        user.meeting_profile = profile
        return profile


def zone_of(user) -> zoneinfo.ZoneInfo:
    if user is None or not getattr(user, "is_authenticated", False):
        return zoneinfo.ZoneInfo("UTC")
    name = profile_for(user).time_zone
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def valid_zone(name: str) -> bool:
    return name in zoneinfo.available_timezones()


def set_time_zone(user, name: str) -> MeetingProfile:
    if not valid_zone(name):
        raise ValidationError({"time_zone": _("Unknown time zone.")})
    profile = profile_for(user)
    profile.time_zone = name
    profile.save(update_fields=["time_zone"])
    audit.log(
        actor=user, action="matchmaking.meeting_profile.time_zone", obj=profile, data={"time_zone": name}
    )
    return profile


def reset_feed_token(user) -> MeetingProfile:
    """A new secret for the person's calendar feed: the old feed URL stops working at once."""
    with transaction.atomic():
        profile = MeetingProfile.objects.select_for_update().get(pk=profile_for(user).pk)
        profile.feed_token = new_feed_token()
        profile.save(update_fields=["feed_token"])
        user.meeting_profile = profile
        audit.log(actor=user, action="matchmaking.meeting_profile.feed_reset", obj=profile)
    return profile


# --- places --------------------------------------------------------------------------------------


def create_table(
    *,
    label: str,
    kind: str,
    company: Company | None = None,
    time_zone: str = "UTC",
    available_from: dt.datetime | None = None,
    available_until: dt.datetime | None = None,
    opens_daily: dt.time | None = None,
    closes_daily: dt.time | None = None,
    by_user=None,
) -> MeetingTable:
    """A bookable place (fairs create their booths and hosted-buyer tables through this)."""
    if not valid_zone(time_zone):
        raise ValidationError({"time_zone": _("Unknown time zone.")})
    if available_from and available_until and available_until <= available_from:
        raise ValidationError({"available_until": _("The end must come after the start.")})
    if (opens_daily is None) != (closes_daily is None) or (opens_daily and closes_daily <= opens_daily):
        raise ValidationError({"closes_daily": _("A table closes each day after it opens.")})
    table = MeetingTable.objects.create(
        label=label,
        kind=kind,
        company=company,
        time_zone=time_zone,
        available_from=available_from,
        available_until=available_until,
        opens_daily=opens_daily,
        closes_daily=closes_daily,
    )
    audit.log(
        actor=by_user, action="matchmaking.meeting_table.create", obj=table, company_id=table.company_id
    )
    return table


def table_zone(table: MeetingTable) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(table.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def table_open_at(table: MeetingTable, start: dt.datetime, end: dt.datetime) -> bool:
    """Inside the table's dates and, for a table with daily hours, inside one day's opening hours."""
    if table.available_from and start < table.available_from:
        return False
    if table.available_until and end > table.available_until:
        return False
    if table.opens_daily is None or table.closes_daily is None:
        return True
    zone = table_zone(table)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    return (
        local_start.date() == local_end.date()
        and local_start.time() >= table.opens_daily
        and local_end.time() <= table.closes_daily
    )


def opening_text(table: MeetingTable) -> str:
    """The table's opening hours in words, in its own zone: "12 Oct–15 Oct, 09:30–18:00 (Asia/Shanghai)"."""
    zone = table_zone(table)
    parts = []
    if table.available_from and table.available_until:
        first = table.available_from.astimezone(zone).date()
        last = table.available_until.astimezone(zone).date()
        parts.append(f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d} – {last:%Y-%m-%d}")
    if table.opens_daily and table.closes_daily:
        parts.append(
            _("%(opens)s–%(closes)s daily")
            % {"opens": f"{table.opens_daily:%H:%M}", "closes": f"{table.closes_daily:%H:%M}"}
        )
    if not parts:
        return ""
    return f"{', '.join(parts)} ({table.time_zone})"


# --- who may do what -----------------------------------------------------------------------------


def acts_for(user, company_id: int | None) -> bool:
    """A member of the company in a role that may act (not a read-only member)."""
    return (
        company_id is not None
        and getattr(user, "is_authenticated", False)
        and Membership.objects.filter(user=user, company_id=company_id, role__in=ACTING_ROLES).exists()
    )


def is_party(user, meeting: Meeting) -> bool:
    """May act in the meeting: an acting member of either company."""
    return acts_for(user, meeting.requester_company_id) or acts_for(user, meeting.invitee_company_id)


def can_view(user, meeting: Meeting) -> bool:
    return (
        is_member(user, meeting.requester_company_id)
        or is_member(user, meeting.invitee_company_id)
        or is_operator(user)
    )


def can_answer(user, meeting: Meeting) -> bool:
    """Accept or decline: someone of the company the proposed slots wait for.

    Once the request is no longer pending, a party passes here and the transition table refuses the
    move with its own words.
    """
    if meeting.state != MeetingState.PENDING:
        return is_party(user, meeting)
    return acts_for(user, meeting.awaiting_company_id)


def _side_company_id(user, meeting: Meeting) -> int | None:
    if acts_for(user, meeting.requester_company_id):
        return meeting.requester_company_id
    if acts_for(user, meeting.invitee_company_id):
        return meeting.invitee_company_id
    return None


def _other_company_id(meeting: Meeting, company_id: int) -> int:
    return (
        meeting.invitee_company_id
        if company_id == meeting.requester_company_id
        else meeting.requester_company_id
    )


# --- slots and bookings --------------------------------------------------------------------------


def _clean_slots(
    slots: Sequence[tuple[dt.datetime, dt.datetime]], *, table: MeetingTable | None, now
) -> list:
    if not slots:
        raise ValidationError({"slots": _("Propose at least one time slot.")})
    if len(slots) > MAX_SLOTS:
        raise ValidationError({"slots": _("Propose at most %(n)d time slots.") % {"n": MAX_SLOTS}})
    cleaned = sorted(slots)
    for start, end in cleaned:
        if timezone.is_naive(start) or timezone.is_naive(end):
            raise ValueError("slots must be aware datetimes")
        if end - start < MIN_DURATION:
            raise ValidationError({"slots": _("A slot lasts at least 10 minutes and ends after it starts.")})
        if end - start > MAX_DURATION:
            raise ValidationError({"slots": _("A slot lasts at most 4 hours.")})
        if start <= now:
            raise ValidationError({"slots": _("Every proposed slot must be in the future.")})
        if table is not None and not table_open_at(table, start, end):
            hours = opening_text(table)
            raise ValidationError(
                {
                    "slots": _("The table is not open at one of these times. Open: %(hours)s.")
                    % {"hours": hours}
                    if hours
                    else _("The table is not open at one of these times.")
                }
            )
    for (_s1, e1), (s2, _e2) in zip(cleaned, cleaned[1:], strict=False):
        if s2 < e1:
            raise ValidationError({"slots": _("The proposed slots overlap each other.")})
    return [(s.astimezone(dt.UTC), e.astimezone(dt.UTC)) for s, e in cleaned]


def _expiry(first_start: dt.datetime, now: dt.datetime) -> dt.datetime:
    return min(now + DEFAULT_EXPIRY, first_start)


def _active(now):
    return Q(kind=BookingKind.CONFIRMED) | Q(kind=BookingKind.HOLD, hold_until__gt=now)


def _take(
    meeting: Meeting,
    *,
    users: Iterable,
    table: MeetingTable | None,
    slots: Sequence[tuple[dt.datetime, dt.datetime]],
    kind: str,
    hold_until: dt.datetime | None,
    now: dt.datetime,
) -> None:
    """Book `slots` for `users` and `table`, or raise SlotTaken (inside the caller's transaction).

    The lock: each person's profile row and the table row, in key order (PostgreSQL row locks; on
    SQLite the first write below takes the database's write lock, which serialises the same way).
    """
    user_ids = sorted({u.pk for u in users})
    for person in users:
        profile_for(person)
    list(MeetingProfile.objects.select_for_update().filter(user_id__in=user_ids).order_by("pk"))
    if table is not None:
        list(MeetingTable.objects.select_for_update().filter(pk=table.pk))
    mine = Q(user_id__in=user_ids) | (Q(table_id=table.pk) if table is not None else Q(pk__in=[]))
    Booking.objects.filter(mine, kind=BookingKind.HOLD, hold_until__lte=now).delete()
    Booking.objects.filter(meeting=meeting).delete()
    for start, end in slots:
        clash = (
            Booking.objects.filter(mine, _active(now), start__lt=end, end__gt=start)
            .select_related("table")
            .first()
        )
        if clash is not None:
            if clash.table_id is not None:
                raise SlotTaken(
                    {"slots": _("The table is already booked at %(when)s.") % {"when": _when(start)}}
                )
            raise SlotTaken(
                {
                    "slots": _("Someone in this meeting is already booked at %(when)s.")
                    % {"when": _when(start)}
                }
            )
    rows = []
    for start, end in slots:
        rows += [
            Booking(meeting=meeting, user_id=uid, kind=kind, start=start, end=end, hold_until=hold_until)
            for uid in user_ids
        ]
        if table is not None:
            rows.append(
                Booking(meeting=meeting, table=table, kind=kind, start=start, end=end, hold_until=hold_until)
            )
    try:
        with transaction.atomic():
            Booking.objects.bulk_create(rows)
    except IntegrityError:
        # The database's own rule (PostgreSQL's exclusion constraint) caught an overlap.
        raise SlotTaken({"slots": _("This time was taken a moment ago. Choose another slot.")}) from None


def _when(start: dt.datetime) -> str:
    return f"{start:%Y-%m-%d %H:%M} UTC"


# --- the moves -----------------------------------------------------------------------------------


def request_meeting(
    *,
    by_user,
    with_company: Company,
    subject: str,
    slots: Sequence[tuple[dt.datetime, dt.datetime]],
    mode: str = MeetingMode.ONLINE,
    table: MeetingTable | None = None,
    video_link: str = "",
    message: str = "",
    deal=None,
    now: dt.datetime | None = None,
) -> Meeting:
    """Ask `with_company` for a meeting; the requester's time (and the table's) is held until expiry."""
    now = now or timezone.now()
    own = by_user.company if getattr(by_user, "is_authenticated", False) else None
    if own is None or not acts_for(by_user, own.pk):
        raise PermissionDenied
    if with_company.pk == own.pk:
        raise ValidationError({"with_company": _("You cannot request a meeting with your own company.")})
    if deal is not None and {own.pk, with_company.pk} != {deal.buyer_id, deal.supplier_id}:
        raise PermissionDenied
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError({"subject": _("Say what the meeting is about.")})
    if mode not in MeetingMode.values:
        raise ValidationError({"mode": _("Choose online or in person.")})
    if mode == MeetingMode.IN_PERSON:
        if table is None or not table.is_active:
            raise ValidationError({"table": _("Choose a table for a meeting in person.")})
    else:
        table = None
    slots = _clean_slots(slots, table=table, now=now)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            requester=by_user,
            requester_company=own,
            invitee_company=with_company,
            awaiting_company=with_company,
            proposer=by_user,
            deal=deal,
            mode=mode,
            table=table,
            video_link=video_link.strip(),
            subject=subject[:200],
            message=(message or "").strip()[:4000],
            expires_at=_expiry(slots[0][0], now),
        )
        if mode == MeetingMode.ONLINE and not meeting.video_link:
            template = getattr(settings, "MEETINGS_VIDEO_URL", DEFAULT_VIDEO_URL)
            meeting.video_link = template.format(uid=meeting.uid)
            meeting.save(update_fields=["video_link"])
        MeetingSlot.objects.bulk_create([MeetingSlot(meeting=meeting, start=s, end=e) for s, e in slots])
        _take(
            meeting,
            users=[by_user],
            table=table,
            slots=slots,
            kind=BookingKind.HOLD,
            hold_until=meeting.expires_at,
            now=now,
        )
        audit.log(
            actor=by_user,
            action="matchmaking.meeting.request",
            obj=meeting,
            company_id=own.pk,
            data={
                "with": with_company.pk,
                "mode": mode,
                "table": table.pk if table else None,
                "slots": len(slots),
            },
        )
        send_after_commit(meeting_requested, sender=Meeting, meeting=meeting, actor=by_user)
    return meeting


def _slot_of(meeting: Meeting, slot) -> MeetingSlot:
    slot_id = slot.pk if isinstance(slot, MeetingSlot) else int(slot)
    try:
        return meeting.slots.get(pk=slot_id)
    except MeetingSlot.DoesNotExist:
        raise ValidationError({"slot": _("Choose one of the proposed slots.")}) from None


def accept(meeting: Meeting, *, by_user, slot, now: dt.datetime | None = None) -> Meeting:
    """Confirm one proposed slot: both people and the table are booked for it, the other holds let go."""
    now = now or timezone.now()

    def apply(locked: Meeting):
        if locked.expires_at and locked.expires_at <= now:
            raise ValidationError(_("This request has expired."))
        chosen = _slot_of(locked, slot)
        if chosen.start <= now:
            raise ValidationError({"slot": _("This slot has already begun.")})
        if locked.awaiting_company_id == locked.invitee_company_id:
            locked.invitee = by_user
        people = [locked.requester, locked.invitee]
        _take(
            locked,
            users=people,
            table=locked.table,
            slots=[(chosen.start, chosen.end)],
            kind=BookingKind.CONFIRMED,
            hold_until=None,
            now=now,
        )
        locked.start, locked.end = chosen.start, chosen.end
        locked.awaiting_company = None
        locked.accepted_at = locked.accepted_at or now
        locked.sequence += 1
        return ["invitee", "start", "end", "awaiting_company", "accepted_at", "sequence", "updated_at"]

    return transition(
        meeting,
        table=MEETING_TRANSITIONS,
        event="accept",
        by_user=by_user,
        allowed=can_answer,
        apply=apply,
        data={"slot": getattr(slot, "pk", slot)},
    )


def decline(meeting: Meeting, *, by_user, reason: str) -> Meeting:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: the other side sees it.")})

    def apply(locked: Meeting):
        locked.decline_reason = reason[:300]
        locked.awaiting_company = None
        locked.sequence += 1
        Booking.objects.filter(meeting=locked).delete()
        return ["decline_reason", "awaiting_company", "sequence", "updated_at"]

    return transition(
        meeting,
        table=MEETING_TRANSITIONS,
        event="decline",
        by_user=by_user,
        allowed=can_answer,
        apply=apply,
        data={"reason": reason[:300]},
    )


def reschedule(
    meeting: Meeting,
    *,
    by_user,
    slots: Sequence[tuple[dt.datetime, dt.datetime]],
    message: str = "",
    now: dt.datetime | None = None,
) -> Meeting:
    """Propose new slots (either side, pending or confirmed): the other side must accept one of them.

    A confirmed meeting's booking is let go; the proposer's time (and the table's) is held instead.
    """
    now = now or timezone.now()

    def allowed(user, locked):
        return is_party(user, locked) and (locked.end is None or locked.end > now)

    def apply(locked: Meeting):
        cleaned = _clean_slots(slots, table=locked.table, now=now)
        side = _side_company_id(by_user, locked)
        if side == locked.invitee_company_id and locked.invitee_id is None:
            locked.invitee = by_user  # a counter-proposal: this person answers for the invited company
        locked.awaiting_company_id = _other_company_id(locked, side)
        locked.proposer = by_user
        locked.start = locked.end = None
        locked.expires_at = _expiry(cleaned[0][0], now)
        locked.sequence += 1
        if message.strip():
            locked.message = message.strip()[:4000]
        locked.slots.all().delete()
        MeetingSlot.objects.bulk_create([MeetingSlot(meeting=locked, start=s, end=e) for s, e in cleaned])
        _take(
            locked,
            users=[by_user],
            table=locked.table,
            slots=cleaned,
            kind=BookingKind.HOLD,
            hold_until=locked.expires_at,
            now=now,
        )
        return [
            "awaiting_company",
            "invitee",
            "proposer",
            "start",
            "end",
            "expires_at",
            "sequence",
            "message",
            "updated_at",
        ]

    return transition(
        meeting,
        table=MEETING_TRANSITIONS,
        event="reschedule",
        by_user=by_user,
        allowed=allowed,
        apply=apply,
        data={"slots": len(slots)},
    )


def cancel(meeting: Meeting, *, by_user, reason: str, now: dt.datetime | None = None) -> Meeting:
    """Call the meeting off (either side, before it starts); the reason is shown to the other side."""
    now = now or timezone.now()
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason: the other side sees it.")})

    def allowed(user, locked):
        return is_party(user, locked) and (locked.start is None or locked.start > now)

    def apply(locked: Meeting):
        locked.cancel_reason = (reason or "").strip()[:300]
        locked.cancelled_by = by_user
        locked.awaiting_company = None
        locked.sequence += 1
        Booking.objects.filter(meeting=locked).delete()
        return ["cancel_reason", "cancelled_by", "awaiting_company", "sequence", "updated_at"]

    return transition(
        meeting,
        table=MEETING_TRANSITIONS,
        event="cancel",
        by_user=by_user,
        allowed=allowed,
        apply=apply,
        data={"reason": (reason or "").strip()[:300]},
    )


def expire_due(now: dt.datetime | None = None) -> int:
    """Expire every pending request past its expiry (the scheduled task calls this); returns how many."""
    now = now or timezone.now()
    count = 0
    for meeting in Meeting.objects.filter(state=MeetingState.PENDING, expires_at__lte=now):

        def apply(locked: Meeting):
            if locked.expires_at is None or locked.expires_at > now:
                raise ValidationError("not due")
            locked.awaiting_company = None
            locked.sequence += 1
            Booking.objects.filter(meeting=locked).delete()
            return ["awaiting_company", "sequence", "updated_at"]

        try:
            transition(meeting, table=MEETING_TRANSITIONS, event="expire", by_user=None, apply=apply)
            count += 1
        except ValidationError:
            continue
    return count


# --- attendance ----------------------------------------------------------------------------------


def _participant_company_id(meeting: Meeting, user) -> int | None:
    if user is not None and user.pk == meeting.requester_id:
        return meeting.requester_company_id
    if user is not None and user.pk == meeting.invitee_id:
        return meeting.invitee_company_id
    return None


def _other_participant(meeting: Meeting, company_id: int):
    return meeting.invitee if company_id == meeting.requester_company_id else meeting.requester


def _settle(meeting: Meeting) -> str:
    """The outcome the records support (see record_attendance)."""
    rows = list(meeting.attendance.all())
    by_side: dict[int, MeetingAttendance] = {}
    checkins_absent = {r.absent_id for r in rows if r.source == "checkin"}
    for row in rows:
        if row.source == "participant" and row.side_company_id:
            by_side[row.side_company_id] = row  # the latest word of each side counts
    req = by_side.get(meeting.requester_company_id)
    inv = by_side.get(meeting.invitee_company_id)
    marks = [r for r in (req, inv) if r is not None]
    # A no-show claim stands when the absent person's side admits it or the fair's check-in shows it.
    for claim in marks:
        if claim.mark != AttendanceMark.NO_SHOW:
            continue
        absent_side = _participant_company_id(meeting, claim.absent)
        if absent_side == claim.side_company_id:
            continue  # an admission, handled from the other side's claim
        answer = by_side.get(absent_side)
        admitted = (
            answer is not None
            and answer.mark == AttendanceMark.NO_SHOW
            and answer.absent_id == claim.absent_id
        )
        if admitted or claim.absent_id in checkins_absent:
            meeting.missed_by_id = claim.absent_id
            return AttendanceOutcome.MISSED
        if answer is not None:
            return AttendanceOutcome.DISPUTED
    if req is not None and inv is not None:
        if req.mark == inv.mark == AttendanceMark.HELD:
            return AttendanceOutcome.HELD
        return AttendanceOutcome.DISPUTED
    return AttendanceOutcome.OPEN


def _finish(meeting: Meeting, outcome: str, *, actor) -> None:
    previous = meeting.outcome
    meeting.outcome = outcome
    meeting.save(update_fields=["outcome", "missed_by", "updated_at"])
    if outcome == previous:
        return
    audit.log(
        actor=actor,
        action=f"matchmaking.meeting.attendance_{outcome}",
        obj=meeting,
        company_id=meeting.requester_company_id,
        data={"missed_by": meeting.missed_by_id},
    )
    if outcome in (AttendanceOutcome.HELD, AttendanceOutcome.MISSED):
        _credit_facts(meeting)
    if outcome != AttendanceOutcome.OPEN:
        send_after_commit(attendance_settled, sender=Meeting, meeting=meeting, outcome=outcome, actor=actor)


def _credit_facts(meeting: Meeting) -> None:
    """meeting_held for both companies, or meeting_missed for the absent person's company; idempotent by ref."""
    occurred = meeting.start or timezone.now()
    ref = f"meeting:{meeting.pk}"
    if meeting.outcome == AttendanceOutcome.HELD:
        for company in (meeting.requester_company, meeting.invitee_company):
            record_fact(
                source=PLATFORM_SOURCE,
                kind="meeting_held",
                subject=company,
                payload={"meeting": ref},
                occurred_at=occurred,
                external_ref=f"{ref}:held:{company.pk}",
                platform_event="matchmaking.meeting_held",
            )
    elif meeting.outcome == AttendanceOutcome.MISSED:
        company_id = _participant_company_id(meeting, meeting.missed_by)
        record_fact(
            source=PLATFORM_SOURCE,
            kind="meeting_missed",
            subject=Company.objects.get(pk=company_id),
            payload={"meeting": ref},
            occurred_at=occurred,
            external_ref=f"{ref}:missed:{company_id}",
            platform_event="matchmaking.meeting_missed",
        )


def _past_confirmed(locked: Meeting, now) -> None:
    if locked.state != MeetingState.CONFIRMED or locked.end is None:
        raise ValidationError(_("Only a confirmed meeting has attendance."))
    if locked.end > now:
        raise ValidationError(_("Attendance is recorded after the meeting."))
    if locked.outcome in (AttendanceOutcome.HELD, AttendanceOutcome.MISSED):
        raise ValidationError(_("The attendance of this meeting is settled."))


def record_attendance(
    meeting: Meeting, *, by_user, mark: str, note: str = "", now: dt.datetime | None = None
) -> Meeting:
    """A participant says what happened: "held", or "no_show" — meaning the OTHER participant did not
    come, or, in answer to the other side's claim, that they themselves could not come (`admit=True`
    is a no-show mark naming oneself; see `admit_absence`).

    Both "held" → held. A no-show claim stands (missed) once the absent side admits it or the fair's
    check-in shows that person absent; contradicting words go to an operator (disputed).
    """
    return _mark(meeting, by_user=by_user, mark=mark, note=note, now=now, admit=False)


def admit_absence(meeting: Meeting, *, by_user, note: str = "", now: dt.datetime | None = None) -> Meeting:
    """A participant confirms the other side's no-show claim about themselves."""
    return _mark(meeting, by_user=by_user, mark=AttendanceMark.NO_SHOW, note=note, now=now, admit=True)


def _mark(meeting, *, by_user, mark, note, now, admit) -> Meeting:
    now = now or timezone.now()
    if mark not in AttendanceMark.values:
        raise ValidationError({"mark": _("Choose what happened.")})
    with transaction.atomic():
        locked = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("requester", "invitee")
            .get(pk=meeting.pk)
        )
        side = _participant_company_id(locked, by_user)
        if side is None:
            raise PermissionDenied
        _past_confirmed(locked, now)
        absent = None
        if mark == AttendanceMark.NO_SHOW:
            absent = by_user if admit else _other_participant(locked, side)
        MeetingAttendance.objects.create(
            meeting=locked, marked_by=by_user, side_company_id=side, mark=mark, absent=absent, note=note[:300]
        )
        audit.log(
            actor=by_user,
            action="matchmaking.meeting.attendance",
            obj=locked,
            company_id=side,
            data={"mark": mark, "absent": absent.pk if absent else None},
        )
        _finish(locked, _settle(locked), actor=by_user)
    meeting.refresh_from_db()
    return meeting


def record_absence(meeting: Meeting, user, *, by=None, now: dt.datetime | None = None) -> Meeting:
    """The fair's check-in shows `user` (a participant) absent: a no-show claim about them stands.

    `by` is the operator or the check-in system's user (None for an automatic check-in run).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("requester", "invitee")
            .get(pk=meeting.pk)
        )
        if _participant_company_id(locked, user) is None:
            raise ValidationError(_("This person is not in the meeting."))
        if by is not None and not is_operator(by) and _participant_company_id(locked, by) is None:
            raise PermissionDenied
        _past_confirmed(locked, now)
        MeetingAttendance.objects.create(
            meeting=locked, marked_by=by, mark=AttendanceMark.NO_SHOW, absent=user, source="checkin"
        )
        audit.log(actor=by, action="matchmaking.meeting.checkin_absent", obj=locked, data={"absent": user.pk})
        _finish(locked, _settle(locked), actor=by)
    meeting.refresh_from_db()
    return meeting


def resolve_dispute(meeting: Meeting, *, by_user, outcome: str, missed_by=None, note: str = "") -> Meeting:
    """An operator settles a disputed meeting: held, or missed by one named participant."""
    if not is_operator(by_user):
        raise PermissionDenied
    if outcome not in (AttendanceOutcome.HELD, AttendanceOutcome.MISSED):
        raise ValidationError({"outcome": _("Choose held or no-show.")})
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.outcome != AttendanceOutcome.DISPUTED:
            raise ValidationError(_("Only a disputed meeting is settled by an operator."))
        if outcome == AttendanceOutcome.MISSED:
            if missed_by is None or _participant_company_id(locked, missed_by) is None:
                raise ValidationError({"missed_by": _("Name the participant who did not come.")})
            locked.missed_by = missed_by
        else:
            locked.missed_by = None
        MeetingAttendance.objects.create(
            meeting=locked,
            marked_by=by_user,
            mark=AttendanceMark.HELD if outcome == AttendanceOutcome.HELD else AttendanceMark.NO_SHOW,
            absent=locked.missed_by,
            source="operator",
            note=note[:300],
        )
        _finish(locked, outcome, actor=by_user)
    meeting.refresh_from_db()
    return meeting


# --- what others read ----------------------------------------------------------------------------


def attendance_counts(company: Company | int) -> dict[str, int]:
    """Meetings `company` kept (held) and missed (its person a confirmed no-show)."""
    return attendance_counts_by_company([getattr(company, "pk", company)]).get(
        getattr(company, "pk", company), {"held": 0, "missed": 0}
    )


def attendance_counts_by_company(company_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """{company id: {"held": n, "missed": n}} for many companies in two queries (for the ranking)."""
    ids = list(company_ids)
    out = {cid: {"held": 0, "missed": 0} for cid in ids}
    held = Meeting.objects.filter(outcome=AttendanceOutcome.HELD).filter(
        Q(requester_company_id__in=ids) | Q(invitee_company_id__in=ids)
    )
    for row in held.values("requester_company_id", "invitee_company_id"):
        for cid in {row["requester_company_id"], row["invitee_company_id"]}:
            if cid in out:
                out[cid]["held"] += 1
    missed = Meeting.objects.filter(outcome=AttendanceOutcome.MISSED).select_related(None)
    for row in missed.filter(Q(requester_company_id__in=ids) | Q(invitee_company_id__in=ids)).values(
        "requester_company_id", "invitee_company_id", "missed_by_id", "requester_id"
    ):
        cid = (
            row["requester_company_id"]
            if row["missed_by_id"] == row["requester_id"]
            else row["invitee_company_id"]
        )
        if cid in out:
            out[cid]["missed"] += 1
    return out


def table_schedule(table: MeetingTable, *, since: dt.datetime, until: dt.datetime) -> list[Meeting]:
    """The confirmed meetings at `table` that overlap [since, until), by start (a booth's day plan)."""
    return list(
        Meeting.objects.filter(state=MeetingState.CONFIRMED, table=table, start__lt=until, end__gt=since)
        .select_related("requester_company", "invitee_company")
        .order_by("start")
    )


def statistics(*, since: dt.datetime | None = None, until: dt.datetime | None = None) -> dict:
    """Operators' figures: requested, accepted, held, no-shows, per month and overall.

    Requested and accepted count by the month the request was made; held and no-shows by the month
    the meeting took place.
    """
    qs = Meeting.objects.all()
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lt=until)
    months: dict[dt.date, dict[str, int]] = {}

    def row(month):
        key = month.date() if isinstance(month, dt.datetime) else month
        return months.setdefault(key, {"requested": 0, "accepted": 0, "held": 0, "no_shows": 0})

    for item in (
        qs.annotate(month=TruncMonth("created_at", tzinfo=dt.UTC))
        .values("month")
        .annotate(requested=Count("pk"), accepted=Count("pk", filter=Q(accepted_at__isnull=False)))
    ):
        r = row(item["month"])
        r["requested"], r["accepted"] = item["requested"], item["accepted"]
    for item in (
        qs.filter(start__isnull=False, outcome__in=[AttendanceOutcome.HELD, AttendanceOutcome.MISSED])
        .annotate(month=TruncMonth("start", tzinfo=dt.UTC))
        .values("month")
        .annotate(
            held=Count("pk", filter=Q(outcome=AttendanceOutcome.HELD)),
            no_shows=Count("pk", filter=Q(outcome=AttendanceOutcome.MISSED)),
        )
    ):
        r = row(item["month"])
        r["held"], r["no_shows"] = item["held"], item["no_shows"]
    ordered = [{"month": m, **months[m]} for m in sorted(months, reverse=True)]
    total = {k: sum(r[k] for r in ordered) for k in ("requested", "accepted", "held", "no_shows")}
    return {"months": ordered, "total": total}
