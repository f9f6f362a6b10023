"""The fact kind registry: every kind of credit fact, who may send it, and what its payload carries.

One place says what a fact of each kind looks like. The import command, the upload page, the partner
API and `credit.facts.record` all validate through `FactKind.clean_payload`, so a rule lives here once.

Each kind also names the *amount* field (money, kept as Decimal + ISO 4217 code) and a *metric*: the
one number the feature builder aggregates (days late, rating step, 1 when a dispute was lost...).
Both are copied to indexed columns of the fact when it is written, so features aggregate in SQL
without parsing JSON. The payload stays the source of truth.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.core import get_global
from babel.numbers import get_territory_currencies
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class SourceType(models.TextChoices):
    PLATFORM = "platform", _("TrustFair platform")
    INSURER = "insurer", _("Export credit insurer")
    BANK = "bank", _("Bank")
    CHAMBER = "chamber", _("Chamber of commerce")
    REGISTRY = "registry", _("Government registry")
    FAIR = "fair", _("Trade fair")
    COURT = "court", _("Court records")
    SANCTIONS = "sanctions", _("Sanctions list")


def tender_currencies(on: dt.date | None = None) -> frozenset[str]:
    """ISO 4217 codes of the currencies that are legal tender in some territory on `on` (today).

    The platform's one currency list, read from babel's CLDR data by the same rule as
    `marketplace.core.money.CURRENCIES` (credit imports nothing from marketplace; a test keeps them equal).
    """
    day = on or dt.date.today()
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, start_date=day, end_date=day, tender=True))
    return frozenset(codes)


ISO_4217 = tender_currencies()
# A money column's precision, the same everywhere (marketplace.core.money.MONEY_MAX_DIGITS / _DECIMAL_PLACES).
MONEY_MAX_DIGITS = 19
MONEY_DECIMAL_PLACES = 4


def validate_currency(value: str) -> None:
    """A model field validator: an ISO 4217 code from the one list."""
    if value not in ISO_4217:
        raise ValidationError(
            _("%(code)s is not an ISO 4217 currency code."), code="currency", params={"code": value}
        )


# Payment-term codes of a trade (the deals app and credit.gating use the same codes).
PAYMENT_TERMS = ("prepayment", "deposit_balance", "lc_sight", "dp", "da", "open_account")

# A fixed bank rating scale; the stored metric is the step (1 = AAA, best ... 10 = D, default).
RATING_SCALE = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D")

# The steps of a deal a cancellation can happen at (the deal states it may leave by "cancel").
DEAL_STEPS = ("inquiry", "negotiation", "agreed", "ordered")

# A factory visit's outcome ordered by risk; the stored metric is the position (0 pass … 2 fail).
VISIT_OUTCOMES = ("pass", "conditional", "fail")
# What an operator decides about a verification document (marketplace/companies), and which documents.
VERIFICATION_DECISIONS = ("approved", "rejected", "revoked", "expired")
VERIFICATION_DOCUMENTS = ("business_licence", "export_licence", "chamber_certificate")

# Why a source takes one of its facts back (`fact_retracted`): it is about another company (a dispute's
# "not ours"), it was sent twice, or it never happened.
RETRACTION_GROUNDS = ("not_ours", "duplicate", "recorded_in_error")
RETRACTION_KIND = "fact_retracted"

# Registry status ordered by risk; the stored metric is the position.
REGISTRY_STATUSES = ("active", "abnormal", "deregistered")


class FieldError(ValueError):
    """A payload value that does not fit its field; the message is the reason shown to the sender."""


@dataclass(frozen=True)
class Field:
    """One payload field: its type, whether it is required, and how a raw value (CSV text or JSON) parses."""

    type: str  # decimal | currency | date | int | bool | choice | text
    required: bool = True
    choices: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    max_length: int = 200

    def parse(self, raw: Any) -> Any:
        """The Python value of `raw`, or FieldError. Empty text counts as absent."""
        parser = _PARSERS[self.type]
        return parser(self, raw)

    def to_json(self, value: Any) -> Any:
        """JSON-safe form: Decimal and dates as strings, so money never passes through float."""
        if isinstance(value, Decimal):
            return format(value, "f")
        if isinstance(value, dt.date):
            return value.isoformat()
        return value


def _decimal(spec: Field, raw: Any) -> Decimal:
    if isinstance(raw, float):
        # JSON numbers arrive as float; repr keeps the digits the sender wrote (0.1 stays 0.1).
        raw = repr(raw)
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise FieldError(_("not a decimal number: %(raw)r") % {"raw": raw}) from None
    if not value.is_finite():
        raise FieldError(_("not a finite number"))
    if value < 0:
        raise FieldError(_("must not be negative"))
    if value.adjusted() >= 15 or value.as_tuple().exponent < -4:
        raise FieldError(_("at most 15 digits before and 4 after the decimal point"))
    return value


def _currency(spec: Field, raw: Any) -> str:
    code = str(raw).strip().upper()
    if code not in ISO_4217:
        raise FieldError(_("not an ISO 4217 currency code: %(raw)r") % {"raw": raw})
    return code


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(spec: Field, raw: Any) -> dt.date:
    text = str(raw).strip()
    if not _DATE_RE.match(text):
        raise FieldError(_("expected a date as YYYY-MM-DD, got %(raw)r") % {"raw": raw})
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FieldError(_("not a calendar date: %(raw)r") % {"raw": raw}) from None


def _int(spec: Field, raw: Any) -> int:
    if isinstance(raw, bool):
        raise FieldError(_("expected a whole number"))
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise FieldError(_("expected a whole number, got %(raw)r") % {"raw": raw}) from None
    if spec.min_value is not None and value < spec.min_value:
        raise FieldError(_("must be at least %(min)s") % {"min": spec.min_value})
    if spec.max_value is not None and value > spec.max_value:
        raise FieldError(_("must be at most %(max)s") % {"max": spec.max_value})
    return value


_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n"}


def _bool(spec: Field, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldError(_("expected true or false, got %(raw)r") % {"raw": raw})


def _choice(spec: Field, raw: Any) -> str:
    text = str(raw).strip()
    if text not in spec.choices:
        raise FieldError(
            _("expected one of %(choices)s, got %(raw)r") % {"choices": ", ".join(spec.choices), "raw": raw}
        )
    return text


def _text(spec: Field, raw: Any) -> str:
    text = str(raw).strip()
    if len(text) > spec.max_length:
        raise FieldError(_("longer than %(n)s characters") % {"n": spec.max_length})
    return text


_PARSERS: dict[str, Callable[[Field, Any], Any]] = {
    "decimal": _decimal,
    "currency": _currency,
    "date": _date,
    "int": _int,
    "bool": _bool,
    "choice": _choice,
    "text": _text,
}

MONEY = {"amount": Field("decimal"), "currency": Field("currency")}


class PayloadError(ValueError):
    """A payload that fails its kind's rules; `errors` lists (field, reason) pairs, every one found."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{f}: {r}" for f, r in errors))
        self.errors = errors


