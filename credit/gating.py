"""Credit gating: which payment terms a buyer may be offered without security, up to which limit.

`decide(subject, action, amount, currency, counterparty=None, *, term_days=None, reference="",
lock=False)` reads three things and returns a `Decision`:

* **The buyer's grade** from its current assessment (`credit.index.current`). A thin file (grade
  "NR", "not yet rated") or a subject without any assessment is judged by the policy's **unrated**
  row — never by a good grade.
* **The gating policy in force**: the newest `GatingPolicy` version. Each row (one per grade, AAA … C
  and NR) lists the payment terms allowed without security, a credit limit in the policy's base
  currency and the longest term in days. Risk officers edit it on `credit:gating_policy`; every save
  is a new immutable version with who, when and why, and decisions name the version they used.
* **Exposure**: the buyer's unpaid amounts on ordered deals with deferred terms, from the callable
  `settings.CREDIT_EXPOSURE` names (`(subject) -> iterable of (Decimal amount, str currency)`; default
  `marketplace.deals.exposure.outstanding`, imported at call time so credit imports nothing from
  marketplace), converted to the base currency with the rates of `settings.CREDIT_FX_RATES` (the
  callable credit's features use: `(date) -> {currency: USD per unit}`).

The rules, in order; every one that fails adds a plain sentence to `reasons`:

1. the action must be one of the row's allowed terms ("Open account needs grade A; this buyer is BBB");
2. for deferred terms (D/P, D/A, open account) the term in days may not exceed the row's longest term;
3. for deferred terms the exposure after the order (before + this amount) may not exceed the row's
   limit. Prepayment, deposit + balance against documents and L/C at sight add no exposure;
4. an amount in a currency without an exchange rate cannot be checked against the limit: refused.

A refusal can be lifted for one deal by an **override** (`request_override`): a risk officer's written
reason for one reference (e.g. "deal:42"), subject, term, amount (the override covers that amount or
less, in the same currency) and term days. Above `settings.CREDIT_OVERRIDE_FOUR_EYES_AMOUNT` (base
currency, default 50,000) it takes effect only once a second, different risk officer approves it
(`approve_override`); any risk officer may reject a pending one (`reject_override`). `decide(...,
reference=...)` honours an effective override and says so in its reasons.

Concurrency: `lock=True` takes `select_for_update` on the subject's row before reading exposure.
Call it inside the transaction that records the order (`transaction.atomic()`), so two orders of the
same buyer serialise and the second sees the first's exposure: the limit can never be over-committed.

Who may change the policy and overrides: platform risk officers only (`is_platform_risk_officer`). A
risk officer who belongs to a company — a partner bank's or insurer's — may not. Every change keeps
who, when and why on its own immutable row (the way credit keeps model promotions and imports) and
sends `policy_saved` / `override_changed` after commit, for whoever audits or notifies.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Max, Subquery, Value, When
from django.dispatch import Signal
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credit import index
from credit.facts import subject_model
from credit.grading import GRADE_CODES
from credit.kinds import ISO_4217
from credit.models import GatingOverride, GatingPolicy, GatingRule, PaymentTerm

# -- vocabulary ------------------------------------------------------------------------------

PAYMENT_TERMS: tuple[str, ...] = tuple(PaymentTerm.values)
# Terms that leave the buyer owing money after shipment: they count in exposure and are capped.
DEFERRED_TERMS: frozenset[str] = frozenset({PaymentTerm.DP, PaymentTerm.DA, PaymentTerm.OPEN_ACCOUNT})
UNRATED = "NR"
# The policy's rows, best first, then the unrated row.
POLICY_GRADES: tuple[str, ...] = (*GRADE_CODES, UNRATED)
GRADE_RANK = {code: n for n, code in enumerate(GRADE_CODES)}

DEFAULT_EXPOSURE = "marketplace.deals.exposure.outstanding"
DEFAULT_FOUR_EYES_AMOUNT = Decimal("50000")
MAX_TERM_DAYS = 720
CENT = Decimal("0.01")

# The defaults a new installation starts from (seeded by migration 0006 as policy version 1), in USD:
#
#   grade  terms allowed without security                          limit      longest term
#   AAA    all six                                                 1,000,000  120 days
#   AA     all six                                                   500,000   90 days
#   A      all six (open account from A)                             250,000   90 days
#   BBB    prepayment, deposit+balance, L/C at sight, D/P, D/A       100,000   60 days
#   BB     prepayment, deposit+balance, L/C at sight, D/P             50,000   45 days
#   B      prepayment, deposit+balance, L/C at sight                  20,000   30 days
#   CCC, C prepayment, L/C at sight                                        0    0 days
#   NR     prepayment, L/C at sight (unrated: thin file or no index)   5,000    0 days
_ALL = tuple(PaymentTerm.values)
_SECURED = ("prepayment", "lc_sight")
DEFAULT_BASE_CURRENCY = "USD"
DEFAULT_POLICY: dict[str, tuple[tuple[str, ...], Decimal, int]] = {
    "AAA": (_ALL, Decimal("1000000"), 120),
    "AA": (_ALL, Decimal("500000"), 90),
    "A": (_ALL, Decimal("250000"), 90),
    "BBB": (("prepayment", "deposit_balance", "lc_sight", "dp", "da"), Decimal("100000"), 60),
    "BB": (("prepayment", "deposit_balance", "lc_sight", "dp"), Decimal("50000"), 45),
    "B": (("prepayment", "deposit_balance", "lc_sight"), Decimal("20000"), 30),
    "CCC": (_SECURED, Decimal("0"), 0),
    "C": (_SECURED, Decimal("0"), 0),
    UNRATED: (_SECURED, Decimal("5000"), 0),
}

# Sent after commit. policy_saved: policy (GatingPolicy). override_changed: override (GatingOverride),
# event ("requested", "approved" or "rejected"), by_user.
policy_saved = Signal()
override_changed = Signal()

TERM_SHORT = {
    "prepayment": gettext_lazy("Prepayment"),
    "deposit_balance": gettext_lazy("Deposit and balance against documents"),
    "lc_sight": gettext_lazy("L/C at sight"),
    "dp": gettext_lazy("D/P"),
    "da": gettext_lazy("D/A"),
    "open_account": gettext_lazy("Open account"),
}


def term_label(code: str) -> str:
    """A payment term as people read it, in the active language."""
    return str(TERM_SHORT.get(code, code))


def grade_label(grade: str) -> str:
    return _("not yet rated") if grade == UNRATED else grade


def money_text(amount: Decimal, currency: str) -> str:
    """120000 USD → "120,000 USD"; cents only when there are any."""
    amount = Decimal(amount).quantize(CENT)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{text} {currency}"


# -- the decision ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What gating said about one proposed term, with everything it was based on."""

    allowed: bool
    grade: str
    limit: Decimal
    base_currency: str
    exposure_before: Decimal
    exposure_after: Decimal
    term_days_max: int
    reasons: list[str]
    assessment_id: int | None
    policy_version: int
    override_id: int | None
    action: str = ""
    amount: Decimal = Decimal("0")
    currency: str = ""
    term_days: int | None = None
    reference: str = ""
    amount_base: Decimal | None = None
    allowed_terms: tuple[str, ...] = ()
    rates: dict[str, str] = field(default_factory=dict)  # currency → USD per unit, as used
    decided_at: str = ""

    @property
    def refused(self) -> bool:
        return not self.allowed

    def as_dict(self) -> dict:
        """JSON-ready: Decimals as strings, tuples as lists."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, Decimal):
                data[key] = str(value)
            elif isinstance(value, tuple):
                data[key] = list(value)
        return data


# -- inputs: policy, exposure, rates --------------------------------------------------------


DEFAULT_REASON = (
    "Defaults shipped with TrustFair: open account from A, D/A from BBB, D/P from BB, "
    "below B prepayment or L/C at sight only; unrated buyers prepayment or L/C at sight, 5,000 USD."
)


def policy_in_force() -> GatingPolicy:
    """The newest policy version. Migration 0006 seeds version 1; a database emptied since (a flushed
    test database) gets the same defaults back, the way the model registry installs its scorecard."""
    policy = GatingPolicy.objects.order_by("-version").first()
    return policy if policy is not None else _install_defaults()


def _install_defaults() -> GatingPolicy:
    try:
        with transaction.atomic():
            policy = GatingPolicy.objects.create(
                version=1, base_currency=DEFAULT_BASE_CURRENCY, reason=DEFAULT_REASON
            )
            GatingRule.objects.bulk_create(
                GatingRule(
                    policy=policy,
                    grade=grade,
                    allowed_terms=list(terms),
                    credit_limit=limit,
                    max_term_days=days,
                )
                for grade, (terms, limit, days) in DEFAULT_POLICY.items()
            )
    except IntegrityError:  # another process installed them first
        policy = GatingPolicy.objects.order_by("-version").first()
    return policy


def policy_rows(policy: GatingPolicy) -> dict[str, GatingRule]:
    return {rule.grade: rule for rule in policy.rules.all()}


def _rules_in_force() -> tuple[GatingPolicy, dict[str, GatingRule]]:
    """The policy in force and its rows in one query (a decision's hot path)."""
    newest = GatingPolicy.objects.order_by("-version").values("pk")[:1]
    rules = list(GatingRule.objects.filter(policy=Subquery(newest)).select_related("policy"))
    if not rules:
        policy = policy_in_force()
        return policy, policy_rows(policy)
    return rules[0].policy, {rule.grade: rule for rule in rules}


@functools.lru_cache(maxsize=8)
def _callable(path: str) -> Callable:
    return import_string(path)


def exposure_items(subject) -> list[tuple[Decimal, str]]:
    """The subject's unpaid deferred amounts (and, from the apps that add them, the credit in force on it:
    insurance limits, financing), from the callable or callables `settings.CREDIT_EXPOSURE` names."""
    paths = getattr(settings, "CREDIT_EXPOSURE", DEFAULT_EXPOSURE)
    if isinstance(paths, str):
        paths = [paths]
    items = []
    for path in paths:
        try:
            source = _callable(path)
        except ImportError as exc:
            raise ImproperlyConfigured(
                "CREDIT_EXPOSURE must name callables (subject) -> iterable of (Decimal, currency); "
                f"{path!r}: {exc}"
            ) from exc
        items.extend((Decimal(amount), str(currency)) for amount, currency in source(subject))
    return items


def usd_rates(on: dt.date) -> dict[str, Decimal]:
    """US dollars per unit of each currency on `on`, from the callable `settings.CREDIT_FX_RATES` names."""
    path = getattr(settings, "CREDIT_FX_RATES", None)
    if not path:
        raise ImproperlyConfigured("CREDIT_FX_RATES must name a callable (date) -> {currency: USD per unit}.")
    return {code: Decimal(str(rate)) for code, rate in _callable(path)(on).items()}


class NoRate(LookupError):
    def __init__(self, currency: str):
        super().__init__(currency)
        self.currency = currency


def to_base(amount: Decimal, currency: str, base: str, rates: dict[str, Decimal], used: dict) -> Decimal:
    """`amount` of `currency` in `base`, through US dollars; records the rates it used in `used`."""
    if currency == base:
        return Decimal(amount)
    for code in (currency, base):
        if not rates.get(code):
            raise NoRate(code)
        used[code] = str(rates[code])
    return (Decimal(amount) * rates[currency] / rates[base]).quantize(CENT)


def four_eyes_amount() -> Decimal:
    return Decimal(str(getattr(settings, "CREDIT_OVERRIDE_FOUR_EYES_AMOUNT", DEFAULT_FOUR_EYES_AMOUNT)))


# -- decide ----------------------------------------------------------------------------------


def _check_input(action: str, amount, currency: str, term_days) -> Decimal:
    if action not in PAYMENT_TERMS:
        raise ValueError(f"unknown payment term {action!r}; one of {', '.join(PAYMENT_TERMS)}")
    if currency not in ISO_4217:
        raise ValueError(f"{currency!r} is not an ISO 4217 currency code")
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"amount {amount!r} is not a number") from exc
    if not amount.is_finite() or amount <= 0:
        raise ValueError("amount must be greater than zero")
    if term_days is not None and (int(term_days) != term_days or term_days < 0):
        raise ValueError("term_days must be a whole number of days, 0 or more")
    return amount


