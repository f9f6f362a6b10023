"""Meetings: every transition, who may do it, and the booking rules (no person or table double-booked)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from marketplace.core.models import AuditEvent
from marketplace.core.transitions import TransitionNotAllowed
from marketplace.matchmaking import meetings_services as svc
from marketplace.matchmaking.models.meetings import (
    Booking,
    BookingKind,
    MeetingMode,
    MeetingState,
)
from tests.marketplace.companies.factories import UserFactory, buyer_member, supplier_member
from tests.marketplace.matchmaking.factories_meetings import MeetingTableFactory, meeting_parties, slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def p():
    return meeting_parties()


def _request(p, *, slots=None, **kwargs):
    return svc.request_meeting(
        by_user=kwargs.pop("by_user", p["buyer"]),
        with_company=kwargs.pop("with_company", p["supplier_company"]),
        subject=kwargs.pop("subject", "Samples of the LED panels"),
        slots=slots or [slot(10), slot(14)],
        **kwargs,
    )


def test_request_holds_the_requesters_slots_until_expiry(p):
    meeting = _request(p, message="Bring the catalogue")
    assert meeting.state == MeetingState.PENDING
    assert meeting.awaiting_company == p["supplier_company"]
    assert meeting.slots.count() == 2
    holds = Booking.objects.filter(meeting=meeting)
    assert {b.user_id for b in holds} == {p["buyer"].pk}
    assert all(b.kind == BookingKind.HOLD and b.hold_until == meeting.expires_at for b in holds)
    # The first slot is in two days: the default three days would outlive it, so it expires at the slot.
    assert meeting.expires_at == meeting.slots.first().start
    assert meeting.video_link.startswith("https://")
    assert AuditEvent.objects.filter(action="matchmaking.meeting.request", object_id=str(meeting.pk)).exists()


def test_request_expiry_defaults_to_three_days(p):
    now = timezone.now()
    meeting = _request(p, slots=[slot(10, days=10)], now=now)
    assert meeting.expires_at == now + dt.timedelta(days=3)


@pytest.mark.parametrize(
    "slots, field",
    [
        ([], "slots"),
        ([slot(h) for h in (8, 9, 10, 11, 12, 13)], "slots"),
        ([slot(10, minutes=-30)], "slots"),
        ([slot(10, minutes=300)], "slots"),
        ([(timezone.now() - dt.timedelta(hours=2), timezone.now() - dt.timedelta(hours=1))], "slots"),
        ([slot(10, minutes=60), slot(10, minutes=30)], "slots"),
    ],
    ids=["none", "six", "backwards", "too-long", "past", "overlapping"],
)
def test_bad_slots_are_refused_and_nothing_is_written(p, slots, field):
    with pytest.raises(ValidationError) as error:
        svc.request_meeting(by_user=p["buyer"], with_company=p["supplier_company"], subject="x", slots=slots)
    assert field in error.value.message_dict
    assert not Booking.objects.exists()


def test_request_needs_a_subject_a_company_and_another_company(p):
    with pytest.raises(ValidationError) as error:
        _request(p, subject="  ")
    assert "subject" in error.value.message_dict
    with pytest.raises(ValidationError):
        _request(p, with_company=p["buyer_company"])
    with pytest.raises(PermissionDenied):
        _request(p, by_user=UserFactory())


def test_in_person_needs_a_table_within_its_hours(p):
    with pytest.raises(ValidationError) as error:
        _request(p, mode=MeetingMode.IN_PERSON)
    assert "table" in error.value.message_dict
    start, end = slot(10)
    table = MeetingTableFactory(
        available_from=start - dt.timedelta(hours=1), available_until=start + dt.timedelta(hours=1)
    )
    with pytest.raises(ValidationError):
        _request(p, mode=MeetingMode.IN_PERSON, table=table, slots=[slot(14)])
    meeting = _request(p, mode=MeetingMode.IN_PERSON, table=table, slots=[(start, end)])
    assert meeting.video_link == ""
    assert Booking.objects.filter(meeting=meeting, table=table).count() == 1


def test_accept_books_both_people_and_the_table_and_lets_other_holds_go(p):
    table = MeetingTableFactory()
    meeting = _request(p, mode=MeetingMode.IN_PERSON, table=table)
    second = meeting.slots.last()
    svc.accept(meeting, by_user=p["colleague"], slot=second)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CONFIRMED
    assert meeting.invitee == p["colleague"]
    assert (meeting.start, meeting.end) == (second.start, second.end)
    assert meeting.sequence == 1
    rows = Booking.objects.filter(meeting=meeting)
    assert {(r.user_id, r.table_id) for r in rows} == {
        (p["buyer"].pk, None),
        (p["colleague"].pk, None),
        (None, table.pk),
    }
    assert all(r.kind == BookingKind.CONFIRMED and r.start == second.start for r in rows)


def test_only_the_invited_company_answers(p):
    meeting = _request(p)
    stranger = supplier_member()
    for who in (p["buyer"], stranger, UserFactory()):
        with pytest.raises(PermissionDenied):
            svc.accept(meeting, by_user=who, slot=meeting.slots.first())
        with pytest.raises(PermissionDenied):
            svc.decline(meeting, by_user=who, reason="No")


def test_accept_refuses_a_slot_of_another_request_and_an_expired_request(p):
    meeting = _request(p)
    other = _request(meeting_parties(), slots=[slot(16)])
    with pytest.raises(ValidationError):
        svc.accept(meeting, by_user=p["supplier"], slot=other.slots.first())
    with pytest.raises(ValidationError):
        svc.accept(meeting, by_user=p["supplier"], slot=meeting.slots.first(), now=meeting.expires_at)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PENDING


def test_decline_needs_a_reason_and_frees_the_holds(p):
    meeting = _request(p)
    with pytest.raises(ValidationError):
        svc.decline(meeting, by_user=p["supplier"], reason=" ")
    svc.decline(meeting, by_user=p["supplier"], reason="We do not make this product")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.DECLINED and meeting.decline_reason
    assert not Booking.objects.filter(meeting=meeting).exists()
    with pytest.raises(TransitionNotAllowed):
        svc.accept(meeting, by_user=p["supplier"], slot=meeting.slots.first())


def test_reschedule_a_confirmed_meeting_waits_for_the_other_side(p):
    meeting = _request(p)
    svc.accept(meeting, by_user=p["supplier"], slot=meeting.slots.first())
    svc.reschedule(meeting, by_user=p["supplier"], slots=[slot(11, days=3)])
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PENDING and meeting.sequence == 2
    assert meeting.awaiting_company == p["buyer_company"]
    assert meeting.start is None
    assert list(Booking.objects.filter(meeting=meeting).values_list("user_id", "kind")) == [
        (p["supplier"].pk, BookingKind.HOLD)
    ]
    # The supplier cannot accept its own proposal; the buyer can.
    with pytest.raises(PermissionDenied):
        svc.accept(meeting, by_user=p["supplier"], slot=meeting.slots.first())
    svc.accept(meeting, by_user=p["buyer"], slot=meeting.slots.first())
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CONFIRMED and meeting.sequence == 3
    assert meeting.invitee == p["supplier"] and meeting.requester == p["buyer"]
    assert Booking.objects.filter(meeting=meeting, kind=BookingKind.CONFIRMED).count() == 2


def test_cancel_by_either_side_frees_every_booking(p):
    meeting = _request(p)
    svc.accept(meeting, by_user=p["supplier"], slot=meeting.slots.first())
    with pytest.raises(PermissionDenied):
        svc.cancel(meeting, by_user=buyer_member(), reason="x")
    svc.cancel(meeting, by_user=p["buyer"], reason="Flight cancelled")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CANCELLED and meeting.cancelled_by == p["buyer"]
    assert meeting.sequence == 2
    assert not Booking.objects.filter(meeting=meeting).exists()
    with pytest.raises(TransitionNotAllowed):
        svc.cancel(meeting, by_user=p["buyer"], reason="Twice")


def test_expire_due_expires_only_unanswered_requests_past_expiry(p):
    due = _request(p, slots=[slot(10)])
    later = _request(p, slots=[slot(10, days=8)])
    confirmed = _request(p, slots=[slot(15)])
    svc.accept(confirmed, by_user=p["supplier"], slot=confirmed.slots.first())
    assert svc.expire_due(now=due.expires_at) == 1
    for m in (due, later, confirmed):
        m.refresh_from_db()
    assert (due.state, later.state, confirmed.state) == (
        MeetingState.EXPIRED,
        MeetingState.PENDING,
        MeetingState.CONFIRMED,
    )
    assert not Booking.objects.filter(meeting=due).exists()


def test_a_person_is_never_double_booked(p):
    first = _request(p, slots=[slot(10, minutes=60)])
    svc.accept(first, by_user=p["supplier"], slot=first.slots.first())
    # Another buyer asks the same supplier person's company for an overlapping time: the request is fine
    # (nobody of the supplier is held yet), but the supplier who is booked cannot accept it.
    other_buyer = buyer_member()
    second = svc.request_meeting(
        by_user=other_buyer,
        with_company=p["supplier_company"],
        subject="Prices",
        slots=[slot(10, minutes=30)],
    )
    with pytest.raises(svc.SlotTaken):
        svc.accept(second, by_user=p["supplier"], slot=second.slots.first())
    # A colleague who is free can.
    svc.accept(second, by_user=p["colleague"], slot=second.slots.first())
    # And the buyer, booked 10:00–11:00, cannot ask anyone for 10:30.
    start, _end = slot(10)
    with pytest.raises(svc.SlotTaken):
        _request(
            p,
            with_company=meeting_parties()["supplier_company"],
            slots=[(start + dt.timedelta(minutes=30), start + dt.timedelta(minutes=60))],
        )
    # Back to back is not an overlap.
    _request(p, slots=[(start + dt.timedelta(minutes=60), start + dt.timedelta(minutes=90))])


def test_a_table_is_never_double_booked_and_a_pending_hold_blocks_it_until_expiry(p):
    table = MeetingTableFactory()
    first = _request(p, mode=MeetingMode.IN_PERSON, table=table, slots=[slot(10, days=10)])
    others = meeting_parties()
    with pytest.raises(svc.SlotTaken) as error:
        _request(others, mode=MeetingMode.IN_PERSON, table=table, slots=[slot(10, days=10)])
    assert "table" in error.value.message_dict["slots"][0]
    # Once the first request's expiry has passed, its hold no longer counts.
    later = first.expires_at + dt.timedelta(minutes=1)
    start, end = slot(10, days=10)
    assert later < start
    second = svc.request_meeting(
        by_user=others["buyer"],
        with_company=others["supplier_company"],
        subject="Moulds",
        mode=MeetingMode.IN_PERSON,
        table=table,
        slots=[(start, end)],
        now=later,
    )
    assert Booking.objects.filter(table=table).get().meeting == second


def test_kept_and_missed_counts_start_at_zero(p):
    assert svc.attendance_counts(p["supplier_company"]) == {"held": 0, "missed": 0}


def test_time_zone_and_feed_token(p):
    with pytest.raises(ValidationError):
        svc.set_time_zone(p["buyer"], "Mars/Olympus")
    svc.set_time_zone(p["buyer"], "America/New_York")
    assert str(svc.zone_of(p["buyer"])) == "America/New_York"
    old = svc.profile_for(p["buyer"]).feed_token
    assert svc.reset_feed_token(p["buyer"]).feed_token != old


def test_a_persons_first_zone_comes_from_the_company_country():
    assert str(svc.zone_of(supplier_member(country="CN"))) == "Asia/Shanghai"
    assert str(svc.zone_of(buyer_member())) == "Europe/Berlin"
    assert str(svc.zone_of(UserFactory())) == "UTC"


def test_a_counter_proposal_to_a_pending_request_is_accepted_by_the_requester(p):
    meeting = _request(p)
    svc.reschedule(meeting, by_user=p["supplier"], slots=[slot(16, days=4)])
    meeting.refresh_from_db()
    assert meeting.invitee == p["supplier"] and meeting.awaiting_company == p["buyer_company"]
    with pytest.raises(PermissionDenied):
        svc.accept(meeting, by_user=p["colleague"], slot=meeting.slots.get())
    svc.accept(meeting, by_user=p["buyer"], slot=meeting.slots.get())
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CONFIRMED
    assert set(Booking.objects.filter(meeting=meeting).values_list("user_id", flat=True)) == {
        p["buyer"].pk,
        p["supplier"].pk,
    }


def test_table_schedule_lists_the_confirmed_meetings_of_a_day(p):
    table = MeetingTableFactory()
    first = _request(p, mode=MeetingMode.IN_PERSON, table=table, slots=[slot(9)])
    svc.accept(first, by_user=p["supplier"], slot=first.slots.get())
    _request(
        meeting_parties(), mode=MeetingMode.IN_PERSON, table=table, slots=[slot(12)]
    )  # pending: not listed
    start, _end = slot(0)
    assert svc.table_schedule(table, since=start, until=start + dt.timedelta(days=1)) == [first]
    assert (
        svc.table_schedule(table, since=start + dt.timedelta(days=1), until=start + dt.timedelta(days=2))
        == []
    )
