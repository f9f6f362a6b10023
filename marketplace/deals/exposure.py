"""What a buyer owes on credit: the unpaid payment milestones of its orders on deferred terms.

credit.gating reads this through the setting `CREDIT_EXPOSURE` (credit imports nothing from
marketplace). Only D/P, D/A and open account count: a prepayment, a deposit or an L/C leaves the
supplier no unsecured claim on the buyer.
"""

from collections.abc import Iterable
from decimal import Decimal

from marketplace.deals.models import DEFERRED_PAYMENT_TERMS, DealState, Milestone, MilestoneStatus

# Deals whose order still runs: placed, and neither completed nor cancelled.
RUNNING_STATES = (DealState.ORDERED, DealState.SHIPPED, DealState.DELIVERED, DealState.DISPUTED)


def outstanding(subject) -> Iterable[tuple[Decimal, str]]:
    """(amount, currency) of each unpaid milestone `subject` owes as buyer on a running deferred-terms order."""
    return list(
        Milestone.objects.filter(
            deal__buyer=subject,
            deal__state__in=RUNNING_STATES,
            order__payment_terms__in=DEFERRED_PAYMENT_TERMS,
        )
        .exclude(status=MilestoneStatus.PAID)
        .values_list("amount", "currency")
    )
