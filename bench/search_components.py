"""Before and after for the two rendering changes of issue 12, in process, CPU time (time.process_time):

- the filter form: `{% include "includes/form.html" %}` of the bound form (before) against
  `{% filter_form %}` (the blank drawn once per language, the values marked);
- the product cards: 24 `{% include "catalog/includes/product_card.html" %}` (before) against
  `{% product_cards %}` (one pass).

Same bound forms (product search URLs from bench/search_timer.py's generator) and the same 24 products
per page, both languages; each measure repeated over --n pages, median and p95 in milliseconds.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_search_bench python bench/search_components.py --n 300
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench")

import django  # noqa: E402

django.setup()

from django.http import QueryDict  # noqa: E402
from django.template import Context, Template  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils import translation  # noqa: E402

CARDS_BEFORE = Template(
    '{% for product in products %}{% include "catalog/includes/product_card.html" with '
    "display_currency=currency %}{% endfor %}"
)
CARDS_AFTER = Template("{% load catalog_tags %}{% product_cards products display_currency=currency %}")


def _ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return f"median {statistics.median(values) * 1000:6.2f} ms, p95 {p95 * 1000:6.2f} ms"


def _cpu(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    sys.argv = sys.argv[:1]
    import search_timer  # noqa: PLC0415 - its query generator (and its django.setup is a no-op now)

    from marketplace.catalog.filters import ProductFilter
    from marketplace.catalog.selectors import public_products
    from marketplace.core.templatetags.filter_sidebar import _filter_sidebar_html

    rng = random.Random(12)  # noqa: S311 - reproducible
    urls = search_timer.product_queries(rng, search_timer._vocabulary(rng), args.n)
    pages = [list(public_products().order_by("-pk")[i * 24 : i * 24 + 24]) for i in range(10)]
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    for language in ("en", "zh-hans"):
        with translation.override(language):
            before, after, cards_before, cards_after = [], [], [], []
            for i, url in enumerate(urls):
                query = QueryDict(mutable=True)
                for key, value in parse_qsl(urlsplit(url).query):
                    query[key] = value
                filterset = ProductFilter(query, queryset=public_products())
                filterset.form.is_valid()
                before.append(
                    _cpu(lambda f=filterset: render_to_string("includes/form.html", {"form": f.form}))
                )
                after.append(_cpu(lambda f=filterset: _filter_sidebar_html(f)))
                context = Context({"products": pages[i % 10], "currency": "EUR"})
                cards_before.append(_cpu(lambda c=context: CARDS_BEFORE.render(c)))
                cards_after.append(_cpu(lambda c=context: CARDS_AFTER.render(c)))
            print(f"[{language}] filter form, include (before):   {_ms(before)}")
            print(f"[{language}] filter form, marked (after):     {_ms(after)}")
            print(f"[{language}] 24 cards, include (before):      {_ms(cards_before)}")
            print(f"[{language}] 24 cards, one pass (after):      {_ms(cards_after)}")
    print(f"load average after: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main()
