"""Point-in-time features: each declared once, computed as of a date from the facts known by then.

Rules that keep the features honest:

* **No leakage.** A fact counts only if it had happened (`occurred_at <= as_of`) *and* TrustFair
  knew it (`known_at <= as_of`); a correction hides the fact it supersedes only from the moment the
  correction was known. A retraction (`fact_retracted`, e.g. an upheld "not ours" dispute) is such a
  correction that carries no evidence of its own: it hides the fact it names from its moment on and
  feeds no feature itself (`RETRACTION_KIND` is in no aggregate and no latest value; a test holds it).
* **Missing stays missing.** A feature with no evidence is NaN (None in `feature_vector`), never 0.
  Counts of platform events (deals, cancellations, disputes, fairs, meetings) are 0 once the subject
  has joined the platform — the platform sees all of them — and NaN before. Sanctions hits and court
  judgments are 0 when none is known: those feeds screen every subject. Partner values (bank rating,
  insured limit, registry data, chamber membership) are NaN until a partner reports them.
* **Missing data never helps.** The evidence keeps its NaNs (`FeatureMatrix.raw`, what people
  read); the model scores `encode(raw)`: each missing value replaced by a conservative, risk-side
  value plus a missing indicator that the monotone constraints allow only to raise risk
  (credit/MISSING_DATA.md says why, with the options measured).
* **Money in one unit.** Facts keep their original currency; features convert to USD at the rates
  in force on the as-of date, read from the platform's FX table through the callable that
  `settings.CREDIT_FX_RATES` names (`(as_of: date) -> {code: USD per unit}`, e.g.
  `marketplace.core.fx.usd_rates`): credit imports nothing from marketplace. A past feature does not
  change because today's rate moved; amounts in a currency without a rate are left out.
* **Batch first.** `build_feature_matrix` computes every subject at once with two aggregate queries
  over the facts table (one GROUP BY subject with conditional aggregates, one "latest value per
  subject and kind") plus one query for the subjects; `feature_vector` is the same code for one id.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    Expression,
    F,
    FloatField,
    IntegerField,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.db.models.lookups import In
from django.utils.module_loading import import_string
from django.utils.translation import get_language

from credit.facts import subject_model
from credit.models import Fact

NAN = float("nan")
YEAR_DAYS = 365.25


@functools.lru_cache(maxsize=4)
def _fx_source(path: str) -> Callable[[dt.date], dict]:
    return import_string(path)


def fx_rates(as_of: dt.date | dt.datetime) -> dict[str, float]:
    """US dollars per unit of each currency on `as_of`, from the callable `settings.CREDIT_FX_RATES` names."""
    path = getattr(settings, "CREDIT_FX_RATES", None)
    if not path:
        raise ImproperlyConfigured(
            "CREDIT_FX_RATES must name a callable (as_of: date) -> {currency: USD per unit}, "
            'e.g. "marketplace.core.fx.usd_rates"'
        )
    day = as_of.date() if isinstance(as_of, dt.datetime) else as_of
    return {code: float(rate) for code, rate in _fx_source(path)(day).items()}


DIMENSIONS: dict[str, tuple[str, str]] = {
    "identity_compliance": ("Identity and compliance", "身份与合规"),
    "trade_performance": ("Trade performance", "交易表现"),
    "financial_strength": ("Financial strength", "财务实力"),
    "insurance": ("Insurance", "信用保险"),
    "participation_reputation": ("Participation and reputation", "参与度与声誉"),
}


def _zh() -> bool:
    return (get_language() or "").startswith("zh")


def dimension_name(code: str) -> str:
    en, zh = DIMENSIONS[code]
    return zh if _zh() else en


# ---------------------------------------------------------------------------------------------
# Aggregates: what SQL computes per subject. Features below combine them.


@dataclass(frozen=True)
class Agg:
    """One conditional aggregate over a subject's visible facts of some kinds in a trailing window."""

    kinds: tuple[str, ...]
    func: str  # count | sum_usd | avg | max
    window_days: int | None = None
    metric_max: float | None = None  # count only facts with metric <= this
    metric_eq: float | None = None  # count only facts with metric == this


AGGS: dict[str, Agg] = {
    "deals_12m_n": Agg(("deal_completed",), "count", 365),
    "deals_12m_usd": Agg(("deal_completed",), "sum_usd", 365),
    "deals_90d_usd": Agg(("deal_completed",), "sum_usd", 90),
    "inv_24m_n": Agg(("invoice_paid",), "count", 730),
    "inv_24m_ontime": Agg(("invoice_paid",), "count", 730, metric_max=0.0),
    "late_24m_n": Agg(("payment_late",), "count", 730),
    "late_24m_avg": Agg(("payment_late",), "avg", 730),
    "late_24m_max": Agg(("payment_late",), "max", 730),
    "disputes_lost_36m": Agg(("dispute_resolved",), "count", 1095, metric_eq=1.0),
    "cancel_12m": Agg(("order_cancelled",), "count", 365),
    "claims_24m": Agg(("insurance_claim_filed",), "count", 730),
    "insurance_any": Agg(
        ("insurance_limit_granted", "insurance_limit_cut", "insurance_claim_filed", "insurance_claim_paid"),
        "count",
    ),
    "fairs_ex_36m": Agg(("fair_exhibited",), "count", 1095),
    "fairs_att_36m": Agg(("fair_attended",), "count", 1095),
    "meet_held_24m": Agg(("meeting_held",), "count", 730),
    "meet_missed_24m": Agg(("meeting_missed",), "count", 730),
    "booth_max_36m": Agg(("fair_exhibited",), "max", 1095),
    "checkin_days_36m": Agg(("fair_checked_in",), "count", 1095),
    "hosted_att_24m": Agg(("hosted_meeting_attended",), "count", 730),
    "hosted_noshow_24m": Agg(("hosted_meeting_no_show",), "count", 730),
    "sanctions_n": Agg(("sanctions_hit",), "count"),
    "judgments_36m": Agg(("court_judgment",), "count", 1095, metric_eq=1.0),
}

