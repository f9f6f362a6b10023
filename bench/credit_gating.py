"""Bench: credit gating decision latency (issue 13; goal ≤ 20 ms median).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustfair_bench_gating .venv/bin/python bench/credit_gating.py \
        --subjects 2000 --decisions 2000

Runs `migrate` on that database (create it first: `createdb -h 127.0.0.1 -U postgres trustfair_bench_gating`),
then makes --subjects companies (`bench-gate-*`), each with a stored assessment (grades spread over
AAA … C and NR) and 5 unpaid deferred amounts in USD, EUR and CNY in a real table
(`bench_gating_exposure`, indexed by subject) that the bench's `CREDIT_EXPOSURE` callable reads with one
SQL query — the shape of the deals' exposure query. FX rates are the real table
(`marketplace.core.fx.usd_rates`, the seeded reference rates). 2,000 effective overrides sit in the
overrides table.

Then times `credit.gating.decide` for --decisions random (subject, term, amount, currency) draws, seed 0,
after 100 warm-up calls, in three ways: plain; with `reference=` (refusals look up overrides); and with
`lock=True` inside `transaction.atomic()` (the order-placing path: SELECT … FOR UPDATE, then commit).
Prints median, p95 and queries per decision, the floor (three bare `SELECT 1` round trips, the
same number of queries a decision sends) and the machine's load.
"""

import argparse
import os
import random
import statistics
import time
from decimal import Decimal

from credit_common import bench_companies, setup_django

GOAL_MS = 20.0
TABLE = "bench_gating_exposure"


def outstanding(subject):
    """The bench's CREDIT_EXPOSURE: one indexed query, as the deals' implementation does."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT amount, currency FROM {TABLE} WHERE subject_id = %s", [subject.pk])  # noqa: S608
        return cursor.fetchall()


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def prepare(n: int):
    from django.apps import apps
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from credit import index
    from credit.gating import POLICY_GRADES
    from credit.models import Assessment, GatingOverride

    companies = bench_companies(n, tag="gate")
    ids = [pk for pk, _country, _reg in companies]
    version = index.champion()
    if not Assessment.objects.filter(subject_id__in=ids).exists():
        now = timezone.now()
        Assessment.objects.bulk_create(
            Assessment(
                subject_id=pk,
                model_version=version,
                as_of=now,
                index=600,
                grade=POLICY_GRADES[i % len(POLICY_GRADES)],
                probability=0.03,
                facts_fingerprint="0" * 64,
            )
            for i, pk in enumerate(ids)
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id serial PRIMARY KEY, subject_id integer NOT NULL,"
            " amount numeric(19, 4) NOT NULL, currency varchar(3) NOT NULL)"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_subject ON {TABLE} (subject_id)")
        cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
        if cursor.fetchone()[0] == 0:
            rows = [
                (pk, Decimal(1000 + (pk * 37 + k * 911) % 9000), ("USD", "EUR", "CNY")[k % 3])
                for pk in ids
                for k in range(5)
            ]
            cursor.executemany(
                f"INSERT INTO {TABLE} (subject_id, amount, currency) VALUES (%s, %s, %s)",  # noqa: S608
                rows,
            )
    officer, _ = get_user_model().objects.get_or_create(
        email="bench-gating-officer@example.com", defaults={"platform_role": "risk_officer"}
    )
    if not GatingOverride.objects.filter(reference__startswith="bench:").exists():
        company = apps.get_model(settings.CREDIT_SUBJECT_MODEL)
        subjects = list(company.objects.filter(pk__in=ids).order_by("pk"))
        GatingOverride.objects.bulk_create(
            GatingOverride(
                reference=f"bench:{i}",
                subject=subjects[i % len(subjects)],
                action="open_account",
                amount=Decimal("10000"),
                currency="USD",
                term_days=60,
                amount_base=Decimal("10000"),
                base_currency="USD",
                reason="bench",
                status="effective",
                requested_by=officer,
            )
            for i in range(2000)
        )
    return ids


def time_decisions(subjects, draws, *, mode: str) -> tuple[list[float], float]:
    from django.db import connection, transaction

    from credit.gating import decide

    runs, count, cpu = [], [0], time.process_time()

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        for subject, (action, amount, currency, days, reference) in zip(subjects, draws, strict=True):
            start = time.perf_counter()
            if mode == "lock":
                with transaction.atomic():
                    decide(subject, action, amount, currency, term_days=days, lock=True)
            else:
                ref = reference if mode == "reference" else ""
                decide(subject, action, amount, currency, term_days=days, reference=ref)
            runs.append((time.perf_counter() - start) * 1000)
    return runs, count[0] / len(runs), (time.process_time() - cpu) * 1000 / len(runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=2000)
    parser.add_argument("--decisions", type=int, default=2000)
    args = parser.parse_args()
    setup_django()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command

    from credit.gating import PAYMENT_TERMS

    settings.CREDIT_EXPOSURE = "credit_gating.outstanding"
    settings.DEBUG = False  # no query log: measure what production does
    call_command("migrate", verbosity=0)
    ids = prepare(args.subjects)
    company = apps.get_model(settings.CREDIT_SUBJECT_MODEL)
    rng = random.Random(0)  # noqa: S311 - reproducible draws, not secrets
    print(f"gating bench: {len(ids)} subjects, {args.decisions} decisions per mode; {load()}")
    for mode in ("plain", "reference", "lock"):
        picks = [rng.choice(ids) for _ in range(args.decisions + 100)]
        by_pk = company.objects.in_bulk(picks)
        subjects = [by_pk[pk] for pk in picks]
        draws = [
            (
                rng.choice(PAYMENT_TERMS),
                Decimal(rng.randrange(1000, 200000)),
                rng.choice(("USD", "EUR", "CNY")),
                rng.choice((None, 30, 60, 90)),
                f"bench:{rng.randrange(4000)}",
            )
            for _ in picks
        ]
        time_decisions(subjects[:100], draws[:100], mode=mode)  # warm-up: caches, FX table, connection
        runs, per_call, cpu_ms = time_decisions(subjects[100:], draws[100:], mode=mode)
        runs.sort()
        median, p95 = statistics.median(runs), runs[int(len(runs) * 0.95)]
        verdict = "ok" if median <= GOAL_MS else "ABOVE GOAL"
        print(
            f"{mode:9s}: median {median:.2f} ms, p95 {p95:.2f} ms, max {runs[-1]:.2f} ms, "
            f"{cpu_ms:.2f} ms CPU/decision, {per_call:.1f} queries/decision (goal ≤ {GOAL_MS:.0f} ms median: {verdict})"
        )
    # The floor on this machine right now: three bare round trips (a decision sends three queries).
    from django.db import connection

    floor = []
    with connection.cursor() as cursor:
        for _ in range(args.decisions):
            start = time.perf_counter()
            for _ in range(3):
                cursor.execute("SELECT 1")
                cursor.fetchone()
            floor.append((time.perf_counter() - start) * 1000)
    floor.sort()
    print(
        f"floor    : 3 × SELECT 1 median {statistics.median(floor):.2f} ms, p95 {floor[int(len(floor) * 0.95)]:.2f} ms"
    )
    print(f"done; {load()}")


if __name__ == "__main__":
    main()
