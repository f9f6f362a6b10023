"""Private showcases: a supplier's curated products and terms, shown only to the buyer companies it chooses."""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.catalog.models import Product, Unit
from marketplace.catalog.money import CURRENCY_CHOICES
from marketplace.companies.models import Company
from marketplace.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, validate_currency_code
from marketplace.core.transitions import TransitionTable


def _token() -> str:
    return secrets.token_urlsafe(24)


class ShowcaseState(models.TextChoices):
    SCHEDULED = "scheduled", _("Not yet open")
    OPEN = "open", pgettext_lazy("showcase state", "Open")
    EXPIRED = "expired", _("Expired")
    CLOSED = "closed", _("Closed")


class Showcase(models.Model):
    """A supplier's private selection of products with showcase-only prices, for named buyers only."""

    supplier = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="showcases")
    # The buyer-facing address uses an unguessable token, never the primary key.
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(_("message to buyers"), blank=True)
    valid_from = models.DateTimeField(_("open from"), default=timezone.now)
    valid_until = models.DateTimeField(_("open until"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("showcase")
        indexes = [models.Index(fields=["supplier", "-created_at"])]

    def __str__(self):
        return self.title

    # The address is a bearer secret: the admin never redirects to it (core/admin_views.py).
    address_is_secret = True

    def get_absolute_url(self):
        return reverse("showcases:showcase_detail", kwargs={"token": self.token})

    def get_portal_url(self):
        return reverse("showcases:showcase_manage", kwargs={"pk": self.pk})

    @property
    def state(self) -> ShowcaseState:
        now = timezone.now()
        if self.closed_at:
            return ShowcaseState.CLOSED
        if self.valid_until <= now:
            return ShowcaseState.EXPIRED
        if self.valid_from > now:
            return ShowcaseState.SCHEDULED
        return ShowcaseState.OPEN


def showcase_lifecycle(showcase: Showcase) -> str:
    """The state closing and extending move between: "running" (open, or scheduled to open), "expired"
    (its closing date passed) or "closed" (by the supplier). `Showcase.state` tells scheduled from open."""
    if showcase.closed_at:
        return "closed"
    if showcase.valid_until <= timezone.now():
        return "expired"
    return "running"


# Closing ends a showcase now; extending moves its closing date later, which reopens a closed or expired one.
SHOWCASE_TRANSITIONS = TransitionTable(
    state=showcase_lifecycle,
    company=lambda showcase: showcase.supplier_id,
    moves={
        "close": {"running": "closed", "expired": "closed"},
        "extend": {"running": "running", "expired": "running", "closed": "running"},
    },
    refusals={"close": _("This showcase is already closed.")},
)


def open_showcases_q(prefix: str = "") -> Q:
    now = timezone.now()
    return Q(
        **{
            f"{prefix}closed_at__isnull": True,
            f"{prefix}valid_from__lte": now,
            f"{prefix}valid_until__gt": now,
        }
    )


class ShowcaseItem(models.Model):
    """A product in a showcase with the price and terms offered to its audience only."""

    showcase = models.ForeignKey(Showcase, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="showcase_items")
    position = models.PositiveSmallIntegerField(default=0)
    price = models.DecimalField(
        _("showcase price"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Unit price for this showcase only; leave empty to show the public tiers."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCY_CHOICES, blank=True, validators=[validate_currency_code]
    )
    min_quantity = models.PositiveIntegerField(_("showcase MOQ"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, blank=True)
    terms = models.CharField(
        _("terms"),
        max_length=300,
        blank=True,
        # xgettext:no-python-format
        help_text=_("e.g. FOB Ningbo, 30% deposit"),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("showcase product")
        constraints = [models.UniqueConstraint(fields=["showcase", "product"], name="showcase_item_unique")]

    def __str__(self):
        return f"{self.product} in {self.showcase}"

    @property
    def effective_currency(self) -> str:
        return self.currency or self.product.currency

    @property
    def effective_moq(self) -> int:
        return self.min_quantity or self.product.moq


class ShowcaseAccess(models.Model):
    """One buyer company in a showcase's audience, chosen directly or bound by an invitation link."""

    showcase = models.ForeignKey(Showcase, on_delete=models.CASCADE, related_name="accesses")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="showcase_accesses")
    invitation = models.ForeignKey(
        "ShowcaseInvitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["granted_at"]
        verbose_name = _("showcase access")
        constraints = [models.UniqueConstraint(fields=["showcase", "company"], name="showcase_access_unique")]
        indexes = [models.Index(fields=["company", "revoked_at"])]

    def __str__(self):
        return f"{self.company} → {self.showcase}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


# A buyer company in the audience is revoked by the supplier, and restored when shared with again.
ACCESS_TRANSITIONS = TransitionTable(
    state=lambda access: "active" if access.revoked_at is None else "revoked",
    company=lambda access: access.showcase.supplier_id,
    moves={"revoke": {"active": "revoked"}, "restore": {"revoked": "active"}},
    refusals={"revoke": _("This buyer company’s access was already revoked.")},
)


class ShowcaseInvitation(models.Model):
    """A link mailed to an address; the first buyer company to open it joins the audience, and only that one."""

    DEFAULT_DAYS = 14

    showcase = models.ForeignKey(Showcase, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("link expires"))
    claimed_by_company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("showcase invitation")

    def __str__(self):
        return f"{self.email} → {self.showcase}"

    # The address is a bearer secret: the admin never redirects to it (core/admin_views.py).
    address_is_secret = True

    def get_absolute_url(self):
        return reverse("showcases:invitation_open", kwargs={"token": self.token})

    class State(models.TextChoices):
        PENDING = "pending", _("Not opened yet")
        CLAIMED = "claimed", _("Opened")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Withdrawn")

    @property
    def state(self) -> "ShowcaseInvitation.State":
        if self.revoked_at:
            return self.State.REVOKED
        if self.claimed_at:
            return self.State.CLAIMED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING


# The first buyer company to open a link claims it; a link not claimed yet can be withdrawn.
SHOWCASE_INVITATION_TRANSITIONS = TransitionTable(
    state=lambda invitation: invitation.state,
    company=lambda invitation: invitation.showcase.supplier_id,
    moves={
        "claim": {ShowcaseInvitation.State.PENDING: ShowcaseInvitation.State.CLAIMED},
        "revoke": {
            ShowcaseInvitation.State.PENDING: ShowcaseInvitation.State.REVOKED,
            ShowcaseInvitation.State.EXPIRED: ShowcaseInvitation.State.REVOKED,
        },
    },
    refusals={"revoke": _("This link was already opened or withdrawn.")},
)


class ShowcaseView(models.Model):
    """One look by a buyer's employee at a showcase (product empty) or at one of its products."""

    showcase = models.ForeignKey(Showcase, on_delete=models.CASCADE, related_name="views")
    item = models.ForeignKey(
        ShowcaseItem, null=True, blank=True, on_delete=models.CASCADE, related_name="views"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-viewed_at"]
        verbose_name = _("showcase view")
        indexes = [
            models.Index(fields=["showcase", "company", "viewed_at"]),
            models.Index(fields=["showcase", "item"]),
        ]

    def __str__(self):
        return f"{self.company_id} viewed {self.showcase_id}/{self.item_id or '-'} at {self.viewed_at:%Y-%m-%d %H:%M}"


class InterestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("interest status", "New")
    SEEN = "seen", _("Seen by supplier")
    CONVERTED = "converted", _("Turned into an inquiry")


class Interest(models.Model):
    """A buyer's "Interested / request a quote" on a showcase product; becomes an inquiry in the deal flow."""

    showcase = models.ForeignKey(Showcase, on_delete=models.CASCADE, related_name="interests")
    item = models.ForeignKey(ShowcaseItem, on_delete=models.PROTECT, related_name="interests")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="interests")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="showcase_interests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    # The price and currency the buyer saw when asking, so a later inquiry quotes against the same offer.
    quoted_price = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, null=True, blank=True
    )
    quoted_currency = models.CharField(max_length=3, blank=True, validators=[validate_currency_code])
    status = models.CharField(max_length=10, choices=InterestStatus.choices, default=InterestStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    # The inquiry it became (status "converted"): one deal per interest.
    deal = models.OneToOneField(
        "deals.Deal", null=True, blank=True, on_delete=models.PROTECT, related_name="showcase_interest"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("interest")
        indexes = [models.Index(fields=["showcase", "-created_at"])]

    def __str__(self):
        return f"{self.company} interested in {self.product}"
