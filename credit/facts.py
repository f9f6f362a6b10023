"""Recording facts: the public `record` call and the row pipeline the file import and the API share.

A fact reaches the table one way only: a raw row (from code, a CSV/JSONL line or an API item) is
parsed into a `Draft` against the kind registry, its subject and references are resolved in bulk,
and drafts are inserted. Everything that can be wrong with a row is reported as `RowError`s
(line, field, reason) — never guessed around.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.kinds import KINDS, RETRACTION_KIND, FactKind, PayloadError
from credit.models import ApiToken, Fact, ImportBatch, Source, SourcePartner, SourceType
from credit.signals import fact_recorded

# Row keys that describe the fact itself; in CSV every other column is a payload field.
ENVELOPE = (
    "kind",
    "subject_id",
    "subject_country",
    "subject_registration",
    "occurred_at",
    "known_at",
    "external_ref",
    "supersedes_ref",
)
# A partner's clock may run a little ahead of ours; more than this is a wrong date, not skew.
CLOCK_SKEW = dt.timedelta(minutes=5)
PLATFORM_SOURCE = "platform"


def subject_model():
    """The model credit scores (settings.CREDIT_SUBJECT_MODEL), looked up at call time."""
    return apps.get_model(settings.CREDIT_SUBJECT_MODEL)


@dataclass(slots=True)
class RowError:
    """Why one row was refused: the line it came from, the field at fault, and a reason a person can act on."""

    line: int
    field: str
    reason: str


@dataclass(slots=True)
class Draft:
    """A row that passed the registry's rules, waiting for its subject and references to be resolved."""

    line: int
    kind: FactKind
    payload: dict[str, Any]
    occurred_at: dt.datetime
    known_at: dt.datetime
    external_ref: str
    subject_id: int | None = None
    subject_ref: tuple[str, str] | None = None
    supersedes_ref: str = ""
    supersedes_id: int | None = None
    amount: Decimal | None = None
    currency: str = ""
    metric: float | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


def source_by_code(code: str) -> Source:
    """The source named `code`; the platform's own source is created on first use."""
    if code == PLATFORM_SOURCE:
        source, _created = Source.objects.get_or_create(
            code=PLATFORM_SOURCE, defaults={"name": "TrustFair", "source_type": SourceType.PLATFORM}
        )
        return source
    try:
        return Source.objects.get(code=code)
    except Source.DoesNotExist:
        raise ValidationError({"source": _("no data source with code %(code)r") % {"code": code}}) from None


def partner_source(partner: Any, *, source_type: str) -> Source:
    """The data source of a partner company (a bank's, an insurer's) of `source_type`, linked to it by a
    `SourcePartner`; created on first use as "<type>-<partner id>". The marketplace records a partner's
    own decisions (an insurer's limits and claims) as facts of this source, so the kind registry applies
    (only an insurer's source writes insurance facts) and the partner's staff review disputes of them."""
    if source_type not in SourceType.values or source_type == SourceType.PLATFORM:
        raise ValueError(f"{source_type!r} is not a partner's source type")
    link = (
        SourcePartner.objects.select_related("source")
        .filter(partner_id=partner.pk, source__source_type=source_type)
        .first()
    )
    if link is not None:
        return link.source
    source, _created = Source.objects.get_or_create(
        code=f"{source_type}-{partner.pk}", defaults={"name": str(partner)[:200], "source_type": source_type}
    )
    SourcePartner.objects.get_or_create(source=source, defaults={"partner_id": partner.pk})
    return source


