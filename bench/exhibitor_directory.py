# ruff: noqa: S311, S106, S603, S310 - a local benchmark: seeded data, a throwaway secret, our own server
"""Bench: the exhibitor directory with N exhibitors — p95 at C clients, signed in, distinct queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_bench_booth .venv/bin/python bench/exhibitor_directory.py \
        --exhibitors 20000 --clients 20 --duration 60

Migrates the database if needed, then (once per database: a session slug marks it) seeds one fair
session of three phases with enough halls of 20 × 20 booths and --exhibitors verified suppliers, each with
two published products on show, approved onto a booth. The seeding writes rows in bulk (the services'
per-booth work — a meeting table, a presence, a credit fact — is what the tests check; here only the
directory's reads matter), so 20,000 exhibitors take about a minute.

Then it serves the site with gunicorn (--workers processes, 127.0.0.1, a free port) and runs wrk with
--clients connections for --duration seconds (bench/loadrun.py), every request a different query string
(--queries of them: a word of a company or product name, a phase, a hall, a country, a category, a grade,
verified, and a page, combined at random from a seeded generator), each with the session cookie of one of
--clients buyers (made with Django's test client) — beside the bare /healthz in the same run, before and
after. Prints p50/p95/p99/max, requests/s, non-2xx, the load average and the other processes using CPU.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

import loadrun

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-exhibitors"
WORDS = ("press", "lathe", "pump", "valve", "motor", "mould", "gear", "drill", "fan", "cable")
COUNTRIES = ("CN", "VN", "IN", "TR", "DE")


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()


def seed(n: int) -> None:
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from marketplace.catalog.models import Category, CategoryLevel, Product
    from marketplace.companies.models import Company, CompanyKind, Industry
    from marketplace.fairs.models import Booth, ExhibitorApplication, FairPhase, FairSession, Hall

    if FairSession.objects.filter(slug=SLUG).exists():
        return
    started = time.monotonic()
    rng = random.Random(2026)
    industries = [
        Industry.objects.get_or_create(slug=f"bench-ex-{k}", defaults={"name": f"Bench industry {k}"})[0]
        for k in range(6)
    ]
    chapter = Category.objects.filter(level=CategoryLevel.CHAPTER).first()
    today = timezone.localdate()
    with transaction.atomic():
        session = FairSession.objects.create(
            name="Bench session", slug=SLUG, venue="Bench", city="Guangzhou", country="CN",
            starts_on=today + dt.timedelta(days=30), ends_on=today + dt.timedelta(days=52),
        )  # fmt: skip
        phases = []
        for k in (1, 2, 3):
            start = session.starts_on + dt.timedelta(days=9 * (k - 1))
            phase = FairPhase.objects.create(
                session=session, number=k, starts_on=start, ends_on=start + dt.timedelta(days=4)
            )
            phase.industries.set(industries[(k - 1) * 2 : k * 2])
            phases.append(phase)
        per_phase = -(-n // 3)
        halls_needed = -(-per_phase // 400)
        halls = Hall.objects.bulk_create(
            Hall(session=session, code=f"{h // 4 + 1}.{h % 4 + 1}", name=f"Hall {h}")
            for h in range(halls_needed)
        )
        booths = Booth.objects.bulk_create(
            Booth(hall=hall, phase=phase, row=r, column=c, size_sqm=9)
            for phase in phases for hall in halls for r in range(1, 21) for c in range(1, 21)
        )  # fmt: skip
        companies = Company.objects.bulk_create(
            Company(
                name=f"Bench {rng.choice(WORDS).title()} Works {i}",
                slug=f"bench-ex-{i}",
                kind=CompanyKind.SUPPLIER,
                country=rng.choice(COUNTRIES),
                city="Ningbo",
                industry=industries[i % 6],
                verified_at=timezone.now() if rng.random() < 0.8 else None,
                registration_number=f"BENCHEX{i:08d}",
            )
            for i in range(n)
        )
        products = Product.objects.bulk_create(
            Product(
                supplier=c, sku=f"BX-{c.pk}-{k}", name=f"{rng.choice(WORDS).title()} model {k}", category=chapter,
                hs_code="846229", status="published", published_at=timezone.now(),
            )
            for c in companies for k in (1, 2)
        )  # fmt: skip
        by_phase = {p.number: [b for b in booths if b.phase_id == p.pk] for p in phases}
        applications = []
        for i, company in enumerate(companies):
            number = (i % 6) // 2 + 1
            applications.append(
                ExhibitorApplication(
                    phase=phases[number - 1], company=company, status="approved", booth=by_phase[number].pop(),
                    decided_at=timezone.now(),
                )
            )  # fmt: skip
        applications = ExhibitorApplication.objects.bulk_create(applications)
        through_i = ExhibitorApplication.industries.through
        through_i.objects.bulk_create(
            through_i(exhibitorapplication_id=a.pk, industry_id=a.company.industry_id) for a in applications
        )
        through_p = ExhibitorApplication.products.through
        by_company = {}
        for p in products:
            by_company.setdefault(p.supplier_id, []).append(p.pk)
        through_p.objects.bulk_create(
            through_p(exhibitorapplication_id=a.pk, product_id=pk) for a in applications for pk in by_company[a.company_id]
        )  # fmt: skip
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # bulk-written rows: the planner must know the table sizes
    print(f"seeded {n:,} exhibitors on {len(booths):,} booths in {time.monotonic() - started:.1f} s")


def cookies(n: int) -> list[str]:
    from django.conf import settings
    from django.test import Client

    from marketplace.companies.models import Company, CompanyKind, Industry, Membership, User

    out = []
    for i in range(n):
        user, _created = User.objects.get_or_create(email=f"bench-ex-buyer{i}@example.com")
        company, _created = Company.objects.get_or_create(
            slug=f"bench-ex-buyer-{i}",
            defaults={
                "name": f"Bench buyer {i}",
                "kind": CompanyKind.BUYER,
                "country": "DE",
                "industry": Industry.objects.get(slug="bench-ex-0"),
            },
        )
        Membership.objects.get_or_create(user=user, company=company)
        client = Client()
        client.force_login(user)
        out.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return out


def queries(total: int, halls: list[str]) -> list[str]:
    rng = random.Random(7)
    seen: set[str] = set()
    while len(seen) < total:
        parts = []
        if rng.random() < 0.6:
            parts.append(f"q={rng.choice(WORDS)}")
        if rng.random() < 0.5:
            parts.append(f"phase={rng.randint(1, 3)}")
        if rng.random() < 0.4:
            parts.append(f"hall={rng.choice(halls)}")
        if rng.random() < 0.3:
            parts.append(f"country={rng.choice(COUNTRIES)}")
        if rng.random() < 0.2:
            parts.append(f"industry=bench-ex-{rng.randint(0, 5)}")
        if rng.random() < 0.15:
            parts.append(f"grade={rng.choice(('A', 'BBB', 'BB'))}")
        if rng.random() < 0.3:
            parts.append("verified=true")
        parts.append(f"page={rng.randint(1, 20)}")
        seen.add("&".join(parts))
    return sorted(seen)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--exhibitors", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--queries", type=int, default=5_000, help="distinct query strings (default 5000)")
    parser.add_argument("--duration", type=int, default=60, help="seconds per wrk run (default 60)")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    # Production-like settings for the server and for the session cookies made here (one secret for both).
    os.environ.update(
        DEBUG="false",
        SECRET_KEY="bench",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
    )
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from marketplace.fairs.models import Hall

    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL.")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest that DEBUG=false serves from
    seed(args.exhibitors)
    halls = list(Hall.objects.filter(session__slug=SLUG).values_list("code", flat=True))
    jar = cookies(args.clients)
    # Every request a different query string, with the session cookie of one of the --clients buyers.
    pages = Path(f"/tmp/exhibitor_directory_{os.getpid()}.txt")  # noqa: S108 - removed on exit
    todo = queries(args.queries, halls)
    random.Random(8).shuffle(todo)
    pages.write_text("".join(f"/exhibitors/{SLUG}/?{q} {jar[k % len(jar)]}\n" for k, q in enumerate(todo)))
    connection.close()
    server, base = loadrun.start_gunicorn(args.workers)
    try:
        loadrun.check(base, pages, b"/exhibitors/")
        loadrun.run_table(
            base, args.clients, args.duration, [("exhibitor directory, distinct queries", {"pages": pages})]
        )
        print(
            f"{args.exhibitors:,} exhibitors, {len(todo):,} distinct queries, {args.clients} signed-in buyers, "
            f"gunicorn -w {args.workers} (sync), wrk -t2 -c{args.clients} -d{args.duration}s"
        )
    finally:
        loadrun.stop(server)
        pages.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
