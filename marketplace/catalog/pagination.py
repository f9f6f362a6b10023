"""A paginator that stops counting: "1,000+ products" costs one bounded query at any catalog size."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

RESULT_CAP = 1000


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows; beyond the cap, visitors refine their search instead of paging.

    `known_count` passes a bounded count the FilterSet already made, so it is not asked twice.
    """

    def __init__(
        self, object_list, per_page, *, cap: int = RESULT_CAP, known_count: int | None = None, **kwargs
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.known_count = known_count

    @cached_property
    def true_count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        # Only the keys: the count must not compute thumbnails or ranks for every match.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.true_count > self.cap

    @cached_property
    def count(self) -> int:
        return min(self.true_count, self.cap)


def querystring_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
