"""Shared records: the audit trail every state change writes, and the dated FX-rate table."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk UPDATE and DELETE: the trail is corrected by new events, never rewritten."""

    def update(self, **kwargs):
        raise ValidationError(_("Audit events are append-only."))

    def delete(self):
        raise ValidationError(_("Audit events are append-only."))


class AuditEvent(models.Model):
    """One thing that happened on the platform: who did what to which object, on whose behalf, when.

    Append-only (the model refuses updates and deletes; on PostgreSQL a trigger does too). It refers to
    the acting user, the company and the object loosely (no database constraint) so that the trail
    outlives what it describes; `actor_label` and `object_repr` keep what they were called then.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    company_id = models.BigIntegerField(_("company"), null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="core_audit_object")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("Audit events are append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audit events are append-only."))


class FxRate(models.Model):
    """A reference exchange rate on one date: how many units of `currency` one euro buys (the ECB's form).

    Operators fill the table by uploading the ECB reference-rate CSV; conversions take the latest rate
    on or before the date they need.
    """

    date = models.DateField(_("date"), db_index=True)
    currency = models.CharField(_("currency"), max_length=3)
    per_eur = models.DecimalField(_("units per euro"), max_digits=19, decimal_places=8)
    source = models.CharField(_("source"), max_length=40, default="ecb")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["date", "currency"], name="core_fxrate_one_per_day"),
            models.CheckConstraint(condition=models.Q(per_eur__gt=0), name="core_fxrate_positive"),
        ]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")

    def __str__(self):
        return f"{self.date} EUR 1 = {self.currency} {self.per_eur}"
