"""Meetings as calendar data (RFC 5545, built with icalendar 7).

Each meeting has one stable UID; its SEQUENCE is the meeting's own counter, raised by every change
(accept, reschedule, cancel, decline, expire), so a calendar app updates the entry in place. A live
meeting goes out as METHOD:REQUEST, a cancelled, declined or expired one as METHOD:CANCEL. Times are
written in the reader's time zone (with its VTIMEZONE, from `add_missing_timezones`); a pending request
shows its first proposed slot as TENTATIVE.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress

from marketplace.core.links import absolute_url
from marketplace.matchmaking.models.meetings import Meeting, MeetingMode, MeetingState

PRODID = "-//TrustFair//Meetings//EN"
LIVE = (MeetingState.PENDING, MeetingState.CONFIRMED)


def uid_of(meeting: Meeting) -> str:
    return f"meeting-{meeting.uid}@trustfair"


def method_of(meeting: Meeting) -> str:
    return "REQUEST" if meeting.state in LIVE else "CANCEL"


def _times(meeting: Meeting) -> tuple[dt.datetime, dt.datetime] | None:
    if meeting.start and meeting.end:
        return meeting.start, meeting.end
    first = meeting.slots.order_by("start").first()
    return (first.start, first.end) if first else None


def _status(meeting: Meeting) -> str:
    if meeting.state == MeetingState.CONFIRMED:
        return "CONFIRMED"
    if meeting.state == MeetingState.PENDING:
        return "TENTATIVE"
    return "CANCELLED"


def _address(user, role: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["CN"] = user.get_full_name() or user.email
    address.params["ROLE"] = role
    return address


def event_for(meeting: Meeting, *, zone: zoneinfo.ZoneInfo) -> Event | None:
    times = _times(meeting)
    if times is None:
        return None
    start, end = (t.astimezone(zone) if str(zone) != "UTC" else t.astimezone(dt.UTC) for t in times)
    link = absolute_url(reverse("meetings:detail", args=[meeting.pk]))
    location = (
        meeting.table.label if meeting.mode == MeetingMode.IN_PERSON and meeting.table else meeting.video_link
    )
    description = "\n\n".join(part for part in (meeting.message, meeting.video_link, link) if part)
    event = Event.new(
        uid=uid_of(meeting),
        sequence=meeting.sequence,
        stamp=timezone.now().astimezone(dt.UTC),
        start=start,
        end=end,
        summary=meeting.subject,
        description=description,
        location=location or None,
        url=link,
        status=_status(meeting),
        organizer=_address(meeting.requester, "CHAIR"),
        attendees=[_address(meeting.invitee, "REQ-PARTICIPANT")] if meeting.invitee else None,
    )
    return event


def calendar_for(meeting: Meeting, *, zone: zoneinfo.ZoneInfo) -> Calendar:
    """One meeting, to download or attach to an email."""
    calendar = Calendar.new(prodid=PRODID, method=method_of(meeting))
    event = event_for(meeting, zone=zone)
    if event is not None:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar


def feed_for(meetings, *, zone: zoneinfo.ZoneInfo, name: str) -> Calendar:
    """A person's subscription feed: their meetings (cancelled ones as STATUS:CANCELLED), no METHOD."""
    calendar = Calendar.new(prodid=PRODID, name=name)
    for meeting in meetings:
        event = event_for(meeting, zone=zone)
        if event is not None:
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar


def ics_bytes(calendar: Calendar) -> bytes:
    return calendar.to_ical()
