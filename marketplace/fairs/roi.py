"""What each fair session brought (fair ROI): per session, phase and exhibitor, the funnel
badge scans → leads → meetings held → inquiries and RFQ quotations → deals → deal value in one currency.

One row is an exhibitor in a phase (a supplier company; its booth, hall and zone from its approved
application in that phase, if any). How each step is attributed:

* **Badge scans**: the company's `Lead` rows of the session (one per scan: `client_id` is unique). The phase
  is the one whose days hold the scan's date in the fair's time zone (`FAIRS_TIME_ZONE`); a scan on no
  phase's day falls in "outside the phase days" (phase None).
* **Leads**: the distinct people (registrations) among those scans.
* **Meetings held**: meetings with the outcome "held" at one of the session's tables (its exhibitors'
  booths and its hosted buyer meeting tables, `session_stats.session_tables`) or, anywhere, between the
  company and a company whose person it scanned at the session, started within the session's days. A
  meeting counts once, for one exhibitor: the booth's holder, else the side that scanned the other, else
  the supplier side. Phase by the meeting's start.
* **Inquiries**: deals opened from the session's leads (`Lead.deal`, set by "Turn into an inquiry", source
  `fair_lead`) or linked to a counted meeting (`Meeting.deal`) and opened on or after the session's first
  day. A deal counts once, for its supplier, in the phase of its first lead, else of its meeting.
* **RFQ quotations**: quotations the company submitted (`matchmaking.Quotation`, whatever became of them) to
  sourcing requests (RFQs) of a buyer company it met at the session: one whose person it scanned there, or
  with which it held a counted meeting. The RFQ must be posted on or after the session's first day and
  before the end of the `RFQ_WINDOW_DAYS`-th day after its last day (fair's zone). One per (company, RFQ):
  a supplier quotes an RFQ once. Phase of the company's first scan of the buyer, else of their first counted
  meeting. Shown beside inquiries; together they are the step deals are measured against.
* **Deals**: those inquiries, and the deals opened by accepting those quotations (`Quotation.deal`), with an
  order placed (`deals.Order`) and not cancelled; a deal reached both ways counts once, in the phase of its
  inquiry, else of its quotation.
* **Value**: the orders' amounts, each converted into the chosen currency at the FX table's rates in force
  on the day the order was placed (`core.fx.rates_on`); the rates used are returned with the funnel.

A step's rate is of the step before it (`RATE_BASES`): inquiries and RFQ quotations are each measured
against meetings held, deals against inquiries and RFQ quotations together. Steps are not nested (a meeting
need not follow a scan), so a rate can pass 100 %.
Every count is aggregated in the database: a fixed number of queries whatever the number of exhibitors,
plus one rate table per distinct order day (cached per process by `core.fx`).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from marketplace.companies.models import Company, CompanyKind
from marketplace.core import fx
from marketplace.core.charts import bar_chart_svg
from marketplace.core.money import Money, minor_units
from marketplace.deals.models import Deal, DealState, Order
from marketplace.fairs import session_stats
from marketplace.fairs.models import ApplicationStatus, ExhibitorApplication, FairSession, Lead
from marketplace.matchmaking.models.meetings import AttendanceOutcome, Meeting
from marketplace.matchmaking.models.rfq import Quotation

STEPS = ("scans", "leads", "meetings", "inquiries", "rfq_quotations", "deals")
STEP_LABELS = {
    "scans": _("Badge scans"),
    "leads": _("Leads"),
    "meetings": _("Meetings held"),
    "inquiries": _("Inquiries"),
    "rfq_quotations": _("RFQ quotations"),
    "deals": _("Deals"),
}
# What each step's rate is measured against: the step or steps that come before it. Inquiries and RFQ
# quotations stand side by side after the meetings; deals come from either.
RATE_BASES = {
    "leads": ("scans",),
    "meetings": ("leads",),
    "inquiries": ("meetings",),
    "rfq_quotations": ("meetings",),
    "deals": ("inquiries", "rfq_quotations"),
}
BASE_LABELS = {
    ("scans",): _("badge scans"),
    ("leads",): _("leads"),
    ("meetings",): _("meetings held"),
    ("inquiries", "rfq_quotations"): _("inquiries and RFQ quotations"),
}
# An RFQ counts for the fair when posted from the session's first day to this many days after its last day.
RFQ_WINDOW_DAYS = 90
SUPPLIER_KINDS = (CompanyKind.SUPPLIER, CompanyKind.BOTH)


@dataclass
class Funnel:
    """The counts of each step and the deal value in one currency."""

    currency: str
    scans: int = 0
    leads: int = 0
    meetings: int = 0
    inquiries: int = 0
    rfq_quotations: int = 0
    deals: int = 0
    value: Decimal = Decimal("0.00")

    def add(self, other: Funnel) -> None:
        for step in STEPS:
            setattr(self, step, getattr(self, step) + getattr(other, step))
        self.value += other.value

    def steps(self) -> list[tuple[str, str, int, Decimal | None, str]]:
        """(key, label, count, rate in % of the step(s) before it (`RATE_BASES`), what the rate is of) per
        step; the rate is None for the first step or when what it is measured against is zero."""
        out = []
        for step in STEPS:
            count = getattr(self, step)
            rate, of = None, ""
            if step in RATE_BASES:
                before = sum(getattr(self, base) for base in RATE_BASES[step])
                of = str(BASE_LABELS[RATE_BASES[step]])
                if before > 0:
                    rate = (Decimal(count) * 100 / Decimal(before)).quantize(Decimal("0.1"))
            out.append((step, str(STEP_LABELS[step]), count, rate, of))
        return out

    @property
    def money(self) -> Money:
        return Money(self.value, self.currency)


@dataclass
class Row:
    """One exhibitor in one phase (phase None: scans, meetings, deals or quotations outside the phase days)."""

    company_id: int
    company_name: str
    phase: int | None
    booth: str
    hall: str
    zone: str
    funnel: Funnel


@dataclass(frozen=True)
class RateUsed:
    """A conversion the value rests on: `rate` units of the target per unit of `currency`, for orders
    placed on `day`, from the FX table's rate of `rate_date`."""

    currency: str
    day: dt.date
    rate: Decimal
    rate_dates: tuple[dt.date, ...]


