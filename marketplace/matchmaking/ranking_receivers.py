"""Keep the ranking's supplier signals in step with the catalog and the deals (connected in `MatchmakingConfig.ready`).

Each receiver only names the supplier to refresh; `ranking_signals.schedule_refresh` rebuilds its row once
the transaction commits (once per transaction, however many products an import touched).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from marketplace.catalog.models import Product, ProductCertification
from marketplace.companies.models import Company
from marketplace.deals.models import Deal
from marketplace.deals.signals import event_recorded
from marketplace.matchmaking.meetings_signals import attendance_settled
from marketplace.matchmaking.models.meetings import Meeting
from marketplace.matchmaking.ranking_signals import schedule_refresh


@receiver(post_save, sender=Product, dispatch_uid="matchmaking.product_saved_signals")
@receiver(post_delete, sender=Product, dispatch_uid="matchmaking.product_deleted_signals")
def product_changed(sender, instance: Product, **kwargs):
    schedule_refresh(instance.supplier_id)


@receiver(post_save, sender=ProductCertification, dispatch_uid="matchmaking.certificate_saved_signals")
@receiver(post_delete, sender=ProductCertification, dispatch_uid="matchmaking.certificate_deleted_signals")
def certificate_changed(sender, instance: ProductCertification, **kwargs):
    # Resolved to its supplier when the refresh runs (no query in the request itself); a certificate
    # deleted with its product is covered by the product's own delete.
    schedule_refresh(product_id=instance.product_id)


@receiver(event_recorded, sender=Deal, dispatch_uid="matchmaking.deal_event_signals")
def deal_event(sender, deal: Deal, **kwargs):
    """A deal opened, answered or moved on: the supplier's response figures and markets may change."""
    schedule_refresh(deal.supplier_id)


@receiver(post_save, sender=Company, dispatch_uid="matchmaking.company_saved_signals")
def company_changed(sender, instance: Company, created=False, update_fields=None, **kwargs):
    """Verification granted or withdrawn, or the company started or stopped selling (the refresh drops a
    company that no longer sells)."""
    if created:
        return
    if update_fields is not None and "verified_at" not in update_fields and "kind" not in update_fields:
        return
    schedule_refresh(instance.pk)


@receiver(attendance_settled, sender=Meeting, dispatch_uid="matchmaking.meeting_attendance_signals")
def meeting_settled(sender, meeting: Meeting, **kwargs):
    """A meeting was held or missed: the supplier side's meetings kept and missed change."""
    for company_id in (meeting.requester_company_id, meeting.invitee_company_id):
        schedule_refresh(company_id)
