"""The catalog's cache generations.

- `catalog`: any save or delete of a product, its prices, images or certificates. The public search
  caches its results under it and the directory's (supplier names and badges sit on the cards);
  entries also expire after a minute, so even a change made around the signals (a raw SQL update)
  shows within a minute.
- `categories`: the HS tree. The filter forms' category options are built from it once per process
  and language, not read and built (117 rows) on every request.
"""

from django.utils.translation import get_language

from marketplace.catalog.models import Category, PriceTier, Product, ProductCertification, ProductImage
from marketplace.core import caching
from marketplace.core.languages import pick

HTML_SECONDS = 60

catalog = caching.register("catalog", models=(Product, PriceTier, ProductImage, ProductCertification))
categories = caching.register("categories", models=(Category,))

_memo: dict = {}


def category_rows() -> list[tuple]:
    """(pk, code, parent_id, name, name_zh) of every category in position order, for this generation."""
    generation = categories.value()
    rows = _memo.get(("rows", generation))
    if rows is None:
        _memo.clear()
        rows = list(
            Category.objects.order_by("position").values_list("pk", "code", "parent_id", "name", "name_zh")
        )
        _memo[("rows", generation)] = rows
    return rows


def category_choices(codes: set[str] | None = None) -> list[tuple[str, str]]:
    """The category options in the active language ("— " before a chapter), optionally only `codes`."""
    language = get_language()
    generation = categories.value()
    key = ("choices", generation, language)
    choices = _memo.get(key)
    if choices is None:
        choices = [
            (code, f"{'— ' if parent else ''}{code} {pick(name, name_zh, language=language)[:70]}")
            for _pk, code, parent, name, name_zh in category_rows()
        ]
        _memo[key] = choices
    return choices if codes is None else [c for c in choices if c[0] in codes]


def subtree_ids(code: str) -> list[int]:
    """The id of the category `code` and those of every category below it (as Category.subtree_ids)."""
    rows = category_rows()
    by_code = {row[1]: row[0] for row in rows}
    if code not in by_code:
        return []
    ids, frontier = [by_code[code]], [by_code[code]]
    while frontier:
        frontier = [row[0] for row in rows if row[2] in frontier]
        ids.extend(frontier)
    return ids