# Kinds whose latest value (by occurred_at, then known_at, then id) is a feature.
LATEST_KINDS = (
    "bank_rating",
    "registry_status",
    "insurance_limit_granted",
    "insurance_limit_cut",
    "company_registered",
    "chamber_membership",
    "verification_decision",
    "company_profile",
    "certificates_on_file",
)


def _usd_expression(rate: Callable[[str], object], codes: Sequence[str]):
    """The fact's amount in USD; `rate(code)` gives the expression of the code's USD rate."""
    return Case(
        *[When(currency=code, then=Cast(F("amount"), FloatField()) * rate(code)) for code in codes],
        default=Value(None),
        output_field=FloatField(),
    )


# What an average is made of, read beside it by the what-if query only: an average with facts added is
# (sum + added) / (count + added), as SQL's AVG computes it.
AVG_SUM, AVG_COUNT = "__sum", "__count"


def _companions() -> list[str]:
    return [f"{n}{part}" for n, a in AGGS.items() if a.func == "avg" for part in (AVG_SUM, AVG_COUNT)]


def _aggregate_expressions(
    window_start: Callable[[int], object],
    rate: Callable[[str], object],
    codes: Sequence[str],
    *,
    companions: bool = False,
) -> dict:
    """The conditional aggregates; `window_start(days)` gives the start of a trailing window, `rate(code)`
    a currency's USD rate. With `companions`, each average's sum and count too (`_companions()`)."""
    usd = _usd_expression(rate, codes)
    expressions = {}
    for name, agg in AGGS.items():
        condition = Q(kind__in=agg.kinds)
        if agg.window_days is not None:
            condition &= Q(occurred_at__gt=window_start(agg.window_days))
        if agg.metric_max is not None:
            condition &= Q(metric__lte=agg.metric_max)
        if agg.metric_eq is not None:
            condition &= Q(metric=agg.metric_eq)
        if agg.func == "count":
            expressions[name] = Count("id", filter=condition)
        elif agg.func == "sum_usd":
            expressions[name] = Sum(usd, filter=condition)
        elif agg.func == "avg":
            expressions[name] = Avg("metric", filter=condition)
            if companions:
                expressions[f"{name}{AVG_SUM}"] = Sum("metric", filter=condition)
                expressions[f"{name}{AVG_COUNT}"] = Count("metric", filter=condition)
        else:
            expressions[name] = Max("metric", filter=condition)
    return expressions


# ---------------------------------------------------------------------------------------------
# Feature declarations.


@dataclass(frozen=True)
class Ctx:
    """The arrays features are computed from: aggregates, latest values, and per-subject dates (n each)."""

    agg: dict[str, np.ndarray]
    latest_metric: dict[str, np.ndarray]
    latest_usd: dict[str, np.ndarray]
    latest_at: dict[str, np.ndarray]
    joined: np.ndarray  # bool: subject had joined the platform by as_of
    platform_years: np.ndarray
    as_of_ordinal: int


@dataclass(frozen=True)
class Feature:
    """A model input: its name, dimension, the way it moves risk (+1 up, -1 down, 0 unknown), and meaning."""

    name: str
    dimension: str
    direction: int
    label_en: str
    label_zh: str
    meaning_en: str
    meaning_zh: str
    compute: Callable[[Ctx], np.ndarray] | None

    @property
    def missing_as(self) -> float | None:
        """The conservative value the model sees when there is no evidence (None: never missing)."""
        return MISSING_AS.get(self.name)

    @property
    def label(self) -> str:
        return self.label_zh if _zh() else self.label_en

    @property
    def meaning(self) -> str:
        return self.meaning_zh if _zh() else self.meaning_en


def _on_platform(ctx: Ctx, key: str) -> np.ndarray:
    return np.where(ctx.joined, ctx.agg[key], NAN)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), NAN)


def _days_late(ctx: Ctx, key: str) -> np.ndarray:
    has_late = ctx.agg["late_24m_n"] > 0
    has_invoices = ctx.agg["inv_24m_n"] > 0
    return np.where(has_late, ctx.agg[key], np.where(has_invoices, 0.0, NAN))


def _limit_use(ctx: Ctx) -> np.ndarray:
    limit = _latest_limit(ctx)
    exposure = np.nan_to_num(ctx.agg["deals_90d_usd"])
    with np.errstate(divide="ignore", invalid="ignore"):
        use = np.where(limit > 0, exposure / np.where(limit > 0, limit, 1), np.where(exposure > 0, 10.0, 0.0))
    return np.where(np.isnan(limit), NAN, np.minimum(use, 10.0))


def _latest_limit(ctx: Ctx) -> np.ndarray:
    granted_at = ctx.latest_at["insurance_limit_granted"]
    cut_at = ctx.latest_at["insurance_limit_cut"]
    granted, cut = ctx.latest_usd["insurance_limit_granted"], ctx.latest_usd["insurance_limit_cut"]
    cut_is_later = np.nan_to_num(cut_at, nan=-np.inf) >= np.nan_to_num(granted_at, nan=-np.inf)
    return np.where(np.isnan(cut_at), granted, np.where(cut_is_later, cut, granted))


def _years_in_business(ctx: Ctx) -> np.ndarray:
    # The registry's founding date; else the founding year on the licence the platform verified
    # (its last day: the youngest the company can be).
    registry = ctx.latest_metric["company_registered"]
    founded = np.where(np.isnan(registry), ctx.latest_metric["company_profile"], registry)
    return np.where(np.isnan(founded), NAN, np.maximum(ctx.as_of_ordinal - founded, 0.0) / YEAR_DAYS)


def _certificates_current(ctx: Ctx) -> np.ndarray:
    # The platform sees every certificate: none on file is a zero once the company has joined.
    on_file = ctx.latest_metric["certificates_on_file"]
    return np.where(ctx.joined, np.nan_to_num(on_file), on_file)


def _chamber_member(ctx: Ctx) -> np.ndarray:
    seen = ~np.isnan(ctx.latest_at["chamber_membership"])
    valid_until = ctx.latest_metric["chamber_membership"]
    current = np.isnan(valid_until) | (valid_until >= ctx.as_of_ordinal)
    return np.where(seen, current.astype(float), NAN)


