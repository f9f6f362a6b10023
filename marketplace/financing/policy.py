"""TrustFair's suggestion to the bank: the advance rate by the supplier's grade, the ceiling, the credit limit.

The credit gating policy (credit.gating) has no financing action and no advance-rate column: its rows
give, per grade, the payment terms allowed, a credit limit and the longest term. Financing therefore
reads the two halves from two places:

* **the advance rate** by the supplier's grade from `settings.FINANCING_ADVANCE_RATES` ({grade: rate},
  default `DEFAULT_ADVANCE_RATES`), never above 90 % (`MAX_ADVANCE`);
* **the credit limit and the exposure** from `credit.gating.decide`: its decision names the grade, the
  policy version, the limit in the policy's base currency, the exposure before this amount (which,
  through `settings.CREDIT_EXPOSURE`, includes the financing already asked for or outstanding) and the
  amount in the base currency. Financing is asked as "prepayment" — a term that adds no trade exposure
  of its own — and TrustFair applies the limit to the financed amount itself: exposure before + amount
  may not exceed the limit. With `lock=True` the supplier's row is locked first, so two applications at
  once are decided one after the other.

The ceiling is advance rate × the order's value (pre-shipment) or × the insured amount (post-shipment),
converted to the application's currency at the shared FX table's rates (the rate and its date are kept).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from credit.gating import Decision, decide
from marketplace.core import fx
from marketplace.core.money import Money

MAX_ADVANCE = Decimal("0.90")
CENT = Decimal("0.01")
UNRATED = "NR"
DEFAULT_ADVANCE_RATES = {
    "AAA": "0.90",
    "AA": "0.85",
    "A": "0.80",
    "BBB": "0.70",
    "BB": "0.60",
    "B": "0.50",
    "CCC": "0",
    "C": "0",
    # Not yet rated (thin file): less than the weakest grade that is financed at all.
    "NR": "0.40",
}


def money_text(amount: Decimal, currency: str) -> str:
    """120000 USD → "120,000 USD"; cents only when there are any (as gating's own reasons write money)."""
    amount = Decimal(amount).quantize(CENT)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{text} {currency}"


def grade_label(grade: str) -> str:
    return _("not yet rated") if grade == UNRATED else grade


def advance_rate(grade: str) -> Decimal:
    """The share of the base value TrustFair suggests lending for `grade`, at most 90 %."""
    rates = getattr(settings, "FINANCING_ADVANCE_RATES", None) or DEFAULT_ADVANCE_RATES
    rate = Decimal(str(rates.get(grade, rates.get("NR", "0"))))
    return max(Decimal(0), min(rate, MAX_ADVANCE))


@dataclass(frozen=True)
class Suggestion:
    """What TrustFair tells the bank about one application: rate, ceiling and the supplier's credit room."""

    grade: str
    advance_rate: Decimal
    base: Money  # the order's value (or the insured amount) the rate applies to
    ceiling: Money  # in the application's currency
    fx_rate: Decimal
    fx_date: dt.date | None
    decision: Decision
    amount: Money | None  # the amount checked against the limit (None: only the ceiling was asked for)
    max_share: Decimal | None = None  # post-shipment: at most this share of the insured amount (≤ 90 %)

    @property
    def share(self) -> Decimal:
        """The share of the base actually lent against: the advance rate, capped by `max_share`."""
        return self.advance_rate if self.max_share is None else min(self.advance_rate, self.max_share)

    @property
    def exposure_after(self) -> Decimal | None:
        if self.amount is None or self.decision.amount_base is None:
            return None
        return self.decision.exposure_before + self.decision.amount_base

    @property
    def within_limit(self) -> bool:
        after = self.exposure_after
        return after is not None and after <= self.decision.limit

    def limit_reason(self) -> str:
        d = self.decision
        if self.amount is not None and d.amount_base is None:
            return _(
                "No exchange rate for %(code)s: the amount cannot be checked against the credit limit."
            ) % {"code": self.amount.currency}
        return _(
            "This financing would bring the supplier's credit in use to %(after)s, above the %(limit)s "
            "limit for grade %(grade)s."
        ) % {
            "after": money_text(self.exposure_after or d.exposure_before, d.base_currency),
            "limit": money_text(d.limit, d.base_currency),
            "grade": grade_label(d.grade),
        }

    def as_dict(self) -> dict:
        return {
            "grade": self.grade,
            "advance_rate": str(self.advance_rate),
            "base": {"amount": str(self.base.amount), "currency": self.base.currency},
            "ceiling": {"amount": str(self.ceiling.amount), "currency": self.ceiling.currency},
            "fx_rate": str(self.fx_rate),
            "fx_date": self.fx_date.isoformat() if self.fx_date else None,
            "exposure_after": str(self.exposure_after) if self.exposure_after is not None else None,
            "within_limit": self.within_limit,
            "max_share": str(self.max_share) if self.max_share is not None else None,
            "gating": self.decision.as_dict(),
        }


def suggest(
    *,
    supplier,
    base: Money,
    currency: str,
    amount: Decimal | None = None,
    reference: str = "",
    lock: bool = False,
    max_share: Decimal | None = None,
) -> Suggestion:
    """The suggestion for financing `amount` of `currency` to `supplier` against `base`: the ceiling is
    base × min(advance rate by grade, `max_share`) — post-shipment, `max_share` caps the advance at 90 %
    of the insured amount (or the indemnified share, if less).

    Raises fx.NoRate when `base` cannot be converted to `currency`.
    """
    check_amount = amount if amount is not None and amount > 0 else Decimal(1)
    decision = decide(supplier, "prepayment", check_amount, currency, reference=reference, lock=lock)
    rate = advance_rate(decision.grade)
    share = rate if max_share is None else min(rate, Decimal(max_share))
    conversion = fx.convert(Money(base.amount * share, base.currency), currency)
    ceiling = conversion.result.quantize(ROUND_DOWN)
    dates = conversion.rate_dates
    return Suggestion(
        grade=decision.grade,
        advance_rate=rate,
        base=base,
        ceiling=ceiling,
        fx_rate=conversion.rate,
        fx_date=dates[-1] if dates else None,
        decision=decision,
        amount=Money(amount, currency) if amount is not None and amount > 0 else None,
        max_share=Decimal(max_share) if max_share is not None else None,
    )
