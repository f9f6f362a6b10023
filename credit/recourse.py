"""What-if recourse: the smallest things a company can do that would raise its grade, proven by the model.

A suggestion is never a guess about a feature. Each action in `ACTIONS` says which facts doing it
would create (three invoices paid on their due date, one meeting kept, an insurer's limit...). To
judge an action, those facts are written inside a savepoint that is always rolled back, the
subject's feature vector is rebuilt by the feature builder itself (`build_feature_matrix`, the code
every assessment uses), and the changed vector is scored by the champion model (`index.score`). So
a promised grade is what recording those facts and recomputing would give — the tests do exactly
that — and a feature the action cannot touch cannot move.

Only what a company can act on is in the table: paying on time, completing deals, keeping meetings,
insuring receivables, exhibiting or attending a fair, joining a chamber of commerce. Nothing about
age, country, founding date, registered capital, sanctions or court records is ever suggested
(`IMMUTABLE` lists those, and a test checks no suggestion moves them).

The search: every action alone at its largest step; for those that reach the next grade, a binary
search over the steps finds the smallest that still does — each such action is one option. If no single action suffices, actions are added greedily (largest gain
first, at most three), then each is cut back to the smallest step that still reaches the grade.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from credit import index
from credit.features import build_feature_matrix
from credit.grading import GRADES, grade_for
from credit.kinds import KINDS, SourceType
from credit.models import Fact, Source

MAX_COMBINED = 3
INSURED_USD_PER_STEP = 50_000
CACHE_SECONDS = 600


@dataclass(frozen=True)
class FactSpec:
    """A fact an action would create: who would send it, its kind and payload (occurring today)."""

    source_type: str
    kind: str
    payload: dict


@dataclass(frozen=True)
class Action:
    """Something a company can do, the facts it creates, and the features it may move (and which way)."""

    code: str
    # feature -> the direction the action may move its value (+1 up, -1 down); nothing else may change.
    moves: dict[str, int]
    steps: tuple[int, ...]
    sentence_one_en: str
    sentence_many_en: str
    sentence_zh: str
    how_en: str
    how_zh: str
    facts: Callable[[int, dict[str, float | None], dt.date], list[FactSpec]]
    # Does this action make sense for the subject (e.g. exhibiting is for suppliers)?
    applies: Callable[[object], bool] = lambda subject: True
    # For actions measured in money (an insured limit): USD per step, shown as {limit}.
    usd_per_step: int = 0

    def sentence(self, n: int) -> str:
        limit = f"{self.usd_per_step * n:,}"
        if (get_language() or "").startswith("zh"):
            return self.sentence_zh.format(n=n, limit=limit)
        return (self.sentence_one_en if n == 1 else self.sentence_many_en).format(n=n, limit=limit)

    @property
    def how(self) -> str:
        return self.how_zh if (get_language() or "").startswith("zh") else self.how_en


def _money(value: float) -> str:
    return format(Decimal(str(round(value, 2))), "f")


def _invoices(n: int, features: dict, today: dt.date) -> list[FactSpec]:
    day = today.isoformat()
    return [
        FactSpec(
            SourceType.PLATFORM,
            "invoice_paid",
            {"amount": "5000", "currency": "USD", "due_date": day, "paid_date": day},
        )
        for _ in range(n)
    ]


def _typical_deal_usd(features: dict) -> float:
    count, value = features.get("deals_completed_12m"), features.get("deals_value_12m_usd")
    if count and value:
        return max(1000.0, round(value / count, -2))
    return 10_000.0


def _deals(n: int, features: dict, today: dt.date) -> list[FactSpec]:
    value = _money(_typical_deal_usd(features))
    return [
        FactSpec(SourceType.PLATFORM, "deal_completed", {"value": value, "currency": "USD"}) for _ in range(n)
    ]


def _meetings(n: int, features: dict, today: dt.date) -> list[FactSpec]:
    return [FactSpec(SourceType.PLATFORM, "meeting_held", {}) for _ in range(n)]


def _insurance(step: int, features: dict, today: dt.date) -> list[FactSpec]:
    # A limit that covers the company's recent trade: the step multiplies USD 50,000.
    limit = INSURED_USD_PER_STEP * step
    return [FactSpec(SourceType.INSURER, "insurance_limit_granted", {"limit": str(limit), "currency": "USD"})]


def _exhibit(n: int, features: dict, today: dt.date) -> list[FactSpec]:
    return [FactSpec(SourceType.PLATFORM, "fair_exhibited", {}) for _ in range(n)]


def _attend(n: int, features: dict, today: dt.date) -> list[FactSpec]:
    return [FactSpec(SourceType.PLATFORM, "fair_attended", {}) for _ in range(n)]


def _chamber(n: int, features: dict, today: dt.date) -> list[FactSpec]:
    until = today.replace(year=today.year + 1) if not (today.month == 2 and today.day == 29) else today
    return [
        FactSpec(
            SourceType.CHAMBER,
            "chamber_membership",
            {"chamber": "Chamber of commerce", "valid_until": until.isoformat()},
        )
    ]


def _is_supplier(subject) -> bool:
    return bool(getattr(subject, "is_supplier", True))


def _is_buyer(subject) -> bool:
    return bool(getattr(subject, "is_buyer", True))


# The actionable-feature table: what a company can do, the facts it creates, and the features it moves.
ACTIONS: tuple[Action, ...] = (
    Action(
        "pay_on_time",
        {"on_time_payment_ratio": +1, "avg_days_late_24m": -1},
        (1, 2, 3, 6, 12),
        "Pay your next invoice on or before its due date",
        "Pay your next {n} invoices on or before their due dates",
        "按期支付接下来的 {n} 张发票",
        "Settle overdue invoices first, then pay each invoice by its due date; paid invoices reach "
        "TrustFair from the deal record or your bank.",
        "先结清逾期发票，之后每张发票在到期日前付款；付款记录来自交易记录或您的银行。",
        _invoices,
    ),
    Action(
        "complete_deal",
        {"deals_completed_12m": +1, "deals_value_12m_usd": +1, "insured_limit_use": +1},
        (1, 2, 3, 5),
        "Complete a deal on TrustFair",
        "Complete {n} deals on TrustFair",
        "在 TrustFair 上完成 {n} 笔交易",
        "Run your next orders through a TrustFair deal to the end (delivery confirmed).",
        "通过 TrustFair 交易流程完成接下来的订单（确认交付）。",
        _deals,
    ),
    Action(
        "keep_meetings",
        {"meetings_kept_ratio": +1},
        (1, 2, 3, 5),
        "Keep your next booked meeting",
        "Keep your next {n} booked meetings",
        "如约参加接下来的 {n} 次预约洽谈",
        "Attend the meetings you book with buyers or suppliers, or cancel them in advance.",
        "如约参加与采购商或供应商预约的洽谈，无法参加请提前取消。",
        _meetings,
    ),
    Action(
        "insure_receivables",
        {"insured_limit_usd": +1, "insured_limit_use": -1, "claims_24m": +1},
        (1, 2, 5),
        "Insure your receivables with an export credit insurer (a limit of USD {limit})",
        "Insure your receivables with an export credit insurer (a limit of USD {limit})",
        "向出口信用保险机构投保应收账款（限额 {limit} 美元）",
        "Apply for a buyer credit limit with a partner insurer from your deal's insurance step.",
        "在交易的保险环节向合作保险机构申请买方信用限额。",
        _insurance,
        usd_per_step=INSURED_USD_PER_STEP,
    ),
    Action(
        "exhibit_at_fair",
        {"fairs_exhibited_3y": +1},
        (1, 2),
        "Exhibit at the next fair session",
        "Exhibit at the next {n} fair sessions",
        "参加接下来的 {n} 届展会参展",
        "Book a booth for the coming fair session.",
        "为下一届展会预订展位。",
        _exhibit,
        _is_supplier,
    ),
    Action(
        "attend_fair",
        {"fairs_attended_3y": +1},
        (1, 2),
        "Attend the next fair session as a buyer",
        "Attend the next {n} fair sessions as a buyer",
        "以采购商身份参加接下来的 {n} 届展会",
        "Register your buyers' badges for the coming fair session.",
        "为下一届展会登记采购商证件。",
        _attend,
        _is_buyer,
    ),
    Action(
        "join_chamber",
        {"chamber_member": +1},
        (1,),
        "Join (or renew) a chamber of commerce membership",
        "Join (or renew) a chamber of commerce membership",
        "加入（或续期）商会会员",
        "Ask your chamber of commerce to report your membership to TrustFair.",
        "请您所在的商会向 TrustFair 报送会员资格。",
        _chamber,
    ),
)
ACTIONS_BY_CODE = {a.code: a for a in ACTIONS}
ACTIONABLE = frozenset(f for a in ACTIONS for f in a.moves)
# Never suggested, whatever the model says: what a company cannot change by acting.
IMMUTABLE = frozenset(
    {
        "years_in_business",
        "years_on_platform",
        "registered_capital_usd",
        "registry_status",
        "sanctions_hits",
        "judgments_against_36m",
        "bank_rating",
        "disputes_lost_36m",
        "cancellations_12m",
        "worst_days_late_24m",
        "meetings_missed_24m",
    }
)
assert not ACTIONABLE & IMMUTABLE  # noqa: S101 - a table mistake must fail at import
assert all(k in KINDS for a in ACTIONS for k in {s.kind for s in a.facts(1, {}, dt.date(2025, 1, 1))})  # noqa: S101


@dataclass
class Step:
    """One action at one step inside a suggestion (held by code, so a result can be cached)."""

    code: str
    n: int

    @property
    def action(self) -> Action:
        return ACTIONS_BY_CODE[self.code]

    @property
    def sentence(self) -> str:
        return self.action.sentence(self.n)


@dataclass
class Suggestion:
    """A set of steps, the index and grade they would reach (re-scored), and the features they change."""

    steps: list[Step]
    index: int
    grade: str
    changes: dict[str, tuple[float | None, float | None]]
    facts: list[FactSpec] = field(default_factory=list)


@dataclass
class Recourse:
    """What would raise a subject's grade: its index now (re-scored), the next grade, the options."""

    index: int
    grade: str
    target: str | None
    suggestions: list[Suggestion]
    model_version: int


