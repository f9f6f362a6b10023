"""The .ics of a meeting: parsed back with icalendar and validated with vobject; the feed and its token."""

import datetime as dt
import zoneinfo

import pytest
import vobject
from django.urls import reverse
from icalendar import Calendar

from marketplace.matchmaking import meetings_ics
from marketplace.matchmaking import meetings_services as svc
from marketplace.matchmaking.models.meetings import MeetingMode
from tests.marketplace.companies.factories import buyer_member
from tests.marketplace.matchmaking.factories_meetings import MeetingTableFactory, meeting_parties, slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def p():
    return meeting_parties()


def _download(client, user, meeting):
    client.force_login(user)
    response = client.get(reverse("meetings:ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    return response.content


def _event(raw: bytes):
    calendar = Calendar.from_ical(raw)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def _valid_for_vobject(raw: bytes):
    parsed = vobject.readOne(raw.decode())
    parsed.validate()
    return parsed


def test_ics_keeps_its_uid_raises_sequence_on_reschedule_and_cancels(client, p):
    table = MeetingTableFactory(label="Hall 11.2 B-07")
    meeting = svc.request_meeting(
        by_user=p["buyer"],
        with_company=p["supplier_company"],
        subject="Moulds",
        mode=MeetingMode.IN_PERSON,
        table=table,
        slots=[slot(10), slot(14)],
    )
    svc.accept(meeting, by_user=p["supplier"], slot=meeting.slots.first())
    first_raw = _download(client, p["buyer"], meeting)
    calendar, event = _event(first_raw)
    _valid_for_vobject(first_raw)
    assert calendar["METHOD"] == "REQUEST"
    uid, seq = str(event["UID"]), int(event["SEQUENCE"])
    assert event["STATUS"] == "CONFIRMED" and str(event["LOCATION"]) == "Hall 11.2 B-07"
    # Written in the buyer's zone (Europe/Berlin) with its VTIMEZONE; the same instant as stored.
    start = event.decoded("DTSTART")
    assert b"DTSTART;TZID=Europe/Berlin:" in first_raw
    meeting.refresh_from_db()
    assert start == meeting.start
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]

    svc.reschedule(meeting, by_user=p["buyer"], slots=[slot(11, days=4)])
    svc.accept(meeting, by_user=p["supplier"], slot=meeting.slots.get())
    _c, moved = _event(_download(client, p["buyer"], meeting))
    assert str(moved["UID"]) == uid and int(moved["SEQUENCE"]) > seq
    meeting.refresh_from_db()
    assert moved.decoded("DTSTART") == meeting.start

    svc.cancel(meeting, by_user=p["supplier"], reason="Ill")
    cancelled_raw = _download(client, p["supplier"], meeting)
    calendar, gone = _event(cancelled_raw)
    _valid_for_vobject(cancelled_raw)
    assert calendar["METHOD"] == "CANCEL" and gone["STATUS"] == "CANCELLED"
    assert str(gone["UID"]) == uid and int(gone["SEQUENCE"]) > int(moved["SEQUENCE"])


def test_a_pending_request_downloads_as_tentative_at_its_first_slot(client, p):
    meeting = svc.request_meeting(
        by_user=p["buyer"], with_company=p["supplier_company"], subject="x", slots=[slot(9)]
    )
    _c, event = _event(_download(client, p["supplier"], meeting))
    assert event["STATUS"] == "TENTATIVE"
    assert event.decoded("DTSTART") == meeting.slots.get().start
    # The supplier reads it in Asia/Shanghai.
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(hours=8)


def test_only_the_parties_download_the_ics(client, p):
    meeting = svc.request_meeting(
        by_user=p["buyer"], with_company=p["supplier_company"], subject="x", slots=[slot(9)]
    )
    client.force_login(buyer_member())
    assert client.get(reverse("meetings:ics", args=[meeting.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("meetings:ics", args=[meeting.pk])).status_code == 302


def test_feed_lists_the_persons_meetings_and_a_reset_token_makes_the_old_url_404(client, p):
    meeting = svc.request_meeting(
        by_user=p["buyer"], with_company=p["supplier_company"], subject="Feed", slots=[slot(9)]
    )
    svc.accept(meeting, by_user=p["supplier"], slot=meeting.slots.get())
    old = svc.profile_for(p["buyer"]).feed_token
    response = client.get(reverse("meetings:feed", args=[old]))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    assert "METHOD" not in calendar
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Feed"]
    _valid_for_vobject(response.content)
    client.force_login(p["buyer"])
    client.post(reverse("meetings:settings"), {"reset_feed": "1"})
    new = svc.profile_for(type(p["buyer"]).objects.get(pk=p["buyer"].pk)).feed_token
    assert new != old
    client.logout()
    assert client.get(reverse("meetings:feed", args=[old])).status_code == 404
    assert client.get(reverse("meetings:feed", args=[new])).status_code == 200
    assert client.get(reverse("meetings:feed", args=["not-a-token"])).status_code == 404


def test_utc_reader_gets_utc_times_without_a_timezone_block(p):
    meeting = svc.request_meeting(
        by_user=p["buyer"], with_company=p["supplier_company"], subject="x", slots=[slot(9)]
    )
    calendar = meetings_ics.calendar_for(meeting, zone=zoneinfo.ZoneInfo("UTC"))
    raw = calendar.to_ical()
    assert b"DTSTART:" in raw and b"Z\r\n" in raw
    _valid_for_vobject(raw)


def test_invitation_and_changes_are_emailed_with_the_ics(p, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = svc.request_meeting(
            by_user=p["buyer"], with_company=p["supplier_company"], subject="Mail", slots=[slot(9)]
        )
    invited = {m.to[0] for m in mailoutbox}
    assert invited == {p["supplier"].email, p["colleague"].email}
    name, content, mimetype = mailoutbox[0].attachments[0]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar; method=REQUEST")
    assert _event(content if isinstance(content, bytes) else content.encode())[1]["STATUS"] == "TENTATIVE"
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        svc.accept(meeting, by_user=p["supplier"], slot=meeting.slots.get())
    assert {m.to[0] for m in mailoutbox} == {p["buyer"].email, p["supplier"].email}
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        svc.cancel(meeting, by_user=p["buyer"], reason="Sorry")
    assert [m.to[0] for m in mailoutbox] == [p["supplier"].email]
    _name, content, mimetype = mailoutbox[0].attachments[0]
    assert "method=CANCEL" in mimetype
    calendar, _e = _event(content if isinstance(content, bytes) else content.encode())
    assert calendar["METHOD"] == "CANCEL"
