"""The tamper-evident trade record: each deal's events, chained by SHA-256.

An event's hash is ``sha256(prev_hash + canonical(envelope))`` where the envelope is
``{"action", "actor_company", "actor_user", "at", "data", "deal", "seq"}`` (ids as integers or null, `at`
as UTC ISO 8601 with microseconds) and `canonical` is JSON with sorted keys, no spaces, UTF-8 kept as is
(``ensure_ascii=False``); Decimals, dates and UUIDs are written as strings before hashing, floats are
refused (a float does not survive a round trip exactly). The first event's `prev_hash` is 64 zeros.

Because `seq`, the time, the actor and the deal are inside the hash, an edited, reordered or re-parented
row breaks the chain; a deleted or inserted row breaks the link of the row after it; a deleted last
row no longer matches the head the deal keeps (`Deal.record_length`, `Deal.record_head`).

`append` is the only way to write an event; call it inside the transaction that holds the deal's row
lock (`services.step` / `services.side_step` do).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from marketplace.deals.models import Deal, DealEvent

GENESIS = "0" * 64


def _plain(value):
    """JSON-ready values only: Decimals, dates and UUIDs become strings; floats are refused."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        raise TypeError("the trade record takes no floats: pass a Decimal or a string")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "pk"):  # a model instance: its id
        return value.pk
    raise TypeError(f"cannot put {type(value).__name__} into the trade record")


def canonical(value) -> str:
    """The one JSON text of a value: sorted keys, no spaces, non-ASCII kept."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _at(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def envelope(
    *, deal_id: int, seq: int, at: dt.datetime, actor_user_id, actor_company_id, action: str, data
) -> dict:
    return {
        "action": action,
        "actor_company": actor_company_id,
        "actor_user": actor_user_id,
        "at": _at(at),
        "data": data,
        "deal": deal_id,
        "seq": seq,
    }


def chain_hash(prev_hash: str, canonical_text: str) -> str:
    return hashlib.sha256((prev_hash + canonical_text).encode()).hexdigest()


def event_hash(event: DealEvent) -> str:
    """The hash `event` must carry, recomputed from its stored fields."""
    return chain_hash(
        event.prev_hash,
        canonical(
            envelope(
                deal_id=event.deal_id,
                seq=event.seq,
                at=event.at,
                actor_user_id=event.actor_user_id,
                actor_company_id=event.actor_company_id,
                action=event.action,
                data=event.data,
            )
        ),
    )


def append(
    deal: Deal, action: str, *, actor_user=None, actor_company=None, data: dict | None = None
) -> DealEvent:
    """Append one event to `deal`'s record and move the deal's head; inside the caller's transaction.

    The caller holds the deal's row lock (select_for_update), so two appends to one deal never race
    for the same `seq`; the unique (deal, seq) constraint stops any that would.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record.append must run inside the transaction that locks the deal")
    plain = json.loads(canonical(data or {}))
    # Microseconds are what PostgreSQL keeps; the hash is over the stored value.
    at = timezone.now().astimezone(dt.UTC)
    user_id = actor_user.pk if getattr(actor_user, "is_authenticated", False) else None
    company_id = actor_company.pk if hasattr(actor_company, "pk") else actor_company
    seq = deal.record_length + 1
    prev_hash = deal.record_head or GENESIS
    digest = chain_hash(
        prev_hash,
        canonical(
            envelope(
                deal_id=deal.pk,
                seq=seq,
                at=at,
                actor_user_id=user_id,
                actor_company_id=company_id,
                action=action,
                data=plain,
            )
        ),
    )
    event = DealEvent(
        deal=deal,
        seq=seq,
        at=at,
        actor_user_id=user_id,
        actor_company_id=company_id,
        action=action,
        data=plain,
        prev_hash=prev_hash,
        hash=digest,
    )
    event.save(force_insert=True)
    Deal.objects.filter(pk=deal.pk).update(record_length=seq, record_head=digest, last_event_at=at)
    deal.record_length, deal.record_head, deal.last_event_at = seq, digest, at
    return event


@dataclass(frozen=True)
class Break:
    """The first place a deal's record does not add up."""

    deal_id: int
    seq: int | None  # the event's seq (None when the break is in the deal's head)
    event_id: int | None
    reason: str

    def __str__(self):
        where = f"event #{self.seq} (id {self.event_id})" if self.seq is not None else "its head"
        return f"deal {self.deal_id}: {where}: {self.reason}"


@dataclass
class Report:
    deals: int = 0
    events: int = 0
    first_break: Break | None = None
    breaks: int = 0


def verify(deal: Deal) -> Break | None:
    """None when `deal`'s record is whole, else the first break."""
    return verify_all(deal_id=deal.pk).first_break


def _refuse_float(text):
    raise ValueError(f"a float ({text}) in the trade record")


# `canonical` for values read back from the database: JSON text in, canonical text out. The stored data is
# already JSON (only dicts, lists, strings, ints, booleans, null), so `_plain`'s walk is not needed; a float
# can only be there if someone wrote it behind `append`, and it makes the row fail its hash.
_decode = json.JSONDecoder(parse_float=_refuse_float, parse_constant=_refuse_float).decode
_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


