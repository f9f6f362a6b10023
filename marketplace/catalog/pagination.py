"""The catalog's lists count at most `RESULT_CAP` matches: "more than 1,000 products" at any catalog size."""

from marketplace.core.lists import ListPaginator

RESULT_CAP = 1000


class CappedPaginator(ListPaginator):
    """Counts at most `cap` + 1 rows; beyond the cap, visitors refine their search instead of paging."""

    def __init__(self, object_list, per_page, *, cap: int = RESULT_CAP, **kwargs):
        super().__init__(object_list, per_page, cap=cap, **kwargs)
