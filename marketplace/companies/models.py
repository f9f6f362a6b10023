"""Companies, the people who work for them, and the documents that verify them."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

# Migrations name the storage as marketplace.companies.models.private_storage: the same callable.
from marketplace.core.files import private_storage
from marketplace.core.languages import localized
from marketplace.core.transitions import TransitionTable


class PlatformRole(models.TextChoices):
    NONE = "", _("Company member")
    OPERATOR = "operator", _("Operator")
    RISK_OFFICER = "risk_officer", _("Risk officer")
    EDITOR = "editor", _("Editor")


class EmailUserManager(UserManager):
    """Users sign in with their email address; the username is kept equal to it."""

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email or username)
        return super()._create_user(email, email, password, **extra_fields)

    def create_user(self, email=None, password=None, **extra_fields):
        return super().create_user(email, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        return super().create_superuser(email, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: a company's staff member, or a platform operator, editor or risk officer."""

    email = models.EmailField(_("email address"), unique=True)
    platform_role = models.CharField(
        _("platform role"), max_length=20, choices=PlatformRole.choices, blank=True, default=""
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = EmailUserManager()

    def save(self, *args, **kwargs):
        self.username = self.email
        super().save(*args, **kwargs)

    @property
    def is_operator(self) -> bool:
        return self.platform_role == PlatformRole.OPERATOR

    @property
    def is_risk_officer(self) -> bool:
        return self.platform_role == PlatformRole.RISK_OFFICER

    @property
    def is_editor(self) -> bool:
        return self.platform_role == PlatformRole.EDITOR

    @cached_property
    def membership(self) -> "Membership | None":
        return Membership.objects.select_related("company").filter(user=self).first()

    @property
    def company(self) -> "Company | None":
        return self.membership.company if self.membership else None


class Industry(models.Model):
    """A line of trade a company works in (machinery, textiles, ...), named in both languages."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized(self, "name")


class CompanyKind(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    BUYER = "buyer", _("Buyer")
    BOTH = "both", _("Supplier and buyer")
    # Partners: they trade nothing on the platform; their staff (risk officers among them) decide
    # insurance and financing applications made to them, and chambers co-host buyer meetings.
    BANK = "bank", _("Bank")
    INSURER = "insurer", _("Export credit insurer")
    CHAMBER = "chamber", _("Chamber or trade association")


# What a company may say it is when it signs up or edits its profile; partner kinds are set by operators.
TRADING_KINDS = (CompanyKind.SUPPLIER, CompanyKind.BUYER, CompanyKind.BOTH)
PARTNER_KINDS = (CompanyKind.BANK, CompanyKind.INSURER, CompanyKind.CHAMBER)


class CompanyQuerySet(models.QuerySet):
    def suppliers(self):
        return self.filter(kind__in=[CompanyKind.SUPPLIER, CompanyKind.BOTH])

    def buyers(self):
        return self.filter(kind__in=[CompanyKind.BUYER, CompanyKind.BOTH])

    def trading(self):
        return self.filter(kind__in=TRADING_KINDS)

    def banks(self):
        return self.filter(kind=CompanyKind.BANK)

    def insurers(self):
        return self.filter(kind=CompanyKind.INSURER)

    def chambers(self):
        return self.filter(kind=CompanyKind.CHAMBER)


# Countries that write the postal code after the city in an address line.
POSTAL_AFTER_CITY = frozenset({"GB", "US", "CA", "AU", "IN", "BR", "JP", "KR", "SG", "ID", "TH", "MY", "PH"})


class Company(models.Model):
    """A trading company on the platform: an exporter or manufacturer, an importer, or both."""

    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("role"), max_length=10, choices=CompanyKind.choices)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    # The registered address, as the sales contract prints it (city and country above complete it).
    street_line1 = models.CharField(_("street address"), max_length=200, blank=True)
    street_line2 = models.CharField(
        _("street address, line 2"),
        max_length=200,
        blank=True,
        help_text=_("Building, floor, industrial park — if any."),
    )
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    address_zh = models.CharField(
        _("registered address (Chinese)"),
        max_length=300,
        blank=True,
        help_text=_(
            "As written in Chinese, from the province down, e.g. 浙江省宁波市北仑区…; the contract prints it."
        ),
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("industry"), on_delete=models.PROTECT, related_name="companies"
    )
    registration_number = models.CharField(
        _("registration number"),
        max_length=64,
        blank=True,
        help_text=_("The number under which the company is registered in its country."),
    )
    description = models.TextField(_("description"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    founded_year = models.PositiveSmallIntegerField(_("founded"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("joined"), default=timezone.now, db_index=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        # The id breaks ties between equal names, so a company never shows on two pages.
        ordering = ["name", "id"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "registration_number"],
                condition=~Q(registration_number=""),
                name="company_unique_registration",
            )
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="company_name_idx"),
            models.Index(fields=["kind", "country"]),
            models.Index(fields=["industry", "name"]),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("companies:company_detail", kwargs={"slug": self.slug})

    @property
    def display_name(self) -> str:
        return localized(self, "name")

    @property
    def display_description(self) -> str:
        return localized(self, "description")

    def address_lines(self) -> list[str]:
        """The registered address in the Western order: street lines, postal code and city, country."""
        # Where the postal code follows the city (Felixstowe IP11 3HF, Seattle 98101); elsewhere it leads.
        parts = (
            (self.city, self.postal_code)
            if self.country.code in POSTAL_AFTER_CITY
            else (self.postal_code, self.city)
        )
        place = " ".join(part for part in parts if part)
        lines = [self.street_line1, self.street_line2, place, str(self.country.name) if self.country else ""]
        return [line for line in lines if line]

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_supplier(self) -> bool:
        return self.kind in (CompanyKind.SUPPLIER, CompanyKind.BOTH)

    @property
    def is_buyer(self) -> bool:
        return self.kind in (CompanyKind.BUYER, CompanyKind.BOTH)

    @property
    def is_partner(self) -> bool:
        """A bank, an export credit insurer or a chamber: a partner of the platform, not a trader."""
        return self.kind in PARTNER_KINDS


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


class Membership(models.Model):
    """A person working for a company; owners manage staff and documents. One company per person."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.STAFF)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["company", "-role", "joined_at"]
        verbose_name = _("membership")

    def __str__(self):
        return f"{self.user} @ {self.company}"

    @property
    def is_owner(self) -> bool:
        return self.role == MemberRole.OWNER


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An owner's invitation to an email address to join the company's staff."""

    INVITATION_DAYS = 7

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.STAFF)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")

    def __str__(self):
        return f"{self.email} → {self.company}"

    # The address is a bearer secret: the admin never redirects to it (core/admin_views.py).
    address_is_secret = True

    def get_absolute_url(self):
        return reverse("companies:invitation_accept", kwargs={"token": self.token})

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    @property
    def state(self) -> "Invitation.State":
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING


# An invitation's state is derived from its dates; only a pending one may be accepted or withdrawn.
INVITATION_TRANSITIONS = TransitionTable(
    state=lambda invitation: invitation.state,
    company=lambda invitation: invitation.company_id,
    moves={
        "accept": {Invitation.State.PENDING: Invitation.State.ACCEPTED},
        "revoke": {Invitation.State.PENDING: Invitation.State.REVOKED},
    },
    refusals={"revoke": _("Only a pending invitation can be revoked.")},
)


class DocumentKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    EXPORT_LICENCE = "export_licence", _("Export licence")
    CHAMBER_CERTIFICATE = "chamber_certificate", _("Chamber of commerce membership certificate")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")


def _document_path(instance, filename):
    return f"verification/{instance.company_id}/{secrets.token_hex(8)}{Path(filename).suffix.lower()}"


class VerificationDocument(models.Model):
    """A document a company sends to prove who it is, awaiting or past an operator's review."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=_document_path, storage=private_storage)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    # The last day the document is valid, as printed on it; the operator enters it on approval (empty:
    # the document states no end date, e.g. a Chinese licence "长期"). The day after, the daily
    # `expire_verifications` task moves an approved document to "expired".
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("verification document")
        indexes = [
            models.Index(fields=["status", "uploaded_at"]),
            models.Index(
                fields=["valid_until"],
                condition=Q(status="approved", valid_until__isnull=False),
                name="document_expiry_due",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.company}"

    @property
    def last_decision(self) -> "VerificationDecision | None":
        return self.decisions.order_by("-decided_at", "-id").first()

    @property
    def days_left(self) -> int | None:
        """Days until an approved document's validity ends (0 on its last day); None without an end date."""
        if self.valid_until is None:
            return None
        return (self.valid_until - timezone.localdate()).days


class VerificationDecision(models.Model):
    """An operator's approval or rejection of a document, or its expiry, kept for ever with who and when."""

    document = models.ForeignKey(VerificationDocument, on_delete=models.PROTECT, related_name="decisions")
    status = models.CharField(max_length=10, choices=DocumentStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    # Empty for the platform's own decision: a document that passed its validity date.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("verification decision")

    def __str__(self):
        by = self.decided_by or "TrustFair"
        return f"{self.get_status_display()} by {by} at {self.decided_at:%Y-%m-%d %H:%M}"


# An operator decides a pending document once; an approval can later be revoked (a forged stamp found),
# which counts as a rejection. A rejected document stays rejected: the company uploads a new one. An
# approved document whose validity date passed expires (the platform's daily task, nobody's hand).
DOCUMENT_TRANSITIONS = TransitionTable(
    field="status",
    company=lambda document: document.company_id,
    moves={
        "approve": {DocumentStatus.PENDING: DocumentStatus.APPROVED},
        "reject": {DocumentStatus.PENDING: DocumentStatus.REJECTED},
        "revoke": {DocumentStatus.APPROVED: DocumentStatus.REJECTED},
        "expire": {DocumentStatus.APPROVED: DocumentStatus.EXPIRED},
    },
    refusals={
        "approve": _("Only a document awaiting review can be approved."),
        "reject": _("Only a document awaiting review can be rejected."),
        "revoke": _("Only an approved document can have its approval revoked."),
        "expire": _("Only an approved document can expire."),
    },
)