@contextlib.contextmanager
def _rows(deal_id: int | None, chunk: int):
    """(deal rows, event rows) as plain tuples, both ordered by deal id, events by seq within a deal.

    Raw SQL rather than the ORM: at millions of rows, building model values (and decoding each JSON
    document into Python) costs more than the hashing. On PostgreSQL, the full walk streams through
    server-side cursors (inside a transaction, which they need); `data` comes as its JSON text.
    """
    deal_table, event_table = Deal._meta.db_table, DealEvent._meta.db_table
    where = " WHERE id = %s" if deal_id is not None else ""
    event_where = " WHERE deal_id = %s" if deal_id is not None else ""
    params = [deal_id] if deal_id is not None else []
    if connection.vendor == "postgresql":
        # `at` as `_at` writes it (UTC, microseconds, "+00:00"), `data` as the text the column keeps.
        at = """to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')"""
        data = "data::text"
    else:
        at, data = "at", "data"
    deal_sql = f"SELECT id, record_length, record_head FROM {deal_table}{where} ORDER BY id"  # noqa: S608
    event_sql = (
        f"SELECT deal_id, id, seq, {at}, actor_user_id, actor_company_id, action, {data}, prev_hash, hash"  # noqa: S608
        f" FROM {event_table}{event_where}"
        " ORDER BY deal_id, seq, id"
    )
    streamed = deal_id is None and connection.vendor == "postgresql"
    with transaction.atomic() if streamed else contextlib.nullcontext():
        open_cursor = connection.chunked_cursor if streamed else connection.cursor
        with open_cursor() as deals, open_cursor() as events:
            deals.execute(deal_sql, params)
            events.execute(event_sql, params)
            event_rows = _batches(events, chunk)
            if connection.vendor != "postgresql":
                event_rows = _with_time_text(event_rows)
            yield _batches(deals, chunk), event_rows


def _batches(cursor, chunk: int):
    while batch := cursor.fetchmany(chunk):
        yield from batch


def _with_time_text(rows):
    """SQLite hands back the stored text of `at` (UTC, naive): make it the text `_at` gives."""
    for row in rows:
        at = row[3]
        if isinstance(at, str):
            at = dt.datetime.fromisoformat(at)
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        yield (*row[:3], _at(at), *row[4:])


def verify_all(*, deal_id: int | None = None, chunk: int = 5000, on_progress=None) -> Report:
    """Walk every deal's chain (or one deal's) in one pass over the events, streamed in `chunk`s.

    The events come ordered by (deal, seq) and the deals by id, merged in the same pass: each event's
    seq, link and hash are checked as it streams by, each deal's recorded length and head when its last
    event has gone. The hash is recomputed exactly as `event_hash` does (the same canonical text),
    assembled directly: the envelope's keys are fixed and already in sorted order, so only `data` goes
    through the JSON encoder. Memory stays flat at any table size.
    """
    report = Report()
    sha256 = hashlib.sha256
    decode, encode = _decode, _encode
    actions: dict[str, str] = {}  # action -> its JSON text

    with _rows(deal_id, chunk) as (deal_rows, event_rows):

        def finish(pk, length, head, expected, prev, broken):
            report.deals += 1
            if broken is None:
                seen = expected - 1
                if seen != length or (prev if seen else "") != head:
                    broken = Break(
                        pk,
                        None,
                        None,
                        f"the deal records {length} events but its chain has {seen} (an event is missing at the end)"
                        if seen != length
                        else "the last event is not the one the deal recorded",
                    )
            if broken is not None:
                report.breaks += 1
                if report.first_break is None:
                    report.first_break = broken
            if on_progress is not None and report.deals % 10000 == 0:
                on_progress(report)

        pending = next(deal_rows, None)  # the next deal by id not yet reached by the events
        current = None  # the deal whose events are streaming: (pk, length, head), None if it does not exist
        current_id = None
        expected, prev, broken = 1, GENESIS, None
        count = 0
        for d, event_id, seq, at, user_id, company_id, action, data, prev_hash, digest in event_rows:
            if d != current_id:
                if current is not None:
                    finish(*current, expected, prev, broken)
                current, current_id = None, d
                while pending is not None and pending[0] < d:
                    finish(*pending, 1, GENESIS, None)  # a deal with no events
                    pending = next(deal_rows, None)
                if pending is not None and pending[0] == d:
                    current, pending = pending, next(deal_rows, None)
                # else: events of a deal that does not exist (the FK forbids it): skipped
                expected, prev, broken = 1, GENESIS, None
            if current is None:
                continue
            count += 1
            if broken is not None:
                continue
            if seq != expected:
                reason = (
                    f"sequence jumps from {expected - 1} to {seq} (an event is missing)"
                    if seq > expected
                    else f"sequence {seq} repeats or goes back"
                )
                broken = Break(d, seq, event_id, reason)
                continue
            if prev_hash != prev:
                broken = Break(d, seq, event_id, "does not link to the event before it")
                continue
            action_text = actions.get(action)
            if action_text is None:
                action_text = actions[action] = encode(action)
            head = (
                f'{prev_hash}{{"action":{action_text},'
                f'"actor_company":{"null" if company_id is None else company_id},'
                f'"actor_user":{"null" if user_id is None else user_id},"at":"{at}","data":'
            )
            tail = f',"deal":{d},"seq":{seq}}}'
            # The stored text is the canonical one for every row `append` wrote: hash it as it is. Only
            # when that does not match (a row stored before the column kept canonical text, or one
            # written behind `append`) is the data parsed and re-encoded, which is what decides.
            if sha256(f"{head}{data}{tail}".encode()).hexdigest() != digest:
                try:
                    body = encode(decode(data))
                except (ValueError, TypeError):
                    body = None
                if body is None or sha256(f"{head}{body}{tail}".encode()).hexdigest() != digest:
                    broken = Break(d, seq, event_id, "its contents do not match its hash (edited)")
                    continue
            prev = digest
            expected += 1
        if current is not None:
            finish(*current, expected, prev, broken)
        while pending is not None:
            finish(*pending, 1, GENESIS, None)
            pending = next(deal_rows, None)
        report.events = count
    return report
