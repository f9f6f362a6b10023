"""What credit learns of a supplier's product certificates: how many are current, how many expired, the next expiry.

`record_certificates` writes that summary as one `certificates_on_file` fact of the platform's own source
through credit's public `facts.record`; recording it queues the supplier's credit recompute once the
transaction commits. The catalog records it whenever a certificate is added, renewed or removed
(`receivers`), and the daily expiry check (`tasks.check_expiries`) records it when a certificate's last
valid day has passed since — without it a lapsed certificate would count as current until the catalog
next changed.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from credit import facts as credit_facts
from marketplace.catalog import signals
from marketplace.catalog.models import ProductCertification
from marketplace.companies.models import Company
from marketplace.core import audit
from marketplace.core.signals import send_after_commit

# How far back the daily check looks for certificates that lapsed: a worker down for a month still
# reports every lapse when it comes back.
LOOKBACK_DAYS = 60


def record_certificates(
    supplier_id: int, *, external_ref: str = "", platform_event: str = "catalog.certificates"
) -> bool:
    """The supplier's certificates on file now, as one `certificates_on_file` fact; True if it is new."""
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
        return False
    now = timezone.now()
    _fact, created = credit_facts.record(
        source="platform",
        kind="certificates_on_file",
        subject=supplier,
        payload=payload,
        occurred_at=now,
        external_ref=external_ref or f"certificates:{supplier_id}:{now.isoformat()}",
        platform_event=platform_event,
    )
    return created


def certificates_report_expired(*, today: dt.date | None = None) -> list[int]:
    """Every supplier with a certificate whose last valid day passed (in the last LOOKBACK_DAYS) gets its
    summary recorded once per lapse; returns the suppliers newly reported.

    The fact's reference names the latest lapsed day, so a second run (the same day or later) finds it
    recorded and adds nothing, while a further certificate lapsing on a later day reports again. Each
    report is audited and, after commit, `signals.certificates_lapsed` tells the supplier (`receivers`).
    """
    today = today or timezone.localdate()
    window_start = today - dt.timedelta(days=LOOKBACK_DAYS)
    lapsed = (
        ProductCertification.objects.filter(expires_on__lt=today, expires_on__gte=window_start)
        .values("product__supplier_id")
        .annotate(last=Max("expires_on"))
        .order_by("product__supplier_id")
    )
    reported = []
    for row in lapsed:
        supplier_id = row["product__supplier_id"]
        with transaction.atomic():
            if not record_certificates(
                supplier_id,
                external_ref=f"certificates:{supplier_id}:lapsed:{row['last'].isoformat()}",
                platform_event="catalog.certificate_expired",
            ):
                continue
            certificates = list(
                ProductCertification.objects.filter(
                    product__supplier_id=supplier_id, expires_on__lt=today, expires_on__gte=window_start
                )
                .select_related("product")
                .order_by("expires_on", "pk")
            )
            audit.log(
                actor=None,
                action="catalog.certificates.lapsed",
                company_id=supplier_id,
                data={"certificates": [[c.pk, c.standard, c.expires_on.isoformat()] for c in certificates]},
            )
            send_after_commit(
                signals.certificates_lapsed,
                sender=ProductCertification,
                supplier_id=supplier_id,
                certificates=certificates,
            )
            reported.append(supplier_id)
    return reported
