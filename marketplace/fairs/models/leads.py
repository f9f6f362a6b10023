"""Leads captured at the booth by scanning badges.

A lead belongs to the exhibiting supplier company and the session. Each scan carries a `client_id` made
in the browser (crypto.randomUUID); it is unique per exhibitor company, so a retried or repeated upload
never makes a second lead for the same scan.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.catalog.models import Product
from marketplace.companies.models import Company
from marketplace.fairs.models.badges import Badge, Registration
from marketplace.fairs.models.sessions import FairSession

__all__ = ["LeadRating", "LeadStatus", "LeadQuestion", "Lead"]


class LeadRating(models.TextChoices):
    HOT = "hot", _("Hot")
    WARM = "warm", _("Warm")
    COLD = "cold", _("Cold")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    CONVERTED = "converted", _("Converted")
    CLOSED = "closed", _("Closed")


class LeadQuestion(models.Model):
    """One of the exhibitor's own questions asked at the booth in a session (a yes/no or a short text)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        YES_NO = "yes_no", _("Yes / no")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="lead_questions")
    session = models.ForeignKey(FairSession, on_delete=models.CASCADE, related_name="lead_questions")
    text = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("answer"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["company", "session", "position", "pk"]
        verbose_name = _("lead question")

    def __str__(self):
        return self.text


class Lead(models.Model):
    """A badge scanned at an exhibitor's booth, with what the staff noted about the visitor."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="fair_leads")
    session = models.ForeignKey(FairSession, on_delete=models.CASCADE, related_name="leads")
    badge = models.ForeignKey(Badge, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="leads")
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_id = models.UUIDField(_("scan id"))
    scanned_at = models.DateTimeField(_("scanned"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    notes = models.TextField(_("notes"), blank=True)
    rating = models.CharField(_("rating"), max_length=10, choices=LeadRating.choices, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    products = models.ManyToManyField(Product, blank=True, related_name="+", verbose_name=_("products"))
    status = models.CharField(_("status"), max_length=12, choices=LeadStatus.choices, default=LeadStatus.NEW)
    consent_withdrawn_at = models.DateTimeField(_("no follow-up since"), null=True, blank=True)
    deal = models.ForeignKey("deals.Deal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-scanned_at", "-pk"]
        verbose_name = _("lead")
        constraints = [
            models.UniqueConstraint(fields=["company", "client_id"], name="one_lead_per_scan"),
        ]
        indexes = [models.Index(fields=["company", "session", "status"])]

    def __str__(self):
        return f"lead {self.pk} — {self.registration.full_name}"

    @property
    def consent_withdrawn(self) -> bool:
        return self.consent_withdrawn_at is not None

    @property
    def may_follow_up(self) -> bool:
        return self.consent_withdrawn_at is None
