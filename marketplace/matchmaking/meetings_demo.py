"""Demo meetings between the demo pairs, in several states, made through the services as people would.

`seed_meetings(users=..., now=...)` is called at the end of seed_demo; it is idempotent (a meeting whose
subject exists for the pair is skipped) and its times follow `now` (the command's midnight anchor).
Demo people get a time zone from their company's country; two matchmaking tables are created once.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from marketplace.companies.demo import (
    DEMO_BUYER_OWNER,
    DEMO_SUPPLIER_OWNER,
    SECOND_BUYER_OWNER,
    SECOND_SUPPLIER_OWNER,
)
from marketplace.matchmaking import meetings_services as svc
from marketplace.matchmaking.models.meetings import (
    Meeting,
    MeetingTable,
    TableKind,
)

TABLES = (
    ("Matchmaking table 5", TableKind.MATCHMAKING),
    ("Hall 11.2 B-07", TableKind.BOOTH),
)

# (buyer, supplier, subject, plan, mode, table label, days from now, hour UTC)
PLANS = (
    (
        DEMO_BUYER_OWNER,
        DEMO_SUPPLIER_OWNER,
        "CNC lathe samples at the fair",
        "confirmed",
        "in_person",
        TABLES[0][0],
        3,
        2,
    ),
    (DEMO_BUYER_OWNER, DEMO_SUPPLIER_OWNER, "Spare parts pricing call", "pending", "online", "", 5, 8),
    (SECOND_BUYER_OWNER, DEMO_SUPPLIER_OWNER, "Factory audit follow-up", "held", "online", "", -6, 8),
    (SECOND_BUYER_OWNER, DEMO_SUPPLIER_OWNER, "Packaging review", "missed", "in_person", TABLES[1][0], -3, 3),
    (DEMO_BUYER_OWNER, SECOND_SUPPLIER_OWNER, "Introductory video call", "declined", "online", "", 4, 7),
    (
        DEMO_BUYER_OWNER,
        SECOND_SUPPLIER_OWNER,
        "Quality standards walkthrough",
        "cancelled",
        "online",
        "",
        6,
        7,
    ),
)


def _zones(users) -> None:
    for user in users:
        svc.profile_for(user)  # the zone of the company's country


def _tables(anchor: dt.datetime) -> dict[str, MeetingTable]:
    out = {}
    for label, kind in TABLES:
        table = MeetingTable.objects.filter(label=label).first()
        if table is None:
            table = svc.create_table(label=label, kind=kind, time_zone="Asia/Shanghai")
        out[label] = table
    return out


def _one(plan, buyer, supplier, tables, now: dt.datetime) -> None:
    _b, _s, subject, outcome, mode, table_label, days, hour = plan
    start = (now + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    slots = [
        (start, start + dt.timedelta(minutes=45)),
        (start + dt.timedelta(hours=2), start + dt.timedelta(hours=2, minutes=45)),
    ]
    asked = start - dt.timedelta(days=2) if days < 0 else now
    meeting = svc.request_meeting(
        by_user=buyer,
        with_company=supplier.company,
        subject=subject,
        slots=slots,
        mode=mode,
        table=tables.get(table_label),
        message="Looking forward to meeting your team.",
        now=asked,
    )
    if outcome == "pending":
        return
    if outcome == "declined":
        svc.decline(meeting, by_user=supplier, reason="Our export team is at another fair that week.")
        return
    svc.accept(meeting, by_user=supplier, slot=meeting.slots.order_by("start").first(), now=asked)
    if outcome == "cancelled":
        svc.cancel(meeting, by_user=buyer, reason="Our travel plans changed.", now=asked)
    elif outcome == "held":
        svc.record_attendance(meeting, by_user=buyer, mark="held")
        svc.record_attendance(meeting, by_user=supplier, mark="held")
    elif outcome == "missed":
        svc.record_attendance(meeting, by_user=supplier, mark="no_show")
        svc.admit_absence(meeting, by_user=buyer)


def seed_meetings(
    *,
    users: dict,
    now: dt.datetime,
    stage: Callable[..., None] = lambda *a, **k: None,
) -> int:
    """The demo meetings of PLANS whose people `users` holds; returns how many were added."""
    started = time.monotonic()
    people = [u for u in users.values() if u is not None and u.company is not None]
    _zones(people)
    tables = _tables(now)
    added = 0
    for plan in PLANS:
        buyer, supplier = users.get(plan[0]), users.get(plan[1])
        if buyer is None or supplier is None or buyer.company is None or supplier.company is None:
            continue
        if Meeting.objects.filter(
            requester_company=buyer.company, invitee_company=supplier.company, subject=plan[2]
        ).exists():
            continue
        _one(plan, buyer, supplier, tables, now)
        added += 1
    stage("meetings", started, total=Meeting.objects.count(), new=added)
    return added
