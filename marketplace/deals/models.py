"""Deals: one recorded trade chain between a buyer and a supplier company, from inquiry to delivery.

A deal moves along `DEAL_TRANSITIONS` (states and events fixed in /work/wt/DEALS.md); every move and
every side step (a message, a visit report, a payment proof) appends a `DealEvent` to the deal's
hash-chained record (`record.py`). Terms are negotiated as versioned, immutable `Offer`s.
"""

import json
import secrets
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.catalog.models import Incoterm, Product, Unit, validate_hs_code
from marketplace.companies.models import Company
from marketplace.core.files import private_storage
from marketplace.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, Money, validate_currency_code
from marketplace.core.transitions import TransitionTable

QUANTITY_MAX_DIGITS = 14
QUANTITY_DECIMAL_PLACES = 3


class DealState(models.TextChoices):
    INQUIRY = "inquiry", _("Inquiry")
    NEGOTIATION = "negotiation", _("Negotiation")
    AGREED = "agreed", _("Terms agreed")
    ORDERED = "ordered", _("Ordered")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    DISPUTED = "disputed", _("Disputed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# The states in which the deal is still running (the list page's default view and the "open" filter).
OPEN_STATES = (
    DealState.INQUIRY,
    DealState.NEGOTIATION,
    DealState.AGREED,
    DealState.ORDERED,
    DealState.SHIPPED,
    DealState.DELIVERED,
    DealState.DISPUTED,
)

# One table for the whole chain. "open" starts from "" (the deal does not exist yet): `services.open_deal`
# creates the row in the state this table names. Each event's service is written by its owner (DEALS.md).
DEAL_TRANSITIONS = TransitionTable(
    field="state",
    prefix="deals.deal",
    moves={
        "open": {"": DealState.INQUIRY},
        "propose": {DealState.INQUIRY: DealState.NEGOTIATION, DealState.NEGOTIATION: DealState.NEGOTIATION},
        "decline_offer": {DealState.NEGOTIATION: DealState.NEGOTIATION},
        "accept_offer": {DealState.NEGOTIATION: DealState.AGREED},
        # Agreed terms the credit policy refuses at the order: either party reopens the negotiation (with
        # a reason) so that secured terms can be offered; only before an order exists (negotiation.reopen).
        "reopen": {DealState.AGREED: DealState.NEGOTIATION},
        "place_order": {DealState.AGREED: DealState.ORDERED},
        "ship": {DealState.ORDERED: DealState.SHIPPED, DealState.SHIPPED: DealState.SHIPPED},
        "confirm_delivery": {DealState.SHIPPED: DealState.DELIVERED},
        "open_dispute": {DealState.DELIVERED: DealState.DISPUTED},
        "resolve_dispute": {DealState.DISPUTED: DealState.COMPLETED},
        "complete": {DealState.DELIVERED: DealState.COMPLETED},
        "cancel": {
            DealState.INQUIRY: DealState.CANCELLED,
            DealState.NEGOTIATION: DealState.CANCELLED,
            DealState.AGREED: DealState.CANCELLED,
            DealState.ORDERED: DealState.CANCELLED,
        },
    },
    refusals={
        "propose": _("Offers can be made only while the deal is an inquiry or in negotiation."),
        "decline_offer": _("There is no offer under negotiation to decline."),
        "accept_offer": _("There is no offer under negotiation to accept."),
        "reopen": _("Only agreed terms without an order can be reopened."),
        "cancel": _("This deal can no longer be cancelled."),
    },
)


class DealSource(models.TextChoices):
    SHOWCASE_INTEREST = "showcase_interest", _("Showcase interest")
    PRODUCT = "product", _("Product page")
    COMPANY = "company", _("Supplier page")
    RFQ = "rfq", _("Sourcing request quotation")
    FAIR_LEAD = "fair_lead", _("Fair lead")


class Deal(models.Model):
    """One trade between a buyer company and a supplier company, from the first inquiry to completion."""

    number = models.CharField(_("deal number"), max_length=20, blank=True, editable=False)
    buyer = models.ForeignKey(
        Company, verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="deals_as_buyer"
    )
    supplier = models.ForeignKey(
        Company, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="deals_as_supplier"
    )
    subject = models.CharField(_("subject"), max_length=200)
    state = models.CharField(
        _("state"), max_length=12, choices=DealState.choices, default=DealState.INQUIRY, db_index=True
    )
    # Where the deal came from: the kind and the id (or token) of the source object, e.g. an Interest's pk.
    source_kind = models.CharField(_("started from"), max_length=20, choices=DealSource.choices)
    source_reference = models.CharField(max_length=64, blank=True)
    product = models.ForeignKey(
        Product,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
        verbose_name=_("product"),
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency_code])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The last event in the record: the list sorts by it; `record.verify` checks the head against the chain,
    # so a deleted last event is caught too.
    last_event_at = models.DateTimeField(default=timezone.now)
    record_length = models.PositiveIntegerField(default=0, editable=False)
    record_head = models.CharField(max_length=64, blank=True, editable=False)
    accepted_offer = models.ForeignKey(
        "Offer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agreed terms"),
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_by_company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    cancelled_at_state = models.CharField(max_length=12, choices=DealState.choices, blank=True)
    claim_window_days = models.PositiveSmallIntegerField(
        _("claim window (days)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )

    class Meta:
        ordering = ["-last_event_at", "-pk"]
        verbose_name = _("deal")
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="deal_number_unique"),
            models.CheckConstraint(condition=~Q(buyer=models.F("supplier")), name="deal_two_parties"),
        ]
        indexes = [
            models.Index(fields=["buyer", "-last_event_at"]),
            models.Index(fields=["supplier", "-last_event_at"]),
        ]

    def __str__(self):
        return self.number or f"deal {self.pk}"

    def get_absolute_url(self):
        return reverse("deals:deal_detail", kwargs={"pk": self.pk})

    @staticmethod
    def number_for(pk: int, year: int) -> str:
        """TF-2026-000123: the year it was opened and its id, so numbers are unique and say their age."""
        return f"TF-{year}-{pk:06d}"

    def party_company_id(self, side: str) -> int:
        return self.buyer_id if side == "buyer" else self.supplier_id

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def latest_offer_status_label(self) -> str:
        """The latest offer's shown status, in words (on deals from `selectors.with_latest_offer`)."""
        value = getattr(self, "latest_offer_status", None)
        return str(OfferStatus(value).label) if value else ""


