"""Ranked supplier matches for a buyer's need, each with its top reasons in words.

What is ranked
--------------
A `Need`: what a buyer wants (text in either language, an HS code, quantity and unit, a target unit
price, the destination country, an Incoterm, the certifications it requires, the longest lead time it
accepts). An RFQ gives one (`need_of(rfq)`, in the RFQ module); `profile_need(buyer)` builds one from a
buyer's profile for "suppliers for you" (its industry, the products and HS codes of its past deals, its
country).

How a supplier scores
---------------------
The score is a sum of points, one term per signal, read from the supplier's `SupplierSignals` row
(ranking_signals.py keeps it) and its fair presence. A signal the need does not ask about (no quantity,
no target price…) or the supplier has no data for scores 0: missing data never counts for or against.
Each term and its direction (↑: more of the signal, higher the supplier):

==================  ======  ======================================================================
signal              points  direction and rule
==================  ======  ======================================================================
category fit        +30     sells under the need's HS heading (4 digits);
                    +12     else in its chapter (2 digits); 0 outside it. A profile need's related
                            codes count the same way, at half the points.
text relevance      0..+25  ↑ share of the need's words (Chinese: character pairs) found in the
                            supplier's published products, both languages (PostgreSQL full text with
                            the catalog's `simple` configuration and bigrams; SQLite: substring).
certifications      0..+20  ↑ share of the required standards it holds on a current certificate;
                    −10     when it holds none of them.
MOQ and capacity    +10     its lowest MOQ ≤ the quantity and the quantity ≤ 3 months of its largest
                            monthly capacity; −10 if even its lowest MOQ is above the quantity;
                            −5 if the quantity is more than 3 months of capacity.
price vs target     −10..+10  ↓ its typical price (median lowest tier, USD, in the need's heading,
                            else chapter, else all products) against the target: +10 at or below the
                            target, falling linearly to 0 at 1.5 × target and to −10 at 2 × target.
lead time           −8..+8  ↓ its median lead time: +8 within the need's longest lead time; beyond
                            it, from 0 down to −8 at twice it. No limit given: up to +4 for faster
                            than 60 days.
markets served      +6      it has sold to buyers in the destination country.
fair presence       +8      it exhibits in the current fair session, or the next one.
response            −8..+8  ↑ the share of inquiries it answered, smoothed ((replied + 1) / (inquiries +
                            2), 0 points at one half);
                    0..+6   ↓ its median reply time: +6 for an immediate reply, 0 at 48 h or more.
meetings            −6..+6  ↑ kept, ↓ missed: 6 × (kept − missed) / (kept + missed + 2).
credit grade        −6..+10 ↑ the grade: AAA 10, AA 8.5, A 7, BBB 5, BB 3, B 1, CCC −3, C −6;
                            not rated: 0.
verified            +4      the platform checked its company documents.
==================  ======  ======================================================================

Suppliers the buyer declined or marked "met before" (MatchFeedback) are left out, and so is the buyer
itself. Ties break on the supplier's id, so the order is stable.

Reasons
-------
Every term that adds points carries a sentence in the active language ("holds CE and ISO 9001 as
required", "replies within 6 h on average", "grade A"); a match shows its best `TOP_REASONS`, highest
points first. Terms that take points away carry a caution ("lowest MOQ 500, above your 100").

Speed
-----
`rank()` never scores every supplier: `candidates()` draws at most `CANDIDATES` suppliers per source —
the need's heading, its chapter, its text — best prior first (the need-independent part of the score,
kept on the signals row and on `SupplierCategory` with an index on (code, −prior)), and only those are
scored in Python. The top 20 of 100,000 suppliers costs a few indexed queries and a few hundred
scorings (bench/ranking_speed.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django_countries import countries

from marketplace.catalog.money import to_usd
from marketplace.catalog.search import CJK, WORD, cjk_bigrams
from marketplace.companies.models import Company
from marketplace.core.languages import pick
from marketplace.core.money import Money
from marketplace.deals.models import Deal, OfferLine
from marketplace.matchmaking.models.matching import (
    FairPresence,
    MatchFeedback,
    SupplierCategory,
    SupplierSignals,
)

TOP_REASONS = 4
CANDIDATES = 300  # per candidate source (heading, chapter, text)
MAX_TERMS = 12

W_HEADING = 30.0
W_CHAPTER = 12.0
W_TEXT = 25.0
W_CERTS = 20.0
P_NO_CERTS = -10.0
W_MOQ = 10.0
P_MOQ_ABOVE = -10.0
P_OVER_CAPACITY = -5.0
CAPACITY_MONTHS = 3
W_PRICE = 10.0
W_LEAD = 8.0
W_LEAD_FREE = 4.0
W_MARKET = 6.0
W_FAIR = 8.0
W_RESPONSE_RATE = 8.0
W_RESPONSE_TIME = 6.0
RESPONSE_HOURS_ZERO = 48.0
W_MEETINGS = 6.0
GRADE_POINTS = {"AAA": 10.0, "AA": 8.5, "A": 7.0, "BBB": 5.0, "BB": 3.0, "B": 1.0, "CCC": -3.0, "C": -6.0}
W_VERIFIED = 4.0


@dataclass(frozen=True)
class Need:
    """What a buyer wants, as the ranking reads it (an RFQ's fields, or a buyer profile's)."""

    text: str = ""
    hs_code: str = ""
    quantity: Decimal | int | None = None
    unit: str = ""
    target_price: Money | None = None  # per unit
    destination_country: str = ""
    incoterm: str = ""
    certifications: tuple[str, ...] = ()
    max_lead_time_days: int | None = None
    # A profile need's other HS codes (past deals' products): count as category fit at half the points.
    related_codes: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        digits = re.sub(r"\D", "", self.hs_code)
        return digits[:4] if len(digits) >= 4 else ""

    @property
    def chapter(self) -> str:
        digits = re.sub(r"\D", "", self.hs_code)
        return digits[:2] if len(digits) >= 2 else ""

    @cached_property
    def target_usd(self) -> Decimal | None:
        if self.target_price is None or self.target_price.amount <= 0:
            return None
        return to_usd(self.target_price.amount, self.target_price.currency)

    def is_empty(self) -> bool:
        return not (self.text.strip() or self.hs_code or self.related_codes)


@dataclass(frozen=True)
class Bilingual:
    """A name in English and Chinese; reads as the one for the active language."""

    en: str
    zh: str = ""

    def __str__(self):
        return pick(self.en, self.zh)

    def __bool__(self):
        return bool(self.en or self.zh)


@dataclass(frozen=True)
class Presence:
    """The fair session (current or next) a candidate exhibits in, for its reason."""

    session: str | Bilingual
    hall: str | Bilingual
    booth: str


@dataclass(slots=True, eq=False)
class Reason:
    """One term of a match's score: which signal, how many points, and the sentence that says it.

    The sentence is kept as its message and values and put into words (in the active language) only
    when read: most candidates are scored and never shown.
    """

    signal: str
    points: float
    message: str
    params: dict | None = None

    @property
    def text(self) -> str:
        if not self.params:
            return gettext(self.message)
        return gettext(self.message) % {key: _render(key, value) for key, value in self.params.items()}

    def __str__(self):
        return self.text


@dataclass
class Match:
    """A ranked supplier with its score and the terms that make it up."""

    supplier_id: int
    score: float
    reasons: list[Reason] = field(default_factory=list)
    cautions: list[Reason] = field(default_factory=list)
    supplier: Company | None = None
    grade: str = ""

    @property
    def top_reasons(self) -> list[Reason]:
        return self.reasons[:TOP_REASONS]

    @property
    def signals_used(self) -> set[str]:
        return {r.signal for r in self.reasons} | {r.signal for r in self.cautions}


# -- text -------------------------------------------------------------------------------------------


def need_terms(text: str) -> list[str]:
    """The need's words, lower-cased, as the catalog's search cuts them (Chinese runs into bigrams)."""
    terms: list[str] = []
    for chunk in text.lower().split():
        for piece in CJK.split(chunk):
            terms.extend(w.strip(".-/+") for w in WORD.findall(piece) if len(w.strip(".-/+")) > 1)
        terms.extend(cjk_bigrams(chunk))
    return list(dict.fromkeys(t for t in terms if t))[:MAX_TERMS]


def _lexeme(term: str) -> str:
    return "'" + term.replace("'", "''").replace("\\", "\\\\") + "':*"


def text_matches(supplier_ids: list[int], terms: list[str]) -> dict[int, int]:
    """How many of `terms` each supplier's product document holds."""
    if not terms or not supplier_ids:
        return {}
    if connection.vendor == "postgresql":
        parts = " + ".join(["(search_vector @@ to_tsquery('simple', %s))::int"] * len(terms))
        sql = (
            f"SELECT supplier_id, {parts} FROM matchmaking_suppliersignals "  # noqa: S608 - only placeholders
            "WHERE supplier_id = ANY(%s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*(_lexeme(t) for t in terms), list(supplier_ids)])
            return {sid: n for sid, n in cursor.fetchall() if n}
    found = {}
    rows = SupplierSignals.objects.filter(supplier_id__in=supplier_ids).values_list(
        "supplier_id", "search_document"
    )
    for sid, document in rows:
        n = sum(1 for t in terms if t in document)
        if n:
            found[sid] = n
    return found


# -- reasons in words ---------------------------------------------------------------------------------


def _and(items) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return gettext(gettext_noop("%(list)s and %(last)s")) % {"list": ", ".join(items[:-1]), "last": items[-1]}


def _render(key: str, value) -> str:
    if isinstance(value, tuple):
        return _and(value)
    if key == "country":
        return countries.name(value) or value
    return str(value)


def _hours(hours: float) -> str:
    return str(max(1, round(hours)))


# -- the scoring function -----------------------------------------------------------------------------


@dataclass(slots=True)
class Candidate:
    """One supplier's signals as the scoring function reads them (a SupplierSignals row, plus context)."""

    supplier_id: int
    chapters: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    min_moq: int | None = None
    max_capacity: int | None = None
    typical_price_usd: dict | None = None
    lead_time_days: int | None = None
    markets: tuple[str, ...] = ()
    inquiries: int = 0
    replied: int = 0
    median_response_hours: float | None = None
    meetings_kept: int = 0
    meetings_missed: int = 0
    grade: str = ""
    verified: bool = False
    terms_matched: int = 0  # of the need's terms, found in its products
    presence: Presence | None = None

    @classmethod
    def from_row(cls, row: dict, *, terms_matched: int = 0, presence: Presence | None = None) -> Candidate:
        return cls(
            supplier_id=row["supplier_id"],
            chapters=tuple(row["chapters"] or ()),
            headings=tuple(row["headings"] or ()),
            certifications=tuple(row["certifications"] or ()),
            min_moq=row["min_moq"],
            max_capacity=row["max_capacity"],
            typical_price_usd=row["typical_price_usd"] or {},
            lead_time_days=row["lead_time_days"],
            markets=tuple(row["markets"] or ()),
            inquiries=row["inquiries"],
            replied=row["replied"],
            median_response_hours=row["median_response_hours"],
            meetings_kept=row["meetings_kept"],
            meetings_missed=row["meetings_missed"],
            grade=row["grade"],
            verified=row["verified"],
            terms_matched=terms_matched,
            presence=presence,
        )


def _category(need: Need, c: Candidate) -> Reason | None:
    if need.heading and need.heading in c.headings:
        return Reason(
            "category", W_HEADING, gettext_noop("sells under HS heading %(code)s"), {"code": need.heading}
        )
    if need.chapter and need.chapter in c.chapters:
        return Reason(
            "category", W_CHAPTER, gettext_noop("sells in HS chapter %(code)s"), {"code": need.chapter}
        )
    for code in need.related_codes:
        if len(code) >= 4 and code[:4] in c.headings:
            return Reason(
                "category",
                W_HEADING / 2,
                gettext_noop("sells under HS heading %(code)s, as in your past deals"),
                {"code": code[:4]},
            )
    for code in need.related_codes:
        if code[:2] in c.chapters:
            return Reason(
                "category",
                W_CHAPTER / 2,
                gettext_noop("sells in HS chapter %(code)s, as in your past deals"),
                {"code": code[:2]},
            )
    return None


def _text(terms: list[str], c: Candidate) -> Reason | None:
    if not terms or not c.terms_matched:
        return None
    share = min(1.0, c.terms_matched / len(terms))
    return Reason(
        "text",
        W_TEXT * share,
        gettext_noop("its products match %(found)s of %(asked)s words of your need"),
        {"found": c.terms_matched, "asked": len(terms)},
    )


def _certifications(need: Need, c: Candidate) -> Reason | None:
    required = list(dict.fromkeys(need.certifications))
    if not required:
        return None
    held = [s for s in required if s in c.certifications]
    if not held:
        return Reason(
            "certifications", P_NO_CERTS, gettext_noop("holds none of %(list)s"), {"list": tuple(required)}
        )
    if len(held) == len(required):
        text = gettext_noop("holds %(list)s as required"), {"list": tuple(held)}
    else:
        missing = [s for s in required if s not in held]
        text = (
            gettext_noop("holds %(held)s (not %(missing)s)"),
            {"held": tuple(held), "missing": tuple(missing)},
        )
    return Reason("certifications", W_CERTS * len(held) / len(required), *text)


def _quantity(need: Need, c: Candidate) -> Reason | None:
    if not need.quantity or c.min_moq is None:
        return None
    quantity = Decimal(need.quantity)
    if c.min_moq > quantity:
        return Reason(
            "quantity",
            P_MOQ_ABOVE,
            gettext_noop("its lowest MOQ, %(moq)s, is above your %(quantity)s"),
            {"moq": c.min_moq, "quantity": f"{quantity.normalize():f}"},
        )
    if c.max_capacity and quantity > CAPACITY_MONTHS * c.max_capacity:
        return Reason(
            "quantity",
            P_OVER_CAPACITY,
            gettext_noop("makes %(capacity)s a month, short of your %(quantity)s in three months"),
            {"capacity": c.max_capacity, "quantity": f"{quantity.normalize():f}"},
        )
    return Reason(
        "quantity",
        W_MOQ,
        gettext_noop("takes orders of %(quantity)s (MOQ from %(moq)s)"),
        {"quantity": f"{quantity.normalize():f}", "moq": c.min_moq},
    )


def typical_price(need: Need, c: Candidate) -> float | None:
    prices = c.typical_price_usd or {}
    for key in (need.heading, need.chapter, "all"):
        if key and prices.get(key):
            return float(prices[key])
    return None


def _price(need: Need, c: Candidate) -> Reason | None:
    target = need.target_usd
    price = typical_price(need, c)
    if target is None or price is None:
        return None
    ratio = price / float(target)
    if ratio <= 1.0:
        points = W_PRICE
    elif ratio <= 1.5:
        points = W_PRICE * (1.5 - ratio) / 0.5
    else:
        points = -W_PRICE * min(1.0, (ratio - 1.5) / 0.5)
    percent = round(abs(ratio - 1) * 100)
    if ratio <= 1.0:
        text = gettext_noop("typical price within your target"), None
    else:
        text = gettext_noop("typical price %(percent)s%% above your target"), {"percent": percent}
    return Reason("price", points, *text)


def _lead_time(need: Need, c: Candidate) -> Reason | None:
    days = c.lead_time_days
    if days is None:
        return None
    limit = need.max_lead_time_days
    if limit:
        if days <= limit:
            return Reason(
                "lead_time",
                W_LEAD,
                gettext_noop("ships in %(days)s days (you need %(limit)s)"),
                {"days": days, "limit": limit},
            )
        return Reason(
            "lead_time",
            -W_LEAD * min(1.0, (days - limit) / limit),
            gettext_noop("ships in %(days)s days, later than your %(limit)s"),
            {"days": days, "limit": limit},
        )
    points = W_LEAD_FREE * max(0.0, (60 - days) / 60)
    if points <= 0:
        return None
    return Reason("lead_time", points, gettext_noop("ships in %(days)s days"), {"days": days})


def _markets(need: Need, c: Candidate) -> Reason | None:
    country = need.destination_country.upper()
    if not country or country not in c.markets:
        return None
    return Reason(
        "markets",
        W_MARKET,
        gettext_noop("already sells to %(country)s"),
        {"country": country},
    )


def _fair(c: Candidate) -> Reason | None:
    p = c.presence
    if p is None:
        return None
    if p.hall and p.booth:
        text = (
            gettext_noop("exhibits at %(hall)s, booth %(booth)s, in the %(session)s"),
            {
                "hall": p.hall,
                "booth": p.booth,
                "session": p.session,
            },
        )
    elif p.hall:
        text = gettext_noop("exhibits at %(hall)s in the %(session)s"), {"hall": p.hall, "session": p.session}
    else:
        text = gettext_noop("exhibits in the %(session)s"), {"session": p.session}
    return Reason("fair", W_FAIR, *text)


def response_points(c: Candidate) -> tuple[Reason | None, Reason | None]:
    rate_reason = time_reason = None
    if c.inquiries:
        smoothed = (c.replied + 1) / (c.inquiries + 2)
        points = W_RESPONSE_RATE * (smoothed - 0.5) * 2
        percent = round(100 * c.replied / c.inquiries)
        text = gettext_noop("answers %(percent)s%% of inquiries"), {"percent": percent}
        rate_reason = Reason("response_rate", points, *text)
    if c.median_response_hours is not None:
        points = W_RESPONSE_TIME * max(
            0.0, (RESPONSE_HOURS_ZERO - c.median_response_hours) / RESPONSE_HOURS_ZERO
        )
        if points > 0:
            time_reason = Reason(
                "response_time",
                points,
                gettext_noop("replies within %(hours)s h on average"),
                {"hours": _hours(c.median_response_hours)},
            )
    return rate_reason, time_reason


def _meetings(c: Candidate) -> Reason | None:
    kept, missed = c.meetings_kept, c.meetings_missed
    if not kept and not missed:
        return None
    points = W_MEETINGS * (kept - missed) / (kept + missed + 2)
    return Reason(
        "meetings",
        points,
        gettext_noop("kept %(kept)s of %(total)s meetings"),
        {"kept": kept, "total": kept + missed},
    )


def _grade(c: Candidate) -> Reason | None:
    points = GRADE_POINTS.get(c.grade)
    if points is None:
        return None
    return Reason("grade", points, gettext_noop("grade %(grade)s"), {"grade": c.grade})


def _verified(c: Candidate) -> Reason | None:
    return Reason("verified", W_VERIFIED, gettext_noop("verified company")) if c.verified else None


def prior_terms(c: Candidate) -> list[Reason]:
    """The terms that do not depend on the need (response, meetings, grade, verification)."""
    return [r for r in (*response_points(c), _meetings(c), _grade(c), _verified(c)) if r is not None]


def prior_points(c: Candidate) -> float:
    return sum(r.points for r in prior_terms(c))


def need_terms_of(need: Need, c: Candidate, terms: list[str]) -> list[Reason | None]:
    """The terms that depend on the need (everything but `prior_terms`)."""
    return [
        _category(need, c),
        _text(terms, c),
        _certifications(need, c),
        _quantity(need, c),
        _price(need, c),
        _lead_time(need, c),
        _markets(need, c),
        _fair(c),
    ]


def quick_points(need: Need, c: Candidate, prior: float, terms: list[str]) -> float:
    """`score(need, c).score`, given the candidate's stored prior (`prior_points(c)`, kept at refresh):
    what `rank` sorts every candidate by before putting only the best into words."""
    return round(sum(p.points for p in need_terms_of(need, c, terms) if p is not None) + prior, 3)


def score(need: Need, c: Candidate, *, terms: list[str] | None = None) -> Match:
    """The documented scoring function: one Match with its points, reasons (best first) and cautions."""
    terms = need_terms(need.text) if terms is None else terms
    parts = [*need_terms_of(need, c, terms), *prior_terms(c)]
    parts = [p for p in parts if p is not None and p.points != 0]
    total = sum(p.points for p in parts)
    reasons = sorted((p for p in parts if p.points > 0), key=lambda r: -r.points)
    cautions = sorted((p for p in parts if p.points < 0), key=lambda r: r.points)
    return Match(
        supplier_id=c.supplier_id, score=round(total, 3), reasons=reasons, cautions=cautions, grade=c.grade
    )


# -- candidates and the ranking -----------------------------------------------------------------------

SIGNAL_FIELDS = (
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


JSON_FIELDS = frozenset({"chapters", "headings", "certifications", "typical_price_usd", "markets"})


def signal_rows(supplier_ids: list[int]) -> list[dict]:
    """The candidates' signals rows as dicts (SIGNAL_FIELDS and prior), read with one plain query: the ORM's
    per-row conversions cost more than the scoring of a few hundred candidates."""
    columns = [*SIGNAL_FIELDS, "prior"]
    if connection.vendor == "postgresql":
        # One array parameter rather than hundreds of placeholders: this read fell from 10.1 to 7.7 ms
        # (median, about 550 candidates at 100,000 suppliers; bench/README.md).
        where, params = "supplier_id = ANY(%s)", [list(supplier_ids)]
    else:
        where, params = f"supplier_id IN ({', '.join(['%s'] * len(supplier_ids))})", list(supplier_ids)
    sql = f"SELECT {', '.join(columns)} FROM matchmaking_suppliersignals WHERE {where}"  # noqa: S608 - fixed names
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows = []
    for values in fetched:
        row = dict(zip(columns, values, strict=True))
        for name in JSON_FIELDS:
            value = row[name]
            if isinstance(value, str):
                row[name] = json.loads(value)
        row["verified"] = bool(row["verified"])
        rows.append(row)
    return rows


def excluded_for(buyer: Company | None) -> set[int]:
    """The suppliers a buyer declined or met before, and the buyer itself."""
    if buyer is None:
        return set()
    return {buyer.pk, *MatchFeedback.objects.filter(buyer=buyer).values_list("supplier_id", flat=True)}


def _text_candidates(terms: list[str], limit: int) -> list[int]:
    if not terms:
        return []
    if connection.vendor == "postgresql":
        query = " | ".join(_lexeme(t) for t in terms)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT supplier_id FROM matchmaking_suppliersignals"
                " WHERE search_vector @@ to_tsquery('simple', %s) ORDER BY prior DESC, supplier_id LIMIT %s",
                [query, limit],
            )
            return [row[0] for row in cursor.fetchall()]
    condition = Q()
    for term in terms:
        condition |= Q(search_document__contains=term)
    return list(
        SupplierSignals.objects.filter(condition)
        .order_by("-prior", "supplier_id")
        .values_list("supplier_id", flat=True)[:limit]
    )


def candidates(need: Need, *, terms: list[str], limit: int = CANDIDATES) -> list[int]:
    """Supplier ids worth scoring: best prior first from the need's heading, chapter, related codes, text."""
    ids: dict[int, None] = {}
    codes = [need.heading, need.chapter, *dict.fromkeys(c[:4] for c in need.related_codes if len(c) >= 4)]
    codes += list(dict.fromkeys(c[:2] for c in need.related_codes))
    for code in dict.fromkeys(c for c in codes if c):
        rows = (
            SupplierCategory.objects.filter(code=code)
            .order_by("-prior", "supplier_id")
            .values_list("supplier_id", flat=True)[:limit]
        )
        ids.update(dict.fromkeys(rows))
    ids.update(dict.fromkeys(_text_candidates(terms, limit)))
    if not ids and need.is_empty():
        ids.update(
            dict.fromkeys(
                SupplierSignals.objects.order_by("-prior", "supplier_id").values_list(
                    "supplier_id", flat=True
                )[:limit]
            )
        )
    return list(ids)


SESSIONS_TTL = 600


def sessions_cache_key(today: dt.date) -> str:
    return f"matchmaking:fair-sessions:{today.isoformat()}"


def _current_or_next(today: dt.date) -> list[str]:
    """The sessions on today, or else the next one to start (one per key; a handful of rows to read)."""
    upcoming = FairPresence.objects.filter(ends_on__gte=today)
    current = list(upcoming.filter(starts_on__lte=today).values_list("session_key", flat=True).distinct())
    if current:
        return current
    first = upcoming.order_by("starts_on").values_list("session_key", flat=True).first()
    return [first] if first else []


def presences(supplier_ids: list[int], *, today: dt.date | None = None) -> dict[int, Presence]:
    """Each supplier's booth in the current fair session, or else the next one."""
    today = today or timezone.localdate()
    current_or_next = cache.get_or_set(
        sessions_cache_key(today), lambda: _current_or_next(today), SESSIONS_TTL
    )
    if not current_or_next:
        return {}
    found: dict[int, Presence] = {}
    rows = (
        FairPresence.objects.filter(company_id__in=supplier_ids, session_key__in=current_or_next)
        .order_by("starts_on")
        .values_list("company_id", "session_name", "session_name_zh", "hall", "hall_zh", "booth")
    )
    for company_id, session, session_zh, hall, hall_zh, booth in rows:
        # Words in the reader's language are picked when the reason is read (`Reason.text`).
        found.setdefault(
            company_id, Presence(Bilingual(session, session_zh), Bilingual(hall, hall_zh), booth)
        )
    return found


def rank(
    need: Need,
    *,
    buyer: Company | None = None,
    limit: int = 20,
    text_only: bool = False,
    today: dt.date | None = None,
) -> list[Match]:
    """The best `limit` suppliers for `need`, best first; `text_only` ranks by text relevance alone (the
    baseline the evaluation compares against)."""
    terms = need_terms(need.text)
    excluded = excluded_for(buyer)
    ids = [i for i in candidates(need, terms=terms) if i not in excluded]
    if not ids:
        return []
    matched = text_matches(ids, terms)
    if text_only:
        ranked = sorted(ids, key=lambda i: (-matched.get(i, 0), i))[:limit]
        ranked = [i for i in ranked if matched.get(i)]
        matches = [
            Match(
                supplier_id=i,
                score=W_TEXT * matched[i] / len(terms),
                reasons=[r for r in [_text(terms, Candidate(i, terms_matched=matched[i]))] if r],
            )
            for i in ranked
        ]
    else:
        at_fair = presences(ids, today=today)
        rows = signal_rows(ids)
        quick = []
        for row in rows:
            c = Candidate.from_row(
                row,
                terms_matched=matched.get(row["supplier_id"], 0),
                presence=at_fair.get(row["supplier_id"]),
            )
            quick.append((-quick_points(need, c, row["prior"], terms), c.supplier_id, c))
        quick.sort(key=lambda t: t[:2])
        # Only the best are scored term by term, with their reasons; a few spare in case a stored prior
        # lags its row by a rounding step.
        matches = [score(need, c, terms=terms) for _q, _i, c in quick[: limit + 5]]
        matches.sort(key=lambda m: (-m.score, m.supplier_id))
        matches = matches[:limit]
    companies = Company.objects.in_bulk([m.supplier_id for m in matches])
    for m in matches:
        m.supplier = companies.get(m.supplier_id)
    return matches


# -- "suppliers for you" ------------------------------------------------------------------------------


def profile_need(buyer: Company) -> Need:
    """A need read from a buyer's profile: its industry, its past deals' products and HS codes, its country."""
    deals = Deal.objects.filter(buyer=buyer).order_by("-created_at")[:50]
    codes = Counter()
    words: list[str] = []
    for hs_code, name in deals.values_list("product__hs_code", "product__name"):
        if hs_code:
            codes[hs_code[:4]] += 1
        if name:
            words.append(name.split()[0])
    line_codes = (
        OfferLine.objects.filter(offer__deal__buyer=buyer)
        .exclude(hs_code="")
        .values_list("hs_code", flat=True)[:200]
    )
    codes.update(c[:4] for c in line_codes)
    if not codes and buyer.industry_id:
        # No trade yet: the chapters suppliers of the buyer's own industry sell in.
        chapters = Counter()
        for row in SupplierSignals.objects.filter(supplier__industry_id=buyer.industry_id).values_list(
            "chapters", flat=True
        )[:500]:
            chapters.update(row or ())
        codes.update(dict(chapters.most_common(3)))
    ordered = [c for c, _n in codes.most_common(6)]
    text = " ".join(dict.fromkeys([*words[:4], buyer.industry.name if buyer.industry_id else ""]))
    return Need(
        text=text.strip(),
        hs_code=ordered[0] if ordered and len(ordered[0]) == 4 else "",
        destination_country=str(buyer.country or ""),
        related_codes=tuple(ordered[1:] if ordered and len(ordered[0]) == 4 else ordered),
    )