FEATURES: list[Feature] = [
    # identity and compliance
    Feature(
        "years_in_business",
        "identity_compliance",
        -1,
        "Years in business",
        "经营年限",
        "Years since the founding date in the registry.",
        "自工商登记成立日期起的年数。",
        _years_in_business,
    ),
    Feature(
        "registry_status",
        "identity_compliance",
        +1,
        "Registry status",
        "登记状态",
        "Latest registry status: 0 active, 1 abnormal, 2 deregistered.",
        "最新登记状态：0 存续，1 经营异常，2 注销。",
        lambda c: c.latest_metric["registry_status"],
    ),
    Feature(
        "sanctions_hits",
        "identity_compliance",
        +1,
        "Sanctions hits",
        "制裁名单命中次数",
        "Sanctions list hits known so far.",
        "截至当日已知的制裁名单命中次数。",
        lambda c: c.agg["sanctions_n"],
    ),
    Feature(
        "judgments_against_36m",
        "identity_compliance",
        +1,
        "Judgments against (3 years)",
        "败诉判决（3年）",
        "Court judgments against the company in the last 36 months.",
        "近36个月对该公司不利的法院判决数。",
        lambda c: c.agg["judgments_36m"],
    ),
    Feature(
        "chamber_member",
        "identity_compliance",
        -1,
        "Chamber membership",
        "商会会员",
        "1 if a chamber of commerce membership is current, 0 if it lapsed.",
        "商会会员资格有效为1，已失效为0。",
        _chamber_member,
    ),
    Feature(
        "identity_verified",
        "identity_compliance",
        -1,
        "Identity verified",
        "身份已验证",
        "1 if the platform's latest verification decision left the company verified (an approved "
        "business licence), 0 after a rejection, revocation or expiry.",
        "平台最近一次验证决定后公司处于已验证状态（营业执照获批）为1，被拒、撤销或过期为0。",
        lambda c: c.latest_metric["verification_decision"],
    ),
    Feature(
        "certificates_current",
        "identity_compliance",
        -1,
        "Product certificates",
        "产品认证",
        "Product certificates on file and not expired, as the catalog last reported them.",
        "目录最近报告的在档且未过期的产品认证数。",
        _certificates_current,
    ),
    # trade performance
    Feature(
        "deals_completed_12m",
        "trade_performance",
        -1,
        "Deals completed (12 months)",
        "完成交易数（12个月）",
        "Deals completed on the platform in the last 12 months.",
        "近12个月在平台完成的交易数。",
        lambda c: _on_platform(c, "deals_12m_n"),
    ),
    Feature(
        "deals_value_12m_usd",
        "trade_performance",
        -1,
        "Deal value (12 months, USD)",
        "交易金额（12个月，美元）",
        "Value of deals completed in the last 12 months, in USD.",
        "近12个月完成交易的金额（折合美元）。",
        lambda c: np.where(c.joined, np.nan_to_num(c.agg["deals_12m_usd"]), NAN),
    ),
    Feature(
        "on_time_payment_ratio",
        "trade_performance",
        -1,
        "On-time payment ratio",
        "按时付款率",
        "Share of invoices paid by their due date in the last 24 months.",
        "近24个月按期支付的发票占比。",
        lambda c: _ratio(c.agg["inv_24m_ontime"], c.agg["inv_24m_n"]),
    ),
    Feature(
        "avg_days_late_24m",
        "trade_performance",
        +1,
        "Average days late",
        "平均逾期天数",
        "Average days late of late payments in the last 24 months (0 if all paid on time).",
        "近24个月逾期付款的平均逾期天数（均按时为0）。",
        lambda c: _days_late(c, "late_24m_avg"),
    ),
    Feature(
        "worst_days_late_24m",
        "trade_performance",
        +1,
        "Worst days late",
        "最长逾期天数",
        "Longest delay of a payment in the last 24 months.",
        "近24个月最长的付款逾期天数。",
        lambda c: _days_late(c, "late_24m_max"),
    ),
    Feature(
        "disputes_lost_36m",
        "trade_performance",
        +1,
        "Disputes lost (3 years)",
        "败诉争议（3年）",
        "Disputes resolved in the counterparty's favour in the last 36 months.",
        "近36个月裁定对方胜诉的交易争议数。",
        lambda c: _on_platform(c, "disputes_lost_36m"),
    ),
    Feature(
        "cancellations_12m",
        "trade_performance",
        +1,
        "Orders cancelled (12 months)",
        "取消订单数（12个月）",
        "Orders cancelled in the last 12 months.",
        "近12个月取消的订单数。",
        lambda c: _on_platform(c, "cancel_12m"),
    ),
    Feature(
        "years_on_platform",
        "trade_performance",
        -1,
        "Years on the platform",
        "平台年限",
        "Years since the company joined TrustFair.",
        "公司加入平台以来的年数。",
        lambda c: c.platform_years,
    ),
    # financial strength
    Feature(
        "bank_rating",
        "financial_strength",
        +1,
        "Bank rating",
        "银行评级",
        "Latest bank rating step: 1 = AAA (best) … 10 = D.",
        "最新银行评级档位：1=AAA（最好）… 10=D。",
        lambda c: c.latest_metric["bank_rating"],
    ),
    Feature(
        "registered_capital_usd",
        "financial_strength",
        -1,
        "Registered capital (USD)",
        "注册资本（美元）",
        "Registered capital from the registry, in USD.",
        "工商登记的注册资本（折合美元）。",
        lambda c: c.latest_usd["company_registered"],
    ),
    # insurance
    Feature(
        "insured_limit_usd",
        "insurance",
        -1,
        "Insured credit limit (USD)",
        "信用保险限额（美元）",
        "Latest credit insurance limit granted or cut, in USD.",
        "最新的信用保险限额（授予或削减后，折合美元）。",
        _latest_limit,
    ),
    Feature(
        "insured_limit_use",
        "insurance",
        +1,
        "Insured limit in use",
        "保险限额使用率",
        "Deal value of the last 90 days over the insured limit (capped at 10).",
        "近90天交易金额与保险限额之比（上限10）。",
        _limit_use,
    ),
    Feature(
        "claims_24m",
        "insurance",
        +1,
        "Insurance claims (2 years)",
        "保险索赔（2年）",
        "Insurance claims filed in the last 24 months (missing if never insured).",
        "近24个月提出的保险索赔数（从未投保则缺失）。",
        lambda c: np.where(c.agg["insurance_any"] > 0, c.agg["claims_24m"], NAN),
    ),
    # participation and reputation
    Feature(
        "fairs_exhibited_3y",
        "participation_reputation",
        -1,
        "Fairs exhibited (3 years)",
        "参展次数（3年）",
        "Fair sessions exhibited at in the last 36 months.",
        "近36个月参展的展会届次数。",
        lambda c: _on_platform(c, "fairs_ex_36m"),
    ),
    Feature(
        "fairs_attended_3y",
        "participation_reputation",
        -1,
        "Fairs attended (3 years)",
        "到会次数（3年）",
        "Fair sessions attended as a buyer in the last 36 months.",
        "近36个月作为采购商到会的届次数。",
        lambda c: _on_platform(c, "fairs_att_36m"),
    ),
    Feature(
        "meetings_kept_ratio",
        "participation_reputation",
        -1,
        "Meetings kept",
        "洽谈守约率",
        "Meetings held over meetings booked (held + missed) in the last 24 months.",
        "近24个月如约洽谈占预约洽谈的比例。",
        lambda c: _ratio(c.agg["meet_held_24m"], c.agg["meet_held_24m"] + c.agg["meet_missed_24m"]),
    ),
    Feature(
        "meetings_missed_24m",
        "participation_reputation",
        +1,
        "Meetings missed (2 years)",
        "洽谈缺席（2年）",
        "Meetings missed in the last 24 months.",
        "近24个月缺席的洽谈数。",
        lambda c: _on_platform(c, "meet_missed_24m"),
    ),
    Feature(
        "largest_booth_sqm_3y",
        "participation_reputation",
        -1,
        "Largest booth (3 years, m²)",
        "最大展位面积（3年，平方米）",
        "Size of the largest booth the company exhibited at in the last 36 months (0 if none).",
        "近36个月参展所用最大展位的面积（未参展为0）。",
        lambda c: np.where(c.joined, np.nan_to_num(c.agg["booth_max_36m"]), NAN),
    ),
    Feature(
        "fair_days_checked_in_3y",
        "participation_reputation",
        -1,
        "Fair days checked in (3 years)",
        "展会签到天数（3年）",
        "Fair days on which the company's buyers checked in with their badges in the last 36 months.",
        "近36个月公司采购人员凭证件入场签到的展会天数。",
        lambda c: _on_platform(c, "checkin_days_36m"),
    ),
    Feature(
        "hosted_meetings_attended_2y",
        "participation_reputation",
        -1,
        "Hosted buyer meetings attended (2 years)",
        "出席采购见面会洽谈（2年）",
        "Hosted buyer meetings at which the company's side was scanned at the table in the last 24 months.",
        "近24个月在采购见面会洽谈桌前扫码出席的洽谈数。",
        lambda c: _on_platform(c, "hosted_att_24m"),
    ),
    Feature(
        "hosted_no_shows_2y",
        "participation_reputation",
        +1,
        "Hosted buyer meeting no-shows (2 years)",
        "采购见面会缺席（2年）",
        "Hosted buyer meetings the company missed while the other side was present, last 24 months.",
        "近24个月对方到场而本公司缺席的采购见面会洽谈数。",
        lambda c: _on_platform(c, "hosted_noshow_24m"),
    ),
]
EVIDENCE_NAMES = [f.name for f in FEATURES]