def _canonical_text(value) -> str:
    # The same text as `record.canonical` gives for plain JSON values (sorted keys, no spaces, UTF-8 kept).
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class CanonicalJSONField(models.JSONField):
    """JSON stored as its canonical text, so the chain check can hash the stored bytes as they are.

    On PostgreSQL the column is `json`, which keeps the text it is given (`jsonb` would re-order the keys
    and add spaces, so each row would have to be parsed and re-encoded to be checked); elsewhere the
    text column of a JSONField. Only for values that are plain JSON already (`record.append` makes them so).
    """

    def db_type(self, connection):
        return "json" if connection.vendor == "postgresql" else super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        if connection.vendor == "postgresql":
            from psycopg.types.json import Json

            return Json(value, dumps=_canonical_text)
        return _canonical_text(value)

    def from_db_value(self, value, expression, connection):
        if value is not None and not isinstance(value, str):  # psycopg decodes a `json` column itself
            return value
        return super().from_db_value(value, expression, connection)


class DealEvent(models.Model):
    """One step in a deal's record: who did what when, chained by hash to the step before it.

    Rows are only ever inserted (`record.append`); on PostgreSQL a trigger refuses UPDATE and DELETE.
    """

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=40)
    data = CanonicalJSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["deal", "seq"]
        verbose_name = _("deal event")
        constraints = [models.UniqueConstraint(fields=["deal", "seq"], name="deal_event_seq_unique")]

    def __str__(self):
        return f"{self.deal_id}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("deal events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("deal events are append-only")


