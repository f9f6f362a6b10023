"""`{% fulfilment_panel deal %}`: the deal page's factory visits, shipments, delivery, dispute and ratings,
with the buttons of the steps the viewer may take now."""

from django import template
from django.utils import timezone

from marketplace.deals import permissions
from marketplace.deals.models import DealState, Delivery, Dispute, Rating
from marketplace.deals.visits import CHECKLIST, VISIT_STATES

register = template.Library()


@register.inclusion_tag("deals/includes/fulfilment.html", takes_context=True)
def fulfilment_panel(context, deal):
    user = context["request"].user
    side = permissions.acting_side(user, deal)
    now = timezone.now()
    visits = list(deal.visits.select_related("inspector").prefetch_related("photos"))
    shipments = list(deal.shipments.prefetch_related("documents"))
    delivery = Delivery.objects.filter(deal=deal).first()
    dispute = Dispute.objects.filter(deal=deal).prefetch_related("evidence").first()
    ratings = list(Rating.objects.filter(deal=deal).select_related("from_company", "to_company"))
    open_visit = next((v for v in visits if v.status != "reported"), None)
    may_fetch = permissions.can_fetch_attachment(user, deal)
    labels = dict(CHECKLIST)
    for visit in visits:
        visit.checklist_rows = [(labels[code], visit.checklist.get(code, False)) for code in labels]
        visit.may_confirm = side == "supplier" and visit.status == "requested" and deal.state in VISIT_STATES
        visit.may_report = (
            visit.status == "confirmed"
            and deal.state in VISIT_STATES
            and visit.confirmed_time <= now
            and (side == "buyer" or (user.is_authenticated and visit.inspector_id == user.pk))
        )
    can = {
        "request_visit": side == "buyer" and deal.state in VISIT_STATES and open_visit is None,
        "ship": side == "supplier" and deal.state in (DealState.ORDERED, DealState.SHIPPED),
        "confirm_delivery": side == "buyer" and deal.state == DealState.SHIPPED,
        "open_dispute": side == "buyer"
        and deal.state == DealState.DELIVERED
        and delivery is not None
        and now <= delivery.claim_until,
        "answer_dispute": side == "supplier"
        and deal.state == DealState.DISPUTED
        and dispute is not None
        and dispute.answered_at is None,
        "resolve_dispute": permissions.is_platform_staff(user) and deal.state == DealState.DISPUTED,
        "rate": side is not None
        and deal.state == DealState.COMPLETED
        and not any(r.from_side == side for r in ratings),
    }
    return {
        "deal": deal,
        "visits": visits,
        "shipments": shipments,
        "delivery": delivery,
        "dispute": dispute,
        "ratings": ratings,
        "can": can,
        "may_fetch": may_fetch,
        "show": bool(visits or shipments or delivery or dispute or ratings or any(can.values())),
    }
