"""Booth grids, exhibitor applications and booth assignments.

Operators lay out a grid of booths per hall and phase (a hall is rebuilt between phases, so each phase
has its own booths). A supplier applies to exhibit in a phase; an operator approves the application by
assigning a free booth, or rejects it with a reason. The database refuses a booth held by two
applications (the booth is a one-to-one of the application) and a second live application of one
company in one phase.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.catalog.models import Category, Product
from marketplace.companies.models import Company, Industry
from marketplace.core.transitions import TransitionTable
from marketplace.fairs.models.sessions import FairPhase, Hall

__all__ = [
    "Booth",
    "ExhibitorApplication",
    "ApplicationStatus",
    "APPLICATION_TRANSITIONS",
    "LIVE_STATUSES",
]


class Booth(models.Model):
    """A stand on a hall's floor in one phase: its number (row letter and column), size and category zone."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="booths", verbose_name=_("hall"))
    phase = models.ForeignKey(
        FairPhase, on_delete=models.CASCADE, related_name="booths", verbose_name=_("phase")
    )
    row = models.PositiveSmallIntegerField(_("row"))
    column = models.PositiveSmallIntegerField(_("column"))
    size_sqm = models.PositiveSmallIntegerField(_("size (m²)"), default=9)
    zone_industry = models.ForeignKey(
        Industry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("zone (industry)"),
    )
    zone_category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("zone (HS chapter)"),
    )

    class Meta:
        ordering = ["phase", "hall", "row", "column"]
        verbose_name = _("booth")
        constraints = [
            models.UniqueConstraint(fields=["phase", "hall", "row", "column"], name="one_booth_per_place")
        ]

    def __str__(self):
        return self.number

    @property
    def code(self) -> str:
        """The booth within its hall: row letter and column, "B-07"."""
        return f"{row_letter(self.row)}-{self.column:02d}"

    @property
    def number(self) -> str:
        """The booth number visitors read: hall and booth, "A1 B-07"."""
        return f"{self.hall.code} {self.code}"


def row_letter(row: int) -> str:
    """1 → A, 26 → Z, 27 → AA."""
    letters = ""
    while row > 0:
        row, rest = divmod(row - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A company has at most one application in these states per phase.
LIVE_STATUSES = (ApplicationStatus.PENDING, ApplicationStatus.APPROVED)


class ExhibitorApplication(models.Model):
    """A supplier's application to exhibit in a phase; once approved, it holds its booth and is the exhibitor."""

    phase = models.ForeignKey(
        FairPhase, on_delete=models.CASCADE, related_name="applications", verbose_name=_("phase")
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="exhibitor_applications", verbose_name=_("company")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    industries = models.ManyToManyField(Industry, related_name="+", verbose_name=_("categories"))
    booth_size_sqm = models.PositiveSmallIntegerField(_("booth size wanted (m²)"), default=9)
    products = models.ManyToManyField(
        Product, blank=True, related_name="exhibited_in", verbose_name=_("products to show")
    )
    note = models.TextField(_("note to the organiser"), blank=True)
    booth = models.OneToOneField(
        Booth,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exhibitor",
        verbose_name=_("booth"),
    )
    # The booth's bookable place in matchmaking (created when the booth is assigned).
    table = models.ForeignKey(
        "matchmaking.MeetingTable", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["phase", "-applied_at"]
        verbose_name = _("exhibitor application")
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "company"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="one_live_application_per_company_and_phase",
            ),
            models.CheckConstraint(
                condition=models.Q(booth__isnull=True) | models.Q(status="approved"),
                name="only_approved_applications_hold_a_booth",
            ),
        ]
        indexes = [models.Index(fields=["phase", "status"])]

    def __str__(self):
        return f"{self.company} — {self.phase}"


APPLICATION_TRANSITIONS = TransitionTable(
    field="status",
    company=lambda application: application.company_id,
    prefix="fairs.exhibitor_application",
    moves={
        "approve": {ApplicationStatus.PENDING: ApplicationStatus.APPROVED},
        "reject": {ApplicationStatus.PENDING: ApplicationStatus.REJECTED},
        "withdraw": {
            ApplicationStatus.PENDING: ApplicationStatus.WITHDRAWN,
            ApplicationStatus.APPROVED: ApplicationStatus.WITHDRAWN,
        },
    },
    refusals={
        "approve": _("Only an application waiting for a decision can be approved."),
        "reject": _("Only an application waiting for a decision can be rejected."),
        "withdraw": _("This application is already closed."),
    },
)
