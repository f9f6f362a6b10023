"""What payments do when the deal moves: listen to deals' signals (payments stands above deals).

Connected in `PaymentsConfig.ready`. Receivers run after the deal's transaction committed; a provider
that does not answer leaves the attempt as it was, and `reconcile_payments` picks it up later.
"""

import logging

from django.dispatch import receiver

from marketplace.core.signals import state_changed
from marketplace.deals.models import Deal, Dispute, Milestone
from marketplace.payments import services, tasks
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.models import AttemptState, PaymentAttempt, WebhookEvent

log = logging.getLogger(__name__)

# Deal events after which a held card payment may be due for capture or release.
ADVANCING = {"place_order", "ship", "confirm_delivery", "complete"}


def _advance_deal(deal: Deal) -> None:
    for attempt in PaymentAttempt.objects.filter(
        deal=deal, state__in=(AttemptState.AUTHORIZED, AttemptState.CAPTURED)
    ).order_by("pk"):
        try:
            services.advance(attempt)
        except gateway.StripeError as error:
            log.warning("payments: attempt %s not advanced after a deal event: %s", attempt.pk, error)


@receiver(state_changed, sender=Deal, dispatch_uid="payments.deal_moved")
def deal_moved(sender, instance: Deal, event: str, **kwargs):
    if event in ADVANCING:
        _advance_deal(instance)
    elif event == "open_dispute":
        services.hold_for_dispute(instance)
    elif event == "resolve_dispute":
        dispute = Dispute.objects.get(deal=instance)
        try:
            services.follow_dispute_outcome(
                instance, resolution=dispute.resolution, refund_amount=dispute.refund_amount
            )
        except gateway.StripeError as error:
            log.warning("payments: dispute outcome of deal %s not applied: %s", instance.pk, error)


@receiver(state_changed, sender=Milestone, dispatch_uid="payments.milestone_paid")
def milestone_moved(sender, instance: Milestone, event: str, **kwargs):
    if event == "confirm_payment":
        try:
            services.milestone_paid(instance)
        except gateway.StripeError as error:
            log.warning("payments: card hold of milestone %s not cancelled: %s", instance.pk, error)


@receiver(services.event_stored, sender=WebhookEvent, dispatch_uid="payments.event_stored")
def event_stored(sender, event_pk: int, **kwargs):
    """The endpoint answered as soon as the event was stored; a worker applies it."""
    tasks.apply_webhook_event.enqueue(event_pk)