# ---------------------------------------------------------------------------------------------
# Missing evidence. See credit/MISSING_DATA.md for the options measured and why this one.
#
# The model never sees NaN. A feature without evidence is given
#   * its conservative value `MISSING_AS[name]`: the observed value at the risk-side 10 % quantile
#     of the simulated population (the 90th percentile for a risk-raising feature, the 10th for a
#     risk-lowering one), rounded; and
#   * a missing indicator `<name>__missing` (1 when missing), declared risk-raising (+1) so the
#     monotone constraints forbid the model to reward it.
# Because the model is monotone in both, "missing" scores at least as risky as the conservative
# value observed, which is at least as risky as the median observed value: missing data never
# helps, whatever the training data made missing values look like.

MISSING_SUFFIX = "__missing"
MISSING_QUANTILE = 0.10
# bench/credit_missing.py prints the quantiles of the simulated population; these are them rounded
# towards risk (down for a risk-lowering feature, up for a risk-raising one).
MISSING_AS: dict[str, float] = {
    "years_in_business": 3.0,
    "registry_status": 0.0,
    "chamber_member": 0.0,
    "identity_verified": 0.0,
    "certificates_current": 0.0,
    "deals_completed_12m": 0.0,
    "deals_value_12m_usd": 0.0,
    "on_time_payment_ratio": 0.5,
    "avg_days_late_24m": 25.0,
    "worst_days_late_24m": 25.0,
    "disputes_lost_36m": 0.0,
    "cancellations_12m": 1.0,
    "years_on_platform": 0.0,
    "bank_rating": 6.0,
    "registered_capital_usd": 90_000.0,
    "insured_limit_usd": 10_000.0,
    "insured_limit_use": 1.1,
    "claims_24m": 0.0,
    "fairs_exhibited_3y": 0.0,
    "fairs_attended_3y": 0.0,
    "meetings_kept_ratio": 0.6,
    "meetings_missed_24m": 2.0,
    "largest_booth_sqm_3y": 0.0,
    "fair_days_checked_in_3y": 0.0,
    "hosted_meetings_attended_2y": 0.0,
    "hosted_no_shows_2y": 1.0,
}


