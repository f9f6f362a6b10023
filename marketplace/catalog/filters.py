"""The catalog's FilterSets: the public product search and the supplier's own product list."""

from decimal import Decimal

import django_filters
from django import forms
from django.db import connection
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from marketplace.catalog import caching
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


class CategoryFilter(django_filters.ChoiceFilter):
    """A category by its code; the options come from the cached HS tree (catalog/caching.py), built once
    per process and language instead of read and built on every request."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", FastSelect)
        super().__init__(*args, choices=lambda: caching.category_choices(), **kwargs)


SORT_CHOICES = [
    ("relevance", _("Best match")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
    ("newest", _("Newest")),
]


class ProductFilter(BaseFilterSet):
    """Public catalog search; every filter here has a test in tests/marketplace/catalog/test_filters.py."""

    category = CategoryFilter(method="filter_category", label=_("Category"), empty_label=_("All categories"))
    country = django_filters.ChoiceFilter(
        # The supplier's country copied onto the product (catalog/supplier_facts.py): no join.
        field_name="supplier_country",
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

    def sidebar_version(self):
        return caching.categories.value()  # the countries and currencies change with the language only

    def filter_verified(self, queryset, name, value):
        return queryset.filter(supplier_verified=True) if value else queryset

    @property
    def display_currency(self) -> str:
        """The currency the buyer compares prices in (the "Prices in" filter; USD by default)."""
        return (getattr(self.form, "cleaned_data", None) or {}).get("currency") or "USD"

    def search(self, queryset, value):
        """Full-text search (PostgreSQL) or word matching (SQLite), ranked when sorting by best match."""
        return apply_search(queryset, value, rank=self._sort() == "relevance")

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_id__in=caching.subtree_ids(value))

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

    # How many matches a list counts before it stops (the list page says "more than …").
    count_cap = RESULT_CAP

    @property
    def qs(self):
        """Every filtered product in the chosen order (the reference order; a list page reads `results()`).

        Price: lowest USD price, nulls last; newest: publication (or creation) date; best match: the
        text rank, then the newest. Ties go to the higher id, so every order is total.
        """
        if hasattr(self, "_sorted_qs"):
            return self._sorted_qs
        queryset = super().qs
        sort = self._sort()
        if sort == "relevance" and uses_postgres():
            queryset = queryset.order_by("-rank", "-published_at", "-pk")
        elif sort in ("price", "-price"):
            price = F("min_price_usd")
            queryset = queryset.order_by(
                price.asc(nulls_last=True) if sort == "price" else price.desc(nulls_last=True), "-pk"
            )
        else:
            queryset = queryset.order_by(Coalesce("published_at", "created_at").desc(), "-pk")
        self._sorted_qs = queryset
        return queryset

    def index_ordered(self):
        """`qs` ordered as the partial indexes are (published products always have a date and a price)."""
        queryset, sort = super().qs, self._sort()
        if sort in ("price", "-price"):
            return queryset.order_by("min_price_usd" if sort == "price" else "-min_price_usd", "-pk")
        return queryset.order_by("-published_at", "-pk")

    def results(self) -> "BoundedResults":
        """What a list page shows: a bounded count and the page, planned for a million rows."""
        if not hasattr(self, "_results"):
            self._results = BoundedResults(self)
        return self._results


# The order of `ProductFilter.qs`, written over the columns of the bounded set (see BoundedResults).
BOUNDED_ORDER = {
    "relevance": "b_rank DESC, b_published DESC, b_id DESC",
    "price": "b_price ASC NULLS LAST, b_id DESC",
    "-price": "b_price DESC NULLS LAST, b_id DESC",
    "newest": "COALESCE(b_published, b_created) DESC, b_id DESC",
}


class BoundedResults:
    """The count and the pages of a product list, with no query that grows with the catalog.

    One query takes up to `count_cap` + 1 matching rows as the indexes find them (no ORDER BY, so
    PostgreSQL stops after them), sorts them and returns the page's ids with the count (a window
    `count(*) OVER ()`); a second reads the page's cards by id. With at most `count_cap` matches
    that is exactly `ProductFilter.qs`. With more ("more than 1,000: refine your search"):

    - a text search sorts the bounded set (the first 1,001 matches the full-text index gives)
      instead of walking the price or date index past every non-matching row;
    - browsing without text (filters only, where the partial indexes cover the common filters)
      walks the chosen index for the page, as before, so the newest and cheapest stay exact.
    """

    def __init__(self, filterset: ProductFilter):
        self.filterset = filterset
        self._ids: list[int] | None = None
        self._pages: dict[tuple[int, int], list] = {}

    @property
    def _cap(self) -> int:
        return self.filterset.count_cap

    @property
    def _searching(self) -> bool:
        return bool(getattr(self.filterset.form, "cleaned_data", {}).get("q"))

    def _sort(self) -> str:
        sort = self.filterset._sort()
        return sort if sort != "relevance" or uses_postgres() else "newest"

    def ids(self) -> list[int]:
        """Up to `count_cap` + 1 matching ids, in the list's order: one query, the count and every page."""
        if self._ids is None:
            filtered = super(ProductFilter, self.filterset).qs  # filtered, not yet ordered
            sort = self._sort()
            columns = {
                "b_id": F("pk"),
                "b_price": F("min_price_usd"),
                "b_published": F("published_at"),
                "b_created": F("created_at"),
            }
            if sort == "relevance":
                columns["b_rank"] = F("rank")
            inner = filtered.order_by().values(**columns)
            sql, params = inner[: self._cap + 1].query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT b_id FROM ({sql}) bounded ORDER BY {BOUNDED_ORDER[sort]}",  # noqa: S608 - compiled
                    params,
                )
                self._ids = [row[0] for row in cursor.fetchall()]
        return self._ids

    def count(self) -> int:
        return len(self.ids())

    def _cards(self, ids: list[int]) -> list:
        rows = {p.pk: p for p in self.filterset.queryset.order_by().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]

    def __getitem__(self, item):
        if not isinstance(item, slice):
            raise TypeError("BoundedResults is read by pages (slices)")
        offset, stop = item.start or 0, item.stop
        if (offset, stop) not in self._pages:
            ids = self.ids()
            if len(ids) > self._cap and not self._searching:
                # Many matches and no text: the page straight from the sort's index, exact.
                page = list(self.filterset.index_ordered()[offset:stop])
            else:
                page = self._cards(ids[offset:stop])
            self._pages[(offset, stop)] = page
        return self._pages[(offset, stop)]

    def __len__(self) -> int:
        return min(self.count(), self._cap)


class SupplierSiteFilter(ProductFilter):
    """One supplier's mini-site: the catalog search without what makes no sense for a single supplier
    (its country, "verified only") and with only the categories it has products in."""

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        for name in ("country", "verified"):
            self.filters.pop(name)
        own = set(
            Category.objects.filter(pk__in=queryset.order_by().values("category_id")).values_list(
                "code", flat=True
            )
        )
        self.filters["category"].extra["choices"] = lambda: caching.category_choices(own)

    def sidebar_version(self):
        return None  # the categories are this supplier's own


class PortalProductFilter(BaseFilterSet):
    """A supplier's own list: text (SKU or name), status, category, showcase-only."""

    search_fields = ("sku", "name", "name_zh")
    status = django_filters.ChoiceFilter(choices=ProductStatus.choices, label=_("Status"))
    category = CategoryFilter(method="filter_category", label=_("Category"))
    showcase_only = django_filters.BooleanFilter(label=_("Showcase only"), widget=AnyYesNo())

    class Meta:
        model = Product
        fields = ["q", "status", "category", "showcase_only"]

    def sidebar_version(self):
        return caching.categories.value()

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_id__in=caching.subtree_ids(value))
