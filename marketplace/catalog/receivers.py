"""What credit learns from the catalog: a supplier's product certificates and their expiry.

Connected in `CatalogConfig.ready`. Whenever a certificate is added, renewed or removed, the
supplier's certificates on file (how many are current, how many expired, the next expiry) become a
fact of the platform's own source through credit's public `facts.record`, in the same transaction
as the change (a change rolled back records nothing); recording it queues the supplier's credit
recompute once the transaction commits. The certification services send no domain signal of their
own, so this listens to the model's saves and deletes.
"""

from django.db.models import Count, Min, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from credit import facts as credit_facts
from marketplace.catalog.models import Product, ProductCertification
from marketplace.companies.models import Company


def record_certificates(supplier_id: int) -> None:
    """The supplier's certificates on file now, as one `certificates_on_file` fact."""
    today = timezone.localdate()
    summary = ProductCertification.objects.filter(product__supplier_id=supplier_id).aggregate(
        current=Count("pk", filter=Q(expires_on__gte=today)),
        expired=Count("pk", filter=Q(expires_on__lt=today)),
        next_expiry=Min("expires_on", filter=Q(expires_on__gte=today)),
    )
    payload = {"current": summary["current"], "expired": summary["expired"]}
    if summary["next_expiry"]:
        payload["next_expiry"] = summary["next_expiry"].isoformat()
    supplier = Company.objects.filter(pk=supplier_id).first()
    if supplier is None:  # the supplier itself is being deleted
        return
    now = timezone.now()
    credit_facts.record(
        source="platform",
        kind="certificates_on_file",
        subject=supplier,
        payload=payload,
        occurred_at=now,
        external_ref=f"certificates:{supplier_id}:{now.isoformat()}",
        platform_event="catalog.certificates",
    )


@receiver(post_save, sender=ProductCertification, dispatch_uid="catalog.certificate_saved_credit")
@receiver(post_delete, sender=ProductCertification, dispatch_uid="catalog.certificate_deleted_credit")
def certificates_changed(sender, instance: ProductCertification, **kwargs):
    supplier_id = Product.objects.filter(pk=instance.product_id).values_list("supplier_id", flat=True).first()
    if supplier_id:  # None when the product itself is being deleted
        record_certificates(supplier_id)
