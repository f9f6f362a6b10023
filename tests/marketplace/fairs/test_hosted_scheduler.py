"""The hosted-meeting scheduler's placement: capacity, no overlaps, determinism, pairs it cannot place."""

import datetime as dt

from marketplace.fairs.hosted_scheduler import PairToPlace, place

T0 = dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC)
SLOTS = [(T0 + dt.timedelta(minutes=20 * i), T0 + dt.timedelta(minutes=20 * (i + 1))) for i in range(3)]


def pair(key, buyer, supplier, score=1.0):
    return PairToPlace(
        key=key, buyer_person=buyer, supplier_person=supplier, score=score, order=(buyer, supplier)
    )


def test_no_person_and_no_table_is_double_booked():
    pairs = [pair(i, buyer=100 + i % 2, supplier=200 + i % 3, score=10 - i) for i in range(6)]
    result = place(pairs, slots=SLOTS, tables=["t1", "t2"])
    seen_people, seen_tables = set(), set()
    for key, slot, table in result.placed:
        p = pairs[key]
        for who in (p.buyer_person, p.supplier_person):
            assert (who, slot) not in seen_people
            seen_people.add((who, slot))
        assert (table, slot) not in seen_tables
        seen_tables.add((table, slot))
    assert len(result.placed) + len(result.unplaced) == 6


def test_capacity_limits_and_the_rest_are_reported():
    pairs = [pair(i, buyer=100 + i, supplier=200 + i) for i in range(5)]
    result = place(pairs, slots=SLOTS[:2], tables=["t1", "t2"])
    assert len(result.placed) == 4
    assert result.unplaced == [4]  # the lowest in the order


def test_busy_elsewhere_is_respected():
    busy = {100: [SLOTS[0], SLOTS[1]]}
    result = place([pair("a", 100, 200)], slots=SLOTS, tables=["t1"], busy_people=busy)
    assert result.placed == [("a", SLOTS[2], "t1")]
    result = place([pair("a", 100, 200)], slots=SLOTS, tables=["t1"], busy_people={100: list(SLOTS)})
    assert result.unplaced == ["a"]


def test_same_input_same_schedule_whatever_the_input_order():
    pairs = [pair(i, buyer=100 + i % 3, supplier=200 + i % 2, score=float(i % 4)) for i in range(8)]
    first = place(pairs, slots=SLOTS, tables=["t1", "t2"])
    second = place(list(reversed(pairs)), slots=SLOTS, tables=["t1", "t2"])
    assert first.placed == second.placed and first.unplaced == second.unplaced


def test_a_refused_booking_moves_on_to_the_next_free_place():
    refused = {("t1", SLOTS[0])}

    def book(p, slot, table):
        return (table, slot) not in refused

    result = place([pair("a", 100, 200)], slots=SLOTS, tables=["t1", "t2"], book=book)
    assert result.placed == [("a", SLOTS[0], "t2")]
