"""The company directory's filters: country, industry, role, verified, free text, sort."""

import django_filters
from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from marketplace.companies.models import Company, CompanyKind, Industry
from marketplace.core.filters import BaseFilterSet


def present_country_codes() -> list[str]:
    return cache.get_or_set(
        "directory:countries",
        lambda: sorted(set(Company.objects.order_by().values_list("country", flat=True).distinct())),
        300,
    )


def present_countries() -> list[tuple[str, str]]:
    """Only the countries that have companies (dozens, not 250), named in the active language."""
    return sorted(
        ((code, countries.name(code)) for code in present_country_codes()), key=lambda pair: pair[1]
    )


# The directory's texts as one upper-cased string; the trigram index of migration 0004 is on this expression.
TEXT_SQL = """UPPER("companies_company"."name" || ' ' || "companies_company"."name_zh" || ' ' || \
"companies_company"."city" || ' ' || "companies_company"."description")"""


class CompanyFilter(BaseFilterSet):
    """The directory: each word of `q` in a name, the city, the description or the industry."""

    search_fields = (
        "name",
        "name_zh",
        "city",
        "description",
        "industry__name",
        "industry__name_zh",
    )
    country = django_filters.ChoiceFilter(
        choices=present_countries, label=_("Country"), empty_label=_("Any country")
    )
    industry = django_filters.ModelChoiceFilter(
        queryset=Industry.objects.all(),
        to_field_name="slug",
        label=_("Industry"),
        empty_label=_("Any industry"),
    )
    role = django_filters.ChoiceFilter(
        choices=[(CompanyKind.SUPPLIER, _("Suppliers")), (CompanyKind.BUYER, _("Buyers"))],
        method="filter_role",
        label=_("Role"),
        empty_label=_("Suppliers and buyers"),
    )
    verified = django_filters.ChoiceFilter(
        choices=[("true", _("Verified only")), ("false", _("Not yet verified"))],
        method="filter_verified",
        label=_("Verification"),
        empty_label=_("All companies"),
    )
    sort = django_filters.OrderingFilter(
        fields=(("name", "name"), ("created_at", "joined"), ("verified_at", "verified")),
        choices=[
            ("-joined", _("Newest first")),
            ("-verified", _("Recently verified")),
            ("-name", _("Name, Z to A")),
        ],
        label=_("Sort"),
        empty_label=_("Name"),
    )

    class Meta:
        model = Company
        fields = ["q", "country", "industry", "role", "verified"]

    def sidebar_version(self):
        from marketplace.companies import caching

        return (tuple(present_country_codes()), caching.industries.value())

    def search(self, queryset, value):
        """On PostgreSQL, each word through the trigram index over the company's texts (migration 0004)
        or in an industry's name; the same matches as `search_fields` with `icontains` (a word has no
        space, so it cannot match across the spaces that join the texts). Elsewhere, `icontains`."""
        if connection.vendor != "postgresql":
            return super().search(queryset, value)
        industries = list(Industry.objects.values_list("pk", "name", "name_zh"))
        for word in value.split()[: self.max_words]:
            upper = word.upper()
            in_industry = [
                pk for pk, name, name_zh in industries if upper in name.upper() or upper in name_zh.upper()
            ]
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            condition = Q(RawSQL(f"{TEXT_SQL} LIKE UPPER(%s)", [pattern], BooleanField()))  # noqa: S611 - constant SQL, the word is a parameter
            if in_industry:
                condition |= Q(industry_id__in=in_industry)
            queryset = queryset.filter(condition)
        return queryset

    def filter_verified(self, queryset, name, value):
        return queryset.filter(verified_at__isnull=value != "true")

    def filter_role(self, queryset, name, value):
        if value == CompanyKind.SUPPLIER:
            return queryset.suppliers()
        return queryset.buyers()
