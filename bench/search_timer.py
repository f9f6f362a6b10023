"""In-process timer for the list pages as a signed-in buyer meets them (issue 12).

One request at a time through Django's test Client (the full middleware stack, a real session in the
database), every request a different query: product search, directory, the supplier portal list and a
buyer's showcase page. For each request it records

- wall time (perf_counter) and the app's CPU time (time.process_time),
- PostgreSQL's CPU time: the run time of this connection's backend process from /proc/<pid>/schedstat
  (nanoseconds; PostgreSQL runs on the same machine), and the SQL wall time and query count,
- a per-component breakdown: the filter form, the product / company cards, the count, the page query,
  the page chrome (session, user, membership, unread count) and the rest.

CPU figures are what decide here: 7 other agents share this 2-core machine, so wall times carry
queueing for the CPU that has nothing to do with this code.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_p_bench python bench/search_timer.py
    ... python bench/search_timer.py --pages search,directory --n 2000 --urls /tmp/search_urls.txt
    ... python bench/search_timer.py --write-urls /tmp/search_urls   # URL lists for bench/search_load.sh

Bounded: --n requests per page (default 2,000), nothing else.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()
print = functools.partial(print, flush=True)  # noqa: A001 - progress shows while it runs

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import loader_tags  # noqa: E402
from django.test import Client  # noqa: E402

BUYER = "buyer@demo.trustfair.test"
SUPPLIER = "supplier@demo.trustfair.test"

# -- realistic queries ---------------------------------------------------------------------------------

STOP = {"and", "for", "with", "the", "of", "co", "ltd", "inc", "gmbh", "llc", "a", "an", "to", "in"}
CJK = re.compile(r"[\u4e00-\u9fff]{2,}")


def _vocabulary(rng: random.Random):
    from marketplace.catalog.models import Category, Product
    from marketplace.companies.models import Company, Industry

    with connection.cursor() as cursor:
        # A random sample of real names: TABLESAMPLE reads a few pages, not the million rows.
        cursor.execute("SELECT name, name_zh FROM catalog_product TABLESAMPLE SYSTEM (0.5) LIMIT 4000")
        products = cursor.fetchall()
        cursor.execute("SELECT name, name_zh, city FROM companies_company TABLESAMPLE SYSTEM (5) LIMIT 4000")
        companies = cursor.fetchall()
    en_words, en_phrases, zh_words, company_words = [], [], [], []
    for name, name_zh in products:
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z\-]{2,}", name) if w.lower() not in STOP]
        en_words.extend(w.lower() for w in words)
        if len(words) >= 2:  # what a buyer types: two or three words of a real product name, in order
            start = rng.randrange(0, len(words) - 1)
            en_phrases.append(" ".join(words[start : start + rng.choice((2, 2, 3))]).lower())
        for run in CJK.findall(name_zh or ""):
            start = rng.randrange(0, max(len(run) - 1, 1))
            zh_words.append(run[start : start + rng.choice((2, 2, 3, 4))])
    for name, name_zh, city in companies:
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z\-]{2,}", name) if w.lower() not in STOP]
        company_words.extend(w.lower() for w in words)
        if city:
            company_words.append(city.lower())
        for run in CJK.findall(name_zh or ""):
            company_words.append(run[: rng.choice((2, 3, 4))])
    categories = list(Category.objects.values_list("code", flat=True))
    countries = sorted(set(Company.objects.suppliers().values_list("country", flat=True).distinct()))
    all_countries = sorted(set(Company.objects.values_list("country", flat=True).distinct()))
    industries = list(Industry.objects.values_list("slug", flat=True))
    del Product
    return {
        "en": en_words,
        "en_phrases": en_phrases or en_words,
        "zh": zh_words,
        "company": company_words,
        "categories": categories,
        "countries": countries,
        "all_countries": all_countries,
        "industries": industries,
    }


def product_queries(rng: random.Random, vocab: dict, n: int) -> list[str]:
    """Distinct search URLs: 1-3 words (English, Chinese or a supplier's name), random filters and sorts."""
    from marketplace.catalog.models import CertificationStandard

    urls: set[str] = set()
    while len(urls) < n:
        params: dict[str, str] = {}
        kind = rng.random()
        if kind < 0.35:
            params["q"] = rng.choice(vocab["en"])
        elif kind < 0.55:
            params["q"] = rng.choice(vocab["en_phrases"])
        elif kind < 0.75:
            params["q"] = rng.choice(vocab["zh"])
        elif kind < 0.85:
            params["q"] = rng.choice(vocab["company"])
        # else: no text, filters only
        if rng.random() < 0.3:
            params["category"] = rng.choice(vocab["categories"])
        if rng.random() < 0.3:
            params["country"] = rng.choice(vocab["countries"])
        if rng.random() < 0.3:
            params["verified"] = "on"
        if rng.random() < 0.2:
            params["price_min"] = str(rng.choice((1, 5, 10, 50, 100, 500)))
        if rng.random() < 0.25:
            params["price_max"] = str(rng.choice((20, 100, 500, 2000, 10000, 50000)))
        if rng.random() < 0.15:
            params["moq_max"] = str(rng.choice((1, 10, 50, 100, 500, 1000)))
        if rng.random() < 0.1:
            params["lead_time_max"] = str(rng.choice((7, 15, 30, 45, 60)))
        if rng.random() < 0.1:
            params["certification"] = rng.choice(CertificationStandard.values)
        if rng.random() < 0.15:
            params["currency"] = rng.choice(("EUR", "CNY", "GBP", "JPY"))
        if rng.random() < 0.5:
            params["sort"] = rng.choice(("relevance", "price", "-price", "newest"))
        if rng.random() < 0.1:
            params["page"] = str(rng.choice((2, 3, 5)))
        urls.add("/products/?" + urlencode(params))
    return sorted(urls, key=lambda _u: rng.random())


def directory_queries(rng: random.Random, vocab: dict, n: int) -> list[str]:
    urls: set[str] = set()
    while len(urls) < n:
        params: dict[str, str] = {}
        if rng.random() < 0.7:
            source = vocab["company"] if rng.random() < 0.7 else vocab["en"]
            params["q"] = " ".join(rng.sample(source, rng.choice((1, 1, 2))))
        if rng.random() < 0.35:
            params["country"] = rng.choice(vocab["all_countries"])
        if rng.random() < 0.3:
            params["industry"] = rng.choice(vocab["industries"])
        if rng.random() < 0.3:
            params["role"] = rng.choice(("supplier", "buyer"))
        if rng.random() < 0.25:
            params["verified"] = rng.choice(("true", "false"))
        if rng.random() < 0.4:
            params["sort"] = rng.choice(("-joined", "-verified", "-name", "name"))
        if rng.random() < 0.1:
            params["page"] = str(rng.choice((2, 3)))
        urls.add("/companies/?" + urlencode(params))
    return sorted(urls, key=lambda _u: rng.random())


def portal_queries(rng: random.Random, n: int) -> list[str]:
    from marketplace.catalog.models import Product
    from marketplace.companies.models import User

    supplier = User.objects.get(email=SUPPLIER).company
    names = list(Product.objects.filter(supplier=supplier).values_list("name", flat=True)[:200])
    words = sorted({w.lower() for name in names for w in re.findall(r"[A-Za-z]{3,}", name)}) or ["a"]
    urls: set[str] = set()
    for i in range(n * 4):
        params = {}
        if rng.random() < 0.5:
            params["q"] = rng.choice(words)
        if rng.random() < 0.3:
            params["status"] = rng.choice(("draft", "published", "archived"))
        if rng.random() < 0.2:
            params["showcase_only"] = rng.choice(("true", "false"))
        params["_"] = str(i)  # distinct even when the filters repeat: nothing may come from a cache
        urls.add("/portal/products/?" + urlencode(params))
        if len(urls) >= n:
            break
    return sorted(urls)


def showcase_urls(n: int) -> list[str]:
    from marketplace.companies.models import User
    from marketplace.showcases.models import Showcase

    buyer = User.objects.get(email=BUYER)
    showcases = [s for s in Showcase.objects.all() if s.accesses.filter(company=buyer.company).exists()]
    showcase = showcases[0]
    return [f"{showcase.get_absolute_url()}?_={i}" for i in range(n)]


# -- measuring ---------------------------------------------------------------------------------------


class Probe:
    """Time spent in named parts of a request, collected by wrappers; reset per request."""

    def __init__(self):
        self.parts: dict[str, float] = defaultdict(float)
        self.stack: list[str] = []

    @contextmanager
    def part(self, name: str):
        if self.stack:  # only the outermost part counts: nested parts are inside it
            yield
            return
        self.stack.append(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.parts[name] += time.perf_counter() - start
            self.stack.pop()


PROBE = Probe()
FAILED: list = []
INCLUDES = {
    "includes/form.html": "filter form",
    "catalog/includes/product_card.html": "cards",
    "includes/company_card.html": "cards",
}
SQL_PARTS = [
    (re.compile(r'"django_session"'), "chrome SQL"),
    (re.compile(r'FROM "companies_user"'), "chrome SQL"),
    (re.compile(r'FROM "companies_membership"'), "chrome SQL"),
    (re.compile(r'"notifications_notification"'), "chrome SQL"),
    (re.compile(r"COUNT\(|count\(", re.I), "count SQL"),
]


def _instrument():
    original_include = loader_tags.IncludeNode.render

    def include_render(self, context):
        name = getattr(self.template, "var", None)
        label = INCLUDES.get(name) if isinstance(name, str) else None
        if label is None:
            return original_include(self, context)
        with PROBE.part(label):
            return original_include(self, context)

    loader_tags.IncludeNode.render = include_render

    # After the fix: the form is marked from a blank drawn once per language, the cards drawn in one pass.
    from marketplace.catalog.templatetags import catalog_tags
    from marketplace.core.templatetags import filter_sidebar

    for module, name, label in (
        (catalog_tags, "_product_cards_html", "cards"),
        (filter_sidebar, "_filter_sidebar_html", "filter form"),
    ):
        fn = getattr(module, name)

        def wrapped(*a, __fn=fn, __label=label, **k):
            with PROBE.part(__label):
                return __fn(*a, **k)

        setattr(module, name, wrapped)


def _sql_wrapper(stats):
    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            stats["sql"] += elapsed
            stats["queries"] += 1
            for pattern, label in SQL_PARTS:
                if pattern.search(sql):
                    stats[label] += elapsed
                    break
            else:
                stats["other SQL"] += elapsed
            if elapsed > stats["worst_sql"]:
                stats["worst_sql"] = elapsed

    return wrapper


def _backend_ns(pid: int) -> int:
    with open(f"/proc/{pid}/schedstat") as fh:
        return int(fh.read().split()[0])


def measure(client: Client, urls: list[str]) -> list[dict]:
    results = []
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    for url in urls:
        stats: dict = defaultdict(float)
        PROBE.parts.clear()
        with connection.execute_wrapper(_sql_wrapper(stats)):
            pg0 = _backend_ns(pid)
            cpu0, wall0 = time.process_time(), time.perf_counter()
            try:
                status = client.get(url).status_code
            except Exception as exc:  # e.g. PGOPTIONS="-c statement_timeout=5000": count it, go on
                status = type(exc).__name__
                connection.close()
                connection.ensure_connection()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    pid = cursor.fetchone()[0]
                    pg0 = _backend_ns(pid)
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            pg = (_backend_ns(pid) - pg0) / 1e9
        if status != 200:
            FAILED.append((url, status, wall))
            print(f"  FAILED ({status}) after {wall * 1000:.0f} ms: {url}", file=sys.stderr)
        if status == 200:
            row = {"url": url, "wall": wall, "cpu": cpu, "pg": pg, "total_cpu": cpu + pg}
            row.update(stats)
            row.update(PROBE.parts)
            results.append(row)
    return results


def _ms(values) -> tuple[float, float, float]:
    values = sorted(values)
    if not values:
        return (0.0, 0.0, 0.0)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return statistics.median(values) * 1000, p95 * 1000, values[-1] * 1000


def report(page: str, rows: list[dict]) -> None:
    print(f"\n{page}: {len(rows)} distinct requests, signed in")
    print(f"| {'measure':<26} | {'median ms':>9} | {'p95 ms':>8} | {'max ms':>8} | {'mean ms':>8} |")
    print(f"|{'-' * 28}|{'-' * 11}|{'-' * 10}|{'-' * 10}|{'-' * 10}|")
    keys = ["wall", "cpu", "pg", "total_cpu", "sql", "worst_sql"]
    parts = sorted({k for r in rows for k in r} - set(keys) - {"url", "queries"})
    for key in keys + parts:
        values = [r.get(key, 0.0) for r in rows]
        med, p95, worst = _ms(values)
        mean = statistics.fmean(values) * 1000
        label = {
            "wall": "wall",
            "cpu": "app CPU",
            "pg": "PostgreSQL CPU",
            "total_cpu": "CPU app + PostgreSQL",
            "sql": "SQL wall (all queries)",
            "worst_sql": "slowest query",
        }.get(key, f"  part: {key}")
        print(f"| {label:<26} | {med:9.2f} | {p95:8.2f} | {worst:8.2f} | {mean:8.2f} |")
    if FAILED:
        print(f"FAILED or timed out: {len(FAILED)} requests (not in the figures above)")
        FAILED.clear()
    queries = [r.get("queries", 0) for r in rows]
    print(f"queries per request: median {statistics.median(queries):.0f}, max {max(queries):.0f}")
    slow = [r for r in rows if r["worst_sql"] > 0.050]
    print(f"requests with a query over 50 ms: {len(slow)} of {len(rows)}")
    kinds = defaultdict(int)
    for r in slow:
        query = r["url"].split("?", 1)[-1]
        kinds["text" if "q=" in query else "filters only" if query else "no filter"] += 1
    if kinds:
        print("  of which: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    worst = sorted(rows, key=lambda r: r["worst_sql"], reverse=True)[:3]
    for r in worst:
        print(f"  slowest SQL {r['worst_sql'] * 1000:.1f} ms: {r['url']}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", default="search,directory,portal,showcase")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--write-urls", help="write <prefix>_<page>.txt URL lists and stop")
    args = parser.parse_args()
    from marketplace.companies.models import User

    rng = random.Random(args.seed)  # noqa: S311 - reproducible benchmark queries
    vocab = _vocabulary(rng)
    makers = {
        "search": lambda: product_queries(rng, vocab, args.n),
        "directory": lambda: directory_queries(rng, vocab, args.n),
        "portal": lambda: portal_queries(rng, args.n),
        "showcase": lambda: showcase_urls(args.n),
    }
    pages = args.pages.split(",")
    if args.write_urls:
        for page in pages:
            Path(f"{args.write_urls}_{page}.txt").write_text("\n".join(makers[page]()) + "\n")
        return
    _instrument()
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    for page in pages:
        urls = makers[page]()
        client = Client()
        client.force_login(User.objects.get(email=SUPPLIER if page == "portal" else BUYER))
        cache.clear()
        for _ in range(3):  # first requests load templates and translations: not what a buyer waits for
            client.get(urls[-1])
        cache.clear()
        report(page, measure(client, urls[: args.n]))
    print(f"load average after: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main()