@dataclass
class SessionRoi:
    session: FairSession
    currency: str
    rows: list[Row]
    total: Funnel
    rates: list[RateUsed] = field(default_factory=list)
    missing_rates: list[str] = field(default_factory=list)

    def by(self, attribute: str) -> list[tuple[str, Funnel]]:
        """The rows summed by "hall", "zone" or "phase", in label order."""
        groups: dict[str, Funnel] = {}
        for row in self.rows:
            key = getattr(row, attribute)
            label = "—" if key in (None, "") else str(key)
            groups.setdefault(label, Funnel(self.currency)).add(row.funnel)
        return sorted(groups.items())


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.FAIRS_TIME_ZONE)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=_zone())


def _phase_of(field_name: str, phases) -> Case:
    """The number of the phase whose days (in the fair's zone) hold `field_name`, else None."""
    whens = [
        When(
            **{
                f"{field_name}__gte": _day_start(phase.starts_on),
                f"{field_name}__lt": _day_start(phase.ends_on + dt.timedelta(days=1)),
            },
            then=Value(phase.number),
        )
        for phase in phases
    ]
    if not whens:
        return Value(None, output_field=IntegerField())
    return Case(*whens, default=Value(None), output_field=IntegerField())


def _scanned(session, scanner: str, scanned: str) -> Exists:
    return Exists(
        Lead.objects.filter(
            session=session, company_id=OuterRef(scanner), registration__company_id=OuterRef(scanned)
        )
    )


def held_meetings(session: FairSession, phases):
    """The session's held meetings (see the module docstring), annotated with `exhibitor` and `phase`."""
    tables = session_stats.session_tables(session)
    booth_tables = ExhibitorApplication.objects.filter(phase__session=session, table__isnull=False).values(
        "table_id"
    )
    booth_holder = ExhibitorApplication.objects.filter(
        phase__session=session, table_id=OuterRef("table_id")
    ).values("company_id")[:1]
    in_window = Q(
        start__gte=_day_start(session.starts_on), start__lt=_day_start(session.ends_on + dt.timedelta(days=1))
    )
    scanned_invitee = _scanned(session, "requester_company_id", "invitee_company_id")
    scanned_requester = _scanned(session, "invitee_company_id", "requester_company_id")
    return (
        Meeting.objects.filter(outcome=AttendanceOutcome.HELD)
        .filter(Q(table_id__in=tables) | (in_window & (scanned_invitee | scanned_requester)))
        .annotate(
            exhibitor=Case(
                When(table_id__in=booth_tables, then=Subquery(booth_holder)),
                When(scanned_invitee, then=F("requester_company_id")),
                When(scanned_requester, then=F("invitee_company_id")),
                When(requester_company__kind__in=SUPPLIER_KINDS, then=F("requester_company_id")),
                default=F("invitee_company_id"),
                output_field=IntegerField(),
            ),
            phase=_phase_of("start", phases),
        )
    )


