"""Export credit insurance: a supplier's policy with a partner insurer, the insurer's credit limit on each
buyer, the shipments declared under it, and the claims when a buyer does not pay.

The shape follows a whole-turnover short-term credit insurance policy: the insured (the supplier) holds a
`Policy` with the insurer; the insurer sets a `CreditLimit` on each buyer under it (the first request
for a buyer is the limit application); every shipment to that buyer is then declared (`Declaration`),
premium is the insured amount times the insurer's `PremiumRate` for the buyer's grade and the term; an
unpaid invoice must be reported overdue in time, and a `Claim` follows after the waiting period.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.companies.models import Company
from marketplace.core.files import private_storage
from marketplace.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, Money, validate_currency_code
from marketplace.core.transitions import TransitionTable
from marketplace.deals.models import Deal, Milestone, Shipment

DEFAULT_INDEMNITY_PERCENT = 90
# The insured must report an unpaid invoice within this many days of its due date, or cover for the
# buyer stops; no more shipments past the maximum extension; the insurer decides after the waiting period.
DEFAULT_REPORT_DAYS = 30
DEFAULT_MAX_EXTENSION_DAYS = 60
DEFAULT_WAITING_DAYS = 90


def _money(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, **kwargs
    )


class Policy(models.Model):
    """A supplier's credit insurance policy with one insurer: its number, indemnity and the insured's deadlines."""

    insurer = models.ForeignKey(
        Company, verbose_name=_("insurer"), on_delete=models.PROTECT, related_name="policies_issued"
    )
    insured = models.ForeignKey(
        Company, verbose_name=_("insured"), on_delete=models.PROTECT, related_name="insurance_policies"
    )
    number = models.CharField(_("policy number"), max_length=32, unique=True)
    indemnity_percent = models.PositiveSmallIntegerField(
        _("indemnity for commercial risk (%)"),
        default=DEFAULT_INDEMNITY_PERCENT,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    report_days = models.PositiveSmallIntegerField(
        _("overdue report within (days)"), default=DEFAULT_REPORT_DAYS
    )
    max_extension_days = models.PositiveSmallIntegerField(
        _("maximum extension (days)"), default=DEFAULT_MAX_EXTENSION_DAYS
    )
    waiting_days = models.PositiveSmallIntegerField(_("waiting period (days)"), default=DEFAULT_WAITING_DAYS)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("insurance policy")
        verbose_name_plural = _("insurance policies")
        constraints = [models.UniqueConstraint(fields=["insurer", "insured"], name="one_policy_per_insured")]

    def __str__(self):
        return self.number


class PremiumRate(models.Model):
    """One cell of an insurer's premium table: the rate (% of the insured amount) for a grade up to a term."""

    insurer = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="premium_rates")
    grade = models.CharField(_("buyer grade"), max_length=4)
    max_term_days = models.PositiveSmallIntegerField(
        _("up to term (days)"), validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    rate_percent = models.DecimalField(
        _("premium rate (%)"),
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["insurer", "grade", "max_term_days"]
        verbose_name = _("premium rate")
        constraints = [
            models.UniqueConstraint(
                fields=["insurer", "grade", "max_term_days"], name="premium_rate_cell_unique"
            )
        ]

    def __str__(self):
        return f"{self.insurer_id} {self.grade} ≤{self.max_term_days}d {self.rate_percent}%"


class LimitStatus(models.TextChoices):
    PENDING = "pending", _("Applied for")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    STOPPED = "stopped", _("Cover stopped")


class CreditLimitQuerySet(models.QuerySet):
    def in_force(self, today=None):
        """Approved limits still valid on `today` whose cover has not stopped."""
        today = today or timezone.localdate()
        return self.filter(status=LimitStatus.APPROVED, valid_until__gte=today)


class CreditLimit(models.Model):
    """The insurer's credit limit on one buyer under one policy: applied for by the supplier, decided by the
    insurer's risk officer (approved, reduced or refused), and used up by the shipments declared under it."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="limits")
    insurer = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    buyer = models.ForeignKey(Company, verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="+")
    # The deal that prompted the application.
    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=LimitStatus.choices, default=LimitStatus.PENDING)
    requested_amount = _money(_("amount applied for"))
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency_code])
    requested_term_days = models.PositiveSmallIntegerField(_("term applied for (days)"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    # TrustFair's suggestion at the time of the application (insurance.suggestion.suggest().as_dict()).
    suggestion = models.JSONField(default=dict, blank=True)
    amount = _money(_("limit"), null=True, blank=True)
    max_term_days = models.PositiveSmallIntegerField(_("maximum term (days)"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # What the declarations in cover use of the limit (kept under the row lock).
    used = _money(_("used"), default=0)
    stopped_at = models.DateTimeField(null=True, blank=True)
    stop_reason = models.TextField(blank=True)

    objects = CreditLimitQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("buyer credit limit")
        constraints = [
            # One application or limit open per buyer and policy at a time.
            models.UniqueConstraint(
                fields=["policy", "buyer"],
                condition=Q(status__in=["pending", "approved"]),
                name="one_open_limit_per_buyer_and_policy",
            ),
            models.CheckConstraint(condition=Q(used__gte=0), name="limit_used_not_negative"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(used__lte=models.F("amount")),
                name="limit_never_exceeded",
            ),
        ]
        indexes = [
            models.Index(fields=["insurer", "status", "-requested_at"]),
            # The queue's "everything but pending" part, newest first (selectors.queue).
            models.Index(fields=["insurer", "-requested_at", "-id"], name="insurance_limit_newest"),
        ]

    def __str__(self):
        return f"{self.policy} · {self.buyer_id}"

    def get_absolute_url(self):
        return reverse("insurance:limit_detail", kwargs={"pk": self.pk})

    @property
    def available(self):
        return (self.amount or 0) - self.used

    def in_force_on(self, today) -> bool:
        return (
            self.status == LimitStatus.APPROVED and self.valid_until is not None and self.valid_until >= today
        )


LIMIT_TRANSITIONS = TransitionTable(
    field="status",
    company=lambda limit: limit.insurer_id,
    moves={
        "approve": {LimitStatus.PENDING: LimitStatus.APPROVED},
        "refuse": {LimitStatus.PENDING: LimitStatus.REFUSED},
        "stop_cover": {LimitStatus.APPROVED: LimitStatus.STOPPED},
    },
    refusals={
        "approve": _("This application has already been decided."),
        "refuse": _("This application has already been decided."),
    },
)


class DeclarationStatus(models.TextChoices):
    COVERED = "covered", _("Covered")
    SETTLED = "settled", _("Paid by the buyer")
    OVERDUE = "overdue", _("Reported overdue")
    LAPSED = "lapsed", _("Cover lapsed (not reported in time)")
    CLAIMED = "claimed", _("Claim filed")
    INDEMNIFIED = "indemnified", _("Indemnity paid")
    CLAIM_REJECTED = "claim_rejected", _("Claim rejected")


# Declarations in these states use the limit: the invoice is open and covered.
USING_LIMIT = (DeclarationStatus.COVERED, DeclarationStatus.OVERDUE, DeclarationStatus.CLAIMED)


def _certificate_path(declaration, filename):
    return f"insurance/certificates/{declaration.limit.policy_id}/{declaration.number}.pdf"


class Declaration(models.Model):
    """One shipment declared under a buyer's limit: the insured invoice, its due date, premium and indemnity."""

    limit = models.ForeignKey(CreditLimit, on_delete=models.PROTECT, related_name="declarations")
    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="insurance_declarations")
    shipment = models.OneToOneField(Shipment, on_delete=models.PROTECT, related_name="insurance_declaration")
    # The payment milestone the insured invoice is paid by (its due date is the invoice's).
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    status = models.CharField(
        max_length=16, choices=DeclarationStatus.choices, default=DeclarationStatus.COVERED
    )
    insured_amount = _money(_("insured amount"))
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency_code])
    # The amount in the limit's currency, and the FX rate used (1 when the currencies are the same).
    limit_amount = _money(_("amount in the limit's currency"))
    fx_rate = models.DecimalField(max_digits=20, decimal_places=10, default=1)
    fx_rate_dates = models.JSONField(default=list, blank=True)
    term_days = models.PositiveSmallIntegerField(_("term (days)"))
    due_date = models.DateField(_("due date"))
    buyer_grade = models.CharField(_("buyer grade"), max_length=4)
    premium_rate = models.DecimalField(_("premium rate (%)"), max_digits=6, decimal_places=3)
    premium = _money(_("premium"))
    indemnity_percent = models.PositiveSmallIntegerField(_("indemnity (%)"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(default=timezone.now)
    certificate = models.FileField(upload_to=_certificate_path, storage=private_storage, max_length=200)
    certificate_sha256 = models.CharField(max_length=64)
    reminded_on = models.DateField(null=True, blank=True)
    overdue_reported_at = models.DateTimeField(null=True, blank=True)
    overdue_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extension_warned_on = models.DateField(null=True, blank=True)
    lapsed_on = models.DateField(null=True, blank=True)
    settled_on = models.DateField(null=True, blank=True)
    # Post-shipment financing: the insured assigned this declaration's indemnity to a bank (the insurer
    # pays a claim's indemnity to it). `assignment_reference` names what the assignment secures.
    indemnity_assigned_to = models.ForeignKey(
        Company,
        verbose_name=_("indemnity assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    indemnity_assigned_at = models.DateTimeField(null=True, blank=True)
    assignment_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-declared_at", "-pk"]
        verbose_name = _("shipment declaration")
        constraints = [
            models.CheckConstraint(condition=Q(insured_amount__gt=0), name="declaration_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return self.number

    def get_certificate_url(self):
        return reverse("insurance:certificate", kwargs={"pk": self.pk})

    @property
    def indemnity(self) -> Money:
        """What the insurer pays if the buyer does not: the indemnity percent of the insured amount."""
        return Money(self.insured_amount * self.indemnity_percent / Decimal(100), self.currency).quantize(
            ROUND_HALF_UP
        )


DECLARATION_TRANSITIONS = TransitionTable(
    field="status",
    company=lambda declaration: declaration.limit.policy.insured_id,
    moves={
        "settle": {
            DeclarationStatus.COVERED: DeclarationStatus.SETTLED,
            DeclarationStatus.OVERDUE: DeclarationStatus.SETTLED,
        },
        "report_overdue": {DeclarationStatus.COVERED: DeclarationStatus.OVERDUE},
        "lapse": {DeclarationStatus.COVERED: DeclarationStatus.LAPSED},
        "file_claim": {DeclarationStatus.OVERDUE: DeclarationStatus.CLAIMED},
        "pay_claim": {DeclarationStatus.CLAIMED: DeclarationStatus.INDEMNIFIED},
        "reject_claim": {DeclarationStatus.CLAIMED: DeclarationStatus.CLAIM_REJECTED},
    },
    refusals={
        "report_overdue": _("Only a covered invoice can be reported overdue."),
        "file_claim": _("A claim needs an invoice reported overdue."),
    },
)


class ClaimStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    PAID = "paid", _("Indemnity paid")
    REJECTED = "rejected", _("Rejected")


class Claim(models.Model):
    """The insured's claim for an unpaid declared invoice, with the deal's record as evidence, and the
    insurer's decision after the waiting period; once paid, the debt is assigned to the insurer."""

    declaration = models.OneToOneField(Declaration, on_delete=models.PROTECT, related_name="claim")
    number = models.CharField(_("claim number"), max_length=40, unique=True)
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.FILED)
    amount = _money(_("amount claimed"))
    currency = models.CharField(max_length=3, validators=[validate_currency_code])
    # The deal's record when the claim was filed: its length, head hash and the shipments and payments.
    evidence = models.JSONField(default=dict, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)
    decidable_from = models.DateField(_("decidable from"))
    indemnity_amount = _money(_("indemnity paid"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    debt_assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("insurance claim")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("insurance:claim_detail", kwargs={"pk": self.pk})


CLAIM_TRANSITIONS = TransitionTable(
    field="status",
    company=lambda claim: claim.declaration.limit.insurer_id,
    moves={
        "pay": {ClaimStatus.FILED: ClaimStatus.PAID},
        "reject": {ClaimStatus.FILED: ClaimStatus.REJECTED},
    },
    refusals={
        "pay": _("This claim has already been decided."),
        "reject": _("This claim has already been decided."),
    },
)
