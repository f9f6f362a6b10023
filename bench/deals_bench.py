"""Bench: the deal page and a transition's latency on the seeded deals database (issue 13, Figures).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_d5_bench .venv/bin/python bench/deals_bench.py \
        page --deals 300
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_d5_bench .venv/bin/python bench/deals_bench.py \
        step --deals 300

Run on a database seeded by `bench/deals_seed.py`. Both measure in process, one request or call at a
time (no HTTP server, no concurrency):

- `page`: GET /deals/<pk>/ with Django's test Client, signed in (force_login) as the buyer's owner, over
  --deals DISTINCT deals whose record has 30 events (picked at random, seed 0; never one repeated URL),
  after 20 warm-up requests on other deals; the bare `/healthz` view is timed the same number of times in
  the same run, interleaved. Prints median and p95 of both, their ratio, and the queries one page sends.
- `step`: `services.post_message` (a side step: row lock, Message row, record.append, audit-free read
  state, after-commit signal) by the buyer's owner on --deals DISTINCT deals not used by `page` (the
  ones whose record is not 30 events long), after 10 warm-up calls. Prints median and p95. It appends real events, so the database grows by
  --deals + 10 events and `verify_trade_record` still finds every chain intact.

- `sessions`: for bench/deals_load.sh — signs in (real sessions through the configured session engine)
  the buyer's owner of --deals DISTINCT 30-event deals and writes "<path> <session cookie>" lines to --out,
  one deal per line, for bench/deals_page.lua to cycle through.

The machine's load average is printed before and after each run.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # 'testserver' in ALLOWED_HOSTS, locmem e-mail


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def pick(n: int, *, long: bool) -> list:
    """`n` distinct bench deals: with 30-event records (`long`) or the others."""
    from marketplace.deals.models import Deal

    deals = Deal.objects.filter(buyer__slug__startswith="bench-dealb-")
    deals = deals.filter(record_length=30) if long else deals.exclude(record_length=30)
    ids = list(deals.values_list("pk", flat=True))
    rng = random.Random(0)  # noqa: S311 - a reproducible sample, not a secret
    chosen = rng.sample(ids, n)
    return list(Deal.objects.filter(pk__in=chosen).order_by("?"))


def buyer_owner(deal):
    from marketplace.companies.models import Membership

    return Membership.objects.select_related("user").get(company_id=deal.buyer_id).user


def page(n: int) -> None:
    from django.db import connection
    from django.test import Client

    deals = pick(n + 20, long=True)
    warm, deals = deals[:20], deals[20:]
    clients = {}

    def client_for(deal):
        user = buyer_owner(deal)
        if user.pk not in clients:
            client = Client()
            client.force_login(user)
            clients[user.pk] = client
        return clients[user.pk]

    for deal in warm:
        response = client_for(deal).get(deal.get_absolute_url())
        assert response.status_code == 200, response.status_code
        assert response.content.count(b"timeline-body") >= 30, "the page does not show 30 events"
    pairs = [(deal, client_for(deal)) for deal in deals]  # sign-ins before the timing
    bare = Client()
    bare.get("/healthz")
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        pairs[0][1].get(pairs[0][0].get_absolute_url())
    page_times, bare_times, page_cpu = [], [], []
    for deal, client in pairs:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(deal.get_absolute_url())
        page_times.append(time.perf_counter() - started)
        page_cpu.append(time.process_time() - cpu)
        assert response.status_code == 200, response.status_code
        started = time.perf_counter()
        response = bare.get("/healthz")
        bare_times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    pm, pp, bm, bp = (
        statistics.median(page_times),
        p95(page_times),
        statistics.median(bare_times),
        p95(bare_times),
    )
    print(f"deal page (30 events, signed-in buyer), {len(page_times)} distinct deals:")
    print(f"  median {ms(pm)}, p95 {ms(pp)}; {len(queries)} queries per page")
    print(f"  this process's CPU per page: median {ms(statistics.median(page_cpu))}, p95 {ms(p95(page_cpu))}")
    print(f"bare /healthz, same run: median {ms(bm)}, p95 {ms(bp)}")
    print(f"ratio page/bare: median {pm / bm:.1f}x, p95 {pp / bp:.1f}x")


def step(n: int) -> None:
    from marketplace.deals import services

    deals = pick(n + 10, long=False)
    users = {deal.pk: buyer_owner(deal) for deal in deals}
    times, cpu_times = [], []
    for i, deal in enumerate(deals):
        started, cpu = time.perf_counter(), time.process_time()
        services.post_message(deal=deal, by_user=users[deal.pk], body=f"Bench message {i}: confirm packing.")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if i >= 10:
            times.append(elapsed)
            cpu_times.append(cpu)
    print(f"transition: services.post_message (side step) on {len(times)} distinct deals:")
    print(f"  median {ms(statistics.median(times))}, p95 {ms(p95(times))}")
    print(f"  this process's CPU: median {ms(statistics.median(cpu_times))}, p95 {ms(p95(cpu_times))}")


def sessions(n: int, out: str) -> None:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = {}
    lines = []
    for deal in pick(n, long=True):
        user = buyer_owner(deal)
        if user.pk not in keys:
            session = store()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.save()
            keys[user.pk] = session.session_key
        lines.append(f"{deal.get_absolute_url()} {settings.SESSION_COOKIE_NAME}={keys[user.pk]}")
    Path(out).write_text("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} deal pages ({len(keys)} signed-in buyers) to {out}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=("page", "step", "sessions"))
    parser.add_argument("--deals", type=int, default=300)
    parser.add_argument("--out", default="var/deals_pages.txt")
    args = parser.parse_args()
    setup_django()
    if args.what == "sessions":
        sessions(args.deals, args.out)
        return
    print(f"before: {load()}")
    (page if args.what == "page" else step)(args.deals)
    print(f"after: {load()}")


if __name__ == "__main__":
    main()