class Message(models.Model):
    """A message in a deal's thread, from a person acting for one of the two parties."""

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    event = models.OneToOneField(
        DealEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="message"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        indexes = [models.Index(fields=["deal", "created_at"])]

    def __str__(self):
        return f"{self.deal} · {self.author_company}"


def _attachment_path(instance, filename):
    return f"deals/{instance.deal_id}/{secrets.token_hex(8)}{Path(filename).suffix.lower()[:10]}"


class Attachment(models.Model):
    """A file sent with a deal message; private, served only to the two parties and operators."""

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="attachments")
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, storage=private_storage)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("deals:attachment_file", kwargs={"pk": self.deal_id, "attachment_pk": self.pk})


class DealReadState(models.Model):
    """How far a person has read a deal's thread: messages after `last_read_at` count as unread."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("read state")
        constraints = [models.UniqueConstraint(fields=["deal", "user"], name="deal_read_state_unique")]

    def __str__(self):
        return f"{self.user} read {self.deal} up to {self.last_read_at:%Y-%m-%d %H:%M}"


# -- terms -----------------------------------------------------------------------------------------


class Side(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SUPPLIER = "supplier", _("Supplier")


class PaymentTerms(models.TextChoices):
    """Codes shared with credit gating (credit/gating.py takes them as its `action`)."""

    PREPAYMENT = "prepayment", _("Prepayment")
    DEPOSIT_BALANCE = "deposit_balance", _("Deposit, balance against documents")
    LC_SIGHT = "lc_sight", _("Letter of credit at sight")
    DP = "dp", _("Documents against payment (D/P)")
    DA = "da", _("Documents against acceptance (D/A)")
    OPEN_ACCOUNT = "open_account", _("Open account")


# Terms under which the buyer pays after receiving the goods or documents: they count in the exposure.
DEFERRED_PAYMENT_TERMS = frozenset({PaymentTerms.DP, PaymentTerms.DA, PaymentTerms.OPEN_ACCOUNT})
# Terms that need a number of days (D/A 60 days, open account 30 days).
TERMS_WITH_DAYS = frozenset({PaymentTerms.DA, PaymentTerms.OPEN_ACCOUNT})


class Inspection(models.TextChoices):
    NONE = "none", pgettext_lazy("inspection", "None")
    BUYER = "buyer", _("By the buyer")
    THIRD_PARTY = "third_party", _("By a third party")


class OfferStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("offer status", "Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SUPERSEDED = "superseded", _("Superseded")
    EXPIRED = "expired", _("Expired")


def shown_offer_status(today=None) -> models.Case:
    """The offer's status as people read it: an open offer past its validity date is "expired".

    Computed when read (no task has to flip the stored status at midnight); `Offer.shown_status` says
    the same for one row, and the deal list filters on it.
    """
    today = today or timezone.localdate()
    return models.Case(
        models.When(status=OfferStatus.OPEN, valid_until__lt=today, then=models.Value(OfferStatus.EXPIRED)),
        default=models.F("status"),
        output_field=models.CharField(max_length=12),
    )


class Offer(models.Model):
    """One version of the terms, proposed by one side. Never edited: a counter-offer is a new version.

    Only `status` (and `decline_reason`, `decided_at`, `decided_by`) change after it is made, when the
    other side decides or a newer offer supersedes it.
    """

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="offers")
    version = models.PositiveIntegerField()
    from_side = models.CharField(max_length=10, choices=Side.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency_code])
    incoterm = models.CharField(_("Incoterm 2020"), max_length=3, choices=Incoterm.choices)
    named_place = models.CharField(_("named place"), max_length=100)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    lead_time_days = models.PositiveSmallIntegerField(
        _("lead time (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    payment_terms = models.CharField(_("payment terms"), max_length=20, choices=PaymentTerms.choices)
    deposit_percent = models.PositiveSmallIntegerField(
        _("deposit %"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    term_days = models.PositiveSmallIntegerField(
        _("payment term (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(360)],
    )
    inspection = models.CharField(
        _("inspection before shipment"), max_length=12, choices=Inspection.choices, default=Inspection.NONE
    )
    valid_until = models.DateField(_("valid until"))
    notes = models.TextField(_("notes"), blank=True, max_length=3000)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deal", "version"]
        verbose_name = _("offer")
        constraints = [models.UniqueConstraint(fields=["deal", "version"], name="offer_version_unique")]

    def __str__(self):
        return f"{self.deal} v{self.version}"

    @property
    def is_expired(self) -> bool:
        return self.valid_until < timezone.localdate()

    @property
    def shown_status(self) -> str:
        """The status as people read it: "expired" for an open offer past its validity date."""
        if self.status == OfferStatus.OPEN and self.is_expired:
            return OfferStatus.EXPIRED
        return self.status

    def get_shown_status_display(self) -> str:
        return str(OfferStatus(self.shown_status).label)

    @property
    def total(self) -> Money:
        return sum((line.amount for line in self.lines.all()), Money.zero(self.currency))


class OfferLine(models.Model):
    """One item of an offer: a catalog product or free text, a quantity in a unit, a unit price."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"), max_digits=QUANTITY_MAX_DIGITS, decimal_places=QUANTITY_DECIMAL_PLACES
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    unit_price = models.DecimalField(
        _("unit price"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    hs_code = models.CharField(_("HS code"), max_length=10, blank=True, validators=[validate_hs_code])

    class Meta:
        ordering = ["offer", "position", "pk"]
        verbose_name = _("offer line")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="offer_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="offer_line_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.quantity} {self.unit} {self.description}"

    @property
    def price(self) -> Money:
        return Money(self.unit_price, self.offer.currency)

    @property
    def amount(self) -> Money:
        return Money(self.unit_price * self.quantity, self.offer.currency).quantize()


# --- contract, order, milestones (D2) ---


def _contract_path(contract, filename: str) -> str:
    return f"deals/contracts/{contract.deal_id}/{contract.number}.pdf"


def _proof_path(proof, filename: str) -> str:
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        proof.content_type, "bin"
    )
    return f"deals/payments/{proof.milestone.deal_id}/{proof.sha256[:16]}.{extension}"


