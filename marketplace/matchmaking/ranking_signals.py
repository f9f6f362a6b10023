"""Keeping `SupplierSignals`: what the ranking knows of each supplier, read from the catalog, deals, meetings
and credit, and the fair presence the fairs app reports.

- `refresh_suppliers(ids)` rebuilds the rows of those suppliers from their sources (a few queries per
  chunk, whatever its size); `refresh_all()` does every supplier in chunks (`manage.py
  refresh_match_signals`, and the daily run, since grades and fair sessions move without an event here).
- Receivers (connected in `MatchmakingConfig.ready`) refresh a supplier once its transaction commits,
  when one of its products or certificates changes or a deal event involves it. Several changes in one
  transaction (a catalog import) refresh each supplier once.
- `record_presence(...)` is how the fairs app, which stands above matchmaking, tells the ranking that a
  company exhibits in a session. Meetings kept and missed are read from the meetings part
  (`meetings_services.attendance_counts_by_company`) and refreshed when an attendance settles.

Sources:
  chapters, headings, MOQ, capacity, typical price, lead time, text — its public products
    (published, not showcase-only);
  certifications — standards of their unexpired certificates;
  markets — countries of the buyers of its deals that went past the inquiry;
  response rate and median response time — deals opened with it, and the first message its staff wrote
    in each (inquiry → first supplier message);
  grade — its current credit grade (credit.selectors.with_current_grade); verified — Company.verified_at.
"""

from __future__ import annotations

import datetime as dt
import statistics
import threading
from collections import defaultdict
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from credit import selectors as credit_selectors
from marketplace.catalog.models import Product, ProductCertification
from marketplace.companies.models import Company
from marketplace.deals.models import Deal, DealState, Message
from marketplace.matchmaking.meetings_services import attendance_counts_by_company
from marketplace.matchmaking.models.matching import FairPresence, SupplierCategory, SupplierSignals
from marketplace.matchmaking.ranking import Candidate, prior_points, sessions_cache_key

CHUNK = 2000
MAX_DOCUMENT = 20_000  # characters of product text kept per supplier
PRICE_PLACES = Decimal("0.0001")


def _median(values: list) -> float | None:
    return statistics.median(values) if values else None


def _price_key(value) -> str:
    return str(Decimal(value).quantize(PRICE_PLACES))


def _catalog(ids: list[int]) -> dict[int, dict]:
    data: dict[int, dict] = defaultdict(
        lambda: {
            "codes": set(),
            "moq": [],
            "capacity": [],
            "lead": [],
            "prices": defaultdict(list),
            "docs": [],
        }
    )
    rows = (
        Product.objects.public()
        .filter(supplier_id__in=ids)
        .order_by("supplier_id", "-published_at", "-id")
        .values_list(
            "supplier_id",
            "hs_code",
            "moq",
            "monthly_capacity",
            "lead_time_days",
            "min_price_usd",
            "search_document",
        )
    )
    for sid, hs_code, moq, capacity, lead, price_usd, document in rows:
        d = data[sid]
        d["codes"].update((hs_code[:2], hs_code[:4]))
        d["moq"].append(moq)
        if capacity:
            d["capacity"].append(capacity)
        if lead is not None:
            d["lead"].append(lead)
        if price_usd is not None:
            for key in (hs_code[:4], hs_code[:2], "all"):
                d["prices"][key].append(price_usd)
        d["docs"].append(document)
    return data


def _certifications(ids: list[int], today: dt.date) -> dict[int, set[str]]:
    held: dict[int, set[str]] = defaultdict(set)
    rows = (
        ProductCertification.objects.filter(product__supplier_id__in=ids, expires_on__gte=today)
        .filter(product__in=Product.objects.public())
        .values_list("product__supplier_id", "standard")
        .distinct()
    )
    for sid, standard in rows:
        held[sid].add(standard)
    return held