def parse_timestamp(raw: Any) -> dt.datetime:
    """An aware datetime from a datetime, a date (midnight UTC) or ISO 8601 text.

    A datetime without a UTC offset is refused: guessing the partner's time zone would shift facts
    across as-of dates.
    """
    if isinstance(raw, dt.datetime):
        value = raw
    elif isinstance(raw, dt.date):
        return dt.datetime.combine(raw, dt.time(), tzinfo=dt.UTC)
    else:
        text = str(raw).strip()
        if len(text) == 10:
            try:
                return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), tzinfo=dt.UTC)
            except ValueError:
                pass
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                _("expected an ISO 8601 date or date-time (2025-03-31 or 2025-03-31T14:00:00Z), got %(raw)r")
                % {"raw": raw}
            ) from None
    if timezone.is_naive(value):
        raise ValueError(_("the date-time needs a UTC offset, e.g. 2025-03-31T14:00:00+08:00 or …Z"))
    return value


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_row(
    raw: Mapping[str, Any],
    *,
    source: Source,
    line: int,
    now: dt.datetime,
    payload: Mapping[str, Any] | None = None,
) -> Draft | list[RowError]:
    """Check one row against the registry and the source's rights; no database access.

    `payload` is given for JSON rows; for CSV rows every non-empty column outside ENVELOPE is a
    payload field. All problems of the row are returned together, so a partner fixes them in one go.
    """
    errors: list[RowError] = []

    def fail(field_name: str, reason: str) -> None:
        errors.append(RowError(line, field_name, str(reason)))

    code = str(raw.get("kind") or "").strip()
    kind = KINDS.get(code)
    if kind is None:
        fail(
            "kind", _("unknown fact kind %(kind)r") % {"kind": code} if code else _("this field is required")
        )
    elif source.source_type not in kind.source_types:
        fail(
            "kind",
            _("source %(source)s (%(type)s) may not send %(kind)s facts")
            % {"source": source.code, "type": source.source_type, "kind": code},
        )

    subject_id = subject_ref = None
    has_id = not _blank(raw.get("subject_id"))
    has_ref = not _blank(raw.get("subject_country")) or not _blank(raw.get("subject_registration"))
    if has_id and has_ref:
        fail("subject_id", _("give subject_id or subject_country + subject_registration, not both"))
    elif has_id:
        try:
            subject_id = int(str(raw["subject_id"]).strip())
        except ValueError:
            fail("subject_id", _("expected a whole number, got %(raw)r") % {"raw": raw["subject_id"]})
    elif has_ref:
        country = str(raw.get("subject_country") or "").strip().upper()
        registration = str(raw.get("subject_registration") or "").strip()
        if len(country) != 2 or not country.isalpha():
            fail("subject_country", _("expected a two-letter ISO 3166 country code"))
        if not registration:
            fail("subject_registration", _("this field is required with subject_country"))
        subject_ref = (country, registration)
    else:
        fail("subject_id", _("name the subject by subject_id or by subject_country + subject_registration"))

    external_ref = str(raw.get("external_ref") or "").strip()
    if not external_ref:
        fail("external_ref", _("this field is required"))
    elif len(external_ref) > 200:
        fail("external_ref", _("longer than 200 characters"))

    occurred_at = known_at = None
    for name in ("occurred_at", "known_at"):
        value = raw.get(name)
        if _blank(value):
            if name == "occurred_at":
                fail(name, _("this field is required"))
            continue
        try:
            parsed = parse_timestamp(value)
        except ValueError as exc:
            fail(name, str(exc))
            continue
        if parsed > now + CLOCK_SKEW:
            fail(name, _("is in the future"))
        if name == "occurred_at":
            occurred_at = parsed
        else:
            known_at = parsed
    known_at = known_at or now
    if occurred_at and known_at < occurred_at:
        fail("known_at", _("a fact cannot be known before it occurred"))

    values: dict[str, Any] = {}
    if kind is not None:
        if payload is None:
            payload = {k: v for k, v in raw.items() if k not in ENVELOPE and not _blank(v)}
        elif not isinstance(payload, Mapping):
            payload = None
            fail("payload", _("expected an object"))
        if payload is not None:
            try:
                values = kind.clean_payload(payload)
            except PayloadError as exc:
                for field_name, reason in exc.errors:
                    fail(field_name, reason)

    if kind is not None and kind.needs_supersedes and _blank(raw.get("supersedes_ref")):
        fail("supersedes_ref", _("a %(kind)s fact names the fact it takes back") % {"kind": kind.code})

    if errors:
        return errors
    amount, currency, metric = kind.columns(values)
    return Draft(
        line=line,
        kind=kind,
        payload=kind.payload_json(values),
        occurred_at=occurred_at,
        known_at=known_at,
        external_ref=external_ref,
        subject_id=subject_id,
        subject_ref=subject_ref,
        supersedes_ref=str(raw.get("supersedes_ref") or "").strip(),
        amount=amount,
        currency=currency,
        metric=metric,
        raw=raw,
    )


