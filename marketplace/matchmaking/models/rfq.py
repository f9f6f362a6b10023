"""Sourcing requests (RFQs) and the quotations that answer them.

A buyer posts an `Rfq`: what it needs, in which HS chapter, how much, where to, under which Incoterm and
with which certifications; who may quote (every verified supplier in the chapter, or invited suppliers
only) and how many quotations it wants. The RFQ closes at that count or at its closing date, whichever
comes first. Suppliers answer with one `Quotation` each (price tiers, terms, certificates held), which
they may revise once while the RFQ is open. Each supplier company has a monthly quota of quotations
(`SourcingProfile.monthly_quota`, default `DEFAULT_MONTHLY_QUOTA`) that operators raise in the admin.
Accepting a quotation opens a deal (deals.services.open_deal) with its terms as the first offer.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from marketplace.catalog.models import Category, Incoterm, ProductCertification, Unit
from marketplace.companies.models import Company
from marketplace.core.files import private_storage
from marketplace.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, validate_currency_code
from marketplace.core.transitions import TransitionTable
from marketplace.deals.models import Deal, PaymentTerms

__all__ = [
    "DEFAULT_MONTHLY_QUOTA",
    "LIVE_QUOTATION",
    "QUOTATION_TRANSITIONS",
    "RFQ_TRANSITIONS",
    "Quotation",
    "QuotationAttachment",
    "QuotationStatus",
    "QuotationTier",
    "Rfq",
    "RfqAttachment",
    "RfqCloseReason",
    "RfqStatus",
    "RfqVisibility",
    "SampleFreight",
    "SampleTerms",
    "SourcingProfile",
]

DEFAULT_MONTHLY_QUOTA = 30


class RfqVisibility(models.TextChoices):
    CATEGORY = "category", _("Every verified supplier in the category")
    INVITED = "invited", _("Invited suppliers only")


class RfqStatus(models.TextChoices):
    OPEN = "open", _("Open for quotations")
    CLOSED = "closed", _("Closed")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", _("Cancelled")


class RfqCloseReason(models.TextChoices):
    COUNT = "count", _("enough quotations")
    DATE = "date", _("closing date passed")


RFQ_TRANSITIONS = TransitionTable(
    field="status",
    prefix="matchmaking.rfq",
    company=lambda rfq: rfq.buyer_id,
    moves={
        "edit": {RfqStatus.OPEN: RfqStatus.OPEN},
        "close": {RfqStatus.OPEN: RfqStatus.CLOSED},
        "award": {RfqStatus.OPEN: RfqStatus.AWARDED, RfqStatus.CLOSED: RfqStatus.AWARDED},
        "cancel": {RfqStatus.OPEN: RfqStatus.CANCELLED, RfqStatus.CLOSED: RfqStatus.CANCELLED},
    },
    refusals={
        "edit": _("Only an open sourcing request can be edited."),
        "close": _("This sourcing request is already closed."),
        "award": _("A quotation was already accepted, or the request was cancelled."),
        "cancel": _("This sourcing request can no longer be cancelled."),
    },
)


def _file_path(prefix: str):
    def path(instance, filename):
        return f"matchmaking/{prefix}/{secrets.token_hex(10)}{Path(filename).suffix.lower()}"

    return path


def _rfq_file_path(instance, filename):
    return _file_path("rfq")(instance, filename)


def _quotation_file_path(instance, filename):
    return _file_path("quotations")(instance, filename)


class Rfq(models.Model):
    """A buyer's sourcing request."""

    buyer = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="rfqs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("what you need"), max_length=200)
    description = models.TextField(_("details"), max_length=5000, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("HS category"), on_delete=models.PROTECT, related_name="rfqs"
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=3, validators=[MinValueValidator(0.001)]
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    target_price = models.DecimalField(
        _("target unit price"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    target_currency = models.CharField(
        _("currency"), max_length=3, blank=True, validators=[validate_currency_code]
    )
    destination_country = CountryField(_("destination country"))
    destination_port = models.CharField(_("destination port"), max_length=100)
    incoterm = models.CharField(_("preferred Incoterm"), max_length=3, choices=Incoterm.choices)
    certifications = models.JSONField(_("required certifications"), default=list, blank=True)
    sample_needs = models.CharField(_("samples"), max_length=300, blank=True)
    closes_on = models.DateField(_("closing date"))
    visibility = models.CharField(
        _("who may quote"), max_length=10, choices=RfqVisibility.choices, default=RfqVisibility.CATEGORY
    )
    invited = models.ManyToManyField(
        Company, verbose_name=_("invited suppliers"), related_name="rfq_invitations", blank=True
    )
    quotations_wanted = models.PositiveSmallIntegerField(
        _("quotations wanted"), default=10, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    status = models.CharField(max_length=10, choices=RfqStatus.choices, default=RfqStatus.OPEN)
    close_reason = models.CharField(max_length=10, choices=RfqCloseReason.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sourcing request")
        verbose_name_plural = _("sourcing requests")
        indexes = [
            models.Index(fields=["status", "category", "-created_at"]),
            models.Index(fields=["buyer", "-created_at"]),
        ]

    def __str__(self):
        return f"RFQ {self.pk}: {self.title}"

    def get_absolute_url(self):
        return reverse("rfq:rfq_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == RfqStatus.OPEN and self.closes_on >= timezone.localdate()


class RfqAttachment(models.Model):
    """A file the buyer attached to its request (checked by its bytes), in private storage."""

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_rfq_file_path, storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("sourcing request attachment")

    def __str__(self):
        return self.original_name


class QuotationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    DECLINED = "declined", _("Declined")
    ACCEPTED = "accepted", _("Accepted")
    NOT_CHOSEN = "not_chosen", _("Another quotation was accepted")
    EXPIRED = "expired", _("Expired")


LIVE_QUOTATION = (QuotationStatus.SUBMITTED, QuotationStatus.SHORTLISTED)

QUOTATION_TRANSITIONS = TransitionTable(
    field="status",
    prefix="matchmaking.quotation",
    company=lambda quotation: quotation.supplier_id,
    moves={
        "revise": {QuotationStatus.SUBMITTED: QuotationStatus.SUBMITTED},
        "shortlist": {QuotationStatus.SUBMITTED: QuotationStatus.SHORTLISTED},
        "decline": {
            QuotationStatus.SUBMITTED: QuotationStatus.DECLINED,
            QuotationStatus.SHORTLISTED: QuotationStatus.DECLINED,
        },
        "accept": {
            QuotationStatus.SUBMITTED: QuotationStatus.ACCEPTED,
            QuotationStatus.SHORTLISTED: QuotationStatus.ACCEPTED,
        },
        "pass_over": {
            QuotationStatus.SUBMITTED: QuotationStatus.NOT_CHOSEN,
            QuotationStatus.SHORTLISTED: QuotationStatus.NOT_CHOSEN,
        },
        "expire": {
            QuotationStatus.SUBMITTED: QuotationStatus.EXPIRED,
            QuotationStatus.SHORTLISTED: QuotationStatus.EXPIRED,
        },
    },
    refusals={
        "revise": _("Only a submitted quotation the buyer has not yet acted on can be revised."),
        "shortlist": _("Only a new quotation can be shortlisted."),
        "decline": _("This quotation was already decided."),
        "accept": _("This quotation was already decided."),
    },
)


class SampleTerms(models.TextChoices):
    NONE = "none", _("No samples")
    FREE = "free", _("Free samples")
    PAID = "paid", _("Paid samples")


class SampleFreight(models.TextChoices):
    BUYER = "buyer", _("Buyer pays freight")
    SUPPLIER = "supplier", _("Supplier pays freight")


class Quotation(models.Model):
    """A supplier's answer to an RFQ: price tiers and terms. One per supplier per RFQ, revised once at most."""

    rfq = models.ForeignKey(Rfq, on_delete=models.PROTECT, related_name="quotations")
    supplier = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="quotations")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12, choices=QuotationStatus.choices, default=QuotationStatus.SUBMITTED
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency_code])
    incoterm = models.CharField(_("Incoterm 2020"), max_length=3, choices=Incoterm.choices)
    named_place = models.CharField(_("named place"), max_length=100)
    lead_time_days = models.PositiveSmallIntegerField(
        _("lead time (days)"), validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    moq = models.DecimalField(
        _("minimum order quantity"), max_digits=14, decimal_places=3, validators=[MinValueValidator(0.001)]
    )
    valid_until = models.DateField(_("valid until"))
    payment_terms = models.CharField(_("payment terms"), max_length=20, choices=PaymentTerms.choices)
    deposit_percent = models.PositiveSmallIntegerField(_("deposit %"), null=True, blank=True)
    term_days = models.PositiveSmallIntegerField(_("payment term (days)"), null=True, blank=True)
    sample_terms = models.CharField(
        _("samples"), max_length=10, choices=SampleTerms.choices, default=SampleTerms.NONE
    )
    sample_price = models.DecimalField(
        _("sample price"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    sample_freight = models.CharField(
        _("sample freight"), max_length=10, choices=SampleFreight.choices, blank=True
    )
    certificates = models.ManyToManyField(
        ProductCertification, verbose_name=_("certificates held"), related_name="+", blank=True
    )
    message = models.TextField(_("message"), max_length=5000, blank=True)
    revision = models.PositiveSmallIntegerField(default=0)
    submitted_at = models.DateTimeField(default=timezone.now)
    revised_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    deal = models.ForeignKey(Deal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        constraints = [
            models.UniqueConstraint(fields=["rfq", "supplier"], name="quotation_one_per_supplier"),
            models.CheckConstraint(condition=models.Q(revision__lte=1), name="quotation_one_revision"),
        ]
        indexes = [models.Index(fields=["supplier", "submitted_at"])]

    def __str__(self):
        return f"Quotation {self.pk} for RFQ {self.rfq_id}"

    def get_absolute_url(self):
        return reverse("rfq:quotation_detail", kwargs={"pk": self.rfq_id, "quotation_pk": self.pk})

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_QUOTATION


class QuotationTier(models.Model):
    """The unit price from a quantity upwards, in the quotation's currency."""

    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="tiers")
    min_quantity = models.DecimalField(
        _("from quantity"), max_digits=14, decimal_places=3, validators=[MinValueValidator(0.001)]
    )
    unit_price = models.DecimalField(
        _("unit price"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )

    class Meta:
        ordering = ["min_quantity"]
        verbose_name = _("price tier")
        constraints = [
            models.UniqueConstraint(
                fields=["quotation", "min_quantity"], name="quotation_tier_unique_quantity"
            ),
            models.CheckConstraint(condition=models.Q(unit_price__gt=0), name="quotation_tier_positive"),
        ]

    def __str__(self):
        return f"≥{self.min_quantity}: {self.unit_price}"


class QuotationAttachment(models.Model):
    """A file the supplier attached to its quotation (checked by its bytes), in private storage."""

    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_quotation_file_path, storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("quotation attachment")

    def __str__(self):
        return self.original_name


class SourcingProfile(models.Model):
    """A supplier's RFQ settings: its monthly quota of quotations (operators raise it) and the markets it serves."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="sourcing_profile")
    monthly_quota = models.PositiveSmallIntegerField(
        _("quotations per month"), default=DEFAULT_MONTHLY_QUOTA, validators=[MaxValueValidator(10000)]
    )
    markets = models.JSONField(
        _("markets served"),
        default=list,
        blank=True,
        help_text=_("ISO country codes of the destinations served; empty means every market."),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sourcing profile")

    def __str__(self):
        return f"{self.company}: {self.monthly_quota} quotations a month"
