"""Demo financing: the demo supplier's order of hydraulic presses, financed by the demo bank and paid out.

Made through the services, as people would: the supplier applies, the bank's risk officer (bank@)
approves and records the disbursement. The demo supplier's other ordered deal (gear reducers for the
demo buyer) is left free, so a visitor can apply for financing on it. Idempotent: nothing is added
once the demo supplier has any application with the demo bank.

The rules are not bent for the demo: when the demo supplier's grade leaves no room (no advance rate,
or a credit limit already used — the simulated credit history of seed 2026 rates it C, whose row
allows neither), nothing is made and the stage line says why.
"""

import time
from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal

from django.utils import timezone

from marketplace.companies.demo import DEMO_BANK_OWNER, DEMO_BANK_SLUG, DEMO_SUPPLIER_OWNER
from marketplace.companies.models import Company, User
from marketplace.core import fx
from marketplace.core.money import Money
from marketplace.deals.models import Deal, DealState, Order
from marketplace.financing import policy, services
from marketplace.financing.models import FinancingApplication

DEMO_SUBJECT = "Hydraulic presses 200 t"
RATE = Decimal("5.800")
TERM_DAYS = 90
THOUSAND = Decimal(1000)


def seed_financing(*, users: dict[str, User], stage: Callable[..., None] = lambda *a, **k: None) -> int:
    """One approved, disbursed financing for the demo supplier with the demo bank; returns rows added (0 or 1)."""
    started = time.monotonic()
    supplier_user, officer = users.get(DEMO_SUPPLIER_OWNER), users.get(DEMO_BANK_OWNER)
    bank = Company.objects.filter(slug=DEMO_BANK_SLUG).first()
    supplier = supplier_user.company if supplier_user is not None else None
    deal = (
        Deal.objects.filter(supplier=supplier, subject=DEMO_SUBJECT, state=DealState.ORDERED).first()
        if supplier
        else None
    )
    if bank is None or officer is None or deal is None:
        return 0
    if FinancingApplication.objects.filter(supplier=supplier, bank=bank).exists():
        stage("financing", started, total=FinancingApplication.objects.count(), new=0)
        return 0
    order = Order.objects.get(deal=deal)
    suggestion = policy.suggest(supplier=supplier, base=services.order_value(order), currency=order.currency)
    decision = suggestion.decision
    # What the supplier's credit limit leaves room for, in the order's currency.
    room = fx.convert(
        Money(decision.limit - decision.exposure_before, decision.base_currency), order.currency
    )
    amount = min(suggestion.ceiling.amount, room.result.amount)
    amount = (amount / THOUSAND).to_integral_value(rounding=ROUND_DOWN) * THOUSAND
    if amount <= 0:
        stage(
            f"financing (none: grade {suggestion.grade} allows no financing)",
            started,
            total=FinancingApplication.objects.count(),
            new=0,
        )
        return 0
    application = services.apply(
        deal=deal,
        by_user=supplier_user,
        bank=bank,
        amount=amount,
        currency=order.currency,
        term_days=TERM_DAYS,
        note="Steel plate and hydraulic cylinders for the two presses.",
    )
    services.approve(application=application, by_user=officer, amount=amount, rate=RATE, term_days=TERM_DAYS)
    services.disburse(
        application=application, by_user=officer, amount=amount, disbursed_on=timezone.localdate()
    )
    stage("financing", started, total=FinancingApplication.objects.count(), new=1)
    return 1
