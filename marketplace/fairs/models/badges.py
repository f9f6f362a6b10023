"""Who comes to a fair session: registrations (buyers, exhibitor staff, visitors), their badges, and the
service points where staff register walk-ins and check people in.

A badge's QR code carries only a signed token (marketplace/fairs/badge_tokens.py): the badge's id and its
nonce, no personal data. Reprinting draws a new nonce, so an old print stops working; revoking a badge
stops every print of it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from marketplace.companies.models import Company, Industry
from marketplace.fairs.models.sessions import FairSession

__all__ = ["RegistrationRole", "Registration", "Badge", "ServicePoint", "CheckIn"]


def new_nonce() -> str:
    return secrets.token_urlsafe(6)


class RegistrationRole(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    EXHIBITOR_STAFF = "exhibitor_staff", _("Exhibitor staff")
    VISITOR = "visitor", _("Visitor")


class Registration(models.Model):
    """A person registered for a session: pre-registered online (with an account) or walked in at a
    service point (an account and the company's verification follow online)."""

    session = models.ForeignKey(FairSession, on_delete=models.CASCADE, related_name="registrations")
    role = models.CharField(_("role"), max_length=20, choices=RegistrationRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fair_registrations",
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="fair_registrations"
    )
    full_name = models.CharField(_("name"), max_length=200)
    company_name = models.CharField(_("company"), max_length=200)
    country = CountryField(_("country"))
    email = models.EmailField(_("email address"), blank=True)
    interests = models.ManyToManyField(Industry, blank=True, related_name="+", verbose_name=_("interests"))
    walk_in = models.BooleanField(_("registered on site"), default=False)
    registered_at = models.DateTimeField(default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["session", "full_name"]
        verbose_name = _("fair registration")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=models.Q(user__isnull=False),
                name="one_registration_per_person",
            )
        ]
        indexes = [models.Index(fields=["session", "company"])]

    def __str__(self):
        return f"{self.full_name} ({self.company_name}) — {self.session_id}"


class Badge(models.Model):
    """The badge of a registration. One active badge per registration; a reprint changes the nonce."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="badge")
    nonce = models.CharField(max_length=16, default=new_nonce)
    issued_at = models.DateTimeField(default=timezone.now)
    printed = models.PositiveSmallIntegerField(_("prints"), default=0)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["registration"]
        verbose_name = _("badge")

    def __str__(self):
        return f"badge {self.pk} — {self.registration}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ServicePoint(models.Model):
    """A service desk of the fair (operators name them), where staff look people up, register walk-ins,
    reprint or revoke badges and check people in."""

    session = models.ForeignKey(FairSession, on_delete=models.CASCADE, related_name="service_points")
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="service_points")

    class Meta:
        ordering = ["session", "name"]
        unique_together = [("session", "name")]
        verbose_name = _("service point")

    def __str__(self):
        return self.name


class CheckIn(models.Model):
    """A badge scanned at the entrance or a service point: at most one per badge per fair day."""

    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="check_ins")
    day = models.DateField(_("day"))
    at = models.DateTimeField(default=timezone.now)
    service_point = models.ForeignKey(
        ServicePoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["day", "at"]
        verbose_name = _("check-in")
        constraints = [
            models.UniqueConstraint(fields=["badge", "day"], name="one_check_in_per_badge_per_day")
        ]

    def __str__(self):
        return f"{self.badge_id} on {self.day}"