@dataclass
class Resolution:
    """The outcome of resolving a chunk: drafts ready to insert, duplicates, and refused rows."""

    ready: list[Draft]
    duplicates: list[tuple[Draft, int]]
    errors: list[tuple[Draft, RowError]]


def resolve(drafts: Sequence[Draft], *, source: Source, seen_refs: set[str] | None = None) -> Resolution:
    """Resolve subjects, duplicates and superseded facts for many drafts with three queries, not per row.

    `seen_refs` carries external refs already taken earlier in the same batch, so a file that repeats
    a reference stores it once.
    """
    model = subject_model()
    ids = {d.subject_id for d in drafts if d.subject_id is not None}
    known_ids = (
        set(model.objects.filter(pk__in=ids).order_by().values_list("pk", flat=True)) if ids else set()
    )
    refs = {d.subject_ref for d in drafts if d.subject_ref is not None}
    by_ref: dict[tuple[str, str], int] = {}
    if refs:
        rows = (
            model.objects.filter(
                country__in={c for c, _r in refs}, registration_number__in={r for _c, r in refs}
            )
            .order_by()
            .values_list("pk", "country", "registration_number")
        )
        by_ref = {(str(country), reg): pk for pk, country, reg in rows}
    wanted = {d.external_ref for d in drafts} | {d.supersedes_ref for d in drafts if d.supersedes_ref}
    existing = existing_refs(source=source, refs=wanted)
    superseded_subject = (
        dict(
            Fact.objects.filter(
                id__in=[existing[d.supersedes_ref] for d in drafts if d.supersedes_ref in existing]
            )
            .order_by()
            .values_list("id", "subject_id")
        )
        if any(d.supersedes_ref for d in drafts)
        else {}
    )

    seen = seen_refs if seen_refs is not None else set()
    result = Resolution([], [], [])
    for draft in drafts:
        if draft.subject_ref is not None:
            draft.subject_id = by_ref.get(draft.subject_ref)
            if draft.subject_id is None:
                country, registration = draft.subject_ref
                result.errors.append(
                    (
                        draft,
                        RowError(
                            draft.line,
                            "subject_registration",
                            _("no subject registered as %(reg)r in %(country)s")
                            % {"reg": registration, "country": country},
                        ),
                    )
                )
                continue
        elif draft.subject_id not in known_ids:
            result.errors.append(
                (
                    draft,
                    RowError(
                        draft.line, "subject_id", _("no subject with id %(id)s") % {"id": draft.subject_id}
                    ),
                )
            )
            continue
        if draft.external_ref in existing:
            result.duplicates.append((draft, existing[draft.external_ref]))
            continue
        if draft.external_ref in seen:
            result.duplicates.append((draft, 0))
            continue
        if draft.supersedes_ref:
            target = existing.get(draft.supersedes_ref)
            if target is None:
                result.errors.append(
                    (
                        draft,
                        RowError(
                            draft.line,
                            "supersedes_ref",
                            _("no earlier fact %(ref)r from this source") % {"ref": draft.supersedes_ref},
                        ),
                    )
                )
                continue
            if superseded_subject.get(target) != draft.subject_id:
                result.errors.append(
                    (
                        draft,
                        RowError(
                            draft.line, "supersedes_ref", _("the superseded fact is about another subject")
                        ),
                    )
                )
                continue
            draft.supersedes_id = target
        seen.add(draft.external_ref)
        result.ready.append(draft)
    return result


