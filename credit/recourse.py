"""What-if recourse: the smallest things a company can do that would raise its grade, proven by the model.

A suggestion is never a guess about a feature. Each action in `ACTIONS` says which facts doing it
would create (three invoices paid on their due date, one meeting kept, an insurer's limit, an approved
business licence...). Those facts are never written: they become `credit.features.FactLike` records
(through the kind's own `clean_payload` and `columns`, as `credit.facts.record` would store them), and
`credit.features.what_if_matrix` computes the subject's feature vector with each candidate's facts
added — one read of the facts table, then the aggregates the SQL computes, extended in arrays, and the
very `Feature.compute` functions every assessment uses (tests/credit/test_what_if.py writes each
action's facts for real and checks `build_feature_matrix` gives the same features). Every candidate is
then scored in one batched call of the champion model, and the few chosen are re-scored exactly as
`index.recompute` scores (`index.score`, the contributions' sum). So a promised grade is what recording
those facts and recomputing would give — the tests do exactly that — a feature the action cannot touch
cannot move, and a page view writes nothing.

Only what a company can act on is in the table: paying on time, completing deals, keeping meetings,
insuring receivables, exhibiting or attending a fair, joining a chamber of commerce, completing
verification or renewing its business licence, keeping product certificates on file. Nothing about
age, country, founding date, registered capital, sanctions or court records is ever suggested
(`IMMUTABLE` lists those, and a test checks no suggestion moves them).

The search is exhaustive over the table: every action at every step, and — when no single action
reaches the next grade — every combination of two, then three, different actions at every step of
each, all scored in the same batch (about 1,500 rows for a supplier). A single action is offered at
the smallest step that reaches the grade; a combination is offered only with the fewest actions that
suffice and when no step of it can be lowered (no other reaching combination of the same actions is
smaller in every step); the combinations with the smallest steps are shown first.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from credit import index
from credit.features import EVIDENCE_NAMES, FEATURE_NAMES, FactLike, what_if
from credit.grading import GRADES, grade_for, pd_to_index
from credit.kinds import KINDS, SourceType
from credit.pipeline import FittedModel

MAX_COMBINED = 3
# Combinations shown at most (each of different actions); single actions are all shown.
MAX_COMBINATIONS = 3
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
    # Does this action make sense for the subject and its evidence now (`features`, None where
    # missing)? E.g. exhibiting is for suppliers; renewing a licence for a company whose lapsed.
    applies: Callable[[object, dict[str, float | None]], bool] = lambda subject, features: True
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


# The smallest standard booth: what exhibiting promises, whatever booth the company books.
STANDARD_BOOTH_SQM = 9


def _exhibit(n: int, features: dict, today: dt.date) -> list[FactSpec]:
    booth = {"booth_sqm": STANDARD_BOOTH_SQM}
    return [FactSpec(SourceType.PLATFORM, "fair_exhibited", booth) for _ in range(n)]


def _attend(n: int, features: dict, today: dt.date) -> list[FactSpec]:
    # Attending is checking in at least one day (marketplace/fairs records both on the first check-in).
    day = {"day": today.isoformat()}
    return [
        spec
        for _ in range(n)
        for spec in (
            FactSpec(SourceType.PLATFORM, "fair_attended", {}),
            FactSpec(SourceType.PLATFORM, "fair_checked_in", day),
        )
    ]


def _chamber(n: int, features: dict, today: dt.date) -> list[FactSpec]:
    until = today.replace(year=today.year + 1) if not (today.month == 2 and today.day == 29) else today
    return [
        FactSpec(
            SourceType.CHAMBER,
            "chamber_membership",
            {"chamber": "Chamber of commerce", "valid_until": until.isoformat()},
        )
    ]


def _licence(n: int, features: dict, today: dt.date) -> list[FactSpec]:
    # What the platform records when an operator approves the business licence (marketplace/companies
    # receivers.py). The registration data confirmed with it (founding year) is not something the
    # company does, so it is not part of the promise.
    return [
        FactSpec(
            SourceType.PLATFORM,
            "verification_decision",
            {"document": "business_licence", "decision": "approved", "verified": True},
        )
    ]


def _certificates(n: int, features: dict, today: dt.date) -> list[FactSpec]:
    # The catalog reports the supplier's certificates on file as one count (marketplace/catalog
    # receivers.py); n more current certificates is that count plus n. Features read the current count
    # only; how many expired is the catalog's to say, so the what-if claims none.
    current = int(features.get("certificates_current") or 0)
    return [FactSpec(SourceType.PLATFORM, "certificates_on_file", {"current": current + n, "expired": 0})]


def _is_supplier(subject, features=None) -> bool:
    return bool(getattr(subject, "is_supplier", True))


def _is_buyer(subject, features=None) -> bool:
    return bool(getattr(subject, "is_buyer", True))


def _never_verified(subject, features: dict) -> bool:
    return features.get("identity_verified") is None


def _verification_lapsed(subject, features: dict) -> bool:
    return features.get("identity_verified") == 0.0


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
        {"fairs_exhibited_3y": +1, "largest_booth_sqm_3y": +1},
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
        {"fairs_attended_3y": +1, "fair_days_checked_in_3y": +1},
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
    Action(
        "complete_verification",
        {"identity_verified": +1},
        (1,),
        "Complete verification: have your business licence approved",
        "Complete verification: have your business licence approved",
        "完成身份验证：提交营业执照并通过审核",
        "Upload your business licence on your company's verification page; a TrustFair operator reviews it.",
        "在公司验证页面上传营业执照，由 TrustFair 运营人员审核。",
        _licence,
        _never_verified,
    ),
    Action(
        "renew_licence",
        {"identity_verified": +1},
        (1,),
        "Upload a current business licence (your verification lapsed or was refused)",
        "Upload a current business licence (your verification lapsed or was refused)",
        "上传有效的营业执照（您的验证已失效或未通过）",
        "Upload the licence in force on your company's verification page; a TrustFair operator reviews it.",
        "在公司验证页面上传现行有效的营业执照，由 TrustFair 运营人员审核。",
        _licence,
        _verification_lapsed,
    ),
    Action(
        "add_certificates",
        {"certificates_current": +1},
        (1, 2, 3),
        "Add a current product certificate to your catalog",
        "Add {n} current product certificates to your catalog",
        "在产品目录中添加 {n} 份有效的产品认证",
        "Upload valid certificates (CE, ISO, test reports…) with their expiry dates to your products.",
        "为产品上传有效的认证证书（CE、ISO、检测报告等）并注明有效期。",
        _certificates,
        _is_supplier,
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
        "hosted_no_shows_2y",
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
    # Evidence feature -> (before, after), None where there is no evidence.
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


def fact_likes(specs: Sequence[FactSpec], occurred: dt.datetime) -> list[FactLike]:
    """The facts as the feature builder would read them once recorded (same cleaning, same columns)."""
    out = []
    for spec in specs:
        kind = KINDS[spec.kind]
        amount, currency, metric = kind.columns(kind.clean_payload(spec.payload))
        out.append(FactLike(spec.kind, occurred, occurred, amount, currency, metric))
    return out


def _specs(steps: Sequence[tuple[Action, int]], features: dict, today: dt.date) -> list[FactSpec]:
    return [spec for action, n in steps for spec in action.facts(n, features, today)]


def suggest(subject, *, now: dt.datetime | None = None, use_cache: bool = True) -> Recourse:
    """What would raise `subject`'s grade to the next one, each option checked by the champion model.

    Reads only: nothing is written to the database (the answer is cached per subject, champion and
    latest assessment)."""
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


@dataclass(frozen=True)
class _Candidates:
    """Every (action, step) as one part of facts, and the variants (sets of parts) to score."""

    parts: list[tuple[Action, int]]
    variants: list[tuple[int, ...]]  # indices into parts, one action each, in part order

    def membership(self) -> np.ndarray:
        """(variants × parts) 1.0 where the variant holds the part."""
        out = np.zeros((len(self.variants), len(self.parts)))
        sizes = [len(v) for v in self.variants]
        out[np.repeat(np.arange(len(self.variants)), sizes), [p for v in self.variants for p in v]] = 1.0
        return out


def _candidates(actions: Sequence[Action]) -> _Candidates:
    parts = [(a, n) for a in actions for n in sorted(a.steps)]
    by_action = [[p for p, (a, _n) in enumerate(parts) if a is action] for action in actions]
    variants: list[tuple[int, ...]] = []
    for size in range(1, MAX_COMBINED + 1):
        for chosen in itertools.combinations(by_action, size):
            variants.extend(itertools.product(*chosen))
    return _Candidates(parts, variants)


def _suggest(subject, *, version, moment: dt.datetime) -> Recourse:
    scorer = index.scorer_for(version)
    occurred = moment - dt.timedelta(seconds=1)
    today = moment.date()
    # The subject's evidence, read once: it chooses the actions and sizes their facts.
    evidence = what_if(subject_id=subject.pk, as_of=moment)
    features = evidence.features()
    actions = [
        a for a in ACTIONS if a.applies(subject, features) and any(f in EVIDENCE_NAMES for f in a.moves)
    ]
    candidates = _candidates(actions)
    # Every candidate's feature row in memory, then one batched margin for all of them.
    matrix = evidence.matrix(
        parts=[fact_likes(a.facts(n, features, today), occurred) for a, n in candidates.parts],
        variants=candidates.variants,
    )
    margins = _margins(version, scorer, matrix.values)
    screened = pd_to_index(scorer.proba_from_margin(margins))

    # Exactly as a recompute scores (the contributions' sum): the subject now, then the chosen options.
    def exact(rows: Sequence[int]) -> list[int]:
        return [int(i) for i in index.score(matrix.values[list(rows)], scorer, matrix.names).index]

    (base_index,) = exact([0])
    target = next_grade(base_index)
    result = Recourse(base_index, grade_for(base_index).code, target, [], version.version)
    if target is None or not candidates.variants:
        return result
    goal = _low_of(target)

    raw = matrix.raw
    before, after = raw[0], raw[1:]
    changed = ~((np.isnan(after) & np.isnan(before)) | (after == before))
    with np.errstate(invalid="ignore"):
        went_up, went_down = after > before, after < before  # False where either side is missing
    # Per part, the features its action may move up / down; per variant, those of any of its parts.
    up = np.zeros((len(candidates.parts), len(EVIDENCE_NAMES)))
    down = np.zeros_like(up)
    column = {n: j for j, n in enumerate(EVIDENCE_NAMES)}
    for p, (action, _n) in enumerate(candidates.parts):
        for name, direction in action.moves.items():
            if name in column:
                (up if direction > 0 else down)[p, column[name]] = 1.0
    member = candidates.membership()
    may_up, may_down = (member @ up) > 0, (member @ down) > 0
    # Only the actions' own features changed, each the way its action moves it (a missing value may
    # become observed), and something did.
    allowed = (
        ~(changed & ~(may_up | may_down)).any(axis=1)
        & ~(went_up & ~may_up).any(axis=1)
        & ~(went_down & ~may_down).any(axis=1)
        & changed.any(axis=1)
    )
    # The margin can differ from the contributions' sum in the last float bits: the exact re-score of
    # the chosen below has the last word.
    reaches = allowed & (screened[1:] >= goal)

    def steps_of(variant: tuple[int, ...]) -> list[tuple[Action, int]]:
        return [candidates.parts[p] for p in variant]

    def effort(variant: tuple[int, ...]) -> int:
        # A step's rank among its action's steps (1 = the smallest): comparable across actions.
        return sum(sorted(a.steps).index(n) + 1 for a, n in steps_of(variant))

    chosen: list[int] = []
    singles = [k for k, v in enumerate(candidates.variants) if len(v) == 1 and reaches[k]]
    if singles:
        # Each action at the smallest step that reaches the goal.
        smallest: dict[str, int] = {}
        for k in singles:
            action, n = candidates.parts[candidates.variants[k][0]]
            if (
                action.code not in smallest
                or n < candidates.parts[candidates.variants[smallest[action.code]][0]][1]
            ):
                smallest[action.code] = k
        chosen = list(smallest.values())
    else:
        for size in range(2, MAX_COMBINED + 1):
            reaching = [k for k, v in enumerate(candidates.variants) if len(v) == size and reaches[k]]
            if reaching:
                chosen = _minimal_combinations(candidates, reaching, effort, screened[1:])
                break
    if not chosen:
        return result
    for k, idx in zip(chosen, exact([1 + k for k in chosen]), strict=True):
        if idx < goal:
            continue
        steps = steps_of(candidates.variants[k])
        row = raw[1 + k]
        changes = {
            name: (
                None if math.isnan(before[j]) else float(before[j]),
                None if math.isnan(row[j]) else float(row[j]),
            )
            for j, name in enumerate(EVIDENCE_NAMES)
            if changed[k, j]
        }
        result.suggestions.append(
            Suggestion(
                [Step(a.code, n) for a, n in steps],
                idx,
                grade_for(idx).code,
                changes,
                _specs(steps, features, today),
            )
        )
    result.suggestions.sort(key=lambda s: (len(s.steps), sum(st.n for st in s.steps), -s.index))
    return result


_one_thread: dict[int, object] = {}


def _margins(version, scorer, values: np.ndarray) -> np.ndarray:
    """The model's margin for every candidate row, in one call.

    For XGBoost: `inplace_predict` on a one-thread copy of the booster (kept per version). The ~1,500
    rows are too few for a second thread to pay: on the 2-core machine, with other work running, the
    DMatrix + two threads took 72 ms where this takes 1 ms (bench/README.md, recourse).
    """
    if not isinstance(scorer, FittedModel):
        return np.asarray(scorer.margin(values), dtype=float)
    if list(scorer.feature_names) != list(FEATURE_NAMES):
        raise RuntimeError(f"Model v{version.version} was built on other features; retrain it.")
    booster = _one_thread.get(version.pk)
    if booster is None:
        booster = scorer.booster.copy()
        booster.set_param({"nthread": 1})
        _one_thread[version.pk] = booster
    rows = np.asarray(values, dtype=np.float32)
    return np.asarray(booster.inplace_predict(rows, predict_type="margin", missing=np.nan), dtype=float)


def _minimal_combinations(candidates: _Candidates, reaching: list[int], effort, screened) -> list[int]:
    """The reaching combinations no smaller one of the same actions also reaches, smallest effort first,
    at most MAX_COMBINATIONS and each of different actions."""
    steps = {
        k: {a.code: n for a, n in (candidates.parts[p] for p in candidates.variants[k])} for k in reaching
    }
    by_actions: dict[frozenset[str], list[int]] = {}
    for k in reaching:
        by_actions.setdefault(frozenset(steps[k]), []).append(k)
    minimal: list[int] = []
    for group in by_actions.values():
        for k in group:
            dominated = any(
                other != k and all(steps[other][c] <= steps[k][c] for c in steps[k]) for other in group
            )
            if not dominated:
                minimal.append(k)
    minimal.sort(key=lambda k: (effort(candidates.variants[k]), -int(screened[k]), candidates.variants[k]))
    out: list[int] = []
    seen: set[frozenset[str]] = set()
    for k in minimal:
        codes = frozenset(steps[k])
        if codes not in seen:
            seen.add(codes)
            out.append(k)
        if len(out) >= MAX_COMBINATIONS:
            break
    return out


def action_moves(steps: Sequence[tuple[Action, int]]) -> dict[str, set[int]]:
    """Each feature the steps may move, and the directions they may move it."""
    moves: dict[str, set[int]] = {}
    for action, _n in steps:
        for name, direction in action.moves.items():
            moves.setdefault(name, set()).add(direction)
    return moves