def _indicator(feature: Feature) -> Feature:
    return Feature(
        f"{feature.name}{MISSING_SUFFIX}",
        feature.dimension,
        +1,
        f"No data: {feature.label_en}",
        f"无数据：{feature.label_zh}",
        f"1 when there is no evidence for “{feature.label_en}”; never lowers risk.",
        f"“{feature.label_zh}”无证据时为1；绝不降低风险。",
        None,
    )


INDICATORS = [_indicator(f) for f in FEATURES if f.missing_as is not None]
# The model's inputs: every evidence feature (missing ones at their conservative value), then the
# missing indicators. Models, monotone constraints and assessments use these names in this order.
MODEL_FEATURES = FEATURES + INDICATORS
FEATURE_NAMES = [f.name for f in MODEL_FEATURES]
FEATURES_BY_NAME = {f.name: f for f in MODEL_FEATURES}
# Column of each indicator's evidence feature, for folding contributions back onto the evidence.
INDICATOR_OF = {
    len(FEATURES) + k: EVIDENCE_NAMES.index(f.name.removesuffix(MISSING_SUFFIX))
    for k, f in enumerate(INDICATORS)
}


def monotone_constraints() -> tuple[int, ...]:
    """XGBoost's monotone_constraints in FEATURE_NAMES order."""
    return tuple(f.direction for f in MODEL_FEATURES)


def encode(raw: np.ndarray, *, missing_as: dict[str, float] | None = None) -> np.ndarray:
    """Model inputs from evidence (EVIDENCE_NAMES columns, NaN where missing): conservative values
    in place of NaN, then one 0/1 indicator column per feature that can be missing."""
    raw = np.asarray(raw, dtype=float)
    values = MISSING_AS if missing_as is None else missing_as
    out = np.empty((raw.shape[0], len(MODEL_FEATURES)), dtype=float)
    out[:, : len(FEATURES)] = raw
    for k, feature in enumerate(INDICATORS):
        j = EVIDENCE_NAMES.index(feature.name.removesuffix(MISSING_SUFFIX))
        missing = np.isnan(raw[:, j])
        out[:, len(FEATURES) + k] = missing
        out[missing, j] = values[FEATURES[j].name]
    return out


def fold_onto_evidence(per_input: np.ndarray) -> np.ndarray:
    """Per-input numbers (contributions, points) summed onto the evidence feature they describe."""
    per_input = np.asarray(per_input, dtype=float)
    out = per_input[:, : len(FEATURES)].copy()
    for column, j in INDICATOR_OF.items():
        out[:, j] += per_input[:, column]
    return out


# ---------------------------------------------------------------------------------------------
# Building.


@dataclass(frozen=True)
class FeatureMatrix:
    """Features of many subjects as of one moment, rows following `subject_ids`.

    `raw` is the evidence as observed (columns EVIDENCE_NAMES, NaN where there is none): what people
    read. `values` is what the model scores (columns `names` = FEATURE_NAMES): `encode(raw)`.
    """

    subject_ids: np.ndarray
    names: list[str]
    values: np.ndarray
    as_of: dt.datetime
    # Per row: how many facts of the subject were visible, and the newest one's id. Facts are
    # append-only with increasing ids, so the pair names exactly the facts the row was built from.
    evidence: np.ndarray
    raw: np.ndarray

    @property
    def raw_names(self) -> list[str]:
        return list(EVIDENCE_NAMES)

    def row(self, subject_id: int) -> dict[str, float | None]:
        """The subject's evidence by feature name, None where there is none."""
        index = int(np.searchsorted(self.subject_ids, subject_id))
        if index >= len(self.subject_ids) or self.subject_ids[index] != subject_id:
            raise KeyError(subject_id)
        return {
            n: (None if math.isnan(v) else float(v))
            for n, v in zip(EVIDENCE_NAMES, self.raw[index], strict=True)
        }


def as_of_moment(as_of: dt.date | dt.datetime) -> dt.datetime:
    """A date means the end of that day (UTC): everything known during the day counts."""
    if isinstance(as_of, dt.datetime):
        if as_of.tzinfo is None:
            raise ValueError("as_of must be timezone-aware")
        return as_of
    return dt.datetime.combine(as_of, dt.time.max, tzinfo=dt.UTC)


ANALYTIC_WORK_MEM = "256MB"
# Above this many ids, filtering in SQL costs more than reading everyone (and SQLite caps parameters).
_IN_LIMIT = 2000


def build_feature_matrix(
    *, as_of: dt.date | dt.datetime, subject_ids: Iterable[int] | None = None
) -> FeatureMatrix:
    """Every feature of every subject (or of `subject_ids`) as of `as_of`, rows sorted by subject id."""
    moment = as_of_moment(as_of)
    wanted = None if subject_ids is None else sorted(set(subject_ids))
    if wanted == []:
        return FeatureMatrix(
            subject_ids=np.empty(0, dtype=np.int64),
            names=list(FEATURE_NAMES),
            values=np.empty((0, len(FEATURE_NAMES))),
            as_of=moment,
            evidence=np.empty((0, 2), dtype=np.int64),
            raw=np.empty((0, len(FEATURES))),
        )
    read = _read(moment, wanted)
    raw = _compute(read.ctx)
    return FeatureMatrix(
        subject_ids=read.ids,
        names=list(FEATURE_NAMES),
        values=encode(raw),
        as_of=moment,
        evidence=read.evidence,
        raw=raw,
    )


@dataclass(frozen=True)
class _Read:
    """What the facts table says about some subjects as of a moment: the features' inputs, and more."""

    ids: np.ndarray
    ctx: Ctx
    evidence: np.ndarray
    # Only for the what-if path: when the latest fact of each LATEST_KINDS kind became known (its
    # tie-break after occurred_at), and each average's sum and count (`_companions()`).
    latest_known: dict[str, np.ndarray] | None = None
    companions: dict[str, np.ndarray] | None = None