def existing_refs(*, source: Source, refs: set[str]) -> dict[str, int]:
    """{external_ref: fact id} for those of `refs` already stored for `source`.

    On PostgreSQL each ref is a LATERAL probe of the unique (source, external_ref) index (LIMIT 1
    keeps the subquery from being flattened into a join). With `IN (…)` or a plain join, the
    planner — on statistics that lag behind a large import into a new source — scanned all of that
    source's facts per chunk instead: 0.5–1 s per chunk at 1M rows, against 20 ms now.
    """
    if not refs:
        return {}
    if connection.vendor == "postgresql":
        table = Fact._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.ref, f.id FROM unnest(%s::text[]) AS r(ref) CROSS JOIN LATERAL "  # noqa: S608
                f"(SELECT id FROM {table} WHERE source_id = %s AND external_ref = r.ref LIMIT 1) AS f",
                [list(refs), source.pk],
            )
            return dict(cursor.fetchall())
    return dict(
        Fact.objects.filter(source=source, external_ref__in=refs).order_by().values_list("external_ref", "id")
    )


_COLUMNS = (
    "source_id",
    "kind",
    "subject_id",
    "payload",
    "occurred_at",
    "known_at",
    "recorded_at",
    "external_ref",
    "batch_id",
    "api_token_id",
    "platform_event",
    "supersedes_id",
    "amount",
    "currency",
    "metric",
)


def insert_drafts(
    drafts: Sequence[Draft],
    *,
    source: Source,
    batch: ImportBatch | None = None,
    api_token: ApiToken | None = None,
    platform_event: str = "",
) -> None:
    """Insert resolved drafts in one statement: COPY on PostgreSQL, bulk_create elsewhere.

    Callers have removed duplicates already (`resolve`) and hold a transaction, so a reference taken
    concurrently makes the whole batch fail and roll back rather than store a fact twice.
    """
    if not drafts:
        return
    now = timezone.now()
    rows = (
        (
            source.pk,
            d.kind.code,
            d.subject_id,
            d.payload,
            d.occurred_at,
            d.known_at,
            now,
            d.external_ref,
            batch.pk if batch else None,
            api_token.pk if api_token else None,
            platform_event,
            d.supersedes_id,
            d.amount,
            d.currency,
            d.metric,
        )
        for d in drafts
    )
    copy_rows(rows)


def copy_rows(rows: Iterable[tuple]) -> None:
    """Write fact tuples (in `_COLUMNS` order, payload as a dict) as fast as the database allows."""
    if connection.vendor == "postgresql":
        table = Fact._meta.db_table
        with (
            connection.cursor() as cursor,
            cursor.copy(
                f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN"  # noqa: S608 - fixed identifiers
            ) as copy,
        ):
            for row in rows:
                copy.write_row((*row[:3], json.dumps(row[3]), *row[4:]))
        return
    Fact.objects.bulk_create([Fact(**dict(zip(_COLUMNS, row, strict=True))) for row in rows], batch_size=2000)


def announce(
    *, subject_ids: Iterable[int], fact: Fact | None = None, batch: ImportBatch | None = None
) -> None:
    """Send `fact_recorded` once the surrounding transaction commits (listeners may enqueue tasks).

    Facts recorded one by one inside one transaction are announced together: one signal with
    every subject, so a burst gives listeners one event (`fact` is then None).
    """
    ids = frozenset(subject_ids)
    if not ids:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        fact_recorded.send(sender=Fact, subject_ids=ids, fact=fact, batch=batch)
        return
    pending = connection.__dict__.get("_credit_announcements")
    # Still waiting on this transaction's commit (a rollback drops the hook: then start afresh).
    if pending is not None and any(hook[1] is pending["send"] for hook in connection.run_on_commit):
        pending["ids"] |= ids
        pending["count"] += 1
        return
    pending = connection.__dict__["_credit_announcements"] = {"ids": set(ids), "count": 1}

    def send() -> None:
        connection.__dict__.pop("_credit_announcements", None)
        single = pending["count"] == 1
        fact_recorded.send(
            sender=Fact,
            subject_ids=frozenset(pending["ids"]),
            fact=fact if single else None,
            batch=batch if single else None,
        )

    pending["send"] = send
    transaction.on_commit(send)