def next_grade(index: int) -> str | None:
    """The grade just above the one `index` is in (None at the top)."""
    current = grade_for(index)
    better = [g for g in GRADES if g.low > current.high]
    return min(better, key=lambda g: g.low).code if better else None


def _low_of(code: str) -> int:
    return next(g.low for g in GRADES if g.code == code)


class _Rollback(Exception):
    pass


def _source_for(source_type: str, made: dict[str, Source]) -> Source:
    if source_type not in made:
        source = Source.objects.filter(source_type=source_type, is_active=True).order_by("pk").first()
        if source is None:
            # Inside the rolled-back savepoint only: the real fact would come from such a partner.
            source = Source.objects.create(code=f"recourse-{source_type}", name="-", source_type=source_type)
        made[source_type] = source
    return made[source_type]


def _feature_rows(subject_id: int, variants: Sequence[list[FactSpec]], moment: dt.datetime) -> np.ndarray:
    """The subject's feature vector with each variant's facts added (one row per variant); nothing is kept.

    Each variant's facts are inserted in a nested savepoint that is rolled back before the next.
    """
    rows = []
    sources: dict[str, Source] = {}
    occurred = moment - dt.timedelta(seconds=1)
    try:
        with transaction.atomic():
            for n, variant in enumerate(variants):
                try:
                    with transaction.atomic():
                        Fact.objects.bulk_create(
                            [
                                _fact(
                                    subject_id, spec, _source_for(spec.source_type, sources), occurred, n, k
                                )
                                for k, spec in enumerate(variant)
                            ]
                        )
                        rows.append(build_feature_matrix(as_of=moment, subject_ids=[subject_id]).values[0])
                        raise _Rollback
                except _Rollback:
                    pass
            raise _Rollback
    except _Rollback:
        pass
    return np.array(rows, dtype=float).reshape(len(rows), -1)