def lowest_grade_allowing(rows: dict[str, GatingRule], action: str) -> str | None:
    """The worst rated grade whose row allows `action` (None: no rated grade does)."""
    allowing = [g for g in GRADE_CODES if g in rows and action in rows[g].allowed_terms]
    return allowing[-1] if allowing else None


def decide(
    subject,
    action: str,
    amount,
    currency: str,
    counterparty=None,
    *,
    term_days: int | None = None,
    reference: str = "",
    lock: bool = False,
) -> Decision:
    """May `subject` (the buyer) be offered `action` for `amount` `currency`? See the module docstring.

    `counterparty` (the supplier) is not used by the rules yet; it is accepted so callers name it once
    the policy learns per-counterparty limits. `lock=True` must run inside a transaction.
    """
    amount = _check_input(action, amount, currency, term_days)
    if lock:
        # Serialise every decision for this buyer until the caller's transaction ends.
        subject_model().objects.select_for_update().only("pk").get(pk=subject.pk)
    policy, rows = _rules_in_force()
    base = policy.base_currency

    assessment = index.current(subject)
    grade = assessment.grade if assessment is not None else UNRATED
    reasons: list[str] = []
    if assessment is None:
        reasons.append(
            _("This buyer has no credit assessment yet; the policy's row for unrated buyers applies.")
        )
    elif grade == UNRATED or grade not in rows:
        grade = UNRATED
        reasons.append(
            _("This buyer is not yet rated (not enough data); the policy's row for unrated buyers applies.")
        )
    rule = rows[grade]
    allowed_terms = tuple(rule.allowed_terms)
    deferred = action in DEFERRED_TERMS

    refusals: list[str] = []
    if action not in allowed_terms:
        needed = lowest_grade_allowing(rows, action)
        if needed is None:
            refusals.append(
                _("%(term)s is not allowed without security for any grade.") % {"term": term_label(action)}
            )
        else:
            refusals.append(
                _("%(term)s needs grade %(needed)s; this buyer is %(grade)s.")
                % {"term": term_label(action), "needed": needed, "grade": grade_label(grade)}
            )
    if deferred and term_days is not None and term_days > rule.max_term_days:
        refusals.append(
            _("A term of %(days)d days is longer than the %(max)d days allowed for %(grade)s.")
            % {"days": term_days, "max": rule.max_term_days, "grade": grade_label(grade)}
        )

    today = timezone.localdate()
    rates = usd_rates(today)
    used: dict[str, str] = {}
    exposure_before = Decimal("0.00")
    missing: list[str] = []
    for item_amount, item_currency in exposure_items(subject):
        try:
            exposure_before += to_base(item_amount, item_currency, base, rates, used)
        except NoRate as exc:
            missing.append(exc.currency)
    try:
        amount_base = to_base(amount, currency, base, rates, used)
    except NoRate as exc:
        amount_base = None
        missing.append(exc.currency)
    exposure_before = exposure_before.quantize(CENT)
    exposure_after = exposure_before + (amount_base or 0) if deferred else exposure_before
    limit = rule.credit_limit.quantize(CENT)
    if deferred and missing:
        refusals.append(
            _("No exchange rate for %(codes)s: the order cannot be checked against the limit.")
            % {"codes": ", ".join(sorted(set(missing)))}
        )
    elif deferred and exposure_after > limit:
        refusals.append(
            _("Order would bring exposure to %(after)s, above the %(limit)s limit.")
            % {"after": money_text(exposure_after, base), "limit": money_text(limit, base)}
        )

    override = None
    if refusals and reference:
        override = effective_override(
            reference=reference,
            subject=subject,
            action=action,
            amount=amount,
            currency=currency,
            term_days=term_days,
        )
    reasons.extend(refusals)
    if not refusals:
        reasons.append(
            _("%(term)s is allowed for %(grade)s.")
            % {"term": term_label(action), "grade": grade_label(grade)}
        )
        if deferred:
            reasons.append(
                _("Exposure after this order: %(after)s of the %(limit)s limit.")
                % {"after": money_text(exposure_after, base), "limit": money_text(limit, base)}
            )
    elif override is not None:
        reasons.append(
            _("Allowed by a risk officer's override for %(reference)s: %(reason)s")
            % {"reference": override.reference, "reason": override.reason}
        )
    return Decision(
        allowed=not refusals or override is not None,
        grade=grade,
        limit=limit,
        base_currency=base,
        exposure_before=exposure_before,
        exposure_after=exposure_after.quantize(CENT),
        term_days_max=rule.max_term_days,
        reasons=reasons,
        assessment_id=assessment.pk if assessment is not None else None,
        policy_version=policy.version,
        override_id=override.pk if override is not None else None,
        action=action,
        amount=amount,
        currency=currency,
        term_days=term_days,
        reference=reference,
        amount_base=amount_base,
        allowed_terms=allowed_terms,
        rates=used,
        decided_at=timezone.now().isoformat(),
    )


