"""The payments tables: one attempt per try at paying a milestone, its refunds, suppliers' payout accounts,
and the provider's webhook events (stored once by id)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.companies.models import Company
from marketplace.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, Money, validate_currency_code
from marketplace.core.transitions import TransitionTable
from marketplace.deals.models import Deal, Milestone


class AttemptState(models.TextChoices):
    CREATED = "created", _("Waiting for payment details")
    REQUIRES_ACTION = "requires_action", _("Waiting for the card's verification")
    PENDING = "pending", _("Waiting for the payee's confirmation")
    AUTHORIZED = "authorized", _("Held on the card")
    CAPTURED = "captured", _("Held by TrustFair")
    RELEASED = "released", _("Released to the supplier")
    SETTLED = "settled", _("Paid to the supplier directly")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Cancelled")
    EXPIRED = "expired", _("Authorisation expired")
    REFUNDED = "refunded", _("Refunded")


# An attempt in one of these states still may move money: a milestone has at most one of them at a time.
OPEN_STATES = (
    AttemptState.CREATED,
    AttemptState.REQUIRES_ACTION,
    AttemptState.PENDING,
    AttemptState.AUTHORIZED,
)
# The money of these attempts is with TrustFair or the supplier: the milestone is paid.
PAID_STATES = (AttemptState.CAPTURED, AttemptState.RELEASED, AttemptState.SETTLED)

_CANCELABLE = {
    AttemptState.CREATED: AttemptState.CANCELED,
    AttemptState.REQUIRES_ACTION: AttemptState.CANCELED,
    AttemptState.PENDING: AttemptState.CANCELED,
    AttemptState.AUTHORIZED: AttemptState.CANCELED,
}

# Each event of an attempt and the states it may happen from. The provider's own status decides which
# event applies (see stripe_provider.sync), so events arriving twice or out of order converge.
ATTEMPT_TRANSITIONS = TransitionTable(
    field="state",
    prefix="payments.attempt",
    company=lambda attempt: attempt.deal.buyer_id,
    moves={
        "require_action": {AttemptState.CREATED: AttemptState.REQUIRES_ACTION},
        "await_confirmation": {AttemptState.CREATED: AttemptState.PENDING},
        "authorize": {
            AttemptState.CREATED: AttemptState.AUTHORIZED,
            AttemptState.REQUIRES_ACTION: AttemptState.AUTHORIZED,
        },
        "fail": {
            AttemptState.CREATED: AttemptState.FAILED,
            AttemptState.REQUIRES_ACTION: AttemptState.FAILED,
        },
        "capture": {AttemptState.AUTHORIZED: AttemptState.CAPTURED},
        "release": {AttemptState.CAPTURED: AttemptState.RELEASED},
        "settle": {AttemptState.PENDING: AttemptState.SETTLED, AttemptState.CREATED: AttemptState.SETTLED},
        "cancel": _CANCELABLE,
        "expire": {AttemptState.AUTHORIZED: AttemptState.EXPIRED},
        "refund": {
            AttemptState.CAPTURED: AttemptState.REFUNDED,
            AttemptState.RELEASED: AttemptState.REFUNDED,
        },
    },
    refusals={
        "capture": _("Only a payment held on the card can be captured."),
        "release": _("Only money held by TrustFair can be released."),
        "refund": _("Only money TrustFair took can be refunded."),
    },
)


def _money_field(verbose, **kwargs):
    return models.DecimalField(
        verbose, max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, **kwargs
    )


class PaymentAttempt(models.Model):
    """One try at paying a milestone through one provider: a card payment or a manual T/T, L/C, D/P, D/A."""

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="payment_attempts")
    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="payment_attempts")
    number = models.PositiveSmallIntegerField(_("attempt"))
    provider = models.CharField(_("method"), max_length=20)
    state = models.CharField(
        _("status"), max_length=20, choices=AttemptState.choices, default=AttemptState.CREATED, db_index=True
    )
    amount = _money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency_code])
    # The amount in the currency's minor units as sent to the provider (JPY 1200 -> 1200, USD 12.00 -> 1200).
    amount_minor = models.BigIntegerField(null=True, blank=True)
    # Derived from the milestone and the attempt number: the same key for every retry of the same call.
    idempotency_key = models.CharField(max_length=80, unique=True)
    provider_id = models.CharField(_("provider reference"), max_length=100, blank=True, db_index=True)
    charge_id = models.CharField(max_length=100, blank=True)
    client_secret = models.CharField(max_length=200, blank=True)
    # The card authorisation lapses at this moment unless captured (the provider's, or authorised + 7 days).
    capture_before = models.DateTimeField(_("capture before"), null=True, blank=True)
    authorized_at = models.DateTimeField(null=True, blank=True)
    captured_amount = _money_field(_("captured"), default=0)
    captured_at = models.DateTimeField(null=True, blank=True)
    refunded_amount = _money_field(_("refunded"), default=0)
    released_amount = _money_field(_("released"), default=0)
    transfer_id = models.CharField(max_length=100, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    # A dispute on the deal holds the money: nothing is captured-and-released or refunded until it is decided.
    on_hold = models.BooleanField(_("on hold"), default=False)
    failure_code = models.CharField(max_length=60, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["milestone", "number"]
        verbose_name = _("payment attempt")
        constraints = [
            models.UniqueConstraint(fields=["milestone", "number"], name="payment_attempt_number_unique"),
            # TrustFair itself refuses a second open attempt (Stripe keeps idempotency keys only 24 h).
            models.UniqueConstraint(
                fields=["milestone"],
                condition=Q(state__in=[s.value for s in OPEN_STATES]),
                name="payment_attempt_one_open_per_milestone",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_attempt_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("captured_amount")),
                name="payment_attempt_refund_within_capture",
            ),
            models.CheckConstraint(
                condition=Q(released_amount__lte=F("captured_amount") - F("refunded_amount")),
                name="payment_attempt_release_within_capture",
            ),
        ]

    def __str__(self):
        return f"{self.deal_id}/{self.milestone_id} #{self.number} {self.provider} {self.state}"

    @staticmethod
    def key_for(milestone_id: int, number: int) -> str:
        return f"tf-milestone-{milestone_id}-attempt-{number}"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def refundable(self) -> Money:
        return Money(self.captured_amount - self.refunded_amount, self.currency)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class PaymentRefund(models.Model):
    """Money given back to the buyer from one captured card payment (full or partial)."""

    attempt = models.ForeignKey(PaymentAttempt, on_delete=models.PROTECT, related_name="refunds")
    number = models.PositiveSmallIntegerField()
    amount = _money_field(_("amount"))
    currency = models.CharField(max_length=3, validators=[validate_currency_code])
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    reversal_id = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["attempt", "number"]
        verbose_name = _("refund")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "number"], name="payment_refund_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_refund_amount_positive"),
        ]

    def __str__(self):
        return f"{self.attempt_id} refund {self.number}"


class ConnectedAccount(models.Model):
    """A supplier's Stripe Connect account: where TrustFair releases the money it held for the supplier."""

    company = models.OneToOneField(Company, on_delete=models.PROTECT, related_name="connected_account")
    provider_account_id = models.CharField(max_length=100, unique=True)
    details_submitted = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    transfers_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payout account")

    def __str__(self):
        return f"{self.company} · {self.provider_account_id}"

    @property
    def ready(self) -> bool:
        return self.transfers_active and self.payouts_enabled


class WebhookEvent(models.Model):
    """One event the provider sent, stored once by its id (the provider delivers some more than once)."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100, blank=True, db_index=True)
    created = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(default=dict)
    # Set once the event's object was applied; a redelivered event that was stored but not applied is applied.
    processed_at = models.DateTimeField(null=True, blank=True)
    attempt = models.ForeignKey(
        PaymentAttempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="webhook_events"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("webhook event")

    def __str__(self):
        return f"{self.event_id} {self.type}"
