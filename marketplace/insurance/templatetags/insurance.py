"""The deal page's insurance step (`{% load insurance %}{% insurance_step deal %}`) and a table helper."""

from django import template
from django.utils import timezone

from marketplace.deals import permissions
from marketplace.insurance import selectors, services
from marketplace.insurance.models import CreditLimit, LimitStatus

register = template.Library()


@register.inclusion_tag("insurance/includes/deal_step.html", takes_context=True)
def insurance_step(context, deal):
    """The supplier's view of the deal's insurance: certificates, the limit, a link to insure it.

    Shown to the supplier's members only, on an order that can be insured or already is; the buyer's
    page shows nothing of it (the record's insurance step says whether the order is insured)."""
    user = context["request"].user
    shown = permissions.side_of(user, deal) == "supplier"
    declarations = list(selectors.declarations_of(deal)) if shown else []
    if not shown or (not declarations and not services.insurable(deal)):
        return {"show": False}
    today = timezone.localdate()
    limits = list(
        CreditLimit.objects.filter(
            policy__insured_id=deal.supplier_id,
            buyer_id=deal.buyer_id,
            status__in=[LimitStatus.PENDING, LimitStatus.APPROVED],
        ).select_related("insurer")
    )
    return {
        "show": True,
        "deal": deal,
        "declarations": declarations,
        "pending": next((x for x in limits if x.status == LimitStatus.PENDING), None),
        "in_force": next((x for x in limits if x.in_force_on(today)), None),
    }


@register.filter
def cell(row: dict, key):
    return row.get(key)
