"""Reading payments: what a milestone's payment looks like to a viewer, and a supplier's held money."""

from decimal import Decimal

from django.db.models import Sum

from marketplace.deals.exposure import RUNNING_STATES
from marketplace.deals.models import Milestone
from marketplace.payments.models import AttemptState, PaymentAttempt


def may_start(milestone: Milestone) -> bool:
    return milestone.deal.state in RUNNING_STATES and not milestone.is_paid


def latest_attempts(milestone_ids) -> dict[int, PaymentAttempt]:
    """The latest attempt of each milestone, in one query."""
    latest: dict[int, PaymentAttempt] = {}
    for attempt in PaymentAttempt.objects.filter(milestone_id__in=list(milestone_ids)).order_by("number"):
        latest[attempt.milestone_id] = attempt
    return latest


def supplier_money(company) -> list[dict]:
    """Per currency: card money held by TrustFair for the supplier, and what was released to it."""
    rows = (
        PaymentAttempt.objects.filter(deal__supplier=company, provider="stripe")
        .values("currency")
        .annotate(
            released=Sum("released_amount"),
        )
        .order_by("currency")
    )
    held = {
        r["currency"]: r["total"]
        for r in PaymentAttempt.objects.filter(deal__supplier=company, state=AttemptState.CAPTURED)
        .values("currency")
        .annotate(total=Sum("captured_amount"))
    }
    out = []
    for row in rows:
        out.append(
            {
                "currency": row["currency"],
                "released": row["released"] or Decimal(0),
                "held": held.get(row["currency"], Decimal(0)),
            }
        )
    return out
