"""Twenty people asking for one table slot at once on PostgreSQL, on real connections: exactly one wins.

And the database's own rule: even writes that skip the service's lock cannot double-book (the
exclusion constraints of migration 0002).
"""

import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction

from marketplace.matchmaking import meetings_services as svc
from marketplace.matchmaking.models.meetings import Booking, BookingKind, MeetingMode
from tests.marketplace.matchmaking.factories_meetings import (
    MeetingFactory,
    MeetingTableFactory,
    meeting_parties,
    slot,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="exclusion constraints and row locks need PostgreSQL"
    ),
]

THREADS = 20


def _run_at_once(jobs):
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(job):
        try:
            barrier.wait()
            try:
                job()
                result = "won"
            except svc.SlotTaken:
                result = "taken"
            except Exception as exc:  # noqa: BLE001 - reported below, never swallowed
                result = f"error: {exc!r}"
            with lock:
                outcomes.append(result)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_twenty_concurrent_requests_for_one_table_slot_exactly_one_wins():
    table = MeetingTableFactory()
    wanted = slot(10)
    people = [meeting_parties() for _ in range(THREADS)]

    def job(p):
        return lambda: svc.request_meeting(
            by_user=p["buyer"],
            with_company=p["supplier_company"],
            subject="Booth visit",
            mode=MeetingMode.IN_PERSON,
            table=table,
            slots=[wanted],
        )

    outcomes = _run_at_once([job(p) for p in people])
    assert outcomes.count("won") == 1 and outcomes.count("taken") == THREADS - 1, outcomes
    assert Booking.objects.filter(table=table).count() == 1


def test_twenty_concurrent_accepts_of_one_persons_time_exactly_one_wins():
    """One supplier person, twenty requests from twenty buyers for the same time: one accept succeeds."""
    supplier_side = meeting_parties()
    supplier = supplier_side["supplier"]
    wanted = slot(11)
    meetings = []
    for _ in range(THREADS):
        p = meeting_parties()
        meetings.append(
            svc.request_meeting(
                by_user=p["buyer"],
                with_company=supplier_side["supplier_company"],
                subject="Prices",
                slots=[wanted],
            )
        )
    outcomes = _run_at_once(
        [lambda m=m: svc.accept(m, by_user=supplier, slot=m.slots.get()) for m in meetings]
    )
    assert outcomes.count("won") == 1 and outcomes.count("taken") == THREADS - 1, outcomes
    assert Booking.objects.filter(user=supplier, kind=BookingKind.CONFIRMED).count() == 1


def test_the_database_refuses_overlaps_that_skip_the_service():
    meeting = MeetingFactory()
    other = MeetingFactory()
    start, end = slot(10, minutes=60)
    Booking.objects.create(
        meeting=meeting, user=meeting.requester, kind=BookingKind.CONFIRMED, start=start, end=end
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            meeting=other, user=meeting.requester, kind=BookingKind.CONFIRMED, start=start, end=end
        )
    table = MeetingTableFactory()
    Booking.objects.create(meeting=meeting, table=table, kind=BookingKind.CONFIRMED, start=start, end=end)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(meeting=other, table=table, kind=BookingKind.CONFIRMED, start=start, end=end)
    # Touching ends are fine ('[)' ranges).
    Booking.objects.create(
        meeting=other, table=table, kind=BookingKind.CONFIRMED, start=end, end=end + (end - start)
    )