def _read(moment: dt.datetime, wanted: list[int] | None, *, what_if: bool = False) -> _Read:
    subjects = subject_model().objects.order_by("pk")
    if wanted is not None and len(wanted) <= _IN_LIMIT:
        subjects = subjects.filter(pk__in=wanted)
    rows = list(subjects.values_list("pk", "created_at"))
    if wanted is not None and len(wanted) > _IN_LIMIT:
        keep = set(wanted)
        rows = [r for r in rows if r[0] in keep]
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    n = len(ids)
    facts = Fact.objects.visible(moment)
    if wanted is not None and len(wanted) <= _IN_LIMIT:
        facts = facts.filter(subject_id__in=wanted)

    with _analytic_session():
        rates = fx_rates(moment)
        agg, evidence, companions = _read_aggregates(moment, ids, wanted, rates, companions=what_if)
        latest_metric, latest_usd, latest_at, latest_known = _read_latest(facts, ids, rates, known=what_if)
    joined = np.fromiter((r[1] <= moment for r in rows), dtype=bool, count=n)
    platform_years = np.fromiter(
        ((moment - r[1]).total_seconds() / 86400 / YEAR_DAYS if r[1] <= moment else NAN for r in rows),
        dtype=float,
        count=n,
    )
    ctx = Ctx(agg, latest_metric, latest_usd, latest_at, joined, platform_years, moment.date().toordinal())
    return _Read(ids, ctx, evidence, latest_known, companions)


def _compute(ctx: Ctx) -> np.ndarray:
    raw = np.empty((len(ctx.joined), len(FEATURES)), dtype=float)
    for column, feature in enumerate(FEATURES):
        raw[:, column] = feature.compute(ctx)
    return raw


# ---------------------------------------------------------------------------------------------
# What if: features with facts that were never written (credit/recourse.py).


@dataclass(frozen=True)
class FactLike:
    """What the feature builder reads of a fact: the columns `credit.facts.record` stores (kind, dates,
    and `FactKind.columns`' amount, currency and metric). It supersedes nothing."""

    kind: str
    occurred_at: dt.datetime
    known_at: dt.datetime
    amount: Decimal | None = None
    currency: str = ""
    metric: float | None = None


@dataclass(frozen=True)
class WhatIf:
    """One subject's evidence as of a moment, read once, from which `matrix` adds facts never written."""

    subject_id: int
    moment: dt.datetime
    read: _Read
    rates: dict[str, float]

    @functools.cached_property
    def base_raw(self) -> np.ndarray:
        """The subject's evidence now (EVIDENCE_NAMES, NaN where none): `build_feature_matrix`'s row."""
        return _compute(self.read.ctx)[0]

    def features(self) -> dict[str, float | None]:
        return {
            n: (None if math.isnan(v) else float(v))
            for n, v in zip(EVIDENCE_NAMES, self.base_raw, strict=True)
        }

    def matrix(
        self, *, parts: Sequence[Sequence[FactLike]], variants: Sequence[Sequence[int]]
    ) -> FeatureMatrix:
        """Row 0: the subject now; row 1 + k: with the facts of `variants[k]` recorded too.

        A variant lists indices into `parts` (each part a list of facts, e.g. "six invoices paid
        today"); its facts count as recorded in the order of their parts' indices, after every
        existing fact (they get the highest ids). No query: counts and sums add, a maximum takes the
        larger, an average is (sum + added) / (count + added), a latest value is replaced when the
        added fact is later by (occurred_at, known_at, id) — the rules the SQL applies, with the same
        visibility and windows. Then every feature is computed once for all rows by the very
        `Feature.compute` functions the batch uses. `subject_ids` holds the subject on every row.
        """
        moment, rates, read = self.moment, self.rates, self.read
        membership = np.zeros((len(variants), len(parts)), dtype=bool)
        sizes = [len(v) for v in variants]
        membership[np.repeat(np.arange(len(variants)), sizes), [p for v in variants for p in v]] = True
        n = len(variants)
        base = read.ctx

        def rows(value: np.ndarray) -> np.ndarray:
            return np.repeat(value[:1], n + 1)

        deltas = [_part_deltas(part, moment, rates) for part in parts]
        agg = {}
        for name, spec in AGGS.items():
            column = rows(base.agg[name])
            if spec.func in ("count", "sum_usd"):
                added = np.array([d.agg[name] for d in deltas], dtype=float).reshape(len(parts))
                column[1:] += membership.astype(float) @ added if len(parts) else 0.0
            elif spec.func == "max":
                added = np.array([d.agg[name] for d in deltas], dtype=float).reshape(len(parts))
                biggest = np.where(membership, added, NAN)
                with np.errstate(invalid="ignore"):
                    biggest = np.fmax.reduce(biggest, axis=1, initial=NAN) if len(parts) else np.full(n, NAN)
                column[1:] = np.fmax(column[1:], biggest)
            else:  # avg
                total = read.companions[f"{name}{AVG_SUM}"][0]
                count = read.companions[f"{name}{AVG_COUNT}"][0]
                added_sum = np.array([d.agg[f"{name}{AVG_SUM}"] for d in deltas], dtype=float).reshape(
                    len(parts)
                )
                added_n = np.array([d.agg[f"{name}{AVG_COUNT}"] for d in deltas], dtype=float).reshape(
                    len(parts)
                )
                more_n = membership.astype(float) @ added_n
                more_sum = membership.astype(float) @ added_sum
                with np.errstate(divide="ignore", invalid="ignore"):
                    averaged = (np.nan_to_num(total) + more_sum) / (count + more_n)
                column[1:] = np.where(more_n > 0, averaged, column[1:])
            agg[name] = column

        latest_metric, latest_usd, latest_at = {}, {}, {}
        for kind in LATEST_KINDS:
            metric, usd, at = (
                rows(base.latest_metric[kind]),
                rows(base.latest_usd[kind]),
                rows(base.latest_at[kind]),
            )
            # Each part's last fact of the kind by (occurred_at, known_at, position), ranked across parts
            # by the same key with the part's index last (parts are recorded in index order).
            keys = [d.latest.get(kind) for d in deltas]
            ranked = sorted((key[:2] + (p,), p) for p, key in enumerate(keys) if key is not None)
            if ranked:
                rank = np.full(len(parts), -1)
                for r, (_key, p) in enumerate(ranked):
                    rank[p] = r
                best = np.where(membership, rank, -1).max(axis=1)
                winner = np.array([ranked[r][1] if r >= 0 else -1 for r in best.tolist()])
                base_key = (
                    base.latest_at[kind][0],
                    NAN if read.latest_known is None else read.latest_known[kind][0],
                )
                for k in np.flatnonzero(winner >= 0).tolist():
                    occurred, known, m, u = keys[winner[k]]
                    # The added fact has the highest id: on equal dates it is the later one.
                    if math.isnan(base_key[0]) or (occurred, known) >= base_key:
                        metric[1 + k], usd[1 + k], at[1 + k] = m, u, occurred
            latest_metric[kind], latest_usd[kind], latest_at[kind] = metric, usd, at

        ctx = Ctx(
            agg,
            latest_metric,
            latest_usd,
            latest_at,
            rows(base.joined),
            rows(base.platform_years),
            base.as_of_ordinal,
        )
        raw = _compute(ctx)
        added = np.concatenate(
            [[0], membership.astype(int) @ np.array([d.visible for d in deltas], dtype=int)]
        )
        evidence = np.repeat(read.evidence[:1], n + 1, axis=0)
        evidence[:, 0] += added
        return FeatureMatrix(
            subject_ids=np.full(n + 1, read.ids[0], dtype=np.int64),
            names=list(FEATURE_NAMES),
            values=encode(raw),
            as_of=moment,
            evidence=evidence,
            raw=raw,
        )