# -- the policy: versions --------------------------------------------------------------------


def is_platform_risk_officer(user) -> bool:
    """A risk officer of the platform itself; one who belongs to a company (a partner bank's or
    insurer's) is not."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_risk_officer", False)
        and getattr(user, "company", None) is None
    )


@dataclass(frozen=True)
class RuleInput:
    allowed_terms: tuple[str, ...]
    credit_limit: Decimal
    max_term_days: int


def check_policy(rows: dict[str, RuleInput], base_currency: str) -> dict[str, list[str]]:
    """Problems with a proposed policy, by grade ("__all__" for the whole): empty when it is sound.

    Besides each row's own bounds, a worse grade may never be treated better than a better one: no
    term it allows that a better grade does not, no higher limit, no longer term. The unrated row is
    held to the same against grade B, so a thin file never gets more than a weak rated buyer.
    """
    problems: dict[str, list[str]] = {}

    def add(grade, message):
        problems.setdefault(grade, []).append(message)

    if base_currency not in ISO_4217:
        add("__all__", _("%(code)s is not an ISO 4217 currency code.") % {"code": base_currency})
    for grade in POLICY_GRADES:
        if grade not in rows:
            add("__all__", _("The policy needs a row for %(grade)s.") % {"grade": grade_label(grade)})
            continue
        row = rows[grade]
        unknown = [t for t in row.allowed_terms if t not in PAYMENT_TERMS]
        if unknown:
            add(grade, _("Unknown payment terms: %(codes)s.") % {"codes": ", ".join(unknown)})
        if row.credit_limit < 0:
            add(grade, _("The credit limit cannot be negative."))
        if not 0 <= row.max_term_days <= MAX_TERM_DAYS:
            add(grade, _("The longest term must be between 0 and %(max)d days.") % {"max": MAX_TERM_DAYS})
    if problems:
        return problems
    pairs = list(zip(GRADE_CODES, GRADE_CODES[1:], strict=False)) + [("B", UNRATED)]
    for better, worse in pairs:
        b, w = rows[better], rows[worse]
        extra = [t for t in w.allowed_terms if t not in b.allowed_terms]
        if extra:
            add(
                worse,
                _("%(terms)s cannot be allowed for %(worse)s while %(better)s may not have it.")
                % {
                    "terms": ", ".join(term_label(t) for t in extra),
                    "worse": grade_label(worse),
                    "better": better,
                },
            )
        if w.credit_limit > b.credit_limit:
            add(
                worse,
                _("The limit for %(worse)s cannot be higher than the limit for %(better)s (%(limit)s).")
                % {
                    "worse": grade_label(worse),
                    "better": better,
                    "limit": money_text(b.credit_limit, base_currency),
                },
            )
        if w.max_term_days > b.max_term_days:
            add(
                worse,
                _("The longest term for %(worse)s cannot be longer than for %(better)s (%(days)d days).")
                % {"worse": grade_label(worse), "better": better, "days": b.max_term_days},
            )
    return problems


@transaction.atomic
def save_policy(*, rows: dict[str, RuleInput], base_currency: str, reason: str, by_user) -> GatingPolicy:
    """Save a new policy version (it comes into force at once). Platform risk officers only."""
    if not is_platform_risk_officer(by_user):
        raise PermissionDenied
    reason = (reason or "").strip()
    problems = check_policy(rows, base_currency)
    if not reason:
        problems.setdefault("__all__", []).append(_("Say why the policy changes."))
    if problems:
        raise ValidationError(problems)
    # Serialise concurrent saves on the newest version, so version numbers never collide.
    GatingPolicy.objects.select_for_update().order_by("-version").first()
    number = (GatingPolicy.objects.aggregate(n=Max("version"))["n"] or 0) + 1
    policy = GatingPolicy.objects.create(
        version=number, base_currency=base_currency, created_by=by_user, reason=reason
    )
    GatingRule.objects.bulk_create(
        GatingRule(
            policy=policy,
            grade=grade,
            allowed_terms=[t for t in PAYMENT_TERMS if t in rows[grade].allowed_terms],
            credit_limit=rows[grade].credit_limit,
            max_term_days=rows[grade].max_term_days,
        )
        for grade in POLICY_GRADES
    )
    transaction.on_commit(lambda: policy_saved.send(sender=GatingPolicy, policy=policy))
    return policy


# -- overrides -------------------------------------------------------------------------------


def effective_override(*, reference: str, subject, action: str, amount: Decimal, currency: str, term_days):
    """The newest effective override covering this reference, buyer, term, amount and days, or None."""
    candidates = GatingOverride.objects.filter(
        reference=reference,
        subject_id=subject.pk,
        action=action,
        currency=currency,
        amount__gte=amount,
        status=GatingOverride.Status.EFFECTIVE,
    ).order_by("-id")
    for override in candidates:
        if term_days is None or term_days <= (override.term_days or 0):
            return override
    return None


def _send(override, event, by_user):
    transaction.on_commit(
        lambda: override_changed.send(sender=GatingOverride, override=override, event=event, by_user=by_user)
    )


@transaction.atomic
def request_override(
    *,
    subject,
    action: str,
    amount,
    currency: str,
    reference: str,
    reason: str,
    by_user,
    term_days: int | None = None,
) -> GatingOverride:
    """A risk officer allows a refused term for one reference; above the four-eyes amount it waits
    for a second risk officer. Raises ValidationError when there is nothing to override."""
    if not is_platform_risk_officer(by_user):
        raise PermissionDenied
    reason, reference = (reason or "").strip(), (reference or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Write why this term is allowed despite the policy.")]
    if not reference:
        errors["reference"] = [_("Name the deal the override is for, e.g. deal:42.")]
    if errors:
        raise ValidationError(errors)
    try:
        amount = _check_input(action, amount, currency, term_days)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    decision = decide(subject, action, amount, currency, term_days=term_days)
    if decision.allowed:
        raise ValidationError(_("The policy already allows these terms; no override is needed."))
    if decision.amount_base is None:
        raise ValidationError(
            _("No exchange rate for %(code)s: the amount cannot be judged.") % {"code": currency}
        )
    needs_second = decision.amount_base > four_eyes_amount()
    override = GatingOverride.objects.create(
        reference=reference,
        subject_id=subject.pk,
        action=action,
        amount=amount,
        currency=currency,
        term_days=term_days,
        amount_base=decision.amount_base,
        base_currency=decision.base_currency,
        reason=reason,
        refusal=decision.as_dict(),
        needs_second_approval=needs_second,
        status=GatingOverride.Status.PENDING if needs_second else GatingOverride.Status.EFFECTIVE,
        requested_by=by_user,
    )
    _send(override, "requested", by_user)
    return override


def _pending_for_update(override: GatingOverride) -> GatingOverride:
    locked = GatingOverride.objects.select_for_update().get(pk=override.pk)
    if locked.status != GatingOverride.Status.PENDING:
        raise ValidationError(_("This override is no longer waiting for a decision."))
    return locked


@transaction.atomic
def approve_override(*, override: GatingOverride, by_user, note: str = "") -> GatingOverride:
    """The second risk officer's approval: the override takes effect. Its author cannot approve it."""
    if not is_platform_risk_officer(by_user):
        raise PermissionDenied
    locked = _pending_for_update(override)
    if locked.requested_by_id == by_user.pk:
        raise ValidationError(
            _("You asked for this override; a second, different risk officer must approve it.")
        )
    locked.status = GatingOverride.Status.EFFECTIVE
    locked.decided_by = by_user
    locked.decided_at = timezone.now()
    locked.decision_note = (note or "").strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _send(locked, "approved", by_user)
    return locked


@transaction.atomic
def reject_override(*, override: GatingOverride, by_user, note: str) -> GatingOverride:
    """Refuse a pending override (its author may withdraw it too), with a note saying why."""
    if not is_platform_risk_officer(by_user):
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say why the override is rejected.")]})
    locked = _pending_for_update(override)
    locked.status = GatingOverride.Status.REJECTED
    locked.decided_by = by_user
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _send(locked, "rejected", by_user)
    return locked


def overrides_list() -> Iterable[GatingOverride]:
    """Every override, the ones waiting for a second approval first, then the newest."""
    return (
        GatingOverride.objects.select_related("subject", "requested_by", "decided_by")
        .annotate(
            waiting=Case(
                When(status=GatingOverride.Status.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "-requested_at", "-id")
    )
