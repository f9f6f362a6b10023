# ruff: noqa: S311 - seeded, reproducible benchmark data, nothing secret
"""Speed of the supplier ranking (issue 14): the top 20 of 100,000 suppliers for distinct needs, signed in.

Two figures per run, each over `--n` distinct needs (never one repeated URL, so no cache answers):

- page: GET /matches/?q=…&hs=…&cert=…&quantity=…&price=…&lead=…&country=… through Django's test Client
  as a signed-in buyer (full middleware stack, session in the database, the rendered page);
- rank: `ranking.rank(need)` alone (candidates in SQL, scoring in Python);
- http: the page as a browser meets it, through gunicorn (`--workers`, DEBUG off) on 127.0.0.1, one signed-in
  buyer sending one request at a time (the issue's figure is a latency, not a throughput), each a new need.

Each page figure carries the bare `/healthz` in the same run (after every page request), so the cost of
the stack itself is beside it; the load average is printed before and after.

The suppliers: `--suppliers N` companies named `rank-bench-*` with their SupplierSignals and category
rows, bulk-loaded from the demo catalog's own parameters (each supplier sells 1–3 product types of one
industry, with that industry's HS codes, units, prices, MOQs, certifications, lead times; its product
names in English, and Chinese for Chinese suppliers; a credit grade, response figures, a market or two),
plus a fair presence for a third of them. These rows are written directly — 100,000 suppliers' catalogs
(≈1.2 M products) refreshed through `refresh_match_signals` is another benchmark; the ranking reads only
these tables. Idempotent: existing bench suppliers are kept. `--drop` removes them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_rank python bench/ranking_speed.py --suppliers 100000 --n 300
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from decimal import Decimal
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
print = functools.partial(print, flush=True)  # noqa: A001

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from marketplace.catalog.demo import CERTS, DEFAULT_TERMS, INDUSTRY_TERMS, MATERIALS, SERIES  # noqa: E402
from marketplace.catalog.search import build_document  # noqa: E402
from marketplace.companies.demo_data import INDUSTRIES  # noqa: E402
from marketplace.companies.models import Company, CompanyKind, Industry, MemberRole, Membership, User  # noqa: E402
from marketplace.core.money import Money  # noqa: E402
from marketplace.matchmaking import ranking  # noqa: E402
from marketplace.matchmaking.models import FairPresence, SupplierCategory, SupplierSignals  # noqa: E402

PREFIX = "rank-bench-"
BATCH = 5000
COUNTRIES = ("CN",) * 6 + ("VN", "IN", "TR", "DE", "IT", "MX", "BD", "TH")
MARKETS = ("DE", "US", "GB", "FR", "NL", "AE", "BR", "AU", "JP", "PL", "NG", "CA")
GRADES = ("AAA", "AA", "A", "A", "BBB", "BBB", "BB", "BB", "B", "CCC", "C", "NR", "NR", "")
PASSWORD = "bench-pass-2026"  # noqa: S105 - the bench buyer of a local database


def _signals(
    rng: random.Random, company_id: int, industry, country: str
) -> tuple[SupplierSignals, list[str]]:
    codes, _unit, base = INDUSTRY_TERMS.get(industry.slug, DEFAULT_TERMS)
    kinds = rng.sample(range(len(industry.products)), rng.choice((1, 2, 2, 3)))
    hs = [codes[k] for k in kinds]
    names = []
    for k in kinds:
        model = f"{rng.choice('ABCDEFGHKLMNPRST')}{rng.choice('ABCDEFGHKLMNPRST')}{rng.randint(100, 990)}"
        material = rng.choice(MATERIALS)
        names.append(f"{industry.products[k]} {model} {rng.choice(SERIES)} {material[0]}")
        if country == "CN":
            names.append(f"{industry.products_zh[k]} {material[1]}")
    moq = (
        1
        if base >= 1000
        else rng.choice((10, 50, 100, 200, 500, 1000))
        if base < 20
        else rng.choice((1, 5, 10, 20))
    )
    prices = {}
    for code in hs:
        price = str(
            (Decimal(base) * Decimal(str(round(rng.uniform(0.55, 1.8), 3)))).quantize(Decimal("0.01"))
        )
        prices[code[:4]] = prices[code[:2]] = price
    prices["all"] = prices[hs[0][:4]]
    inquiries = rng.choice((0, 0, 1, 3, 8, 20))
    replied = round(inquiries * rng.uniform(0.3, 1.0))
    row = SupplierSignals(
        supplier_id=company_id,
        chapters=sorted({c[:2] for c in hs}),
        headings=sorted({c[:4] for c in hs}),
        certifications=sorted(rng.sample(CERTS, rng.choice((0, 1, 1, 2, 3)))),
        min_moq=moq,
        max_capacity=max(4 * moq, rng.choice((50, 200, 1000, 5000, 20000))),
        typical_price_usd=prices,
        lead_time_days=rng.choice((7, 10, 15, 20, 25, 30, 45, 60)),
        markets=sorted(rng.sample(MARKETS, rng.choice((0, 1, 2, 3)))),
        inquiries=inquiries,
        replied=replied,
        median_response_hours=round(rng.uniform(0.5, 72), 1) if replied else None,
        meetings_kept=rng.choice((0, 0, 1, 3)),
        meetings_missed=rng.choice((0, 0, 0, 1)),
        grade=rng.choice(GRADES),
        verified=rng.random() < 0.6,
        search_document=build_document(*names),
    )
    row.prior = ranking.prior_points(
        ranking.Candidate.from_row({f: getattr(row, f) for f in ranking.SIGNAL_FIELDS})
    )
    return row, [*row.chapters, *row.headings]


def seed(n: int, rng_seed: int) -> None:
    started = time.monotonic()
    have = Company.objects.filter(slug__startswith=PREFIX, kind=CompanyKind.SUPPLIER).count()
    if have >= n:
        print(f"bench suppliers: {have:,} exist")
        return
    industries = {i.slug: i for i in Industry.objects.all()}
    data = [i for i in INDUSTRIES if i.slug in industries]
    today = timezone.localdate()
    for start in range(have, n, BATCH):
        stop = min(n, start + BATCH)
        rng = random.Random(f"{rng_seed}:ranking-bench:{start}")
        picks = [(serial, rng.choice(data), rng.choice(COUNTRIES)) for serial in range(start + 1, stop + 1)]
        with transaction.atomic():
            companies = Company.objects.bulk_create(
                [
                    Company(
                        name=f"Bench Supplier {serial}",
                        slug=f"{PREFIX}{serial}",
                        kind=CompanyKind.SUPPLIER,
                        country=country,
                        industry=industries[industry.slug],
                    )
                    for serial, industry, country in picks
                ]
            )
            rows, categories, presences = [], [], []
            for company, (_serial, industry, country) in zip(companies, picks, strict=True):
                row, codes = _signals(rng, company.pk, industry, country)
                rows.append(row)
                categories += [
                    SupplierCategory(supplier_id=company.pk, code=c, prior=row.prior) for c in codes
                ]
                if rng.random() < 0.33:
                    hall = rng.randint(1, 16)
                    presences.append(
                        FairPresence(
                            company_id=company.pk,
                            session_key="bench-next-session",
                            session_name="Next Session",
                            starts_on=today + dt.timedelta(days=45),
                            ends_on=today + dt.timedelta(days=67),
                            hall=f"Hall {hall}",
                            booth=f"{hall}.{rng.randint(1, 3)} {rng.choice('ABCDE')}{rng.randint(1, 40):02d}",
                        )
                    )
            SupplierSignals.objects.bulk_create(rows, batch_size=1000)
            SupplierCategory.objects.bulk_create(categories, batch_size=5000)
            FairPresence.objects.bulk_create(presences, batch_size=5000)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE matchmaking_suppliersignals SET search_vector = to_tsvector('simple', search_document)"
                        " WHERE supplier_id = ANY(%s)",
                        [[c.pk for c in companies]],
                    )
        print(f"  bench suppliers {stop:,}/{n:,} ({time.monotonic() - started:.0f} s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (
                "matchmaking_suppliersignals",
                "matchmaking_suppliercategory",
                "matchmaking_fairpresence",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")


def drop() -> None:
    ids = Company.objects.filter(slug__startswith=PREFIX).values("pk")
    FairPresence.objects.filter(company__in=ids).delete()
    SupplierCategory.objects.filter(supplier__in=ids).delete()
    SupplierSignals.objects.filter(supplier__in=ids).delete()
    Membership.objects.filter(company__slug=f"{PREFIX}buyer").delete()
    User.objects.filter(email=f"buyer@{PREFIX}example").delete()
    print(f"dropped {Company.objects.filter(slug__startswith=PREFIX).delete()[0]:,} rows")


def needs(n: int, rng_seed: int) -> list[ranking.Need]:
    """Distinct needs: every product type of every industry, in both languages, with and without HS and terms."""
    rng = random.Random(f"{rng_seed}:ranking-bench-needs")
    out, seen = [], set()
    while len(out) < n:
        industry = rng.choice(INDUSTRIES)
        codes, _unit, base = INDUSTRY_TERMS.get(industry.slug, DEFAULT_TERMS)
        k = rng.randrange(len(industry.products))
        text = industry.products_zh[k] if rng.random() < 0.25 else industry.products[k]
        if rng.random() < 0.3:
            text += " " + rng.choice(MATERIALS)[0].split()[0]
        need = ranking.Need(
            text=text,
            hs_code=codes[k] if rng.random() < 0.6 else "",
            quantity=rng.choice((1, 5, 20, 100, 500, 2000)),
            target_price=Money(str(round(base * rng.uniform(0.7, 1.5), 2)), "USD"),
            destination_country=rng.choice(MARKETS),
            certifications=tuple(rng.sample(CERTS, rng.choice((0, 1, 2)))),
            max_lead_time_days=rng.choice((None, 20, 30, 45)),
        )
        if need not in seen:
            seen.add(need)
            out.append(need)
    return out


def params(need: ranking.Need) -> str:
    q = {"q": need.text, "hs": need.hs_code, "quantity": need.quantity, "country": need.destination_country}
    if need.target_price:
        q |= {"price": need.target_price.amount, "currency": need.target_price.currency}
    if need.max_lead_time_days:
        q["lead"] = need.max_lead_time_days
    pairs = [(k, v) for k, v in q.items() if v] + [("cert", c) for c in need.certifications]
    return urlencode(pairs)


def signed_in_client() -> Client:
    buyer, _ = Company.objects.get_or_create(
        slug=f"{PREFIX}buyer",
        defaults={
            "name": "Bench Buyer",
            "kind": CompanyKind.BUYER,
            "country": "DE",
            "industry": Industry.objects.first(),
        },
    )
    user = User.objects.filter(email=f"buyer@{PREFIX}example").first()
    if user is None:
        user = User.objects.create_user(email=f"buyer@{PREFIX}example", password=PASSWORD)
        Membership.objects.create(user=user, company=buyer, role=MemberRole.OWNER)
    client = Client()
    client.force_login(user)
    return client


def _pg_cpu_ns() -> int:
    """This connection's PostgreSQL backend CPU time so far (same machine: /proc/<pid>/schedstat)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except OSError:
        return 0