def _deals(ids: list[int]) -> tuple[dict[int, set[str]], dict[int, list[float]], dict[int, int]]:
    markets: dict[int, set[str]] = defaultdict(set)
    inquiries: dict[int, int] = defaultdict(int)
    past_inquiry = ~Q(state=DealState.INQUIRY) & ~Q(
        state=DealState.CANCELLED, cancelled_at_state=DealState.INQUIRY
    )
    for sid, country in Deal.objects.filter(past_inquiry, supplier_id__in=ids).values_list(
        "supplier_id", "buyer__country"
    ):
        markets[sid].add(str(country))
    opened = Deal.objects.filter(supplier_id__in=ids).values_list("pk", "supplier_id", "created_at")
    started = {}
    for pk, sid, created in opened:
        inquiries[sid] += 1
        started[pk] = (sid, created)
    replies: dict[int, list[float]] = defaultdict(list)
    firsts = (
        Message.objects.filter(deal__supplier_id__in=ids, author_company_id=F("deal__supplier_id"))
        .values("deal_id")
        .annotate(first=Min("created_at"))
        .values_list("deal_id", "first")
    )
    for deal_id, first in firsts:
        sid, created = started[deal_id]
        replies[sid].append(max(0.0, (first - created).total_seconds() / 3600))
    return markets, replies, inquiries


def _grades(ids: list[int]) -> dict[int, tuple[str, bool]]:
    rows = credit_selectors.with_current_grade(Company.objects.filter(pk__in=ids)).values_list(
        "pk", "credit_grade", "verified_at"
    )
    return {pk: (grade or "", verified is not None) for pk, grade, verified in rows}


def build_rows(ids: list[int], *, today: dt.date | None = None) -> list[SupplierSignals]:
    """The signals rows of these suppliers, read from their sources (not saved)."""
    today = today or timezone.localdate()
    catalog = _catalog(ids)
    certs = _certifications(ids, today)
    markets, replies, inquiries = _deals(ids)
    grades = _grades(ids)
    # Meetings kept and missed, as the meetings part settled them (a missed one counts against the side
    # that did not come).
    meetings = {
        sid: (counts["held"], counts["missed"]) for sid, counts in attendance_counts_by_company(ids).items()
    }
    now = timezone.now()
    rows = []
    for sid in ids:
        if sid not in grades:
            continue  # deleted meanwhile
        c = catalog.get(sid)
        codes = c["codes"] if c else set()
        document = " ".join(c["docs"])[:MAX_DOCUMENT] if c else ""
        row = SupplierSignals(
            supplier_id=sid,
            chapters=sorted(x for x in codes if len(x) == 2),
            headings=sorted(x for x in codes if len(x) == 4),
            certifications=sorted(certs.get(sid, ())),
            min_moq=min(c["moq"]) if c and c["moq"] else None,
            max_capacity=max(c["capacity"]) if c and c["capacity"] else None,
            typical_price_usd={k: _price_key(statistics.median(v)) for k, v in c["prices"].items()}
            if c
            else {},
            lead_time_days=round(_median(c["lead"])) if c and c["lead"] else None,
            markets=sorted(markets.get(sid, ())),
            inquiries=inquiries.get(sid, 0),
            replied=len(replies.get(sid, ())),
            median_response_hours=_median(replies.get(sid, [])),
            meetings_kept=meetings.get(sid, (0, 0))[0],
            meetings_missed=meetings.get(sid, (0, 0))[1],
            grade=grades[sid][0],
            verified=grades[sid][1],
            search_document=document,
            refreshed_at=now,
        )
        row.prior = prior_points(Candidate.from_row({f: getattr(row, f) for f in _FIELDS}))
        rows.append(row)
    return rows


_FIELDS = (
    "supplier_id",
    "chapters",
    "headings",
    "certifications",
    "min_moq",
    "max_capacity",
    "typical_price_usd",
    "lead_time_days",
    "markets",
    "inquiries",
    "replied",
    "median_response_hours",
    "meetings_kept",
    "meetings_missed",
    "grade",
    "verified",
)


# Every stored column but the key and the search vector (which PostgreSQL derives right after).
_UPSERT_FIELDS = tuple(
    f.name for f in SupplierSignals._meta.concrete_fields if not f.primary_key and f.name != "search_vector"
)


@transaction.atomic
def write_rows(rows: list[SupplierSignals]) -> None:
    """Replace these suppliers' signals and category index rows; on PostgreSQL also their search vectors.

    Two refreshes of one supplier can run at once (two orders with it commit together, each refreshing
    on commit). The signals are therefore upserted, in supplier order, before anything else: the row
    lock the upsert takes makes a second writer of the same supplier wait until the first commits, and
    its category DELETE then sees (and replaces) the first one's rows. A delete-then-insert let both
    insert the same key (an IntegrityError on the signals' primary key)."""
    rows = sorted(rows, key=lambda r: r.supplier_id)
    ids = [r.supplier_id for r in rows]
    SupplierSignals.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["supplier"],
        update_fields=_UPSERT_FIELDS,
    )
    SupplierCategory.objects.filter(supplier_id__in=ids).delete()
    SupplierCategory.objects.bulk_create(
        [
            SupplierCategory(supplier_id=r.supplier_id, code=code, prior=r.prior)
            for r in rows
            for code in (*r.chapters, *r.headings)
        ],
        batch_size=5000,
    )
    if connection.vendor == "postgresql" and ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE matchmaking_suppliersignals SET search_vector = to_tsvector('simple', search_document)"
                " WHERE supplier_id = ANY(%s)",
                [ids],
            )


