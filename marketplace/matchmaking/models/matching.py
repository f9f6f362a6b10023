"""What the ranking of suppliers keeps: per-supplier signals, fair presence, and buyers' feedback on matches."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.companies.models import Company
from marketplace.core.languages import localized

__all__ = [
    "FairPresence",
    "FeedbackKind",
    "MatchFeedback",
    "SupplierCategory",
    "SupplierSignals",
]


class SupplierSignals(models.Model):
    """What the ranking knows of one supplier, kept from its catalog, its deals, its meetings and its credit.

    Rebuilt by `ranking_signals.refresh_supplier` (on catalog and deal events, and by the command
    `refresh_match_signals`); the ranking reads this one row per candidate instead of the catalog.
    """

    supplier = models.OneToOneField(
        Company, primary_key=True, on_delete=models.CASCADE, related_name="match_signals"
    )
    # HS chapters (2 digits) and headings (4 digits) of its published products, sorted.
    chapters = models.JSONField(default=list, blank=True)
    headings = models.JSONField(default=list, blank=True)
    # Standards of its current (unexpired) product certificates, sorted.
    certifications = models.JSONField(default=list, blank=True)
    min_moq = models.PositiveIntegerField(null=True, blank=True)
    # The largest monthly capacity of one of its products (what one order can draw on).
    max_capacity = models.PositiveIntegerField(null=True, blank=True)
    # Median lowest tier price in USD per heading and per chapter: {"8477": "15200.00", "84": "..."}.
    typical_price_usd = models.JSONField(default=dict, blank=True)
    lead_time_days = models.PositiveSmallIntegerField(null=True, blank=True)  # median over its products
    # Countries of the buyers it has traded with (deals past the inquiry), sorted.
    markets = models.JSONField(default=list, blank=True)
    inquiries = models.PositiveIntegerField(default=0)  # deals opened with it
    replied = models.PositiveIntegerField(default=0)  # of which it answered with a message
    median_response_hours = models.FloatField(null=True, blank=True)
    meetings_kept = models.PositiveIntegerField(default=0)
    meetings_missed = models.PositiveIntegerField(default=0)
    grade = models.CharField(max_length=4, blank=True)
    verified = models.BooleanField(default=False)
    # The need-independent part of the score (ranking.prior_points): candidates are drawn best-first by it.
    prior = models.FloatField(default=0, db_index=True)
    # Its published products' texts in both languages (catalog.search.build_document), for text relevance.
    search_document = models.TextField(blank=True, default="")
    # PostgreSQL: to_tsvector('simple', search_document), written by the refresh; GIN-indexed (migration).
    search_vector = SearchVectorField(null=True, editable=False)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("supplier match signals")
        verbose_name_plural = _("supplier match signals")

    def __str__(self):
        return f"signals of {self.supplier_id}"

    @property
    def response_rate(self) -> float | None:
        return self.replied / self.inquiries if self.inquiries else None


class SupplierCategory(models.Model):
    """One HS chapter or heading a supplier sells in: the index the ranking draws its category candidates from."""

    supplier = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=4)  # 2 digits: a chapter; 4 digits: a heading
    prior = models.FloatField(default=0)  # copy of SupplierSignals.prior, so one index serves the query

    class Meta:
        verbose_name = _("supplier category")
        constraints = [models.UniqueConstraint(fields=["supplier", "code"], name="supplier_category_unique")]
        indexes = [models.Index(fields=["code", "-prior"], name="supplier_category_best")]

    def __str__(self):
        return f"{self.supplier_id}: {self.code}"


class FairPresence(models.Model):
    """A supplier's booth in a fair session, as the fairs app reports it (`ranking_signals.record_presence`)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="fair_presences")
    session_key = models.CharField(max_length=100)  # the session's slug in the fairs app
    session_name = models.CharField(_("session"), max_length=200)
    session_name_zh = models.CharField(_("session (Chinese)"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    hall = models.CharField(_("hall"), max_length=100, blank=True)
    hall_zh = models.CharField(_("hall (Chinese)"), max_length=100, blank=True)
    booth = models.CharField(_("booth"), max_length=40, blank=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("fair presence")
        constraints = [
            models.UniqueConstraint(fields=["company", "session_key"], name="fair_presence_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="fair_presence_dates"
            ),
        ]
        indexes = [models.Index(fields=["ends_on", "company"])]

    def __str__(self):
        return f"{self.company_id} at {self.session_key} {self.hall} {self.booth}"

    @property
    def display_session(self) -> str:
        return localized(self, "session_name")

    @property
    def display_hall(self) -> str:
        return localized(self, "hall")


class FeedbackKind(models.TextChoices):
    DECLINED = "declined", _("Not interested")
    MET_BEFORE = "met_before", _("Met before")


class MatchFeedback(models.Model):
    """A buyer's word on a suggested supplier: not interested, or met before. Either takes it out of its matches."""

    buyer = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="match_feedback")
    supplier = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("feedback"), max_length=12, choices=FeedbackKind.choices)
    by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("match feedback")
        constraints = [
            models.UniqueConstraint(fields=["buyer", "supplier"], name="match_feedback_unique"),
            models.CheckConstraint(
                condition=~models.Q(buyer=models.F("supplier")), name="match_feedback_two"
            ),
        ]

    def __str__(self):
        return f"{self.buyer_id} → {self.supplier_id}: {self.kind}"
