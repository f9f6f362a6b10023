"""Trade financing: a supplier's application to a partner bank, the bank's decision, disbursement, repayment.

One `FinancingApplication` per request, against one order of the supplier's deal. It moves along
`APPLICATION_TRANSITIONS` (services.py is the only writer); repayments are rows of their own.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.companies.models import Company, CompanyKind
from marketplace.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, validate_currency_code
from marketplace.core.transitions import TransitionTable
from marketplace.deals.models import Deal, Order
from marketplace.insurance.models import Declaration

MAX_TERM_DAYS = 180


class FinancingKind(models.TextChoices):
    PRE_SHIPMENT = "pre_shipment", _("Pre-shipment, against a confirmed order")
    # Against an insured receivable (a covered insurance declaration), its indemnity assigned to the bank.
    POST_SHIPMENT = "post_shipment", _("Post-shipment, against an insured receivable")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the bank")
    COUNTERED = "countered", _("Counter-offer from the bank")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined by the bank")
    COUNTER_DECLINED = "counter_declined", _("Counter-offer declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DISBURSED = "disbursed", _("Disbursed")
    OVERDUE = "overdue", _("Repayment overdue")
    REPAID = "repaid", _("Repaid")


# An order has at most one application in these states (a database constraint says so too).
OPEN_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.COUNTERED,
    ApplicationStatus.APPROVED,
    ApplicationStatus.DISBURSED,
    ApplicationStatus.OVERDUE,
)
# Waiting for a decision by one side or the other.
PENDING_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.COUNTERED)
# Money is out and not yet all back.
RUNNING_STATUSES = (ApplicationStatus.DISBURSED, ApplicationStatus.OVERDUE)

APPLICATION_TRANSITIONS = TransitionTable(
    field="status",
    company=lambda application: application.supplier_id,
    prefix="financing.application",
    moves={
        "approve": {ApplicationStatus.SUBMITTED: ApplicationStatus.APPROVED},
        "counter": {ApplicationStatus.SUBMITTED: ApplicationStatus.COUNTERED},
        "decline": {ApplicationStatus.SUBMITTED: ApplicationStatus.DECLINED},
        "accept_counter": {ApplicationStatus.COUNTERED: ApplicationStatus.APPROVED},
        "decline_counter": {ApplicationStatus.COUNTERED: ApplicationStatus.COUNTER_DECLINED},
        "withdraw": {
            ApplicationStatus.SUBMITTED: ApplicationStatus.WITHDRAWN,
            ApplicationStatus.COUNTERED: ApplicationStatus.WITHDRAWN,
        },
        "disburse": {ApplicationStatus.APPROVED: ApplicationStatus.DISBURSED},
        "repay": {
            ApplicationStatus.DISBURSED: ApplicationStatus.DISBURSED,
            ApplicationStatus.OVERDUE: ApplicationStatus.OVERDUE,
        },
        "settle": {
            ApplicationStatus.DISBURSED: ApplicationStatus.REPAID,
            ApplicationStatus.OVERDUE: ApplicationStatus.REPAID,
        },
        "go_overdue": {ApplicationStatus.DISBURSED: ApplicationStatus.OVERDUE},
    },
    refusals={
        "approve": _("Only an application waiting for the bank can be approved."),
        "counter": _("Only an application waiting for the bank can be countered."),
        "decline": _("Only an application waiting for the bank can be declined."),
        "accept_counter": _("There is no counter-offer to accept."),
        "decline_counter": _("There is no counter-offer to decline."),
        "withdraw": _("Only an application still under decision can be withdrawn."),
        "disburse": _("Only an approved financing can be disbursed."),
        "repay": _("Repayments are recorded only after disbursement, until the financing is repaid."),
        "settle": _("Repayments are recorded only after disbursement, until the financing is repaid."),
    },
)


def _money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, **kwargs
    )


class FinancingApplication(models.Model):
    """A supplier's request to a partner bank to finance one order, and everything the bank decided on it."""

    kind = models.CharField(
        _("kind of financing"),
        max_length=20,
        choices=FinancingKind.choices,
        default=FinancingKind.PRE_SHIPMENT,
    )
    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="financing_applications")
    buyer = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    bank = models.ForeignKey(
        Company,
        verbose_name=_("bank"),
        on_delete=models.PROTECT,
        related_name="financing_received",
        limit_choices_to={"kind": CompanyKind.BANK},
    )
    status = models.CharField(
        max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED, db_index=True
    )
    amount = _money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency_code])
    term_days = models.PositiveSmallIntegerField(
        _("term (days)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_TERM_DAYS)]
    )
    note = models.TextField(_("note to the bank"), blank=True, max_length=2000)
    # Post-shipment only: the insured amount of the receivable and the policy it is insured under.
    insured_amount = _money_field(_("insured amount"), null=True, blank=True)
    insurance_reference = models.CharField(_("insurance policy"), max_length=100, blank=True)
    declaration = models.ForeignKey(
        Declaration,
        verbose_name=_("insured invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="financing_applications",
    )
    # TrustFair's suggestion when the application was made: advance rate by the supplier's grade, the
    # ceiling (rate × order value, or × insured amount, at most 90 %) in the application's currency,
    # the FX rate and date used, and the gating decision (Decision.as_dict()).
    advance_rate = models.DecimalField(max_digits=5, decimal_places=4)
    ceiling = _money_field(_("ceiling"))
    fx_rate = models.DecimalField(max_digits=20, decimal_places=10, default=Decimal(1))
    fx_date = models.DateField(null=True, blank=True)
    suggestion = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The bank's terms: what it approved, or its counter-offer (the same fields; status tells which).
    offer_amount = _money_field(_("amount offered"), null=True, blank=True)
    offer_rate = models.DecimalField(
        _("interest rate (% a year)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    offer_term_days = models.PositiveSmallIntegerField(_("term offered (days)"), null=True, blank=True)
    decline_reason = models.TextField(_("reason"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # Disbursement: what the bank paid out, when, and when it is to be repaid (one bullet repayment).
    disbursed_amount = _money_field(_("amount disbursed"), null=True, blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    due_date = models.DateField(_("repayment due"), null=True, blank=True, db_index=True)
    repaid_amount = _money_field(_("repaid"), default=Decimal(0))
    repaid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("financing application")
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="financing_one_open_application_per_order",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="financing_amount_positive"),
            models.CheckConstraint(
                condition=Q(term_days__gte=1) & Q(term_days__lte=MAX_TERM_DAYS), name="financing_term_days"
            ),
            models.CheckConstraint(condition=Q(repaid_amount__gte=0), name="financing_repaid_not_negative"),
        ]
        indexes = [
            models.Index(fields=["bank", "status", "-created_at"]),
            # The bank's queue without a status filter, newest first (selectors.bank_queue).
            models.Index(fields=["bank", "-created_at", "-id"], name="financing_app_bank_newest"),
            models.Index(fields=["supplier", "-created_at"]),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("financing:application_detail", kwargs={"pk": self.pk})

    @property
    def number(self) -> str:
        return f"FIN-{self.pk:06d}" if self.pk else "FIN-new"

    @property
    def outstanding(self) -> Decimal:
        """What the supplier still owes the bank (zero before disbursement)."""
        if self.disbursed_amount is None:
            return Decimal(0)
        return max(self.disbursed_amount - self.repaid_amount, Decimal(0))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Repayment(models.Model):
    """One repayment the bank received on a disbursed financing, as its risk officer recorded it."""

    application = models.ForeignKey(FinancingApplication, on_delete=models.PROTECT, related_name="repayments")
    amount = _money_field(_("amount"))
    currency = models.CharField(max_length=3, validators=[validate_currency_code])
    paid_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "paid_on", "pk"]
        verbose_name = _("repayment")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="financing_repayment_positive")]

    def __str__(self):
        return f"{self.application} · {self.currency} {self.amount}"
