"""Reading sourcing requests: the buyer's list, the supplier's inbox (ranked), the comparison table, and
`need_of(rfq)` — the RFQ as the supplier ranking's input.

Inbox ranking (simple, documented): for each RFQ a supplier may quote on,
    score = 3 × category fit (1 when invited or the supplier lists products in the chapter)
          + 2 × share of the required certifications the supplier holds (1 when none are required)
          + 1 × recency (1 when posted today, falling linearly to 0 at 30 days)
highest first, newest first on ties. A supplier that names the markets it serves
(`SourcingProfile.markets`) sees category-wide RFQs only for those destinations; invitations always show.

Comparison: every quotation is priced at the RFQ's quantity with the tier that applies (the highest
"from quantity" at or below it; a quantity below every tier takes the first tier and is flagged as under
the MOQ), converted to the currency the buyer chose at the FX table's rates in force on the day of the
comparison (`fx.convert(on=today)`), and each row shows the rate and its date. Incoterms are never
mixed silently: a row whose Incoterm differs from the one the RFQ asked for is flagged, and the page
says when the quotations use more than one Incoterm.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credit import selectors as credit_selectors
from marketplace.catalog.models import Product, ProductCertification
from marketplace.companies.models import Company
from marketplace.core import fx
from marketplace.core.money import Money
from marketplace.matchmaking.models import (
    FairPresence,
    Quotation,
    Rfq,
    RfqStatus,
    RfqVisibility,
    SourcingProfile,
)
from marketplace.matchmaking.rfq_services import tier_for

RECENCY_DAYS = 30
# The comparison warns when the newest rate it converted with is older than this: the FX table has no
# staleness rule of its own (rates change only on upload), so the page says how old its rates are.
FX_STALE_DAYS = 7
# Grades in order, best first, for sorting ("NR" and unrated last).
GRADE_ORDER = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D")


def with_grade(company: Company) -> Company:
    """The company with `credit_grade` (its current grade only, never the assessment's internals)."""
    return credit_selectors.with_current_grade(Company.objects.filter(pk=company.pk)).get()


def need_of(rfq: Rfq) -> dict:
    """The RFQ as the ranking's input: a plain dict (no model objects but Money)."""
    target = Money(rfq.target_price, rfq.target_currency) if rfq.target_price is not None else None
    return {
        "text": f"{rfq.title}\n{rfq.description}".strip(),
        "hs_code": rfq.category.code,
        "quantity": rfq.quantity,
        "unit": rfq.unit,
        "target_price": target,
        "destination_country": str(rfq.destination_country),
        "incoterm": rfq.incoterm,
        "certifications": list(rfq.certifications),
    }


def buyer_rfqs(company: Company):
    return (
        Rfq.objects.filter(buyer=company)
        .select_related("category")
        .annotate(quotation_count=Count("quotations"))
        .order_by("-created_at", "-pk")
    )


def held_standards(company: Company, today: dt.date | None = None) -> set[str]:
    today = today or timezone.localdate()
    return set(
        ProductCertification.objects.filter(product__supplier=company, expires_on__gte=today).values_list(
            "standard", flat=True
        )
    )


@dataclass
class InboxRow:
    rfq: Rfq
    score: float
    invited: bool
    category_fit: bool
    certs_held: list[str]
    certs_missing: list[str]
    quoted: Quotation | None = None


def inbox(company: Company, *, now: dt.datetime | None = None, limit: int = 100) -> list[InboxRow]:
    """The open RFQs `company` (a supplier) may quote on, ranked; buyers annotated with their grade."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    categories = set(Product.objects.public().filter(supplier=company).values_list("category_id", flat=True))
    invited_q = Q(invited=company)
    wanted = invited_q
    if company.is_verified and categories:
        category_q = Q(visibility=RfqVisibility.CATEGORY, category_id__in=categories)
        profile = SourcingProfile.objects.filter(company=company).first()
        if profile and profile.markets:
            category_q &= Q(destination_country__in=profile.markets)
        wanted |= category_q
    buyers = credit_selectors.with_current_grade(Company.objects.all())
    rfqs = list(
        Rfq.objects.filter(wanted, status=RfqStatus.OPEN, closes_on__gte=today)
        .exclude(buyer=company)
        .select_related("category")
        .prefetch_related(Prefetch("buyer", queryset=buyers))
        .distinct()
        .order_by("-created_at")[: limit * 3]
    )
    invited_ids = set(
        Rfq.invited.through.objects.filter(company=company, rfq__in=rfqs).values_list("rfq_id", flat=True)
    )
    quoted = {q.rfq_id: q for q in Quotation.objects.filter(supplier=company, rfq__in=rfqs)}
    held = held_standards(company, today)
    rows = []
    for rfq in rfqs:
        invited = rfq.pk in invited_ids
        fit = invited or rfq.category_id in categories
        required = list(rfq.certifications)
        have = [c for c in required if c in held]
        missing = [c for c in required if c not in held]
        cert_share = len(have) / len(required) if required else 1.0
        age = (now - rfq.created_at).total_seconds() / 86400
        recency = max(0.0, 1 - age / RECENCY_DAYS)
        score = 3 * fit + 2 * cert_share + recency
        rows.append(InboxRow(rfq, round(score, 3), invited, fit, have, missing, quoted.get(rfq.pk)))
    rows.sort(key=lambda r: (-r.score, -r.rfq.created_at.timestamp()))
    return rows[:limit]


# -- comparison --------------------------------------------------------------------------------------


@dataclass
class CompareRow:
    quotation: Quotation
    unit_price: Money  # in the quotation's currency, the tier for the RFQ's quantity
    tier_from: Decimal
    converted: Money | None  # in the chosen currency; None when the FX table has no rate
    total: Money | None
    rate: Decimal | None
    rate_dates: tuple = ()
    moq_fit: bool = True
    certs_met: list[str] = field(default_factory=list)
    certs_missing: list[str] = field(default_factory=list)
    incoterm_differs: bool = False
    grade: str | None = None
    response: dt.timedelta | None = None  # from the RFQ's posting to this quotation's submission
    fair: FairPresence | None = None  # the supplier's booth in the current or next fair session, if any


def _grade_rank(grade: str | None) -> int:
    return GRADE_ORDER.index(grade) if grade in GRADE_ORDER else len(GRADE_ORDER)


def sort_labels() -> list[tuple[str, str]]:
    return [
        ("price", _("Unit price at your quantity")),
        ("lead_time", _("Lead time")),
        ("moq", _("MOQ fit")),
        ("certifications", _("Certifications met")),
        ("incoterm", _("Incoterm")),
        ("grade", _("Supplier grade")),
        ("response", _("Response time")),
        ("fair", _("At the fair")),
    ]


SORTS = {
    "price": lambda r: (r.converted is None, r.converted.amount if r.converted else 0),
    "lead_time": lambda r: r.quotation.lead_time_days,
    "moq": lambda r: (not r.moq_fit, r.quotation.moq),
    "certifications": lambda r: (-len(r.certs_met), len(r.certs_missing)),
    "incoterm": lambda r: (r.incoterm_differs, r.quotation.incoterm),
    "grade": lambda r: _grade_rank(r.grade),
    "response": lambda r: (r.response is None, r.response or dt.timedelta(0)),
    "fair": lambda r: (r.fair is None, r.fair.starts_on if r.fair else None),
}


@dataclass
class Comparison:
    rfq: Rfq
    currency: str
    on: dt.date
    rows: list[CompareRow]
    incoterms: list[str]
    missing_rates: list[str]

    @property
    def rate_date(self) -> dt.date | None:
        """The newest date of the rates the rows were converted with (None: no row needed a rate)."""
        return max((d for row in self.rows for d in row.rate_dates), default=None)

    @property
    def rates_stale(self) -> bool:
        date = self.rate_date
        return date is not None and (self.on - date).days > FX_STALE_DAYS

    @property
    def stale_days(self) -> int:
        return FX_STALE_DAYS

    @property
    def mixed_incoterms(self) -> bool:
        return len(self.incoterms) > 1 or (bool(self.incoterms) and self.incoterms != [self.rfq.incoterm])


def _response(quotation: Quotation, rfq: Rfq) -> dt.timedelta | None:
    if quotation.submitted_at is None:
        return None
    return max(dt.timedelta(0), quotation.submitted_at - rfq.created_at)


def compare(rfq: Rfq, *, currency: str, sort: str = "price", on: dt.date | None = None) -> Comparison:
    """Every quotation of `rfq` side by side, converted to `currency` at the rates in force on `on` (today)."""
    on = on or timezone.localdate()
    suppliers = credit_selectors.with_current_grade(Company.objects.all())
    quotations = list(
        rfq.quotations.select_related("created_by")
        .prefetch_related("tiers", "certificates", "attachments", Prefetch("supplier", queryset=suppliers))
        .order_by("submitted_at", "pk")
    )
    required = list(rfq.certifications)
    presence = {}
    for booth in FairPresence.objects.filter(
        company_id__in=[q.supplier_id for q in quotations], ends_on__gte=on
    ).order_by("-starts_on"):
        presence[booth.company_id] = booth  # the soonest session wins
    rows, missing_rates = [], set()
    for quotation in quotations:
        tier = tier_for(list(quotation.tiers.all()), rfq.quantity)
        price = Money(tier.unit_price, quotation.currency)
        try:
            conversion = fx.convert(price, currency, on=on, places=4)
            converted, rate, dates = conversion.result, conversion.rate, conversion.rate_dates
            total = fx.convert(price * rfq.quantity, currency, on=on, places=2).result
        except fx.NoRate:
            converted = total = rate = None
            dates = ()
            missing_rates.add(quotation.currency)
        held = {c.standard for c in quotation.certificates.all()}
        rows.append(
            CompareRow(
                quotation=quotation,
                unit_price=price,
                tier_from=tier.min_quantity,
                converted=converted,
                total=total,
                rate=rate,
                rate_dates=dates,
                moq_fit=rfq.quantity >= quotation.moq,
                certs_met=[c for c in required if c in held],
                certs_missing=[c for c in required if c not in held],
                incoterm_differs=quotation.incoterm != rfq.incoterm,
                grade=getattr(quotation.supplier, "credit_grade", None),
                response=_response(quotation, rfq),
                fair=presence.get(quotation.supplier_id),
            )
        )
    rows.sort(key=SORTS.get(sort, SORTS["price"]))
    incoterms = sorted({q.incoterm for q in quotations})
    return Comparison(rfq, currency, on, rows, incoterms, sorted(missing_rates))


def conversion_of(quotation: Quotation, currency: str, on: dt.date | None = None) -> dict:
    """What the comparison shows for one quotation in `currency`: the tier price, the rate and its date,
    as plain values for the deal's record."""
    on = on or timezone.localdate()
    rfq = quotation.rfq
    tier = tier_for(list(quotation.tiers.all()), rfq.quantity)
    price = Money(tier.unit_price, quotation.currency)
    try:
        conversion = fx.convert(price, currency, on=on, places=4)
    except fx.NoRate:
        return {"currency": currency, "unit_price": str(price.amount), "quoted_currency": price.currency}
    return {
        "currency": currency,
        "quoted_currency": price.currency,
        "unit_price": str(price.amount),
        "converted_unit_price": str(conversion.result.amount),
        "rate": str(conversion.rate),
        "rate_dates": [d.isoformat() for d in conversion.rate_dates],
        "on": on.isoformat(),
    }
