"""Demo history: about three years of credit facts per company from a simple, documented risk model.

The model is written down in credit/SIMULATION.md; the numbers there are the constants here.
In short: each company draws a hidden risk level z ~ N(0, 1). z raises the chance of late and very
late payments, cancellations, lost disputes, missed meetings, claims, judgments, an abnormal registry
status and a poor bank rating, and lowers fair participation, chamber membership and company age.
z also sets the chance of the *outcome* — a serious delinquency (a payment ≥ 90 days late, followed
by an insurance claim paid if insured and sometimes a formal default) — and behaviour worsens in the
six months before it. After the event the company stops trading.

Deterministic: a company's facts depend only on (seed, country, registration number or id, its
join date, `today`, `years`). Idempotent: external refs are derived from the same key, and companies
that already have simulated facts for this seed are skipped, so a second run adds nothing.
Fast: facts are built as tuples and written with COPY on PostgreSQL (bulk insert elsewhere), in
chunks of companies, each chunk in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from credit.facts import announce, copy_rows, source_by_code
from credit.features import fx_rates
from credit.kinds import KINDS, RATING_SCALE, SourceType
from credit.models import Fact, Source

DEMO_SOURCES = {
    SourceType.PLATFORM: ("platform", "TrustFair"),
    SourceType.INSURER: ("demo-insurer", "Demo Export Credit Insurance"),
    SourceType.BANK: ("demo-bank", "Demo Commercial Bank"),
    SourceType.REGISTRY: ("demo-registry", "Demo Company Registry"),
    SourceType.CHAMBER: ("demo-chamber", "Demo Chamber of Commerce"),
    SourceType.COURT: ("demo-court", "Demo Court Records"),
    SourceType.SANCTIONS: ("demo-sanctions", "Demo Sanctions Screening"),
}
# How long each source takes to tell us (occurred_at → known_at).
KNOWN_LAG = {
    SourceType.PLATFORM: dt.timedelta(hours=1),
    SourceType.INSURER: dt.timedelta(days=3),
    SourceType.BANK: dt.timedelta(days=7),
    SourceType.REGISTRY: dt.timedelta(days=14),
    SourceType.CHAMBER: dt.timedelta(days=7),
    SourceType.COURT: dt.timedelta(days=30),
    SourceType.SANCTIONS: dt.timedelta(days=1),
}
CURRENCY_BY_COUNTRY = {
    "CN": "CNY",
    "HK": "HKD",
    "JP": "JPY",
    "GB": "GBP",
    "IN": "INR",
    "KR": "KRW",
    "TR": "TRY",
    "BR": "BRL",
    "DE": "EUR",
    "FR": "EUR",
    "IT": "EUR",
    "ES": "EUR",
    "NL": "EUR",
    "BE": "EUR",
    "AT": "EUR",
    "PL": "PLN",
    "VN": "VND",
    "TH": "THB",
    "MY": "MYR",
    "ID": "IDR",
    "AE": "AED",
    "MX": "MXN",
    "AU": "AUD",
    "CA": "CAD",
}
FAIR_SESSIONS = ((4, 15), (10, 15))  # spring and autumn sessions, as at a large export fair
BOOTH_SIZES = (9, 18, 36, 54)  # m²: a standard booth, a double, a small and a large island
HOSTED_P = 0.35  # share of a company's sessions with hosted buyer meetings
CHUNK = 1000


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _money(usd: float, usd_per_unit: float) -> Decimal:
    return Decimal(str(round(usd / usd_per_unit, 2)))


@dataclass
class SimulationResult:
    """What a run did: companies simulated and skipped, facts written, serious delinquencies drawn."""

    subjects: int = 0
    skipped: int = 0
    facts: int = 0
    delinquent: int = 0
    risk: dict[int, float] = field(default_factory=dict)  # hidden z per simulated subject id


def _get(subject: Any, name: str) -> Any:
    return subject[name] if isinstance(subject, dict) else getattr(subject, name)


def _profile(subject: Any, name: str) -> Any:
    """An optional profile field (founded_year, employees, verified_at); None where the subject has none."""
    return subject.get(name) if isinstance(subject, dict) else getattr(subject, name, None)


class _Company:
    """The generator for one company; `emit` appends fact tuples in copy_rows column order."""

    def __init__(
        self, subject, *, seed: int, start: dt.datetime, today: dt.datetime, sources, recorded_at, rates
    ):
        self.id = _get(subject, "id")
        country = str(_get(subject, "country") or "")
        registration = _get(subject, "registration_number") or f"id{self.id}"
        self.country, self.registration = country, registration
        self.key = f"sim{seed}:{country}-{registration}"
        self.rng = random.Random(self.key)  # noqa: S311 - a simulation, not security
        self.today, self.sources, self.recorded_at = today, sources, recorded_at
        self.start = start
        self.joined = max(start, _get(subject, "created_at"))
        # What the company's own profile says: the registry facts are drawn to agree with it (one draw).
        self.founded_year = _profile(subject, "founded_year")
        self.employees = _profile(subject, "employees")
        self.verified_at = _profile(subject, "verified_at")
        self.verified = self.verified_at is not None
        # A dict subject without the key has no profile: its verification is drawn from z.
        self.profiled = not isinstance(subject, dict) or "verified_at" in subject
        # Amounts in the local currency at the platform's rates of `today`; USD where it has none.
        self.currency = CURRENCY_BY_COUNTRY.get(country, "USD")
        if self.currency not in rates:
            self.currency = "USD"
        self.usd_per_unit = rates.get(self.currency, 1.0)
        self.rows: list[tuple] = []
        self.n = 0

    def _floor(self, kind: str, at: dt.datetime, z: float, rng: random.Random) -> None:
        """One session on the fair floor: the exhibit (phase, booth) or the attendance (check-in days),
        then hosted buyer meetings for some, each a no-show with a probability rising with z."""
        P, session = SourceType.PLATFORM, f"{at.year}-{at.month:02d}"
        if kind == "fair_exhibited":
            size = BOOTH_SIZES[min(len(BOOTH_SIZES) - 1, max(0, round(1.0 - 0.8 * z + rng.gauss(0, 0.7))))]
            phase = rng.randint(1, 3)
            self.emit(P, kind, at, {"session": session, "phase": phase, "booth_sqm": size})
        else:
            self.emit(P, kind, at, {"session": session})
            days = min(5, max(1, round(2.0 - 0.7 * z + rng.gauss(0, 0.8))))
            for d in range(days):
                self.emit(
                    P,
                    "fair_checked_in",
                    at + dt.timedelta(days=d),
                    {"session": session, "day": (at + dt.timedelta(days=d)).date()},
                )
        if rng.random() < HOSTED_P:
            no_show_p = _sigmoid(-1.8 + 1.1 * z)
            for m in range(rng.randint(1, 3)):
                meeting_at = at + dt.timedelta(days=1, hours=m)
                no_show = rng.random() < no_show_p
                self.emit(
                    P,
                    "hosted_meeting_no_show" if no_show else "hosted_meeting_attended",
                    meeting_at,
                    {"event": session},
                )

    def emit(self, source_type: str, kind: str, at: dt.datetime, values: dict[str, Any]) -> None:
        known = at + KNOWN_LAG[source_type]
        if at < self.start or known > self.today:
            return
        spec = KINDS[kind]
        amount, currency, metric = spec.columns(values)
        self.n += 1
        self.rows.append(
            (
                self.sources[source_type].pk,
                kind,
                self.id,
                spec.payload_json(values),
                at,
                known,
                self.recorded_at,
                f"{self.key}:{self.n}",
                None,
                None,
                "simulation",
                None,
                amount,
                currency,
                metric,
            )
        )

    def when(self, low: dt.datetime, high: dt.datetime) -> dt.datetime:
        span = max((high - low).total_seconds(), 0.0)
        return low + dt.timedelta(seconds=self.rng.uniform(0, span))

    def run(self) -> tuple[float, bool]:
        rng = self.rng
        z = rng.gauss(0.0, 1.0)
        delinquent = rng.random() < _sigmoid(-3.0 + 1.4 * z)
        span = self.today - self.start
        event = self.when(self.start + span * 0.25, self.today) if delinquent else None
        trading_end = event or self.today
        P, INS, BANK = SourceType.PLATFORM, SourceType.INSURER, SourceType.BANK

        # Registry: founded years ago (riskier companies are younger), registered capital, status.
        # A subject with a profile keeps it: the founding year it states, a capital in line with its
        # staff, and no "abnormal" status while it is verified (its licence was checked against the
        # registry). The same random numbers are drawn either way, so the rest of its history is unchanged.
        age_years = max(0.5, rng.gammavariate(2.0, 5.0) - 2.0 * z)
        founded = (self.start - dt.timedelta(days=age_years * 365.25)).date()
        if self.founded_year:
            founded = min(
                dt.date(int(self.founded_year), 1 + founded.month % 12, min(founded.day, 28)),
                self.today.date(),
            )
        capital_draw = rng.gauss(0.0, 1.0)
        capital_usd = math.exp(13.0 - 0.3 * z + 1.2 * capital_draw)
        if self.employees:
            capital_usd = int(self.employees) * math.exp(9.6 - 0.2 * z + 0.4 * capital_draw)
        self.emit(
            SourceType.REGISTRY,
            "company_registered",
            self.start,
            {
                "registered_capital": _money(capital_usd, self.usd_per_unit),
                "currency": self.currency,
                "founded_on": founded,
            },
        )
        self.emit(SourceType.REGISTRY, "registry_status", self.start, {"status": "active"})
        if rng.random() < _sigmoid(-4.0 + 1.5 * z) and not self.verified:
            self.emit(
                SourceType.REGISTRY,
                "registry_status",
                self.when(self.start, self.today),
                {"status": "abnormal"},
            )

        # Bank: 70% have a bank that reports a rating each January.
        if rng.random() < 0.7:
            base = 4.0 + 1.6 * z
            for year in range(self.start.year, self.today.year + 1):
                at = dt.datetime(year, 1, 15, tzinfo=dt.UTC)
                worse = 2 if event and at > event else 0
                step = min(10, max(1, round(base + rng.gauss(0, 0.8)) + worse))
                self.emit(BANK, "bank_rating", at, {"rating": RATING_SCALE[step - 1]})

        # Trade on the platform, from joining until the serious delinquency (if any).
        deal_usd = math.exp(rng.gauss(9.5, 0.9))
        per_month = math.exp(rng.gauss(-0.9, 0.5)) * max(0.3, 1.0 - 0.15 * z)
        month = self.joined
        while month < trading_end:
            for _ in range(_poisson(rng, per_month)):
                self._deal(self.when(month, month + dt.timedelta(days=30)), z, deal_usd, event, trading_end)
            month += dt.timedelta(days=30)

        # Insurance: 55% insure their receivables.
        insured = rng.random() < 0.55
        if insured:
            granted = self.when(self.start, self.start + dt.timedelta(days=180))
            limit_usd = round(deal_usd * 3 * max(0.3, 1.0 - 0.2 * z), -2)
            self.emit(
                INS,
                "insurance_limit_granted",
                granted,
                {"limit": _money(limit_usd, self.usd_per_unit), "currency": self.currency},
            )
            if rng.random() < _sigmoid(-2.5 + 1.2 * z):
                cut_at = self.when(granted, event or self.today)
                self.emit(
                    INS,
                    "insurance_limit_cut",
                    cut_at,
                    {"limit": _money(limit_usd / 2, self.usd_per_unit), "currency": self.currency},
                )
            if rng.random() < _sigmoid(-4.0 + 0.8 * z):
                self.emit(
                    INS,
                    "insurance_claim_filed",
                    self.when(granted, self.today),
                    {"amount": _money(deal_usd * 0.5, self.usd_per_unit), "currency": self.currency},
                )

        # Fairs and meetings: two sessions a year; safer companies show up more and keep meetings.
        exhibit_p, attend_p = _sigmoid(0.3 - 0.7 * z), 0.25
        # What happens on the floor draws from its own generator, so the rest of the history stays the same.
        floor = random.Random(f"{self.key}:floor")  # noqa: S311 - a simulation, not security
        miss_p = _sigmoid(-2.2 + 0.9 * z)
        for year in range(self.joined.year, self.today.year + 1):
            for month_no, day in FAIR_SESSIONS:
                at = dt.datetime(year, month_no, day, 9, tzinfo=dt.UTC)
                if at < self.joined or at > trading_end:
                    continue
                roll = rng.random()
                kind = (
                    "fair_exhibited"
                    if roll < exhibit_p
                    else "fair_attended"
                    if roll < exhibit_p + attend_p
                    else ""
                )
                if not kind:
                    continue
                self._floor(kind, at, z, floor)
                for m in range(rng.randint(1, 5)):
                    meeting_at = at + dt.timedelta(hours=2 * m + 1)
                    self.emit(
                        P, "meeting_missed" if rng.random() < miss_p else "meeting_held", meeting_at, {}
                    )

        # Chamber, courts and sanctions.
        if rng.random() < _sigmoid(0.2 - 0.6 * z):
            joined_chamber = self.when(self.start, self.start + dt.timedelta(days=365))
            valid_until = (joined_chamber + dt.timedelta(days=365 * rng.randint(1, 4))).date()
            self.emit(
                SourceType.CHAMBER,
                "chamber_membership",
                joined_chamber,
                {"chamber": "Demo Chamber of Commerce", "valid_until": valid_until},
            )
        for _ in range(_poisson(rng, 0.05 + 0.3 * max(z, 0.0))):
            self.emit(
                SourceType.COURT,
                "court_judgment",
                self.when(self.start, self.today),
                {
                    "amount": _money(deal_usd * rng.uniform(0.2, 2.0), self.usd_per_unit),
                    "currency": self.currency,
                    "against_subject": rng.random() < 0.7,
                },
            )
        if rng.random() < 0.002 + (0.02 if z > 2.0 else 0.0):
            self.emit(
                SourceType.SANCTIONS,
                "sanctions_hit",
                self.when(self.start, self.today),
                {"list_name": "Demo consolidated list"},
            )

        # The outcome: a payment 90+ days late, then a claim paid if insured, sometimes a formal default.
        if event is not None:
            days = 90 + int(rng.expovariate(1 / 60))
            amount = _money(deal_usd, self.usd_per_unit)
            self.emit(
                P, "payment_late", event, {"days_late": days, "amount": amount, "currency": self.currency}
            )
            if insured:
                self.emit(
                    INS,
                    "insurance_claim_filed",
                    event + dt.timedelta(days=5),
                    {"amount": amount, "currency": self.currency},
                )
                self.emit(
                    INS,
                    "insurance_claim_paid",
                    event + dt.timedelta(days=100),
                    {"amount": amount, "currency": self.currency},
                )
            if rng.random() < 0.4:
                self.emit(
                    P,
                    "default",
                    event + dt.timedelta(days=30),
                    {"reason": rng.choice(("default", "insolvency"))},
                )
            if rng.random() < 0.3:
                self.emit(
                    SourceType.REGISTRY,
                    "registry_status",
                    event + dt.timedelta(days=120),
                    {"status": "deregistered"},
                )

        # Verification on the platform, drawn last so that every fact above stays as it was.
        # A subject with a profile keeps its verified mark (approved when it was verified); one
        # without is verified with p = sigmoid(1.2 − 0.8z). An unverified company had a document
        # rejected with p = sigmoid(−1 + 0.9z) (riskier companies send doubtful papers).
        verified = self.verified if self.profiled else rng.random() < _sigmoid(1.2 - 0.8 * z)
        reject_draw, when_draw = rng.random(), rng.uniform(1, 30)
        if verified:
            at = max(self.verified_at or self.joined + dt.timedelta(days=when_draw), self.start)
            self.emit(
                P,
                "verification_decision",
                at,
                {"document": "business_licence", "decision": "approved", "verified": True},
            )
            self.emit(
                P,
                "company_profile",
                at,
                {
                    "country": self.country[:2],
                    "registration_number": self.registration[:64],
                    "founded_year": founded.year,
                },
            )
        elif reject_draw < _sigmoid(-1.0 + 0.9 * z):
            self.emit(
                P,
                "verification_decision",
                self.joined + dt.timedelta(days=when_draw),
                {"document": "business_licence", "decision": "rejected", "verified": False},
            )
        return z, delinquent

    def _deal(self, at, z, deal_usd, event, trading_end) -> None:
        rng, P = self.rng, SourceType.PLATFORM
        value_usd = deal_usd * math.exp(rng.gauss(0, 0.5))
        if rng.random() < _sigmoid(-3.0 + 0.8 * z):
            self.emit(P, "order_cancelled", at, {})
            return
        self.emit(
            P,
            "deal_completed",
            at,
            {"value": _money(value_usd, self.usd_per_unit), "currency": self.currency},
        )
        if rng.random() < _sigmoid(-3.5 + 0.9 * z):
            self.emit(P, "dispute_opened", at + dt.timedelta(days=20), {})
            side = "counterparty" if rng.random() < _sigmoid(0.8 * z) else "subject"
            self.emit(P, "dispute_resolved", at + dt.timedelta(days=60), {"in_favour_of": side})
        due = (at + dt.timedelta(days=rng.choice((30, 60)))).date()
        stress = 2.0 if event is not None and dt.timedelta(0) <= event - at <= dt.timedelta(days=180) else 0.0
        days_late = 0
        if rng.random() < _sigmoid(-2.2 + 1.1 * z + stress):
            # Ordinary lateness stays under 90 days: reaching 90 is the outcome, drawn separately.
            days_late = min(89, 1 + int(rng.expovariate(1 / (8 + 12 * max(z, 0.0) + 10 * stress))))
        paid = due + dt.timedelta(days=days_late)
        paid_at = dt.datetime.combine(paid, dt.time(10), tzinfo=dt.UTC)
        if paid_at > trading_end:
            return
        amount = _money(value_usd, self.usd_per_unit)
        self.emit(
            P,
            "invoice_paid",
            paid_at,
            {"amount": amount, "currency": self.currency, "due_date": due, "paid_date": paid},
        )
        if days_late >= 15:
            self.emit(
                P,
                "payment_late",
                paid_at,
                {"days_late": days_late, "amount": amount, "currency": self.currency},
            )


def demo_sources() -> dict[str, Source]:
    """The simulation's sources, one per source type, created if missing."""
    sources = {}
    for source_type, (code, name) in DEMO_SOURCES.items():
        if code == "platform":
            sources[source_type] = source_by_code(code)
        else:
            sources[source_type] = Source.objects.get_or_create(
                code=code, defaults={"name": name, "source_type": source_type}
            )[0]
    return sources


