"""The hosted-meeting scheduler: a table and a slot for every agreed pair, or the reason it has none.

Pure placement: `place()` walks the pairs best first (score, then buyer and supplier ids: the same input
always gives the same schedule) and gives each the earliest slot at which the buyer's person, the
supplier's person and a table are all free, the lowest table number first. What is already booked
elsewhere comes in as `busy` intervals (matchmaking's bookings), so a hosted meeting never overlaps a
booth meeting or an online call of the same person. `book(pair, slot, table)` makes the booking (through
matchmaking's meetings service, whose lock and exclusion constraint have the last word); when it refuses,
the placement tries the next free place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class PairToPlace:
    key: Hashable
    buyer_person: int
    supplier_person: int
    score: float = 0.0
    order: tuple = ()  # tie-break (buyer id, supplier id)


@dataclass
class Placement:
    placed: list[tuple[Hashable, Interval, Hashable]] = field(default_factory=list)
    unplaced: list[Hashable] = field(default_factory=list)


def _overlaps(intervals: Iterable[Interval], slot: Interval) -> bool:
    start, end = slot
    return any(s < end and e > start for s, e in intervals)


def place(
    pairs: Sequence[PairToPlace],
    *,
    slots: Sequence[Interval],
    tables: Sequence[Hashable],
    busy_people: dict[int, list[Interval]] | None = None,
    busy_tables: dict[Hashable, list[Interval]] | None = None,
    book: Callable[[PairToPlace, Interval, Hashable], bool] | None = None,
) -> Placement:
    """Place `pairs` into `slots` × `tables`; `book` returns False when the real booking was refused."""
    people: dict[int, list[Interval]] = {k: list(v) for k, v in (busy_people or {}).items()}
    at_table: dict[Hashable, list[Interval]] = {k: list(v) for k, v in (busy_tables or {}).items()}
    result = Placement()
    for pair in sorted(pairs, key=lambda p: (-p.score, p.order, str(p.key))):
        done = False
        for slot in sorted(slots):
            if _overlaps(people.get(pair.buyer_person, ()), slot) or _overlaps(
                people.get(pair.supplier_person, ()), slot
            ):
                continue
            for table in tables:
                if _overlaps(at_table.get(table, ()), slot):
                    continue
                if book is not None and not book(pair, slot, table):
                    # Refused by the database (someone booked it meanwhile): that table is taken then.
                    at_table.setdefault(table, []).append(slot)
                    continue
                people.setdefault(pair.buyer_person, []).append(slot)
                people.setdefault(pair.supplier_person, []).append(slot)
                at_table.setdefault(table, []).append(slot)
                result.placed.append((pair.key, slot, table))
                done = True
                break
            if done:
                break
        if not done:
            result.unplaced.append(pair.key)
    return result
