"""Demo financing: applications to the demo bank for the first two demo deals that qualify — the first
approved by bank@, the second waiting in bank@'s queue.

Tried in order: the demo supplier's order of hydraulic presses (pre-shipment), its deal insured with the
demo insurer (post-shipment, the indemnity assigned to the bank), then the second demo supplier's ordered
deals (pre-shipment). Each is asked for what TrustFair's ceiling and the supplier's remaining credit room
allow, so the second fits beside the first.

Made through the services, as people would: the supplier applies, the bank's risk officer (bank@)
approves the first and records its disbursement (pre-shipment); the second is left for bank@ to decide.
The demo supplier's other ordered deal (gear reducers for the demo buyer) is left free, so a visitor can
apply for financing on it. Idempotent: nothing is added once the demo supplier has any application with
the demo bank.

The rules are not bent for the demo: a supplier whose grade leaves no room (no advance rate, or a credit
limit already used) is skipped; when no candidate qualifies nothing is made and the stage line says why.
The demo supplier's grade comes from the history marketplace/companies/demo_history.py records for it
(grade A under the expert scorecard), which the policy finances at 80 %.
"""

import time
from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal

from django.utils import timezone

from marketplace.companies.demo import (
    DEMO_BANK_OWNER,
    DEMO_BANK_SLUG,
    DEMO_SUPPLIER_OWNER,
    SECOND_SUPPLIER_OWNER,
)
from marketplace.companies.models import Company, User
from marketplace.core import fx
from marketplace.core.money import Money
from marketplace.deals.models import Deal, DealState, Order
from marketplace.financing import policy, services
from marketplace.financing.models import FinancingApplication, FinancingKind

DEMO_SUBJECT = "Hydraulic presses 200 t"
RATE = Decimal("5.800")
TERM_DAYS = 90
THOUSAND = Decimal(1000)


def _amount_for(supplier, base: Money, currency: str, max_share=None) -> tuple[Decimal, str]:
    """What TrustFair's suggestion and the supplier's credit room allow, in whole thousands, and its grade."""
    suggestion = policy.suggest(supplier=supplier, base=base, currency=currency, max_share=max_share)
    decision = suggestion.decision
    room = fx.convert(Money(decision.limit - decision.exposure_before, decision.base_currency), currency)
    amount = min(suggestion.ceiling.amount, room.result.amount)
    return (amount / THOUSAND).to_integral_value(rounding=ROUND_DOWN) * THOUSAND, suggestion.grade


def _candidates(users: dict[str, User]):
    """(supplier's user, deal, kind) the demo tries, in order: the demo supplier's presses before shipment,
    its insured deal after shipment, then the second supplier's ordered deals before shipment."""
    for email in (DEMO_SUPPLIER_OWNER, SECOND_SUPPLIER_OWNER):
        user = users.get(email)
        supplier = user.company if user is not None else None
        if supplier is None:
            continue
        deals = Deal.objects.filter(supplier=supplier).order_by("pk")
        if email == DEMO_SUPPLIER_OWNER:
            presses = deals.filter(subject=DEMO_SUBJECT, state=DealState.ORDERED).first()
            if presses is not None:
                yield user, presses, FinancingKind.PRE_SHIPMENT
            for deal in deals.filter(state__in=services.POST_SHIPMENT_STATES):
                if services.insured_receivable_for(deal) is not None:
                    yield user, deal, FinancingKind.POST_SHIPMENT
        else:
            for deal in deals.filter(state=DealState.ORDERED):
                yield user, deal, FinancingKind.PRE_SHIPMENT


def _note(deal: Deal, kind: str) -> str:
    if kind == FinancingKind.PRE_SHIPMENT and deal.subject == DEMO_SUBJECT:
        return "Steel plate and hydraulic cylinders for the two presses."
    if kind == FinancingKind.PRE_SHIPMENT:
        return "Materials and labour until the goods ship."
    return "Working capital until the buyer pays the insured invoice."


def seed_financing(*, users: dict[str, User], stage: Callable[..., None] = lambda *a, **k: None) -> int:
    """Financing with the demo bank for the first two demo deals whose supplier's grade allows it; returns
    rows added (0, 1 or 2). The first is decided: pre-shipment approved and disbursed, post-shipment
    approved (the indemnity of the insured invoice assigned to the bank). The second is only sent: it
    waits in bank@'s queue for a decision. When no candidate qualifies, the stage line says why."""
    started = time.monotonic()
    officer = users.get(DEMO_BANK_OWNER)
    bank = Company.objects.filter(slug=DEMO_BANK_SLUG).first()
    if bank is None or officer is None:
        return 0
    if FinancingApplication.objects.filter(bank=bank, created_by__in=list(users.values())).exists():
        stage("financing", started, total=FinancingApplication.objects.count(), new=0)
        return 0
    refused, made = [], []
    for supplier_user, deal, kind in _candidates(users):
        supplier = supplier_user.company
        order = Order.objects.get(deal=deal)
        receivable = services.insured_receivable_for(deal) if kind == FinancingKind.POST_SHIPMENT else None
        base = services.base_value(order, receivable)
        try:
            # After the first: its amount is in the supplier's exposure, so the room is what is left.
            amount, grade = _amount_for(supplier, base, base.currency, services.receivable_share(receivable))
        except fx.NoRate:
            continue
        if amount <= 0:
            refused.append(f"{supplier.name} grade {grade}")
            continue
        application = services.apply(
            deal=deal,
            by_user=supplier_user,
            bank=bank,
            amount=amount,
            currency=base.currency,
            term_days=TERM_DAYS,
            kind=kind,
            note=_note(deal, kind),
        )
        if made:
            made.append(f"{kind} waiting for the bank")
            break
        services.approve(
            application=application, by_user=officer, amount=amount, rate=RATE, term_days=TERM_DAYS
        )
        if kind == FinancingKind.PRE_SHIPMENT:
            services.disburse(
                application=application, by_user=officer, amount=amount, disbursed_on=timezone.localdate()
            )
        made.append(f"{kind} {'disbursed' if kind == FinancingKind.PRE_SHIPMENT else 'approved'}")
    if made:
        stage(
            f"financing ({', '.join(made)})",
            started,
            total=FinancingApplication.objects.count(),
            new=len(made),
        )
        return len(made)
    why = "; ".join(refused) or "no ordered or insured deal"
    stage(
        f"financing (none: the policy allows no financing for {why})",
        started,
        total=FinancingApplication.objects.count(),
        new=0,
    )
    return 0
