"""Demo payments: the demo buyer has started a bank transfer (T/T) for the first unpaid payment of its open
order, waiting for its proof — so the payment pages have something to show. Card payments need a Stripe
test key (or localstripe, see README) and are left for the person trying the demo."""

from marketplace.companies.demo import DEMO_BUYER_OWNER
from marketplace.deals.models import Deal, DealState, MilestoneStatus
from marketplace.payments import services
from marketplace.payments.models import PaymentAttempt


def seed_payments(*, users: dict) -> int:
    """Idempotent: nothing is added when the demo buyer's deals already have a payment attempt."""
    buyer_user = users.get(DEMO_BUYER_OWNER)
    if buyer_user is None or buyer_user.company is None:
        return 0
    deals = Deal.objects.filter(buyer=buyer_user.company, state=DealState.ORDERED).order_by("pk")
    if PaymentAttempt.objects.filter(deal__in=deals).exists():
        return 0
    for deal in deals:
        milestone = deal.milestones.exclude(status=MilestoneStatus.PAID).order_by("seq").first()
        if milestone is not None:
            services.start(milestone=milestone, method="tt", by_user=buyer_user)
            return 1
    return 0