def refresh_suppliers(ids, *, today: dt.date | None = None) -> int:
    """Rebuild the signals of these suppliers (companies that sell); returns how many rows were written."""
    asked = list(ids)
    ids = list(Company.objects.suppliers().filter(pk__in=asked).values_list("pk", flat=True))
    gone = set(asked) - set(ids)  # no longer a supplier (or deleted): out of the ranking
    if gone:
        SupplierCategory.objects.filter(supplier_id__in=gone).delete()
        SupplierSignals.objects.filter(supplier_id__in=gone).delete()
    written = 0
    for start in range(0, len(ids), CHUNK):
        rows = build_rows(ids[start : start + CHUNK], today=today)
        write_rows(rows)
        written += len(rows)
    return written


def refresh_all(*, progress=None) -> int:
    """Every supplier's signals, in chunks; `progress(done, total)` after each."""
    ids = list(Company.objects.suppliers().order_by("pk").values_list("pk", flat=True))
    SupplierSignals.objects.exclude(supplier_id__in=Company.objects.suppliers()).delete()
    done = 0
    for start in range(0, len(ids), CHUNK):
        done += refresh_suppliers(ids[start : start + CHUNK])
        if progress:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return done


# -- incremental refresh ------------------------------------------------------------------------------

_local = threading.local()


class _Batch:
    """The suppliers to refresh once the current transaction commits (one on_commit callback for all)."""

    def __init__(self):
        self.ids: set[int] = set()
        self.product_ids: set[int] = set()
        self.done = False

    def __call__(self):
        self.done = True
        ids = set(self.ids)
        if self.product_ids:
            ids.update(Product.objects.filter(pk__in=self.product_ids).values_list("supplier_id", flat=True))
        refresh_suppliers(sorted(ids))


def _batch() -> _Batch | None:
    if not connection.in_atomic_block:
        return None
    batch = getattr(_local, "batch", None)
    # A batch whose transaction rolled back (or already ran) is no longer in the commit hooks: start another.
    if batch is None or batch.done or not any(hook[1] is batch for hook in connection.run_on_commit):
        batch = _local.batch = _Batch()
        transaction.on_commit(batch)
    return batch


def schedule_refresh(supplier_id: int | None = None, *, product_id: int | None = None) -> None:
    """Refresh a supplier's signals (given it, or one of its products) after the transaction commits (now,
    outside one); once per supplier and transaction, and without a query until then."""
    if not supplier_id and not product_id:
        return
    batch = _batch()
    if batch is None:
        batch = _Batch()
        batch.ids.update([supplier_id] if supplier_id else [])
        batch.product_ids.update([product_id] if product_id else [])
        batch()
        return
    if supplier_id:
        batch.ids.add(supplier_id)
    if product_id:
        batch.product_ids.add(product_id)


# -- what other apps report ---------------------------------------------------------------------------


@transaction.atomic
def record_presence(
    *,
    company: Company,
    session_key: str,
    session_name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    hall: str = "",
    booth: str = "",
    session_name_zh: str = "",
    hall_zh: str = "",
) -> FairPresence:
    """A company exhibits in a fair session (called by the fairs app when a booth is assigned); idempotent
    per (company, session): a second call moves the booth."""
    presence, _created = FairPresence.objects.update_or_create(
        company=company,
        session_key=session_key,
        defaults={
            "session_name": session_name,
            "session_name_zh": session_name_zh,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "hall": hall,
            "hall_zh": hall_zh,
            "booth": booth,
        },
    )
    transaction.on_commit(lambda: cache.delete(sessions_cache_key(timezone.localdate())))
    return presence


@transaction.atomic
def withdraw_presence(*, company: Company, session_key: str) -> int:
    """The company no longer exhibits in that session (booth given up)."""
    deleted, _rows = FairPresence.objects.filter(company=company, session_key=session_key).delete()
    transaction.on_commit(lambda: cache.delete(sessions_cache_key(timezone.localdate())))
    return deleted
