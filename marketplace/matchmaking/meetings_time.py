"""Times as people read them: stored in UTC, shown in the viewer's own zone, the other side's beside it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from marketplace.matchmaking.meetings_services import zone_of
from marketplace.matchmaking.models.meetings import Meeting


@dataclass(frozen=True)
class Shown:
    """One moment in one zone: "2027-03-29 11:00 CEST" and the zone's name."""

    when: dt.datetime
    zone: str

    @property
    def text(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M} {self.when.tzname()}"

    @property
    def time(self) -> str:
        return f"{self.when:%H:%M} {self.when.tzname()}"

    def __str__(self):
        return self.text


def shown(moment: dt.datetime | None, zone: zoneinfo.ZoneInfo) -> Shown | None:
    if moment is None:
        return None
    return Shown(moment.astimezone(zone), str(zone))


def other_person(meeting: Meeting, viewer):
    """The person on the other side of `viewer` (None while nobody of that side has answered)."""
    if viewer is not None and viewer.pk == meeting.requester_id:
        return meeting.invitee
    if viewer is not None and viewer.pk == meeting.invitee_id:
        return meeting.requester
    from marketplace.companies.permissions import is_member

    if is_member(viewer, meeting.requester_company_id):
        return meeting.invitee
    return meeting.requester


def pair(moment: dt.datetime | None, viewer, other) -> dict | None:
    """{"mine": Shown, "theirs": Shown or None}: theirs only when the other side's zone differs."""
    if moment is None:
        return None
    mine_zone = zone_of(viewer)
    mine = shown(moment, mine_zone)
    theirs = None
    if other is not None:
        other_zone = zone_of(other)
        if str(other_zone) != str(mine_zone):
            theirs = shown(moment, other_zone)
    return {"mine": mine, "theirs": theirs}