@dataclass(frozen=True)
class FactKind:
    """One kind of fact: which source types may send it, its payload fields, and its names in en/zh."""

    code: str
    source_types: tuple[str, ...]
    name_en: str
    name_zh: str
    fields: Mapping[str, Field] = field(default_factory=dict)
    # Name of the Decimal field copied to Fact.amount (its currency is always the "currency" field).
    amount_field: str | None = None
    # The one number features aggregate, computed from the cleaned payload (None: no metric).
    metric: Callable[[dict[str, Any]], float | None] | None = None
    # Extra rule across fields; returns (field, reason) or None.
    check: Callable[[dict[str, Any]], tuple[str, str] | None] | None = None
    # A fact of this kind only makes sense superseding an earlier fact of its source (a retraction).
    needs_supersedes: bool = False

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en

    def __str__(self) -> str:
        return self.name

    def clean_payload(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Parse and check every field; return the Python values or raise PayloadError with all problems.

        Unknown fields are refused rather than dropped: a partner's typo must not silently lose data.
        """
        errors: list[tuple[str, str]] = []
        values: dict[str, Any] = {}
        for name, spec in self.fields.items():
            value = raw.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                if spec.required:
                    errors.append((name, str(_("this field is required"))))
                continue
            try:
                values[name] = spec.parse(value)
            except FieldError as exc:
                errors.append((name, str(exc)))
        for name in raw:
            if name not in self.fields:
                errors.append((name, str(_("unknown field for %(kind)s") % {"kind": self.code})))
        if not errors and self.check:
            problem = self.check(values)
            if problem:
                errors.append(problem)
        if errors:
            raise PayloadError(errors)
        return values

    def payload_json(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {name: self.fields[name].to_json(value) for name, value in values.items()}

    def columns(self, values: Mapping[str, Any]) -> tuple[Decimal | None, str, float | None]:
        """(amount, currency, metric) as stored on the fact's indexed columns."""
        amount = values.get(self.amount_field) if self.amount_field else None
        currency = values.get("currency", "") if amount is not None else ""
        metric = self.metric(values) if self.metric else None
        return amount, currency, metric


def _days_between(values: dict[str, Any]) -> float:
    return float((values["paid_date"] - values["due_date"]).days)


def _ordinal(name: str) -> Callable[[dict[str, Any]], float | None]:
    def metric(values: dict[str, Any]) -> float | None:
        value = values.get(name)
        return float(value.toordinal()) if value else None

    return metric


def _flag(name: str, when: Any) -> Callable[[dict[str, Any]], float]:
    return lambda values: 1.0 if values.get(name) == when else 0.0


P, INS, B, C, R, F, CT, S = (
    SourceType.PLATFORM,
    SourceType.INSURER,
    SourceType.BANK,
    SourceType.CHAMBER,
    SourceType.REGISTRY,
    SourceType.FAIR,
    SourceType.COURT,
    SourceType.SANCTIONS,
)
_ref = Field("text", required=False, max_length=100)

KINDS: dict[str, FactKind] = {
    k.code: k
    for k in [
        FactKind(
            "invoice_paid",
            (P, B, INS),
            "Invoice paid",
            "发票已付款",
            {**MONEY, "due_date": Field("date"), "paid_date": Field("date"), "invoice": _ref},
            amount_field="amount",
            metric=_days_between,
        ),
        FactKind(
            "payment_late",
            (P, B, INS),
            "Payment late",
            "付款逾期",
            {"days_late": Field("int", min_value=1, max_value=3650), **MONEY, "invoice": _ref},
            amount_field="amount",
            metric=lambda v: float(v["days_late"]),
        ),
        FactKind(
            "order_cancelled",
            (P,),
            "Order cancelled",
            "订单取消",
            # Who cancelled (the subject's side, or an operator) and at which step of the deal.
            {
                "order": _ref,
                "by": Field("choice", required=False, choices=("buyer", "supplier", "operator")),
                "step": Field("choice", required=False, choices=DEAL_STEPS),
            },
        ),
        FactKind("dispute_opened", (P,), "Dispute opened", "发起争议", {"dispute": _ref}),
        FactKind(
            "dispute_resolved",
            (P,),
            "Dispute resolved",
            "争议已解决",
            {"in_favour_of": Field("choice", choices=("subject", "counterparty")), "dispute": _ref},
            metric=_flag("in_favour_of", "counterparty"),
        ),
        FactKind(
            "insurance_limit_granted",
            (INS,),
            "Insurance limit granted",
            "授予信用保险限额",
            {"limit": Field("decimal"), "currency": Field("currency"), "policy": _ref},
            amount_field="limit",
        ),
        FactKind(
            "insurance_limit_cut",
            (INS,),
            "Insurance limit cut",
            "削减信用保险限额",
            {"limit": Field("decimal"), "currency": Field("currency"), "policy": _ref},
            amount_field="limit",
        ),
        FactKind(
            "insurance_claim_filed",
            (INS,),
            "Insurance claim filed",
            "提出保险索赔",
            {**MONEY, "claim": _ref},
            amount_field="amount",
        ),
        FactKind(
            "insurance_claim_paid",
            (INS,),
            "Insurance claim paid",
            "保险赔付",
            {**MONEY, "claim": _ref},
            amount_field="amount",
        ),
        # Participation on the fair floor (marketplace/fairs records them; a fair organiser may send them too).
        # An exhibit names its phase and booth size; the metric is the booth's m² (features take the largest).
        FactKind(
            "fair_exhibited",
            (F, P),
            "Exhibited at a fair session",
            "参展",
            {
                "session": _ref,
                "phase": Field("int", required=False, min_value=1, max_value=1000),
                "booth_sqm": Field("int", required=False, min_value=1, max_value=10_000),
            },
            metric=lambda v: float(v["booth_sqm"]) if v.get("booth_sqm") is not None else None,
        ),
        FactKind("fair_attended", (F, P), "Attended a fair session", "到会采购", {"session": _ref}),
        # One per company and fair day on which one of its buyers' badges was checked in.
        FactKind(
            "fair_checked_in",
            (F, P),
            "Checked in at a fair day",
            "展会入场签到",
            {"session": _ref, "day": Field("date")},
        ),
        # Hosted buyer meetings (采购见面会): the company's side scanned at the table, or shown absent.
        FactKind(
            "hosted_meeting_attended",
            (F, P),
            "Attended a hosted buyer meeting",
            "出席采购见面会洽谈",
            {"event": _ref, "meeting": _ref},
        ),
        FactKind(
            "hosted_meeting_no_show",
            (F, P),
            "No-show at a hosted buyer meeting",
            "采购见面会洽谈缺席",
            {"event": _ref, "meeting": _ref},
        ),
        FactKind("meeting_held", (P, F), "Meeting held", "洽谈如约进行", {"meeting": _ref}),
        FactKind("meeting_missed", (P, F), "Meeting missed", "洽谈缺席", {"meeting": _ref}),
        FactKind(
            "bank_rating",
            (B,),
            "Bank rating",
            "银行评级",
            {"rating": Field("choice", choices=RATING_SCALE)},
            metric=lambda v: float(RATING_SCALE.index(v["rating"]) + 1),
        ),
        FactKind(
            "company_registered",
            (R,),
            "Company registration",
            "工商登记",
            {
                "registered_capital": Field("decimal"),
                "currency": Field("currency"),
                "founded_on": Field("date"),
            },
            amount_field="registered_capital",
            metric=_ordinal("founded_on"),
        ),
        FactKind(
            "registry_status",
            (R,),
            "Registry status",
            "登记状态",
            {"status": Field("choice", choices=REGISTRY_STATUSES)},
            metric=lambda v: float(REGISTRY_STATUSES.index(v["status"])),
        ),
        FactKind(
            "sanctions_hit",
            (S,),
            "Sanctions list hit",
            "制裁名单命中",
            {"list_name": Field("text", max_length=100), "entry": _ref},
        ),
        FactKind(
            "chamber_membership",
            (C,),
            "Chamber of commerce membership",
            "商会会员资格",
            {"chamber": Field("text", max_length=200), "valid_until": Field("date", required=False)},
            metric=_ordinal("valid_until"),
        ),
        # Identity facts of the platform's own source (marketplace/companies and marketplace/catalog
        # receivers.py record them when an operator decides a document or a certificate changes).
        FactKind(
            "verification_decision",
            (P,),
            "Verification decision",
            "身份验证决定",
            {
                "document": Field("choice", choices=VERIFICATION_DOCUMENTS),
                "decision": Field("choice", choices=VERIFICATION_DECISIONS),
                # Whether the company is verified after this decision (it holds an approved business licence).
                "verified": Field("bool"),
                "reference": _ref,
                # The document's last valid day, as the operator entered it on approval (none: no end date).
                "valid_until": Field("date", required=False),
            },
            metric=_flag("verified", True),
        ),
        FactKind(
            "company_profile",
            (P,),
            "Registration data confirmed by verification",
            "经验证确认的登记信息",
            {
                "country": Field("text", max_length=2),
                "registration_number": Field("text", max_length=64),
                "founded_year": Field("int", required=False, min_value=1800, max_value=2200),
            },
            # The last day of the founding year: the youngest the company can be.
            metric=lambda v: (
                float(dt.date(v["founded_year"], 12, 31).toordinal()) if v.get("founded_year") else None
            ),
        ),
        FactKind(
            "certificates_on_file",
            (P,),
            "Product certificates on file",
            "在档产品认证",
            {
                "current": Field("int", min_value=0, max_value=100_000),
                "expired": Field("int", min_value=0, max_value=100_000),
                "next_expiry": Field("date", required=False),
            },
            metric=lambda v: float(v["current"]),
        ),
        FactKind(
            "court_judgment",
            (CT,),
            "Court judgment",
            "法院判决",
            {**MONEY, "against_subject": Field("bool"), "case": _ref},
            amount_field="amount",
            metric=_flag("against_subject", True),
        ),
        FactKind(
            "default",
            (P, B, INS, CT, R),
            "Default or insolvency",
            "违约或破产",
            {"reason": Field("choice", choices=("insolvency", "default", "write_off")), "case": _ref},
        ),
        FactKind(
            "deal_completed",
            (P,),
            "Deal completed",
            "交易完成",
            {"value": Field("decimal"), "currency": Field("currency"), "deal": _ref},
            amount_field="value",
        ),
        # An order placed on the platform: what was bought on which payment terms. The metric is the
        # days of credit the supplier gave (0 for prepayment or L/C); no feature reads it yet — the
        # payments that follow (invoice_paid, payment_late) carry the behaviour.
        FactKind(
            "order_placed",
            (P,),
            "Order placed",
            "下单",
            {
                **MONEY,
                "terms": Field("choice", choices=PAYMENT_TERMS),
                "days": Field("int", required=False, min_value=0, max_value=3650),
                "order": _ref,
            },
            amount_field="amount",
            metric=lambda v: float(v.get("days") or 0),
        ),
        FactKind(
            "delivery",
            (P,),
            "Delivery",
            "交货",
            {
                "days_late": Field("int", min_value=0, max_value=3650),
                "due_date": Field("date"),
                "delivered_date": Field("date"),
                "deal": _ref,
            },
            metric=lambda v: float(v["days_late"]),
        ),
        FactKind(
            "factory_visit",
            (P,),
            "Factory visit",
            "看厂",
            {"outcome": Field("choice", choices=VISIT_OUTCOMES), "visit": _ref},
            metric=lambda v: float(VISIT_OUTCOMES.index(v["outcome"])),
        ),
        # A source takes one of its facts back: the retraction supersedes it (`supersedes_ref`), so from
        # the moment the retraction is known the fact counts nowhere; the retraction itself is no evidence
        # (no feature reads its kind). The old fact stays on file, hidden — facts are never deleted.
        FactKind(
            RETRACTION_KIND,
            tuple(SourceType.values),
            "Fact retracted",
            "事实已撤回",
            {
                "ground": Field("choice", choices=RETRACTION_GROUNDS),
                # The kind of the fact taken back, so a reader of the retraction alone knows what it undoes.
                "retracted_kind": Field("text", max_length=40),
                "note": Field("text", required=False, max_length=500),
            },
            needs_supersedes=True,
        ),
    ]
}

# Kinds whose fact marks a serious delinquency (the next issue's default label).
SERIOUS_DELINQUENCY_DAYS = 90


def get_kind(code: str) -> FactKind:
    """The kind for `code`, or KeyError with the known codes (shown as is to partners)."""
    try:
        return KINDS[code]
    except KeyError:
        raise KeyError(code) from None


def kind_choices() -> list[tuple[str, str]]:
    return [(code, kind.name_en) for code, kind in KINDS.items()]