class ContractQuerySet(models.QuerySet):
    def current(self):
        """Contracts still in force: not voided by reopening the negotiation."""
        return self.filter(voided_at__isnull=True)


class Contract(models.Model):
    """The sales contract of an agreed deal: the PDF drawn from the accepted offer, which both parties accept.

    A deal has at most one contract in force. Reopening agreed terms for secured ones (negotiation.reopen)
    voids it; it stays, with its acceptances, and the new agreed terms get a contract of their own.
    """

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="contracts")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("contract number"), max_length=32, unique=True)
    pdf = models.FileField(upload_to=_contract_path, storage=private_storage)
    sha256 = models.CharField(max_length=64)
    # The governing clauses as they stood when the contract was issued (operators may edit them later).
    clauses = models.JSONField(default=list)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    voided_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("sales contract")
        constraints = [
            models.UniqueConstraint(
                fields=["deal"], condition=Q(voided_at__isnull=True), name="deal_one_contract_in_force"
            )
        ]

    def __str__(self):
        return self.number


class ContractAcceptance(models.Model):
    """One party's acceptance of the contract: who (name and title as typed), when, from which address."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="acceptances")
    side = models.CharField(max_length=10, choices=Side.choices)
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("full name"), max_length=120)
    title = models.CharField(_("title"), max_length=120)
    ip = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "side"], name="contract_accepted_once_per_side")
        ]
        verbose_name = _("contract acceptance")

    def __str__(self):
        return f"{self.contract} · {self.side}"


class Insurance(models.TextChoices):
    NOT_INSURED = "not_insured", _("Not insured")
    INSURED = "insured", _("Insured")


class Order(models.Model):
    """The order placed on an agreed deal: its value and terms, and the credit decision that let it through."""

    deal = models.OneToOneField(Deal, on_delete=models.CASCADE, related_name="order")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES)
    currency = models.CharField(max_length=3, validators=[validate_currency_code])
    payment_terms = models.CharField(max_length=20, choices=PaymentTerms.choices)
    term_days = models.PositiveIntegerField(null=True, blank=True)
    # credit.gating's Decision.as_dict() at the moment the order was placed.
    decision = models.JSONField(default=dict)
    insurance = models.CharField(max_length=20, choices=Insurance.choices, default=Insurance.NOT_INSURED)
    insurance_policy = models.CharField(max_length=100, blank=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("order")

    def __str__(self):
        return f"{self.deal_id} · {self.currency} {self.amount}"


class MilestoneKind(models.TextChoices):
    DEPOSIT = "deposit", _("Deposit")
    BALANCE = "balance", _("Balance")
    FULL = "full", _("Payment in full")


class MilestoneStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DUE = "due", _("Due")
    OVERDUE = "overdue", _("Overdue")
    PAID = "paid", _("Paid")


class Milestone(models.Model):
    """A payment the buyer owes under the order: the deposit, the balance, or the whole price, with its due date."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="milestones")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="milestones")
    seq = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=MilestoneKind.choices)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    amount = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES)
    currency = models.CharField(max_length=3, validators=[validate_currency_code])
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        max_length=10, choices=MilestoneStatus.choices, default=MilestoneStatus.SCHEDULED
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deal", "seq"]
        constraints = [models.UniqueConstraint(fields=["deal", "seq"], name="milestone_seq_unique_per_deal")]
        indexes = [models.Index(fields=["status", "due_date"])]
        verbose_name = _("payment milestone")

    def __str__(self):
        return f"{self.deal_id}/{self.seq} {self.kind}"

    @property
    def is_paid(self) -> bool:
        return self.status == MilestoneStatus.PAID


