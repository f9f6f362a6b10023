"""The base of every list page's FilterSet: the shared free-text `q`.

An app's FilterSet subclasses `BaseFilterSet` and either names the fields `q` looks in
(`search_fields`) or overrides `search(queryset, value)` (the catalog's full-text search does).
"""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _


class BaseFilterSet(django_filters.FilterSet):
    """A FilterSet with the free-text `q`: every word must appear in one of `search_fields`."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    # Fields (lookups allowed: "industry__name") that `q` looks in, case-insensitively.
    search_fields: tuple[str, ...] = ()
    # Words of `q` beyond this many are ignored: each word costs a condition on every field.
    max_words = 8
    # A bounded count of the matches that filtering already made (a list then does not count twice).
    capped_count: int | None = None

    def sidebar_version(self):
        """The version of the filter form's options (a cache generation), so the form is drawn once per
        language and version (`{% filter_form %}`); None: its options vary per request, draw it each time."""
        return None

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return self.search(queryset, value) if value else queryset

    def search(self, queryset: QuerySet, value: str) -> QuerySet:
        """Rows in which each word of `value` is found in at least one of `search_fields`."""
        if not self.search_fields:
            raise NotImplementedError(f"{type(self).__name__} needs search_fields or its own search()")
        for word in value.split()[: self.max_words]:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset
