"""The catalog's FilterSets: the public product search and the supplier's own product list."""

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import F, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from marketplace.catalog.models import Category, CertificationStandard, Product, ProductStatus
from marketplace.catalog.money import CURRENCY_CHOICES, CURRENCY_CODES, to_usd
from marketplace.catalog.pagination import RESULT_CAP
from marketplace.catalog.search import apply_search, uses_postgres
from marketplace.catalog.widgets import FastSelect
from marketplace.core.filters import BaseFilterSet


class CategoryChoiceField(forms.ModelChoiceField):
    widget = FastSelect

    def label_from_instance(self, obj):
        indent = "— " if obj.parent_id else ""
        return f"{indent}{obj.code} {obj.display_name[:70]}"


class AnyYesNo(django_filters.widgets.BooleanWidget):
    """django-filter's yes/no select in our words ("Any" rather than "Unknown"), translated by our catalogue."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", _("Any")), ("true", _("Yes")), ("false", _("No")))


class CategoryFilter(django_filters.ModelChoiceFilter):
    field_class = CategoryChoiceField


SORT_CHOICES = [
    ("relevance", _("Best match")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
    ("newest", _("Newest")),
]


class ProductFilter(BaseFilterSet):
    """Public catalog search; every filter here has a test in tests/marketplace/catalog/test_filters.py."""

    category = CategoryFilter(
        queryset=Category.objects.select_related("parent").order_by("position"),
        to_field_name="code",
        method="filter_category",
        label=_("Category"),
        empty_label=_("All categories"),
    )
    country = django_filters.ChoiceFilter(
        field_name="supplier__country",
        # A callable: the names are read in the language of each request, not once at start-up in English.
        choices=lambda: list(countries),
        label=_("Supplier country"),
        widget=FastSelect,
    )
    currency = django_filters.ChoiceFilter(
        choices=CURRENCY_CHOICES,
        method="noop",
        label=_("Prices in"),
        empty_label=_("USD (default)"),
        widget=FastSelect,
    )
    price_min = django_filters.NumberFilter(method="filter_price_min", label=_("Price from"), min_value=0)
    price_max = django_filters.NumberFilter(method="filter_price_max", label=_("Price up to"), min_value=0)
    moq_max = django_filters.NumberFilter(
        field_name="moq", lookup_expr="lte", label=_("MOQ at most"), min_value=1
    )
    certification = django_filters.ChoiceFilter(
        choices=CertificationStandard.choices,
        method="filter_certification",
        label=_("Valid certificate"),
        widget=FastSelect,
    )
    lead_time_max = django_filters.NumberFilter(
        field_name="lead_time_days", lookup_expr="lte", label=_("Lead time at most (days)"), min_value=0
    )
    # A checkbox: ticked, verified suppliers only; unticked, everyone (not "Unknown / Yes / No").
    verified = django_filters.BooleanFilter(
        method="filter_verified", label=_("Verified suppliers only"), widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(choices=SORT_CHOICES, method="noop", label=_("Sort"), empty_label=None)

    class Meta:
        model = Product
        fields = [
            "q",
            "category",
            "country",
            "currency",
            "price_min",
            "price_max",
            "moq_max",
            "certification",
            "lead_time_max",
            "verified",
            "sort",
        ]

    def noop(self, queryset, name, value):
        return queryset

    def filter_verified(self, queryset, name, value):
        return queryset.filter(supplier__verified_at__isnull=False) if value else queryset

    @property
    def display_currency(self) -> str:
        """The currency the buyer compares prices in (the "Prices in" filter; USD by default)."""
        return (getattr(self.form, "cleaned_data", None) or {}).get("currency") or "USD"

    def search(self, queryset, value):
        """Full-text search (PostgreSQL) or word matching (SQLite), ranked when sorting by best match."""
        return apply_search(queryset, value, rank=self._sort() == "relevance")

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_id__in=value.subtree_ids())

    def _usd(self, value: Decimal) -> Decimal:
        currency = self.form.cleaned_data.get("currency") or "USD"
        return to_usd(Decimal(value), currency if currency in CURRENCY_CODES else "USD")

    def filter_price_min(self, queryset, name, value):
        return queryset.filter(min_price_usd__gte=self._usd(value))

    def filter_price_max(self, queryset, name, value):
        return queryset.filter(min_price_usd__lte=self._usd(value))

    def filter_certification(self, queryset, name, value):
        return queryset.filter(
            certifications__standard=value, certifications__expires_on__gte=timezone.localdate()
        )

    def _sort(self) -> str:
        data = self.form.cleaned_data if hasattr(self.form, "cleaned_data") else {}
        sort = data.get("sort") or ""
        if sort == "relevance" and not data.get("q"):
            return "newest"
        return sort or ("relevance" if data.get("q") else "newest")

    # How many matches a text search counts before it stops (the list page says "more than …").
    count_cap = RESULT_CAP

    @property
    def qs(self):
        """The filtered products in the chosen order, planned for a million rows on PostgreSQL.

        With a text query, the bounded match count decides the plan. Few matches (the usual case with
        filters): sort them after the GIN lookup, because ordering by an indexed column would make
        PostgreSQL walk that index and test every row against the query. Many matches (a common word):
        walk the price or date index, which fills a page at once; "best match" then ranks only the
        newest `count_cap` matches rather than every product that contains the word.
        """
        if hasattr(self, "_sorted_qs"):
            return self._sorted_qs
        queryset = super().qs
        sort = self._sort()
        searching = bool(getattr(self.form, "cleaned_data", {}).get("q"))
        many = True
        if searching:
            self.capped_count = queryset.order_by().values("pk")[: self.count_cap + 1].count()
            many = self.capped_count > self.count_cap
        if searching and not many:
            price, newest = F("min_price_usd") + Value(0), Coalesce("published_at", "created_at").desc()
            price_order = [price.asc(nulls_last=True)] if sort == "price" else [price.desc(nulls_last=True)]
        else:
            price_order = ["min_price_usd"] if sort == "price" else ["-min_price_usd"]
            newest = F("published_at").desc()
        if sort == "relevance" and uses_postgres():
            if many:
                newest_matches = queryset.order_by("-published_at", "-pk").values("pk")[: self.count_cap]
                queryset = queryset.filter(pk__in=Subquery(newest_matches))
            queryset = queryset.order_by("-rank", "-published_at", "-pk")
        elif sort in ("price", "-price"):
            queryset = queryset.order_by(*price_order, "-pk")
        else:
            queryset = queryset.order_by(newest, "-pk")
        self._sorted_qs = queryset
        return queryset


class SupplierSiteFilter(ProductFilter):
    """One supplier's mini-site: the catalog search without what makes no sense for a single supplier
    (its country, "verified only") and with only the categories it has products in."""

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        for name in ("country", "verified"):
            self.filters.pop(name)
        own = Category.objects.filter(pk__in=queryset.order_by().values("category_id"))
        self.filters["category"].queryset = own.select_related("parent").order_by("position")


class PortalProductFilter(BaseFilterSet):
    """A supplier's own list: text (SKU or name), status, category, showcase-only."""

    search_fields = ("sku", "name", "name_zh")
    status = django_filters.ChoiceFilter(choices=ProductStatus.choices, label=_("Status"))
    category = CategoryFilter(
        queryset=Category.objects.select_related("parent").order_by("position"),
        to_field_name="code",
        method="filter_category",
        label=_("Category"),
    )
    showcase_only = django_filters.BooleanFilter(label=_("Showcase only"), widget=AnyYesNo())

    class Meta:
        model = Product
        fields = ["q", "status", "category", "showcase_only"]

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_id__in=value.subtree_ids())