def what_if(*, subject_id: int, as_of: dt.date | dt.datetime) -> WhatIf:
    """Features with facts that were never written: one subject's evidence as `build_feature_matrix`
    reads it (one read of the facts table: the same aggregate query, plus each average's sum and count
    and each latest value's known_at), ready to add what-if facts in memory (`WhatIf.matrix`).

    tests/credit/test_what_if.py writes each recourse action's facts for real and checks that
    `build_feature_matrix` then gives the rows `WhatIf.matrix` promised.
    """
    moment = as_of_moment(as_of)
    read = _read(moment, [subject_id], what_if=True)
    if len(read.ids) != 1:
        raise KeyError(subject_id)
    return WhatIf(subject_id, moment, read, fx_rates(moment))


@dataclass(frozen=True)
class _Delta:
    """What one part's facts add: per aggregate column, and per latest kind its last fact's
    (occurred ts, known ts, metric, usd); `visible` counts the facts the moment can see."""

    agg: dict[str, float]
    latest: dict[str, tuple[float, float, float, float]]
    visible: int


def _part_deltas(part: Sequence[FactLike], moment: dt.datetime, rates: dict[str, float]) -> _Delta:
    agg: dict[str, float] = {}
    for name, spec in AGGS.items():
        if spec.func == "avg":
            agg[f"{name}{AVG_SUM}"] = agg[f"{name}{AVG_COUNT}"] = 0.0
        agg[name] = NAN if spec.func == "max" else 0.0
    latest: dict[str, tuple[float, float, float, float]] = {}
    visible = 0
    for fact in part:
        if fact.occurred_at > moment or fact.known_at > moment:
            continue
        visible += 1
        usd = (
            float(fact.amount) * rates[fact.currency]
            if fact.amount is not None and fact.currency in rates
            else None
        )
        for name, spec in AGGS.items():
            if fact.kind not in spec.kinds:
                continue
            if spec.window_days is not None and not fact.occurred_at > moment - dt.timedelta(
                days=spec.window_days
            ):
                continue
            if spec.metric_max is not None and not (
                fact.metric is not None and fact.metric <= spec.metric_max
            ):
                continue
            if spec.metric_eq is not None and fact.metric != spec.metric_eq:
                continue
            if spec.func == "count":
                agg[name] += 1
            elif spec.func == "sum_usd":
                agg[name] += 0.0 if usd is None else usd
            elif spec.func == "max":
                if fact.metric is not None:
                    agg[name] = fact.metric if math.isnan(agg[name]) else max(agg[name], fact.metric)
            elif fact.metric is not None:
                agg[f"{name}{AVG_SUM}"] += fact.metric
                agg[f"{name}{AVG_COUNT}"] += 1
        if fact.kind in LATEST_KINDS:
            key = (fact.occurred_at.timestamp(), fact.known_at.timestamp())
            if fact.kind not in latest or key >= latest[fact.kind][:2]:
                latest[fact.kind] = (
                    *key,
                    NAN if fact.metric is None else float(fact.metric),
                    NAN if usd is None else usd,
                )
    return _Delta(agg, latest, visible)


@contextmanager
def _analytic_session():
    """On PostgreSQL, give the two big GROUP BYs room to hash in memory (not spill sorts to disk).

    SET LOCAL lasts until the end of this transaction only, so the connection's settings are untouched.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{ANALYTIC_WORK_MEM}'")
        yield


def feature_vector(*, subject, as_of: dt.date | dt.datetime) -> dict[str, float | None]:
    """One subject's features (None where missing) — the batch path run for a single id."""
    return build_feature_matrix(as_of=as_of, subject_ids=[subject.pk]).row(subject.pk)


