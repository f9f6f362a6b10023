"""TrustFair's suggestion beside the insurer's decision on a limit application, from the credit policy.

The gating policy (credit.gating) says, for the buyer's grade, which deferred terms it may have without
security, the longest term and the credit limit in the policy's base currency. The suggestion reads the
same decision for the deal's terms and turns it into what an underwriter wants to see: whether the policy
would let this buyer have these terms, the longest term, and the largest limit the policy leaves room
for. The exposure gating counts already holds this deal's own unpaid invoice (the order is placed), so
the headroom is the policy limit less the buyer's *other* exposure — otherwise the deal would be counted
twice and every application would look over the limit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from credit.gating import decide, term_label
from marketplace.deals.models import Deal, MilestoneStatus

CENT = Decimal("0.01")


def grade_label(grade: str) -> str:
    return _("not yet rated") if grade == "NR" else grade


@dataclass(frozen=True)
class Suggestion:
    """What the credit policy says about insuring `amount` `currency` on this buyer for `term_days`."""

    grade: str
    terms_allowed: bool
    term_days_max: int
    policy_limit: str  # in the policy's base currency
    base_currency: str
    other_exposure: str  # base currency: the buyer's unpaid deferred invoices apart from this deal's
    suggested_amount: str  # in the application's currency; 0 means the policy suggests refusing
    currency: str
    approve: bool
    reasons: list[str]
    policy_version: int
    assessment_id: int | None

    def as_dict(self) -> dict:
        return asdict(self)


def _to_base(amount: Decimal, currency: str, base: str, rates: dict[str, str]) -> Decimal | None:
    if currency == base:
        return amount
    if currency not in rates or base not in rates:
        return None
    return amount * Decimal(rates[currency]) / Decimal(rates[base])


def suggest(deal: Deal, *, amount: Decimal, currency: str, term_days: int) -> Suggestion:
    order = deal.order
    decision = decide(
        deal.buyer,
        order.payment_terms,
        amount,
        currency,
        counterparty=deal.supplier,
        term_days=term_days,
    )
    base = decision.base_currency
    rates = dict(decision.rates)
    own = Decimal(0)
    for unpaid, unpaid_currency in deal.milestones.exclude(status=MilestoneStatus.PAID).values_list(
        "amount", "currency"
    ):
        converted = _to_base(Decimal(unpaid), unpaid_currency, base, rates)
        own += converted or 0
    other = max(Decimal(0), decision.exposure_before - own).quantize(CENT)
    headroom = max(Decimal(0), decision.limit - other)
    terms_allowed = order.payment_terms in decision.allowed_terms
    long_enough = term_days <= decision.term_days_max
    reasons: list[str] = []
    if not terms_allowed:
        reasons.append(
            _("The credit policy does not allow %(term)s without security for grade %(grade)s.")
            % {"term": term_label(order.payment_terms), "grade": grade_label(decision.grade)}
        )
    if not long_enough:
        reasons.append(
            _(
                "A term of %(days)d days is longer than the %(max)d days the credit policy allows for %(grade)s."
            )
            % {"days": term_days, "max": decision.term_days_max, "grade": grade_label(decision.grade)}
        )
    in_currency = _to_base(headroom, base, currency, rates) if currency != base else headroom
    suggested = Decimal(0)
    if terms_allowed and long_enough and in_currency is not None:
        suggested = min(Decimal(amount), in_currency).quantize(CENT)
        if suggested < amount:
            reasons.append(
                _("The credit policy leaves room for %(amount)s %(currency)s on this buyer.")
                % {"amount": f"{suggested:,.2f}", "currency": currency}
            )
    elif in_currency is None:
        reasons.append(_("No exchange rate to compare the amount with the credit policy's limit."))
    return Suggestion(
        grade=decision.grade,
        terms_allowed=terms_allowed,
        term_days_max=decision.term_days_max,
        policy_limit=str(decision.limit),
        base_currency=base,
        other_exposure=str(other),
        suggested_amount=str(suggested),
        currency=currency,
        approve=suggested > 0,
        reasons=[str(r) for r in reasons],
        policy_version=decision.policy_version,
        assessment_id=decision.assessment_id,
    )