def inquiries(session: FairSession, phases, meetings):
    """The deals opened from the session's leads or its counted meetings, annotated with `phase`."""
    lead_phase = (
        Lead.objects.filter(session=session, deal_id=OuterRef("pk"))
        .annotate(phase=_phase_of("scanned_at", phases))
        .order_by("scanned_at", "pk")
        .values("phase")[:1]
    )
    meeting_phase = meetings.filter(deal_id=OuterRef("pk")).order_by("start", "pk").values("phase")[:1]
    from_leads = Lead.objects.filter(session=session, deal__isnull=False).values("deal_id")
    from_meetings = meetings.filter(deal__isnull=False).values("deal_id")
    return Deal.objects.filter(
        Q(pk__in=from_leads) | Q(pk__in=from_meetings, created_at__gte=_day_start(session.starts_on))
    ).annotate(phase=Coalesce(Subquery(lead_phase), Subquery(meeting_phase), output_field=IntegerField()))


def rfq_quotations(session: FairSession, phases, meetings):
    """The quotations of the session (see the module docstring), annotated with `phase`."""
    scans_of_buyer = Lead.objects.filter(
        session=session,
        company_id=OuterRef("supplier_id"),
        registration__company_id=OuterRef("rfq__buyer_id"),
    )
    with_buyer = meetings.filter(
        Q(requester_company_id=OuterRef("supplier_id"), invitee_company_id=OuterRef("rfq__buyer_id"))
        | Q(invitee_company_id=OuterRef("supplier_id"), requester_company_id=OuterRef("rfq__buyer_id"))
    )
    scan_phase = (
        scans_of_buyer.annotate(phase=_phase_of("scanned_at", phases))
        .order_by("scanned_at", "pk")
        .values("phase")
    )
    meeting_phase = with_buyer.order_by("start", "pk").values("phase")
    return (
        Quotation.objects.filter(
            rfq__created_at__gte=_day_start(session.starts_on),
            rfq__created_at__lt=_day_start(session.ends_on + dt.timedelta(days=RFQ_WINDOW_DAYS + 1)),
        )
        .filter(Exists(scans_of_buyer) | Exists(with_buyer))
        .annotate(
            phase=Coalesce(Subquery(scan_phase[:1]), Subquery(meeting_phase[:1]), output_field=IntegerField())
        )
    )


