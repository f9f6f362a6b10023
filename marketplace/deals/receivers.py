"""What the parties hear when something happens in a deal: in-app and by email, in their own language.

Connected in `DealsConfig.ready`. Every record event arrives as `signals.event_recorded` after commit;
the receiver tells the OTHER party's staff (and never the person who acted). Each helper adds the
actions it owns to `MESSAGES` in its own block; an action not listed tells nobody.
"""

from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from marketplace.companies.models import Membership, PlatformRole, User
from marketplace.deals import fulfilment_facts, signals
from marketplace.deals.models import Deal, DealEvent
from marketplace.notifications.services import notify

# action -> (title, whom: "other" = the other party's staff, "both" = both parties' staff, email?)
MESSAGES: dict[str, tuple] = {
    # --- inquiry, messages, negotiation, cancel (D1) ---
    "open": (_("New inquiry"), "other", True),
    "message": (_("New message in a deal"), "other", True),
    "propose": (_("New offer in a deal"), "other", True),
    "decline_offer": (_("Your offer was declined"), "other", True),
    "accept_offer": (_("Terms agreed: your offer was accepted"), "other", True),
    "cancel": (_("A deal was cancelled"), "other", True),
    "reopen": (_("The agreed terms were reopened for secured terms"), "other", True),
    # --- contract, order, milestones (D2) ---
    "contract_issued": (_("The sales contract is ready to accept"), "other", True),
    "contract_accepted": (_("The other party accepted the sales contract"), "other", True),
    "place_order": (_("Order placed"), "both", True),
    "payment_proof": (_("Proof of payment uploaded"), "other", True),
    "payment_confirmed": (_("Payment confirmed"), "both", True),
    "milestone_due": (_("A payment falls due"), "both", True),
    "milestone_overdue": (_("A payment is overdue"), "both", True),
}


def _staff(company_ids):
    return User.objects.filter(
        pk__in=Membership.objects.filter(company_id__in=list(company_ids)).values("user_id"), is_active=True
    )


def recipients(deal: Deal, event: DealEvent, whom: str):
    parties = [deal.buyer_id, deal.supplier_id]
    if whom == "other" and event.actor_company_id in parties:
        parties.remove(event.actor_company_id)
    people = _staff(parties)
    if event.actor_user_id is not None:
        people = people.exclude(pk=event.actor_user_id)
    return people


@receiver(signals.event_recorded, sender=Deal, dispatch_uid="deals.event_recorded")
def tell_the_parties(sender, deal: Deal, event: DealEvent, **kwargs):
    spec = MESSAGES.get(event.action)
    if spec is None:
        return
    title, whom, email = spec
    # The body names the deal and its counterparty by their own names: no UI words to translate.
    body = f"{deal.number} · {deal.subject}"
    notify(
        recipients=recipients(deal, event, whom),
        title=title,
        body=body,
        url=deal.get_absolute_url(),
        email=email,
    )


# --- visits, shipments, disputes, ratings (D3) ---
MESSAGES.update(
    {
        "visit_requested": (_("A factory visit is requested"), "other", True),
        "visit_confirmed": (_("Your factory visit is confirmed"), "other", True),
        "visit_report": (_("A factory visit report was filed"), "both", True),
        "ship": (_("Goods shipped"), "other", True),
        "confirm_delivery": (_("Delivery confirmed"), "other", True),
        "open_dispute": (_("A dispute was opened on a deal"), "other", True),
        "dispute_answer": (_("The supplier answered your dispute"), "other", True),
        "resolve_dispute": (_("The dispute was decided"), "both", True),
        "complete": (_("Deal completed: you can rate the other party"), "both", True),
        "rating": (_("You were rated on a deal"), "other", False),
    }
)


@receiver(signals.event_recorded, sender=Deal, dispatch_uid="deals.fulfilment.operators")
def tell_operators_of_disputes(sender, deal: Deal, event: DealEvent, **kwargs):
    """Operators decide disputes: each new one and each answer reaches them."""
    if event.action not in ("open_dispute", "dispute_answer"):
        return
    operators = User.objects.filter(platform_role=PlatformRole.OPERATOR, is_active=True)
    title = (
        _("A dispute awaits a decision") if event.action == "open_dispute" else _("A dispute was answered")
    )
    notify(
        recipients=operators, title=title, body=f"{deal.number} · {deal.subject}", url=deal.get_absolute_url()
    )


@receiver(signals.event_recorded, sender=Deal, dispatch_uid="deals.fulfilment.credit_facts")
def record_credit_facts(sender, deal: Deal, event: DealEvent, **kwargs):
    """Delivery, visit, dispute, completion and cancellation facts for the credit engine (idempotent)."""
    fulfilment_facts.record_for(deal, event)