class Meter:
    """Wall time, the app's CPU time and PostgreSQL's CPU time of one call, in ms."""

    def __init__(self):
        self.wall, self.cpu = [], []

    def __enter__(self):
        self._pg, self._cpu, self._wall = _pg_cpu_ns(), time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc):
        wall = (time.perf_counter() - self._wall) * 1000
        cpu = (time.process_time() - self._cpu) * 1000
        self.wall.append(wall)
        # The pg_backend_pid() query of the next reading costs the backend microseconds.
        self.cpu.append(cpu + (_pg_cpu_ns() - self._pg) / 1e6)


def _stats(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
    return f"median {statistics.median(values):6.1f} ms  p95 {p95:6.1f} ms"


def report(label: str, meter: Meter) -> None:
    print(
        f"{label:<5} n={len(meter.wall):<4} wall {_stats(meter.wall)}   CPU (app + PostgreSQL) {_stats(meter.cpu)}"
    )


def _get(port: int, path: str, cookie: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return (time.perf_counter() - started) * 1000, response.status, body


def over_http(client: Client, page_needs: list[ranking.Need], workers: int) -> None:
    """The same page as a browser meets it: gunicorn (DEBUG off) on 127.0.0.1, one signed-in buyer sending
    one request at a time, every request a different need, the bare /healthz between each two (same run)."""
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    connection.close()
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, local only
        [str(Path(sys.executable).with_name("gunicorn")), "marketplace.wsgi", "-w", str(workers),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=Path(__file__).resolve().parents[1], env=os.environ.copy(),
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                _get(port, "/healthz", "")
                break
            except OSError:
                time.sleep(0.2)
        for need in page_needs[:10]:  # warm-up: each worker imports and fills its caches once
            _get(port, "/matches/?" + params(need), cookie)
        page, bare, sizes = [], [], []
        for need in page_needs[10:]:
            ms, status, body = _get(port, "/matches/?" + params(need), cookie)
            assert status == 200, status
            page.append(ms)
            sizes.append(body.count(b'class="card match-card"'))
            bare.append(_get(port, "/healthz", "")[0])
        print(
            f"http  n={len(page):<4} page   {_stats(page)}   (gunicorn -w {workers}, one client, signed in)"
        )
        print(f"http  n={len(bare):<4} healthz {_stats(bare)}   (same run, between the pages)")
        print(f"http  page / healthz: median x{statistics.median(page) / statistics.median(bare):.0f}")
        print(f"http  matches per page: median {statistics.median(sizes)}, min {min(sizes)}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--n", type=int, default=300, help="distinct needs per figure (default 300)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--drop", action="store_true", help="remove the bench suppliers and stop")
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn workers of the HTTP figure (0: skip it)"
    )
    args = parser.parse_args()
    if args.drop:
        drop()
        return
    seed(args.suppliers, args.seed)
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest DEBUG=false serves from
    print(f"before: {_load()}")
    total = SupplierSignals.objects.count()
    print(f"suppliers with signals: {total:,}")
    all_needs = needs(3 * args.n + 30, args.seed)
    warm, page_needs = all_needs[:20], all_needs[20 : 20 + args.n]
    rank_needs, http_needs = all_needs[20 + args.n : 20 + 2 * args.n], all_needs[20 + 2 * args.n :]
    client = signed_in_client()
    for need in warm:
        client.get("/matches/?" + params(need))
    page, bare, sizes = Meter(), Meter(), []
    for need in page_needs:
        with page:
            response = client.get("/matches/?" + params(need))
        assert response.status_code == 200, response.status_code
        sizes.append(response.content.count(b'class="card match-card"'))
        with bare:
            client.get("/healthz")
    report("page", page)
    report("bare", bare)
    rank = Meter()
    for need in rank_needs:
        with rank:
            ranking.rank(need)
    report("rank", rank)
    print(f"matches per page: median {statistics.median(sizes)}, min {min(sizes)}")
    print(f"after in-process figures: {_load()}")
    if args.workers:
        over_http(client, http_needs, args.workers)
        print(f"after: {_load()}")


if __name__ == "__main__":
    main()