def _fact(subject_id: int, spec: FactSpec, source: Source, occurred: dt.datetime, n: int, k: int) -> Fact:
    kind = KINDS[spec.kind]
    values = kind.clean_payload(spec.payload)
    amount, currency, metric = kind.columns(values)
    return Fact(
        source=source,
        kind=spec.kind,
        subject_id=subject_id,
        payload=kind.payload_json(values),
        occurred_at=occurred,
        known_at=occurred,
        external_ref=f"recourse-what-if-{subject_id}-{n}-{k}",
        amount=amount,
        currency=currency,
        metric=metric,
    )


def _specs(steps: Sequence[tuple[Action, int]], features: dict, today: dt.date) -> list[FactSpec]:
    return [spec for action, n in steps for spec in action.facts(n, features, today)]


def suggest(subject, *, now: dt.datetime | None = None, use_cache: bool = True) -> Recourse:
    """What would raise `subject`'s grade to the next one, each option checked by the champion model."""
    version = index.champion()
    key = None
    if use_cache and now is None:
        latest = index.latest_assessment(subject.pk)
        key = f"credit:recourse:{subject.pk}:{version.pk}:{latest.pk if latest else 0}"
        cached = cache.get(key)
        if cached is not None:
            return cached
    result = _suggest(subject, version=version, moment=now or timezone.now())
    if key is not None:
        cache.set(key, result, CACHE_SECONDS)
    return result