def session_roi(
    *, session: FairSession, currency: str, company_id: int | None = None, phase: int | None = None
) -> SessionRoi:
    """The funnel of `session` per exhibitor and phase (only `company_id`'s rows when given; only phase
    `phase` when given), with the deal value in `currency`."""
    phases = list(session.phases.order_by("number"))
    funnels: dict[tuple[int, int | None], Funnel] = defaultdict(lambda: Funnel(currency))

    leads = Lead.objects.filter(session=session)
    if company_id is not None:
        leads = leads.filter(company_id=company_id)
    for r in (
        leads.annotate(phase=_phase_of("scanned_at", phases))
        .values("company_id", "phase")
        .annotate(scans=Count("pk"), leads=Count("registration_id", distinct=True))
        .order_by()
    ):
        funnel = funnels[(r["company_id"], r["phase"])]
        funnel.scans, funnel.leads = r["scans"], r["leads"]

    meetings = held_meetings(session, phases)
    counted = meetings if company_id is None else meetings.filter(exhibitor=company_id)
    for r in counted.values("exhibitor", "phase").annotate(n=Count("pk")).order_by():
        funnels[(r["exhibitor"], r["phase"])].meetings = r["n"]

    deals = inquiries(session, phases, meetings)
    if company_id is not None:
        deals = deals.filter(supplier_id=company_id)
    for r in deals.values("supplier_id", "phase").annotate(n=Count("pk")).order_by():
        funnels[(r["supplier_id"], r["phase"])].inquiries = r["n"]

    quotations = rfq_quotations(session, phases, meetings)
    if company_id is not None:
        quotations = quotations.filter(supplier_id=company_id)
    for r in quotations.values("supplier_id", "phase").annotate(n=Count("rfq_id", distinct=True)).order_by():
        funnels[(r["supplier_id"], r["phase"])].rfq_quotations = r["n"]

    quoted = quotations.filter(deal__isnull=False)
    won = Order.objects.filter(Q(deal__in=deals.values("pk")) | Q(deal__in=quoted.values("deal_id")))
    won = won.exclude(deal__state=DealState.CANCELLED).annotate(
        phase=Coalesce(
            Subquery(deals.filter(pk=OuterRef("deal_id")).values("phase")[:1]),
            Subquery(quoted.filter(deal_id=OuterRef("deal_id")).values("phase")[:1]),
            output_field=IntegerField(),
        ),
        day=TruncDate("placed_at", tzinfo=_zone()),
    )
    rates: dict[tuple[str, dt.date], RateUsed] = {}
    missing: set[str] = set()
    for r in (
        won.values("deal__supplier_id", "phase", "currency", "day")
        .annotate(n=Count("pk"), amount=Sum("amount"))
        .order_by()
    ):
        funnel = funnels[(r["deal__supplier_id"], r["phase"])]
        funnel.deals += r["n"]
        try:
            conversion = fx.convert(
                Money(r["amount"], r["currency"]), currency, on=r["day"], places=minor_units(currency)
            )
        except fx.NoRate:
            missing.add(r["currency"])
            continue
        funnel.value += conversion.result.amount
        if r["currency"] != currency:
            rates[(r["currency"], r["day"])] = RateUsed(
                r["currency"], r["day"], conversion.rate, conversion.rate_dates
            )

    exhibits = ExhibitorApplication.objects.filter(phase__session=session, status=ApplicationStatus.APPROVED)
    if company_id is not None:
        exhibits = exhibits.filter(company_id=company_id)
    places = {}
    for a in exhibits.select_related(
        "phase", "booth__hall", "booth__zone_industry", "booth__zone_category"
    ).only(
        "company_id",
        "phase__number",
        "booth__row",
        "booth__column",
        "booth__hall__code",
        "booth__zone_industry__name",
        "booth__zone_industry__name_zh",
        "booth__zone_category__code",
        "booth__zone_category__name",
        "booth__zone_category__name_zh",
    ):
        places[(a.company_id, a.phase.number)] = a
        funnels[(a.company_id, a.phase.number)]  # an exhibitor with nothing yet still has its row

    names = dict(Company.objects.filter(pk__in={c for c, _p in funnels}).values_list("pk", "name"))
    rows = []
    for (company, number), funnel in funnels.items():
        if company not in names or (phase is not None and number != phase):
            continue
        exhibit = places.get((company, number))
        booth = exhibit.booth if exhibit is not None else None
        rows.append(
            Row(
                company_id=company,
                company_name=names[company],
                phase=number,
                booth=booth.number if booth else "",
                hall=booth.hall.code if booth else "",
                zone=_zone_label(booth),
                funnel=funnel,
            )
        )
    rows.sort(
        key=lambda row: (row.phase is None, row.phase or 0, row.company_name.casefold(), row.company_id)
    )
    total = Funnel(currency)
    for row in rows:
        total.add(row.funnel)
    return SessionRoi(
        session=session,
        currency=currency,
        rows=rows,
        total=total,
        rates=sorted(rates.values(), key=lambda r: (r.day, r.currency)),
        missing_rates=sorted(missing),
    )


def _zone_label(booth) -> str:
    if booth is None:
        return ""
    if booth.zone_industry is not None:
        return booth.zone_industry.display_name
    if booth.zone_category is not None:
        return str(booth.zone_category)
    return ""


def funnel_chart(funnel: Funnel, *, title: str) -> str:
    """The funnel as horizontal bars (core.charts), scaled to its widest step."""
    rows = [(label, float(count)) for _key, label, count, _rate, _of in funnel.steps()]
    top = max((value for _label, value in rows), default=0.0) or 1.0
    return bar_chart_svg(rows, title=title, maximum=top, tones=(), label_width=130)