def simulate_history(
    subjects: Iterable[Any],
    *,
    seed: int = 0,
    years: int = 3,
    today: dt.datetime | None = None,
    notify: bool = False,
    progress: Callable[[SimulationResult], None] | None = None,
) -> SimulationResult:
    """Write `years` of simulated facts up to `today` for each subject (model instance or dict with
    id, country, registration_number, created_at). Returns counts and each company's hidden risk.

    `notify=True` sends `fact_recorded` per chunk (e.g. so the index recomputes); benches leave it off.
    """
    today = today or timezone.now()
    start = today - dt.timedelta(days=round(365.25 * years))
    sources = demo_sources()
    rates = fx_rates(today)
    result = SimulationResult()
    prefix = f"sim{seed}:"
    pending: list[Any] = []

    def flush() -> None:
        ids = [_get(s, "id") for s in pending]
        done = set(
            Fact.objects.filter(subject_id__in=ids, external_ref__startswith=prefix)
            .values_list("subject_id", flat=True)
            .distinct()
        )
        recorded_at = timezone.now()
        rows: list[tuple] = []
        fresh: list[int] = []
        for subject in pending:
            if _get(subject, "id") in done:
                result.skipped += 1
                continue
            company = _Company(
                subject,
                seed=seed,
                start=start,
                today=today,
                sources=sources,
                recorded_at=recorded_at,
                rates=rates,
            )
            z, delinquent = company.run()
            result.risk[company.id] = z
            result.delinquent += delinquent
            result.subjects += 1
            rows += company.rows
            fresh.append(company.id)
        with transaction.atomic():
            copy_rows(rows)
            if notify:
                announce(subject_ids=fresh)
        result.facts += len(rows)
        pending.clear()
        if progress:
            progress(result)

    for subject in subjects:
        pending.append(subject)
        if len(pending) >= CHUNK:
            flush()
    if pending:
        flush()
    return result