def _suggest(subject, *, version, moment: dt.datetime) -> Recourse:
    scorer = index.scorer_for(version)
    matrix = build_feature_matrix(as_of=moment, subject_ids=[subject.pk])
    names = matrix.names
    base_row = matrix.values[0]
    features = {n: (None if math.isnan(v) else float(v)) for n, v in zip(names, base_row, strict=True)}
    base_index = int(index.score(matrix.values, scorer, names).index[0])
    target = next_grade(base_index)
    result = Recourse(base_index, grade_for(base_index).code, target, [], version.version)
    if target is None:
        return result
    goal = _low_of(target)
    today = moment.date()
    actions = [a for a in ACTIONS if a.applies(subject) and any(f in names for f in a.moves)]

    def evaluate(candidates: list[list[tuple[Action, int]]]) -> list[tuple[int, np.ndarray]]:
        if not candidates:
            return []
        rows = _feature_rows(subject.pk, [_specs(c, features, today) for c in candidates], moment)
        scored = index.score(rows, scorer, names).index
        return [(int(i), row) for i, row in zip(scored.tolist(), rows, strict=True)]

    def make(steps: list[tuple[Action, int]], idx: int, row: np.ndarray) -> Suggestion:
        changes = {}
        for j, name in enumerate(names):
            before, after = base_row[j], row[j]
            if not (np.isnan(before) and np.isnan(after)) and before != after:
                changes[name] = (
                    None if np.isnan(before) else float(before),
                    None if np.isnan(after) else float(after),
                )
        return Suggestion(
            [Step(a.code, n) for a, n in steps],
            idx,
            grade_for(idx).code,
            changes,
            _specs(steps, features, today),
        )

    # Each action at its largest step first: if even that falls short, its smaller steps are not tried
    # (one rebuild). Otherwise a binary search over the steps finds the smallest that reaches the goal
    # (more of an action never lowers the index under the model's monotone constraints; each answer is
    # re-scored anyway, so the search can only miss a smaller step, never promise a wrong grade).
    gains: dict[str, tuple[int, int]] = {}  # action -> (best index, at step)
    for action in actions:
        steps = sorted(action.steps)
        ((idx, row),) = evaluate([[(action, steps[-1])]])
        if not _allowed(action_moves([(action, steps[-1])]), names, base_row, row):
            continue
        if idx > base_index:
            gains[action.code] = (idx, steps[-1])
        if idx < goal:
            continue
        best = (steps[-1], idx, row)
        low, high = 0, len(steps) - 2
        while low <= high:
            mid = (low + high) // 2
            ((m_idx, m_row),) = evaluate([[(action, steps[mid])]])
            if m_idx >= goal and _allowed(action_moves([(action, steps[mid])]), names, base_row, m_row):
                best, high = (steps[mid], m_idx, m_row), mid - 1
            else:
                low = mid + 1
        result.suggestions.append(make([(action, best[0])], best[1], best[2]))
    if result.suggestions:
        result.suggestions.sort(key=lambda s: (sum(st.n for st in s.steps), -s.index))
        return result

    # No single action is enough: add the best ones greedily, then cut each back.
    chosen: list[tuple[Action, int]] = []
    for code, (_idx, _n) in sorted(gains.items(), key=lambda kv: -kv[1][0]):
        chosen.append((ACTIONS_BY_CODE[code], max(ACTIONS_BY_CODE[code].steps)))
        if len(chosen) < 2:
            continue
        ((idx, row),) = evaluate([list(chosen)])
        if idx >= goal:
            steps = _shrink(chosen, goal, evaluate)
            ((idx, row),) = evaluate([steps])
            if _allowed(action_moves(steps), names, base_row, row):
                result.suggestions.append(make(steps, idx, row))
            break
        if len(chosen) >= MAX_COMBINED:
            break
    return result


def action_moves(steps: Sequence[tuple[Action, int]]) -> dict[str, set[int]]:
    moves: dict[str, set[int]] = {}
    for action, _n in steps:
        for name, direction in action.moves.items():
            moves.setdefault(name, set()).add(direction)
    return moves


def _allowed(moves: dict[str, set[int]], names: list[str], before: np.ndarray, after: np.ndarray) -> bool:
    """Only the action's own features changed (a missing value may become observed)."""
    for j, name in enumerate(names):
        b, a = before[j], after[j]
        if (np.isnan(b) and np.isnan(a)) or b == a:
            continue
        if name not in moves:
            return False
    return True


def _shrink(chosen, goal, evaluate) -> list[tuple[Action, int]]:
    """Cut each action of a combination back to the smallest step that still reaches the goal (binary search)."""
    steps = list(chosen)
    for k, (action, n) in enumerate(steps):
        smaller = sorted(s for s in action.steps if s < n)
        low, high = 0, len(smaller) - 1
        while low <= high:
            mid = (low + high) // 2
            trial = steps[:k] + [(action, smaller[mid])] + steps[k + 1 :]
            ((idx, _row),) = evaluate([trial])
            if idx >= goal:
                steps, high = trial, mid - 1
            else:
                low = mid + 1
    return steps