def _as_validation_error(errors: list[RowError]) -> ValidationError:
    grouped: dict[str, list[str]] = {}
    for error in errors:
        grouped.setdefault(error.field or "__all__", []).append(error.reason)
    return ValidationError(grouped)


def record(
    *,
    source: Source | str,
    kind: str,
    payload: Mapping[str, Any],
    occurred_at: dt.datetime | dt.date | str,
    external_ref: str,
    subject: Any = None,
    subject_ref: tuple[str, str] | None = None,
    known_at: dt.datetime | dt.date | str | None = None,
    supersedes: Fact | None = None,
    batch: ImportBatch | None = None,
    api_token: ApiToken | None = None,
    platform_event: str = "",
) -> tuple[Fact, bool]:
    """Append one fact; idempotent by (source, external_ref). Returns (fact, created).

    Name the subject by instance (`subject`) or by its stable external identifier
    (`subject_ref=(country, registration_number)`). Any problem raises ValidationError keyed by
    field — an unknown subject names the identifier that matched nothing. The marketplace calls
    this from deals, fairs and meetings with `platform_event` saying which event it was.
    """
    if isinstance(source, str):
        source = source_by_code(source)
    if (subject is None) == (subject_ref is None):
        raise ValidationError({"subject": _("give exactly one of subject or subject_ref")})
    raw: dict[str, Any] = {
        "kind": kind,
        "occurred_at": occurred_at,
        "known_at": known_at,
        "external_ref": external_ref,
    }
    if subject is not None:
        raw["subject_id"] = subject.pk
    else:
        raw["subject_country"], raw["subject_registration"] = subject_ref
    if supersedes is not None:
        if supersedes.source_id != source.pk:
            raise ValidationError({"supersedes": _("a source can only correct its own facts")})
        raw["supersedes_ref"] = supersedes.external_ref
    parsed = parse_row(raw, source=source, line=1, now=timezone.now(), payload=payload)
    if isinstance(parsed, list):
        raise _as_validation_error(parsed)
    resolution = resolve([parsed], source=source)
    if resolution.errors:
        raise _as_validation_error([e for _d, e in resolution.errors])
    if resolution.duplicates:
        return Fact.objects.get(pk=resolution.duplicates[0][1]), False
    draft = resolution.ready[0]
    fact = Fact(
        source=source,
        kind=draft.kind.code,
        subject_id=draft.subject_id,
        payload=draft.payload,
        occurred_at=draft.occurred_at,
        known_at=draft.known_at,
        external_ref=draft.external_ref,
        batch=batch,
        api_token=api_token,
        platform_event=platform_event,
        supersedes_id=draft.supersedes_id,
        amount=draft.amount,
        currency=draft.currency,
        metric=draft.metric,
    )
    try:
        with transaction.atomic():
            fact.save()
    except IntegrityError:
        # Someone stored the same (source, external_ref) between our check and our insert.
        return Fact.objects.get(source=source, external_ref=draft.external_ref), False
    announce(subject_ids=[fact.subject_id], fact=fact)
    return fact, True


def jsonable(row: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a raw row that JSONField can store (Decimals, dates and odd values become text)."""
    return json.loads(json.dumps(dict(row), default=str))


def retract(
    *,
    source: Source | str,
    external_ref: str,
    ground: str,
    note: str = "",
    platform_event: str = "",
) -> Fact | None:
    """A source takes back one of its own facts (by its external_ref): a `fact_retracted` that supersedes
    it, so it counts nowhere from now on (the fact stays on file). Idempotent; None when no such fact."""
    if isinstance(source, str):
        source = source_by_code(source)
    target = Fact.objects.filter(source=source, external_ref=external_ref).first()
    if target is None:
        return None
    fact, _created = record(
        source=source,
        kind=RETRACTION_KIND,
        subject=target.subject,
        payload={"ground": ground, "retracted_kind": target.kind, "note": note},
        occurred_at=timezone.now(),
        external_ref=f"{external_ref}:retracted",
        supersedes=target,
        platform_event=platform_event,
    )
    return fact
