"""One helper for every filtered list page: filter, count, paginate, and cache the rendered results.

A list page is a declaration, and its view hands it the rows the viewer may see:

    PRODUCT_SEARCH = ListPage(
        filterset=ProductFilter,
        template="catalog/product_list.html",
        results_template="catalog/includes/product_results.html",
        per_page=24,
        paginator=CappedPaginator,
        cache=ResultsCache(generations=("catalog", "directory"), seconds=60),
    )

    def product_list(request):
        return PRODUCT_SEARCH.render(request, queryset=selectors.public_products)

The results template gets `filter` (the bound FilterSet), `page_obj`, `capped` (the count stopped at
the paginator's cap) and `querystring` (the filters without the page, for pagination links). Without
`results_template` the page template gets them itself. With `cache`, the rendered results are kept
per generations, language, audience (signed in or not) and query string, so a hit renders only the
page around them: no filter validation and no query. The queryset may be given as a function, so a
hit does not even build it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.translation import get_language

from marketplace.core import caching


def querystring_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class ListPaginator(Paginator):
    """A paginator that counts once, and only as far as it must.

    - `cap`: count at most `cap` + 1 rows; beyond the cap, visitors refine their search instead of
      paging ("more than 1,000"), and the count costs one bounded query at any table size.
    - `known_count`: a bounded count the FilterSet already made while filtering, so it is not asked twice.
    - `count_key`: share the count through the cache under this key for `count_seconds` (a key that
      carries the generations of the rows, so a change renews it).
    """

    def __init__(
        self,
        object_list,
        per_page,
        *,
        cap: int | None = None,
        known_count: int | None = None,
        count_key: str | None = None,
        count_seconds: int = 0,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.known_count = known_count
        self.count_key = count_key
        self.count_seconds = count_seconds

    def _count(self) -> int:
        if self.cap is None:
            return Paginator.count.func(self)  # Django's own count: COUNT(*) or len()
        # Only the keys: the count must not compute thumbnails or ranks for every match.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def true_count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        if self.count_key is not None:
            return cache.get_or_set(self.count_key, self._count, self.count_seconds)
        return self._count()

    @property
    def capped(self) -> bool:
        return self.cap is not None and self.true_count > self.cap

    @cached_property
    def count(self) -> int:
        return self.true_count if self.cap is None else min(self.true_count, self.cap)


class Chained:
    """The rows of several querysets one after another, for a paginator: an order such as "pending first,
    then newest first" that no single index gives (a CASE in ORDER BY sorts every row before LIMIT),
    read instead as one index range scan per part. Counts each part once; a page slice reads only the
    parts it overlaps, each with its own LIMIT/OFFSET."""

    def __init__(self, *parts: QuerySet):
        self.parts = parts

    @cached_property
    def sizes(self) -> list[int]:
        return [part.count() for part in self.parts]

    def count(self) -> int:
        return sum(self.sizes)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("Chained supports only contiguous slices")
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        rows, offset = [], 0
        for part, size in zip(self.parts, self.sizes, strict=True):
            low, high = max(start - offset, 0), min(stop - offset, size)
            if low < high:
                rows.extend(part[low:high])
            offset += size
        return rows


@dataclass(frozen=True)
class ResultsCache:
    """How a list's rendered results are cached: under which generations, and for how long."""

    generations: tuple[str, ...]
    seconds: int
    # Share each filter combination's count across languages, audiences and pages for this long.
    count_seconds: int | None = None


QuerySource = QuerySet | Callable[[], QuerySet]


@dataclass(frozen=True)
class ListPage:
    """A list page: its FilterSet, its templates, its page size, how it counts and how it caches."""

    filterset: type
    template: str
    per_page: int
    results_template: str | None = None
    paginator: type[ListPaginator] = ListPaginator
    cache: ResultsCache | None = None

    def __post_init__(self):
        if self.cache is not None and self.results_template is None:
            raise ValueError("A cached list needs a results_template: the part of the page that is cached.")

    def _key(self, request, *, count: bool = False) -> str:
        items = caching.query_items(request)
        if count:  # one count per filters: the same in every language, for everyone, on every page
            return caching.page_key(
                f"list:{self.results_template}:count",
                self.cache.generations,
                language="",
                query_items=[item for item in items if item[0] != "page"],
                signed_in=False,
            )
        return caching.page_key(
            f"list:{self.results_template}",
            self.cache.generations,
            language=get_language(),
            query_items=items,
            signed_in=request.user.is_authenticated,
        )

    def context(self, request, queryset: QuerySource) -> dict[str, Any]:
        """Filter `queryset` by the request's query string and take the requested page of it."""
        rows = queryset() if callable(queryset) else queryset
        filterset = self.filterset(request.GET, queryset=rows)
        shared_count = self.cache is not None and self.cache.count_seconds is not None
        # A FilterSet may offer `results()`: a bounded count and pages (the catalog's), instead of `qs`.
        results = filterset.results() if hasattr(filterset, "results") else None
        paginator = self.paginator(
            results if results is not None else filterset.qs,
            self.per_page,
            known_count=results.count() if results is not None else getattr(filterset, "capped_count", None),
            count_key=self._key(request, count=True) if shared_count else None,
            count_seconds=self.cache.count_seconds if shared_count else 0,
        )
        return {
            "filter": filterset,
            "page_obj": paginator.get_page(request.GET.get("page")),
            "capped": paginator.capped,
            "querystring": querystring_without_page(request),
        }

    def results(self, request, queryset: QuerySource) -> str:
        """The rendered results template, from the cache when the list is cached.

        It is rendered without the request (no context processors): what it shows depends only on
        the filters, the language and the audience, which is what the cache key holds.
        """
        if self.cache is None:
            return render_to_string(self.results_template, self.context(request, queryset))
        key = self._key(request)
        html = cache.get(key)
        if html is None:
            html = render_to_string(self.results_template, self.context(request, queryset))
            cache.set(key, html, self.cache.seconds)
        return html

    def render(self, request, queryset: QuerySource, **context) -> HttpResponse:
        """The whole page: the results (cached or not) and any `context` the page template also shows."""
        if self.results_template is not None:
            context["results"] = self.results(request, queryset)
        else:
            context.update(self.context(request, queryset))
        return render(request, self.template, context)