class PaymentProof(models.Model):
    """A bank slip or L/C copy the buyer uploaded for a milestone; private, served behind the deal's check."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="proofs")
    file = models.FileField(upload_to=_proof_path, storage=private_storage)
    content_type = models.CharField(max_length=50)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("payment proof")

    def __str__(self):
        return self.original_name


# A milestone's status moves only by these events: the daily check (fall_due, go_overdue) and the
# payee's or an operator's confirmation (confirm_payment). Each move is audited and sends state_changed.
MILESTONE_TRANSITIONS = TransitionTable(
    field="status",
    company=lambda milestone: milestone.deal.buyer_id,
    moves={
        "fall_due": {MilestoneStatus.SCHEDULED: MilestoneStatus.DUE},
        "go_overdue": {
            MilestoneStatus.SCHEDULED: MilestoneStatus.OVERDUE,
            MilestoneStatus.DUE: MilestoneStatus.OVERDUE,
        },
        "confirm_payment": {
            MilestoneStatus.SCHEDULED: MilestoneStatus.PAID,
            MilestoneStatus.DUE: MilestoneStatus.PAID,
            MilestoneStatus.OVERDUE: MilestoneStatus.PAID,
        },
    },
    refusals={"confirm_payment": _("This payment has already been confirmed.")},
)


# --- visits, shipments, disputes, ratings (D3) ---


def _fulfilment_path(instance, filename):
    return f"deals/{instance.deal_id}/fulfilment/{secrets.token_hex(8)}{Path(filename).suffix.lower()[:10]}"


class DealFile(models.Model):
    """A file kept with a deal's fulfilment (a photo, a shipping document, evidence); private, hashed."""

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=_fulfilment_path, storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self):
        return self.original_name

    def as_record(self) -> dict:
        """What the trade record keeps of the file: its name, size and SHA-256 (the bytes stay private)."""
        return {"name": self.original_name, "size": self.size, "sha256": self.sha256}


class VisitMode(models.TextChoices):
    ON_SITE = "on_site", _("On-site visit")
    VIDEO = "video", _("Video visit")


class VisitStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    REPORTED = "reported", _("Report filed")


class VisitOutcome(models.TextChoices):
    PASS = "pass", _("Pass")
    CONDITIONAL = "conditional", _("Pass with conditions")
    FAIL = "fail", _("Fail")


class FactoryVisit(models.Model):
    """The buyer's visit to the supplier's factory (看厂), on site or by video: times, the one agreed, the report."""

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="visits")
    mode = models.CharField(_("kind of visit"), max_length=10, choices=VisitMode.choices)
    # Up to three times the buyer proposes; the supplier confirms one of them.
    proposed_1 = models.DateTimeField(_("proposed time"))
    proposed_2 = models.DateTimeField(_("second proposed time"), null=True, blank=True)
    proposed_3 = models.DateTimeField(_("third proposed time"), null=True, blank=True)
    note = models.TextField(_("note to the supplier"), blank=True, max_length=2000)
    # A named third-party inspector who files the report instead of the buyer (an account on TrustFair).
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("third-party inspector"),
    )
    status = models.CharField(max_length=10, choices=VisitStatus.choices, default=VisitStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    confirmed_time = models.DateTimeField(_("visit time"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=VisitOutcome.choices, blank=True)
    # {checklist code: true/false}, codes from visits.CHECKLIST.
    checklist = models.JSONField(default=dict, blank=True)
    report_notes = models.TextField(_("findings"), blank=True, max_length=5000)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deal", "requested_at", "pk"]
        verbose_name = _("factory visit")

    def __str__(self):
        return f"{self.deal} · {self.get_mode_display()}"

    @property
    def proposed(self) -> list:
        """The times the buyer proposed, in order."""
        return [t for t in (self.proposed_1, self.proposed_2, self.proposed_3) if t is not None]


class VisitPhoto(DealFile):
    """A photo taken during a factory visit, attached to its report."""

    visit = models.ForeignKey(FactoryVisit, on_delete=models.PROTECT, related_name="photos")

    class Meta(DealFile.Meta):
        verbose_name = _("visit photo")

    def get_absolute_url(self):
        return reverse("deals:visit_photo", kwargs={"pk": self.deal_id, "file_pk": self.pk})


class TransportMode(models.TextChoices):
    SEA = "sea", _("Sea")
    AIR = "air", _("Air")
    ROAD = "road", _("Road")
    RAIL = "rail", _("Rail")


class Shipment(models.Model):
    """One consignment the supplier sent for the deal, with its carrier, tracking reference and documents."""

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="shipments")
    number = models.PositiveSmallIntegerField()
    mode = models.CharField(_("transport"), max_length=10, choices=TransportMode.choices)
    carrier = models.CharField(_("carrier"), max_length=100)
    tracking_reference = models.CharField(_("tracking reference"), max_length=100)
    shipped_on = models.DateField(_("shipped on"))
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deal", "number"]
        verbose_name = _("shipment")
        constraints = [models.UniqueConstraint(fields=["deal", "number"], name="shipment_number_unique")]

    def __str__(self):
        return f"{self.deal} · {self.number}"


class ShipmentDocumentKind(models.TextChoices):
    COMMERCIAL_INVOICE = "commercial_invoice", _("Commercial invoice")
    PACKING_LIST = "packing_list", _("Packing list")
    BILL_OF_LADING = "bill_of_lading", _("Bill of lading")
    AIR_WAYBILL = "air_waybill", _("Air waybill")
    CERTIFICATE_OF_ORIGIN = "certificate_of_origin", _("Certificate of origin")
    OTHER_TRANSPORT = "transport_document", _("Other transport document (CMR, rail waybill)")


class ShipmentDocument(DealFile):
    """A document of a shipment: invoice, packing list, bill of lading or air waybill, certificate of origin."""

    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("document"), max_length=30, choices=ShipmentDocumentKind.choices)

    class Meta(DealFile.Meta):
        verbose_name = _("shipment document")

    def get_absolute_url(self):
        return reverse("deals:shipment_document", kwargs={"pk": self.deal_id, "file_pk": self.pk})


