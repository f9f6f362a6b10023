"""Hosted buyer meeting events (采购见面会): applications, proposed pairs, the schedule."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from marketplace.companies.models import Company, Industry
from marketplace.core.languages import localized
from marketplace.core.transitions import TransitionTable
from marketplace.fairs.models.sessions import FairSession
from marketplace.matchmaking.models.meetings import Meeting, MeetingTable

__all__ = [
    "HostedEventStatus",
    "HostedEvent",
    "HOSTED_EVENT_TRANSITIONS",
    "HostedTable",
    "HostedSide",
    "HostedApplicationStatus",
    "HostedApplication",
    "HOSTED_APPLICATION_TRANSITIONS",
    "PairAnswer",
    "PairOrigin",
    "HostedPair",
    "HostedAttendance",
]


class HostedEventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for applications")
    SCHEDULING = "scheduling", _("Scheduling")
    PUBLISHED = "published", _("Schedule published")
    HELD = "held", _("Held")


HOSTED_EVENT_TRANSITIONS = TransitionTable(
    field="status",
    prefix="fairs.hosted_event",
    moves={
        "open": {HostedEventStatus.DRAFT: HostedEventStatus.OPEN},
        "close": {HostedEventStatus.OPEN: HostedEventStatus.SCHEDULING},
        "publish": {HostedEventStatus.SCHEDULING: HostedEventStatus.PUBLISHED},
        "hold": {HostedEventStatus.PUBLISHED: HostedEventStatus.HELD},
    },
)


class HostedEvent(models.Model):
    """A hosted buyer meeting day: buyers of a region meet suppliers of an industry at numbered tables."""

    session = models.ForeignKey(
        FairSession, on_delete=models.CASCADE, related_name="hosted_events", verbose_name=_("fair session")
    )
    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=100, help_text=_("e.g. EU, ASEAN, Latin America"))
    countries = CountryField(_("buyer countries"), multiple=True, blank=True)
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="hosted_events", verbose_name=_("industry")
    )
    partner = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_events",
        limit_choices_to={"kind": "chamber"},
        verbose_name=_("partner organisation"),
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("first meeting at"))
    ends_at = models.TimeField(_("last meeting ends by"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    table_count = models.PositiveSmallIntegerField(_("tables"))
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=20)
    max_meetings = models.PositiveSmallIntegerField(_("meetings per participant at most"), default=6)
    apply_by = models.DateField(_("application deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=HostedEventStatus.choices, default=HostedEventStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "starts_at", "pk"]
        verbose_name = _("hosted buyer meeting event")
        verbose_name_plural = _("hosted buyer meeting events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="hosted_times"
            ),
            models.CheckConstraint(condition=models.Q(table_count__gte=1), name="hosted_tables_min"),
            models.CheckConstraint(condition=models.Q(slot_minutes__gte=10), name="hosted_slot_min"),
        ]

    def __str__(self):
        return self.title

    @property
    def display_title(self):
        return localized(self, "title")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def opens_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.starts_at, tzinfo=self.zone)

    @property
    def closes_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.ends_at, tzinfo=self.zone)

    def slots(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """The day's meeting slots, in order (aware, in the event's zone)."""
        length = dt.timedelta(minutes=self.slot_minutes)
        out, start = [], self.opens_at
        while start + length <= self.closes_at:
            out.append((start, start + length))
            start += length
        return out


class HostedTable(models.Model):
    """A numbered table of the event, bookable through matchmaking's meeting table."""

    event = models.ForeignKey(HostedEvent, on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveSmallIntegerField(_("table"))
    table = models.OneToOneField(MeetingTable, on_delete=models.PROTECT, related_name="hosted_table")

    class Meta:
        ordering = ["event", "number"]
        unique_together = [("event", "number")]
        verbose_name = _("hosted meeting table")

    def __str__(self):
        return f"{self.event} — {self.number}"


class HostedSide(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SUPPLIER = "supplier", _("Supplier")


class HostedApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


HOSTED_APPLICATION_TRANSITIONS = TransitionTable(
    field="status",
    prefix="fairs.hosted_application",
    company=lambda a: a.company_id,
    moves={
        "accept": {HostedApplicationStatus.APPLIED: HostedApplicationStatus.ACCEPTED},
        "decline": {
            HostedApplicationStatus.APPLIED: HostedApplicationStatus.DECLINED,
            HostedApplicationStatus.ACCEPTED: HostedApplicationStatus.DECLINED,
        },
    },
)


class HostedApplication(models.Model):
    """A buyer's or supplier's application to meet at the event, with what it wants or shows."""

    event = models.ForeignKey(HostedEvent, on_delete=models.CASCADE, related_name="applications")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="hosted_applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hosted_applications"
    )
    side = models.CharField(_("side"), max_length=10, choices=HostedSide.choices)
    need = models.TextField(_("products wanted or shown"), max_length=2000)
    hs_code = models.CharField(_("HS code"), max_length=10, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=HostedApplicationStatus.choices,
        default=HostedApplicationStatus.APPLIED,
    )
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "side", "pk"]
        verbose_name = _("hosted meeting application")
        constraints = [
            models.UniqueConstraint(fields=["event", "company"], name="hosted_one_application_per_company")
        ]

    def __str__(self):
        return f"{self.company} → {self.event}"

    @property
    def outside_industry(self) -> bool:
        """A supplier of another industry than the event's: shown to the operators who decide."""
        return self.side == HostedSide.SUPPLIER and self.company.industry_id != self.event.industry_id


