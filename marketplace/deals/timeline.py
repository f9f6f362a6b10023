"""How each record event reads on the deal page: a registry from action to label and template.

The deal page shows ONE timeline of the whole record. Each action has an `Entry`: its label (lazy, so
it reads in the viewer's language) and the template that renders its details from `event.data`
(`deals/timeline/<action>.html`, given `event`, `deal` and `data`). An action without an entry
still shows, under its code, with the generic template — so a new step is never hidden.

Each helper adds its actions in its own block below (D2: contract, order, milestones; D3: visits,
shipments, disputes, ratings).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GENERIC_TEMPLATE = "deals/timeline/generic.html"


@dataclass(frozen=True)
class Entry:
    label: str | Promise
    template: str = GENERIC_TEMPLATE
    # A short CSS modifier for the marker on the timeline (state change, message, money, document…).
    kind: str = "step"


REGISTRY: dict[str, Entry] = {}


def register(action: str, label, template: str = GENERIC_TEMPLATE, kind: str = "step") -> None:
    if action in REGISTRY:
        raise ValueError(f"timeline action {action!r} registered twice")
    REGISTRY[action] = Entry(label, template, kind)


def entry(action: str) -> Entry:
    return REGISTRY.get(action) or Entry(action)


# --- inquiry, messages, negotiation, cancel (D1) ---
register("open", _("Inquiry opened"), "deals/timeline/open.html", "state")
register("message", _("Message"), "deals/timeline/message.html", "message")
register("propose", _("Offer sent"), "deals/timeline/propose.html", "offer")
register("decline_offer", _("Offer declined"), "deals/timeline/decline_offer.html", "offer")
register("accept_offer", _("Offer accepted: terms agreed"), "deals/timeline/accept_offer.html", "state")
register("cancel", _("Deal cancelled"), "deals/timeline/cancel.html", "state")
register("reopen", _("Terms reopened for secured terms"), "deals/timeline/reopen.html", "state")

# --- contract, order, milestones (D2) ---
register("contract_issued", _("Sales contract issued"), "deals/timeline/contract.html", "document")
register("contract_accepted", _("Sales contract accepted"), "deals/timeline/contract.html", "document")
register("place_order", _("Order placed"), "deals/timeline/place_order.html", "state")
register("insurance_recorded", _("Insurance"), "deals/timeline/insurance.html", "step")
register("payment_proof", _("Proof of payment uploaded"), "deals/timeline/payment.html", "money")
register("payment_confirmed", _("Payment confirmed"), "deals/timeline/payment.html", "money")
register("milestone_due", _("Payment due"), "deals/timeline/payment.html", "money")
register("milestone_overdue", _("Payment overdue"), "deals/timeline/payment.html", "money")

# --- visits, shipments, disputes, ratings (D3) ---
register("visit_requested", _("Factory visit requested"), "deals/timeline/visit_requested.html", "step")
register("visit_confirmed", _("Factory visit confirmed"), "deals/timeline/visit_confirmed.html", "step")
register("visit_report", _("Factory visit report"), "deals/timeline/visit_report.html", "document")
register("ship", _("Goods shipped"), "deals/timeline/ship.html", "state")
register("confirm_delivery", _("Delivery confirmed"), "deals/timeline/confirm_delivery.html", "state")
register("open_dispute", _("Dispute opened"), "deals/timeline/open_dispute.html", "state")
register(
    "dispute_answer", _("Supplier's answer to the dispute"), "deals/timeline/dispute_answer.html", "message"
)
register("resolve_dispute", _("Dispute decided"), "deals/timeline/resolve_dispute.html", "state")
register("complete", _("Deal completed"), "deals/timeline/complete.html", "state")
register("rating", _("Rating"), "deals/timeline/rating.html", "step")
