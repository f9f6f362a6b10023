"""Template tags of payments: a provider's name, and the payment line under a milestone on the deal page."""

from django import template

from marketplace.deals import permissions
from marketplace.payments import providers, selectors, services

register = template.Library()


@register.simple_tag
def method_name(code: str) -> str:
    try:
        return str(providers.get(code).name)
    except KeyError:
        return code


@register.simple_tag(takes_context=True)
def milestone_payment_summary(context, milestone, deal) -> dict:
    """What the deal page shows under a milestone: the latest attempt, and a pay link for the buyer."""
    user = context["request"].user
    if not services.may_see(user, deal):
        return {"show": False}
    # One query for the whole table: kept on the deal object the page renders.
    if not hasattr(deal, "_payments_latest"):
        deal._payments_latest = selectors.latest_attempts(deal.milestones.values_list("pk", flat=True))
    attempt = deal._payments_latest.get(milestone.pk)
    milestone.deal = deal
    payer = permissions.acting_side(user, deal) == "buyer"
    may_pay = payer and selectors.may_start(milestone)
    return {
        "show": bool(attempt) or may_pay or permissions.is_platform_staff(user),
        "attempt": attempt,
        "may_pay": may_pay,
    }
