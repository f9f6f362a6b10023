"""Reads of booths and exhibitors: the directory of a session, its filters, a hall's floor."""

import django_filters
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from credit import selectors as credit_selectors
from credit.grading import GRADES
from marketplace.companies.models import Company, Industry
from marketplace.core.filters import BaseFilterSet
from marketplace.fairs.models import ApplicationStatus, Booth, ExhibitorApplication, FairSession, Hall


def exhibitors(*, session: FairSession, signed_in: bool = False) -> QuerySet[ExhibitorApplication]:
    """The approved exhibitors of a session with their booths; with each one's credit grade when signed in."""
    rows = (
        ExhibitorApplication.objects.filter(
            phase__session=session, status=ApplicationStatus.APPROVED, booth__isnull=False
        )
        .select_related("company", "company__industry", "booth__hall", "phase", "table")
        .prefetch_related("products", "industries")
        .order_by("phase__number", "booth__hall__code", "booth__row", "booth__column")
    )
    if signed_in:
        grade = credit_selectors.with_current_grade(Company.objects.filter(pk=OuterRef("company_id")))
        rows = rows.annotate(credit_grade=Subquery(grade.values("credit_grade")[:1]))
    return rows


def exhibits_in(company: Company | None, session: FairSession) -> bool:
    """Does `company` exhibit in `session`: an approved application in one of its phases?

    What exhibitor staff badges and lead capture at a booth are tied to (a pending, rejected or withdrawn
    applicant has no booth and no staff on the floor).
    """
    return (
        company is not None
        and ExhibitorApplication.objects.filter(
            company=company, phase__session=session, status=ApplicationStatus.APPROVED
        ).exists()
    )


def applications_of(*, company: Company) -> QuerySet[ExhibitorApplication]:
    return (
        ExhibitorApplication.objects.filter(company=company)
        .select_related("phase__session", "booth__hall")
        .order_by("-applied_at")
    )


def hall_floor(*, hall: Hall, phase_number: int) -> list[Booth]:
    """Every booth of a hall in a phase, with its exhibitor (if any)."""
    return list(
        Booth.objects.filter(hall=hall, phase__number=phase_number)
        .select_related("hall", "zone_industry", "exhibitor__company")
        .order_by("row", "column")
    )


class ExhibitorFilter(BaseFilterSet):
    """The directory: free text in the company's names, city and products; phase, category, hall, country."""

    search_fields = (
        "company__name",
        "company__name_zh",
        "company__city",
        "products__name",
        "products__name_zh",
    )
    phase = django_filters.NumberFilter(field_name="phase__number", label=_("Phase"))
    industry = django_filters.ModelChoiceFilter(
        field_name="industries",
        queryset=Industry.objects.all(),
        to_field_name="slug",
        label=_("Category"),
        empty_label=_("Any category"),
    )
    hall = django_filters.CharFilter(field_name="booth__hall__code", label=_("Hall"))
    country = django_filters.ChoiceFilter(
        field_name="company__country",
        choices=lambda: list(countries),
        label=_("Country"),
        empty_label=_("Any country"),
    )
    verified = django_filters.BooleanFilter(
        field_name="company__verified_at", lookup_expr="isnull", exclude=True, label=_("Verified only")
    )
    company = django_filters.CharFilter(field_name="company__slug", label=_("Company"))

    class Meta:
        model = ExhibitorApplication
        fields = ["q", "phase", "industry", "hall", "country", "verified", "company"]

    def search(self, queryset, value):
        # Products are a many-to-many: one row per exhibitor however many products match.
        return super().search(queryset, value).distinct()


class MemberExhibitorFilter(ExhibitorFilter):
    """Signed-in members may also filter by credit grade."""

    grade = django_filters.ChoiceFilter(
        choices=lambda: [(grade.code, grade.code) for grade in GRADES],
        method="filter_grade",
        label=_("Credit grade"),
        empty_label=_("Any grade"),
    )

    class Meta(ExhibitorFilter.Meta):
        fields = [*ExhibitorFilter.Meta.fields, "grade"]

    def filter_grade(self, queryset, name, value):
        return queryset.filter(credit_grade=value) if value else queryset


def matching_booth_ids(booths: list[Booth], *, q: str = "", company: str = "") -> set[int]:
    """The booths a floor-plan search lights up: the exhibitor's slug, or words in its names or booth number."""
    words = [w.casefold() for w in q.split()[:8]]
    found = set()
    for booth in booths:
        exhibitor = getattr(booth, "exhibitor", None)
        if company and exhibitor and exhibitor.company.slug == company:
            found.add(booth.pk)
            continue
        if not words:
            continue
        haystack = " ".join(
            [booth.number, booth.code]
            + ([exhibitor.company.name, exhibitor.company.name_zh] if exhibitor else [])
        ).casefold()
        if all(w in haystack for w in words):
            found.add(booth.pk)
    return found
