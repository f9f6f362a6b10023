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


class _Chain:
    """Walks one deal's events in seq order and reports the first break."""

    __slots__ = ("deal_id", "expected_seq", "prev", "broken")

    def __init__(self, deal_id: int):
        self.deal_id = deal_id
        self.expected_seq = 1
        self.prev = GENESIS
        self.broken: Break | None = None

    def feed(
        self, event_id, seq, at, actor_user_id, actor_company_id, action, data, prev_hash, digest
    ) -> None:
        if self.broken is not None:
            return
        if seq != self.expected_seq:
            reason = (
                f"sequence jumps from {self.expected_seq - 1} to {seq} (an event is missing)"
                if seq > self.expected_seq
                else f"sequence {seq} repeats or goes back"
            )
            self.broken = Break(self.deal_id, seq, event_id, reason)
            return
        if prev_hash != self.prev:
            self.broken = Break(self.deal_id, seq, event_id, "does not link to the event before it")
            return
        text = canonical(
            {
                "action": action,
                "actor_company": actor_company_id,
                "actor_user": actor_user_id,
                "at": _at(at),
                "data": data,
                "deal": self.deal_id,
                "seq": seq,
            }
        )
        if hashlib.sha256((prev_hash + text).encode()).hexdigest() != digest:
            self.broken = Break(self.deal_id, seq, event_id, "its contents do not match its hash (edited)")
            return
        self.prev = digest
        self.expected_seq += 1

    def finish(self, record_length: int, record_head: str) -> Break | None:
        if self.broken is None:
            length = self.expected_seq - 1
            if length != record_length or (self.prev if length else "") != record_head:
                self.broken = Break(
                    self.deal_id,
                    None,
                    None,
                    f"the deal records {record_length} events but its chain has {length} (an event is missing at the end)"
                    if length != record_length
                    else "the last event is not the one the deal recorded",
                )
        return self.broken


def verify(deal: Deal) -> Break | None:
    """None when `deal`'s record is whole, else the first break."""
    chain = _Chain(deal.pk)
    for row in (
        DealEvent.objects.filter(deal_id=deal.pk)
        .order_by("seq", "pk")
        .values_list(
            "pk", "seq", "at", "actor_user_id", "actor_company_id", "action", "data", "prev_hash", "hash"
        )
    ):
        chain.feed(*row)
    fresh = Deal.objects.values_list("record_length", "record_head").get(pk=deal.pk)
    return chain.finish(*fresh)


@dataclass
class Report:
    deals: int = 0
    events: int = 0
    first_break: Break | None = None
    breaks: int = 0


def verify_all(*, deal_id: int | None = None, chunk: int = 5000, on_progress=None) -> Report:
    """Walk every deal's chain (or one deal's) in one pass over the events, streamed in `chunk`s.

    The events come ordered by (deal, seq) through a server-side cursor on PostgreSQL, so memory stays
    flat at any table size; the deals' heads come the same way, merged by id.
    """
    report = Report()
    events = DealEvent.objects.order_by("deal_id", "seq", "pk")
    deals = Deal.objects.order_by("pk")
    if deal_id is not None:
        events, deals = events.filter(deal_id=deal_id), deals.filter(pk=deal_id)
    event_rows = events.values_list(
        "deal_id",
        "pk",
        "seq",
        "at",
        "actor_user_id",
        "actor_company_id",
        "action",
        "data",
        "prev_hash",
        "hash",
    ).iterator(chunk_size=chunk)
    deal_rows = deals.values_list("pk", "record_length", "record_head").iterator(chunk_size=chunk)
    # Server-side cursors need a transaction on PostgreSQL with Django's default settings.
    with transaction.atomic() if connection.vendor == "postgresql" else contextlib.nullcontext():
        pending = next(event_rows, None)
        for pk, length, head in deal_rows:
            chain = _Chain(pk)
            while pending is not None and pending[0] < pk:
                # Events of a deal that does not exist: count them against nobody (the FK forbids it).
                pending = next(event_rows, None)
            while pending is not None and pending[0] == pk:
                chain.feed(*pending[1:])
                report.events += 1
                pending = next(event_rows, None)
            report.deals += 1
            broken = chain.finish(length, head)
            if broken is not None:
                report.breaks += 1
                if report.first_break is None:
                    report.first_break = broken
            if on_progress is not None and report.deals % 10000 == 0:
                on_progress(report)
    return report
