"""Fair sessions with their phases, venue and halls."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from marketplace.companies.models import Industry
from marketplace.core.languages import localized

__all__ = ["FairSession", "FairPhase", "Hall"]


class FairSession(models.Model):
    """One edition of the trade fair (e.g. the 140th session, autumn 2026), held in phases."""

    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    slug = models.SlugField(unique=True)
    venue = models.CharField(_("venue"), max_length=200)
    venue_zh = models.CharField(_("venue (Chinese)"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"))
    # Denormalised from the phases so that "current" and "next" are one indexed query.
    starts_on = models.DateField(_("starts"), db_index=True)
    ends_on = models.DateField(_("ends"), db_index=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("fair session")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="fair_dates_ordered"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("fairs:session_detail", kwargs={"slug": self.slug})

    @property
    def display_name(self):
        return localized(self, "name")

    @property
    def display_venue(self):
        return localized(self, "venue")


class FairPhase(models.Model):
    """A block of days in a session given to a group of industries."""

    session = models.ForeignKey(FairSession, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(_("phase"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="fair_phases", verbose_name=_("industries")
    )

    class Meta:
        ordering = ["session", "number"]
        unique_together = [("session", "number")]
        verbose_name = _("fair phase")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="phase_dates_ordered"
            )
        ]

    def __str__(self):
        return f"{self.session} — {self.number}"


class Hall(models.Model):
    """An exhibition hall of the venue used in a session."""

    session = models.ForeignKey(FairSession, on_delete=models.CASCADE, related_name="halls")
    code = models.CharField(_("hall"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    area_sqm = models.PositiveIntegerField(_("area (m²)"), null=True, blank=True)

    class Meta:
        ordering = ["session", "code"]
        unique_together = [("session", "code")]
        verbose_name = _("hall")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def display_name(self):
        return localized(self, "name")