class Delivery(models.Model):
    """The buyer's confirmation that the goods arrived; it opens the claim window."""

    deal = models.OneToOneField(Deal, on_delete=models.PROTECT, related_name="delivery")
    delivered_on = models.DateField(_("delivered on"))
    # The agreed date the supplier's delivery is measured against, and how late it was (0 = on time).
    due_date = models.DateField(null=True, blank=True)
    days_late = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(default=timezone.now)
    claim_until = models.DateTimeField()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["claim_until"])]

    def __str__(self):
        return f"{self.deal} · {self.delivered_on}"


class DisputeReason(models.TextChoices):
    QUALITY = "quality", _("Quality not as agreed")
    QUANTITY = "quantity", _("Short or wrong quantity")
    DAMAGE = "damage", _("Damaged in transit")
    DOCUMENTS = "documents", _("Documents missing or wrong")
    OTHER = "other", _("Other")


class DisputeResolution(models.TextChoices):
    REFUND = "refund", _("Full refund")
    PARTIAL = "partial", _("Partial refund")
    REJECTED = "rejected", _("Claim rejected")


class Dispute(models.Model):
    """The buyer's claim after delivery, the supplier's answer and the operator's decision."""

    deal = models.OneToOneField(Deal, on_delete=models.PROTECT, related_name="dispute")
    reason = models.CharField(_("reason"), max_length=12, choices=DisputeReason.choices)
    description = models.TextField(_("what is wrong"), max_length=5000)
    claimed_amount = models.DecimalField(
        _("amount claimed"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    currency = models.CharField(max_length=3, validators=[validate_currency_code])
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("supplier's answer"), blank=True, max_length=5000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(_("decision"), max_length=10, choices=DisputeResolution.choices, blank=True)
    refund_amount = models.DecimalField(
        _("refund"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, null=True, blank=True
    )
    resolution_reason = models.TextField(_("reason for the decision"), blank=True, max_length=5000)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dispute")
        constraints = [
            models.CheckConstraint(
                condition=Q(claimed_amount__isnull=True) | Q(claimed_amount__gt=0),
                name="dispute_claim_positive",
            ),
            models.CheckConstraint(
                condition=Q(refund_amount__isnull=True) | Q(refund_amount__gte=0),
                name="dispute_refund_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.deal} · {self.get_reason_display()}"


class DisputeEvidence(DealFile):
    """A file one side sends as evidence in a dispute."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="evidence")
    side = models.CharField(max_length=10, choices=Side.choices)

    class Meta(DealFile.Meta):
        verbose_name = _("dispute evidence")
        verbose_name_plural = _("dispute evidence")

    def get_absolute_url(self):
        return reverse("deals:dispute_evidence", kwargs={"pk": self.deal_id, "file_pk": self.pk})


class Rating(models.Model):
    """One party's rating of the other after the deal completed: 1–5 stars and a comment, once per side."""

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="ratings")
    from_side = models.CharField(max_length=10, choices=Side.choices)
    from_company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="ratings_given")
    to_company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="ratings_received")
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deal", "rated_at"]
        verbose_name = _("rating")
        constraints = [
            models.UniqueConstraint(fields=["deal", "from_side"], name="rating_once_per_side"),
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_to_5"),
        ]

    def __str__(self):
        return f"{self.deal} · {self.from_side} {self.score}/5"
