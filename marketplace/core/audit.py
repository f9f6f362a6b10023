"""The audit trail: every state change writes one event in the same transaction (`log`)."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from marketplace.core.models import AuditEvent


def _label(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return getattr(user, "email", "") or str(user)


def log(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    company_id: int | None = None,
    data: dict | None = None,
) -> AuditEvent:
    """Append one event: `actor` (a user or None for the system) did `action` to `obj` for `company_id`.

    `action` is dotted, app first: "catalog.product.publish". `data` must be JSON-serialisable
    (Decimal, dates and UUIDs are encoded by Django's encoder).
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=_label(user),
        company_id=company_id,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False)
        if obj is not None
        else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        data=data or {},
    )


def history(obj: models.Model):
    """Every event about `obj`, newest first."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=str(obj.pk)
    ).select_related("actor")


def for_company(company_id: int):
    """Every event done on behalf of a company (its products, showcases, documents...), newest first."""
    return AuditEvent.objects.filter(company_id=company_id).select_related("actor")


def history_of(queryset: models.QuerySet):
    """Every event about any object of `queryset` (e.g. a showcase's invitations), newest first."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(queryset.model, for_concrete_model=False),
        object_id__in=[str(pk) for pk in queryset.values_list("pk", flat=True)],
    ).select_related("actor")
