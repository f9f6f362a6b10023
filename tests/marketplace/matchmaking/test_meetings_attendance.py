"""Attendance after the slot: held by both words, a no-show standing on the other side's admission or the
fair's check-in, disputes to an operator, and the credit facts of kept and missed meetings."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from credit.models import Fact
from marketplace.matchmaking import meetings_services as svc
from marketplace.matchmaking.models.meetings import AttendanceOutcome
from marketplace.notifications.models import Notification
from tests.marketplace.companies.factories import buyer_member
from tests.marketplace.matchmaking.factories_meetings import meeting_parties, slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def p():
    return meeting_parties()


@pytest.fixture
def meeting(p):
    """A meeting that took place two days ago (requested and accepted the week before)."""
    start = (timezone.now() - dt.timedelta(days=2)).replace(microsecond=0)
    then = start - dt.timedelta(days=7)
    m = svc.request_meeting(
        by_user=p["buyer"],
        with_company=p["supplier_company"],
        subject="Held?",
        slots=[(start, start + dt.timedelta(minutes=30))],
        now=then,
    )
    svc.accept(m, by_user=p["supplier"], slot=m.slots.get(), now=then)
    m.refresh_from_db()
    return m


def _after(meeting):
    return None  # now: after the meeting


def _facts(kind):
    return sorted(Fact.objects.filter(kind=kind).values_list("subject_id", flat=True))


def test_attendance_waits_for_the_end_of_the_meeting(p, meeting):
    with pytest.raises(ValidationError):
        svc.record_attendance(
            meeting, by_user=p["buyer"], mark="held", now=meeting.start + dt.timedelta(minutes=10)
        )


def test_only_the_two_participants_record_attendance(p, meeting):
    for who in (p["colleague"], buyer_member()):
        with pytest.raises(PermissionDenied):
            svc.record_attendance(meeting, by_user=who, mark="held", now=_after(meeting))


def test_both_say_held_records_a_kept_meeting_for_both_companies(p, meeting):
    svc.record_attendance(meeting, by_user=p["buyer"], mark="held", now=_after(meeting))
    assert meeting.outcome == AttendanceOutcome.OPEN and not _facts("meeting_held")
    svc.record_attendance(meeting, by_user=p["supplier"], mark="held", now=_after(meeting))
    assert meeting.outcome == AttendanceOutcome.HELD
    assert _facts("meeting_held") == sorted([p["buyer_company"].pk, p["supplier_company"].pk])
    assert svc.attendance_counts(p["supplier_company"]) == {"held": 1, "missed": 0}
    with pytest.raises(ValidationError):
        svc.record_attendance(meeting, by_user=p["buyer"], mark="no_show", now=_after(meeting))


def test_a_no_show_stands_when_the_absent_side_admits_it(p, meeting):
    svc.record_attendance(meeting, by_user=p["buyer"], mark="no_show", now=_after(meeting))
    assert meeting.outcome == AttendanceOutcome.OPEN and not _facts("meeting_missed")
    svc.admit_absence(meeting, by_user=p["supplier"], now=_after(meeting))
    assert meeting.outcome == AttendanceOutcome.MISSED and meeting.missed_by == p["supplier"]
    assert _facts("meeting_missed") == [p["supplier_company"].pk]
    assert not _facts("meeting_held")
    counts = svc.attendance_counts_by_company([p["supplier_company"].pk, p["buyer_company"].pk])
    assert counts == {
        p["supplier_company"].pk: {"held": 0, "missed": 1},
        p["buyer_company"].pk: {"held": 0, "missed": 0},
    }


def test_a_no_show_stands_on_the_fairs_check_in(p, meeting, operator):
    svc.record_attendance(meeting, by_user=p["supplier"], mark="no_show", now=_after(meeting))
    with pytest.raises(PermissionDenied):
        svc.record_absence(meeting, p["buyer"], by=buyer_member(), now=_after(meeting))
    svc.record_absence(meeting, p["buyer"], by=operator, now=_after(meeting))
    assert meeting.outcome == AttendanceOutcome.MISSED and meeting.missed_by == p["buyer"]
    assert _facts("meeting_missed") == [p["buyer_company"].pk]


def test_check_in_first_then_the_claim(p, meeting):
    svc.record_absence(meeting, p["buyer"], now=_after(meeting))
    assert meeting.outcome == AttendanceOutcome.OPEN
    svc.record_attendance(meeting, by_user=p["supplier"], mark="no_show", now=_after(meeting))
    assert meeting.outcome == AttendanceOutcome.MISSED


def test_contradicting_words_go_to_an_operator_who_settles_them(
    client, p, meeting, operator, django_capture_on_commit_callbacks
):
    svc.record_attendance(meeting, by_user=p["buyer"], mark="no_show", now=_after(meeting))
    with django_capture_on_commit_callbacks(execute=True):
        svc.record_attendance(meeting, by_user=p["supplier"], mark="held", now=_after(meeting))
    assert meeting.outcome == AttendanceOutcome.DISPUTED
    assert Notification.objects.filter(
        recipient=operator, url=reverse("meetings:detail", args=[meeting.pk])
    ).exists()
    assert not Fact.objects.filter(kind__in=["meeting_held", "meeting_missed"]).exists()
    with pytest.raises(PermissionDenied):
        svc.resolve_dispute(meeting, by_user=p["buyer"], outcome="held")
    with pytest.raises(ValidationError):
        svc.resolve_dispute(meeting, by_user=operator, outcome="missed")
    client.force_login(operator)
    listed = client.get(reverse("meetings:statistics")).content.decode()
    assert reverse("meetings:detail", args=[meeting.pk]) in listed
    svc.resolve_dispute(meeting, by_user=operator, outcome="held", note="Badge scans show both")
    assert meeting.outcome == AttendanceOutcome.HELD
    assert len(_facts("meeting_held")) == 2


def test_the_meeting_page_offers_the_answer_to_a_claim(client, p, meeting):
    svc.record_attendance(meeting, by_user=p["buyer"], mark="no_show", now=_after(meeting))
    client.force_login(p["supplier"])
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "says you did not come" in body
    client.post(reverse("meetings:attendance", args=[meeting.pk]), {"admit": "1"})
    meeting.refresh_from_db()
    assert meeting.outcome == AttendanceOutcome.MISSED


def test_statistics_count_requested_accepted_held_and_no_shows(p, meeting):
    svc.record_attendance(meeting, by_user=p["buyer"], mark="held", now=_after(meeting))
    svc.record_attendance(meeting, by_user=p["supplier"], mark="held", now=_after(meeting))
    other = svc.request_meeting(
        by_user=p["buyer"], with_company=p["supplier_company"], subject="x", slots=[slot(15)]
    )
    svc.decline(other, by_user=p["supplier"], reason="No")
    stats = svc.statistics()
    assert stats["total"] == {"requested": 2, "accepted": 1, "held": 1, "no_shows": 0}
    assert len(stats["months"]) >= 1
