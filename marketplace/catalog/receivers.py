"""What credit learns from the catalog — a supplier's product certificates and their expiry — and what the
supplier hears when a certificate lapses.

Connected in `CatalogConfig.ready`. Whenever a certificate is added, renewed or removed, the
supplier's certificates on file (how many are current, how many expired, the next expiry) become a
fact of the platform's own source through credit's public `facts.record`, in the same transaction
as the change (a change rolled back records nothing); recording it queues the supplier's credit
recompute once the transaction commits. The certification services send no domain signal of their
own, so this listens to the model's saves and deletes (`certificates.py` writes the fact).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy

from marketplace.catalog.certificates import record_certificates
from marketplace.catalog.models import Product, ProductCertification
from marketplace.catalog.signals import certificates_lapsed
from marketplace.companies.models import Membership, User
from marketplace.notifications.services import notify


@receiver(post_save, sender=ProductCertification, dispatch_uid="catalog.certificate_saved_credit")
@receiver(post_delete, sender=ProductCertification, dispatch_uid="catalog.certificate_deleted_credit")
def certificates_changed(sender, instance: ProductCertification, **kwargs):
    supplier_id = Product.objects.filter(pk=instance.product_id).values_list("supplier_id", flat=True).first()
    if supplier_id:  # None when the product itself is being deleted
        record_certificates(supplier_id)


@receiver(certificates_lapsed, sender=ProductCertification, dispatch_uid="catalog.certificates_lapsed")
def tell_the_supplier_of_lapsed_certificates(sender, supplier_id: int, certificates, **kwargs):
    """The supplier's staff read which certificates lapsed; renewing them counts again for its credit index."""
    lines = [
        f"{c.get_standard_display()} — {c.product.name} ({c.expires_on.isoformat()})" for c in certificates
    ]
    notify(
        recipients=User.objects.filter(
            pk__in=Membership.objects.filter(company_id=supplier_id).values("user_id")
        ),
        title=gettext_lazy("Product certificates have expired: renew them to keep them on your credit file"),
        body="\n".join(lines),
        url=reverse("catalog:portal_product_list"),
    )