class PairAnswer(models.TextChoices):
    PENDING = "pending", _("Waiting")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class PairOrigin(models.TextChoices):
    RANKED = "ranked", _("Proposed by the ranking")
    OPERATOR = "operator", _("Added by an operator")


class HostedPair(models.Model):
    """A proposed meeting between an accepted buyer and an accepted supplier, then its slot at a table."""

    event = models.ForeignKey(HostedEvent, on_delete=models.CASCADE, related_name="pairs")
    buyer = models.ForeignKey(HostedApplication, on_delete=models.CASCADE, related_name="pairs_as_buyer")
    supplier = models.ForeignKey(
        HostedApplication, on_delete=models.CASCADE, related_name="pairs_as_supplier"
    )
    origin = models.CharField(max_length=10, choices=PairOrigin.choices, default=PairOrigin.RANKED)
    score = models.FloatField(_("score"), default=0)
    # The ranking's reasons as (signal, points, message, params): put into words in the reader's language.
    reasons = models.JSONField(default=list, blank=True, encoder=DjangoJSONEncoder)
    buyer_answer = models.CharField(max_length=10, choices=PairAnswer.choices, default=PairAnswer.PENDING)
    supplier_answer = models.CharField(max_length=10, choices=PairAnswer.choices, default=PairAnswer.PENDING)
    removed = models.BooleanField(default=False)
    meeting = models.OneToOneField(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="hosted_pair"
    )
    unplaced = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "-score", "buyer_id", "supplier_id"]
        verbose_name = _("proposed meeting")
        constraints = [models.UniqueConstraint(fields=["event", "buyer", "supplier"], name="hosted_one_pair")]

    def __str__(self):
        return f"{self.buyer.company} × {self.supplier.company}"

    @property
    def agreed(self) -> bool:
        return self.buyer_answer == PairAnswer.ACCEPTED == self.supplier_answer and not self.removed


class HostedAttendance(models.Model):
    """A company's side shown present at its hosted meeting: its badge scanned at the table."""

    pair = models.ForeignKey(HostedPair, on_delete=models.CASCADE, related_name="attendance")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    badge_holder = models.CharField(_("name on the badge"), max_length=200)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scanned_at = models.DateTimeField(_("scanned"))

    class Meta:
        ordering = ["pair", "scanned_at"]
        verbose_name = _("hosted meeting attendance")
        constraints = [models.UniqueConstraint(fields=["pair", "company"], name="hosted_one_scan_per_side")]

    def __str__(self):
        return f"{self.company} @ {self.pair}"