def _positions(ids: np.ndarray, subject_ids: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Row positions of `subject_ids` in sorted `ids`, and a mask of those present."""
    found = np.asarray(subject_ids, dtype=np.int64)
    pos = np.searchsorted(ids, found)
    pos = np.minimum(pos, max(len(ids) - 1, 0))
    ok = (ids[pos] == found) if len(ids) else np.zeros(len(found), dtype=bool)
    return pos[ok], ok


class _Slot(Expression):
    """A value that changes from run to run of a compiled query: the as-of moment, a window's start, an id.

    It compiles to a bare `%s` whose parameter is the slot itself; `_run_compiled` puts the
    run's value in its place.
    """

    def __init__(self, key: tuple, output_field):
        super().__init__(output_field=output_field)
        self.key = key

    def as_sql(self, compiler, connection):
        return "%s", [self]


@functools.lru_cache(maxsize=64)
def _aggregate_sql(
    alias: str, n_ids: int | None, codes: tuple[str, ...], companions: bool = False
) -> tuple[str, tuple]:
    """The aggregate query compiled once per connection, number of ids and currency list, with `_Slot`s
    for its values (the FX rates among them, so a new rate needs no recompile).

    Django takes ~10 ms to resolve and compile its 20 conditional aggregates (two of them around a
    30-branch currency CASE); a single-subject recompute would pay that on every call.
    """
    moment = _Slot(("as_of",), DateTimeField())
    facts = Fact.objects.using(alias).visible(moment)
    if n_ids is not None:
        # The plain `In` lookup: `subject_id__in` would try to turn the slots into numbers.
        facts = facts.filter(In(F("subject_id"), [_Slot(("id", i), IntegerField()) for i in range(n_ids)]))
    query = (
        facts.values("subject_id")
        .order_by()
        .annotate(
            **_aggregate_expressions(
                lambda days: _Slot(("after", days), DateTimeField()),
                lambda code: _Slot(("fx", code), FloatField()),
                codes,
                companions=companions,
            ),
            # Every visible fact of the subject, whatever its kind: the assessment's fingerprint.
            evidence_n=Count("id"),
            evidence_last=Max("id"),
        )
        .values_list(
            "subject_id", *AGGS, *(_companions() if companions else ()), "evidence_n", "evidence_last"
        )
    )
    sql, params = query.query.get_compiler(using=alias).as_sql()
    return sql, tuple(params)


def _run_compiled(
    sql: str, params: Sequence, *, moment: dt.datetime, ids: Sequence[int], rates: dict[str, float]
) -> list[tuple]:
    ops = connection.ops

    def value(param):
        if not isinstance(param, _Slot):
            return param
        name, *arg = param.key
        if name == "id":
            return int(ids[arg[0]])
        if name == "fx":
            return rates[arg[0]]
        when = moment if name == "as_of" else moment - dt.timedelta(days=arg[0])
        return ops.adapt_datetimefield_value(when)

    with connection.cursor() as cursor:
        cursor.execute(sql, [value(p) for p in params])
        return cursor.fetchall()


def _read_aggregates(
    moment: dt.datetime,
    ids: np.ndarray,
    wanted: list[int] | None,
    rates: dict[str, float],
    *,
    companions: bool = False,
):
    """The conditional aggregates per subject, (count, newest id) of the facts they could see, and with
    `companions` each average's sum and count (else None)."""
    names = list(AGGS)
    extra = _companions() if companions else []
    subset = wanted if wanted is not None and len(wanted) <= _IN_LIMIT else None
    # One compiled query per id count up to 16 (the single-company recomputes), beyond that per 64 ids
    # with the last id repeated, so batches of any size reuse a few dozen compiled queries.
    if subset is not None and len(subset) > 16:
        padded = -(-len(subset) // 64) * 64
        subset = subset + [subset[-1]] * (padded - len(subset))
    sql, params = _aggregate_sql(
        connection.alias, None if subset is None else len(subset), tuple(sorted(rates)), bool(extra)
    )
    rows = _run_compiled(sql, params, moment=moment, ids=subset or (), rates=rates)
    # None (an empty SUM/AVG/MAX) becomes NaN in a float array.
    table = np.array(rows, dtype=float).reshape(len(rows), len(names) + len(extra) + 3)
    pos, ok = _positions(ids, table[:, 0].astype(np.int64))
    out = {}
    for column, name in enumerate(names, start=1):
        averaged = AGGS[name].func in ("avg", "max")
        out[name] = np.full(len(ids), NAN if averaged else 0.0)
        values = table[ok, column]
        out[name][pos] = values if averaged else np.nan_to_num(values)
    more = None
    if extra:
        more = {}
        for column, name in enumerate(extra, start=len(names) + 1):
            more[name] = np.zeros(len(ids))
            more[name][pos] = np.nan_to_num(table[ok, column])
    evidence = np.zeros((len(ids), 2), dtype=np.int64)
    evidence[pos] = table[ok, -2:].astype(np.int64)
    return out, evidence, more


def _read_latest(facts, ids: np.ndarray, rates: dict[str, float], *, known: bool = False):
    """Latest metric / USD amount / occurred timestamp per (subject, kind) for LATEST_KINDS, and with
    `known` the latest fact's known_at timestamp (else None)."""
    qs = facts.filter(kind__in=LATEST_KINDS).order_by(
        "subject_id", "kind", "-occurred_at", "-known_at", "-id"
    )
    columns = ("subject_id", "kind", "occurred_at", "metric", "amount", "currency", "known_at")
    if not known:
        columns = columns[:-1]
    if connection.vendor == "postgresql":
        rows = qs.distinct("subject_id", "kind").values_list(*columns)
    else:
        rows = _first_per_key(qs.values_list(*columns).iterator(chunk_size=10_000))
    metric = {k: np.full(len(ids), NAN) for k in LATEST_KINDS}
    usd = {k: np.full(len(ids), NAN) for k in LATEST_KINDS}
    at = {k: np.full(len(ids), NAN) for k in LATEST_KINDS}
    known_at = {k: np.full(len(ids), NAN) for k in LATEST_KINDS} if known else None
    by_kind: dict[str, list[tuple]] = {k: [] for k in LATEST_KINDS}
    for row in rows:
        by_kind[row[1]].append(row)
    for kind, kind_rows in by_kind.items():
        if not kind_rows:
            continue
        pos, ok = _positions(ids, [r[0] for r in kind_rows])
        kept = [r for r, good in zip(kind_rows, ok, strict=True) if good]
        metric[kind][pos] = [NAN if r[3] is None else r[3] for r in kept]
        usd[kind][pos] = [
            NAN if r[4] is None or r[5] not in rates else float(r[4]) * rates[r[5]] for r in kept
        ]
        at[kind][pos] = [r[2].timestamp() for r in kept]
        if known_at is not None:
            known_at[kind][pos] = [r[6].timestamp() for r in kept]
    return metric, usd, at, known_at


def _first_per_key(rows):
    last_key = None
    for row in rows:
        key = (row[0], row[1])
        if key != last_key:
            last_key = key
            yield row
