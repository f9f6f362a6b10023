"""Bench: import N facts from a CSV file on PostgreSQL and print rows/s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustfair_bench_credit .venv/bin/python bench/credit_import.py \
        --rows 1000000

Creates its own companies (10,000 by default) and a platform-type source, writes a CSV of mixed
kinds (invoice_paid, payment_late, deal_completed, order_cancelled, meeting_held; half naming the
subject by id, half by country + registration number) in a temporary directory, imports it through
the same service as `manage.py import_credit_facts`, then imports the same file again (fingerprint
shortcut). External refs carry a run tag, so each run adds new facts.
"""

import argparse
import csv
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from credit_common import bench_companies, setup_django

COLUMNS = [
    "kind",
    "subject_id",
    "subject_country",
    "subject_registration",
    "occurred_at",
    "known_at",
    "external_ref",
    "amount",
    "currency",
    "due_date",
    "paid_date",
    "days_late",
    "value",
]


def write_csv(path: Path, rows: int, subjects, run: str) -> None:
    rng = random.Random(run)  # noqa: S311 - bench data
    base = dt.date(2023, 1, 1)
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        for i in range(rows):
            pk, country, reg = subjects[i % len(subjects)]
            day = base + dt.timedelta(days=i % 700)
            who = [pk, "", ""] if i % 2 else ["", country, reg]
            when = [day.isoformat(), (day + dt.timedelta(days=1)).isoformat(), f"{run}-{i}"]
            roll = i % 10
            amount = f"{rng.randint(100, 99999)}.{rng.randint(0, 99):02d}"
            if roll < 4:
                due = day - dt.timedelta(days=rng.choice((0, 0, 5, 20)))
                row = ["invoice_paid", *who, *when, amount, "USD", due.isoformat(), day.isoformat(), "", ""]
            elif roll < 5:
                row = ["payment_late", *who, *when, amount, "EUR", "", "", rng.randint(1, 120), ""]
            elif roll < 8:
                row = ["deal_completed", *who, *when, "", "CNY", "", "", "", amount]
            elif roll < 9:
                row = ["order_cancelled", *who, *when, "", "", "", "", "", ""]
            else:
                row = ["meeting_held", *who, *when, "", "", "", "", "", ""]
            out.writerow(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--subjects", type=int, default=10_000)
    parser.add_argument("--chunk-size", type=int, default=5000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from credit.imports import import_file
    from credit.models import Fact, Source

    subjects = bench_companies(args.subjects, tag="imp")
    source, _ = Source.objects.get_or_create(
        code="bench-platform", defaults={"name": "Bench platform feed", "source_type": "platform"}
    )
    run = f"r{int(time.time())}"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"facts-{run}.csv"
        started = time.monotonic()
        write_csv(path, args.rows, subjects, run)
        print(
            f"generated {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.monotonic() - started:.1f} s"
        )
        before = Fact.objects.filter(source=source).count()

        def progress(batch):
            if batch.rows_total % 200_000 < args.chunk_size:
                print(f"  … {batch.rows_total:,}", file=sys.stderr)

        started = time.monotonic()
        with path.open("rb") as stream:
            result = import_file(
                stream=stream,
                file_name=path.name,
                source=source,
                progress=progress,
                chunk_size=args.chunk_size,
            )
        elapsed = time.monotonic() - started
        added = Fact.objects.filter(source=source).count() - before
        print(f"{connection.vendor}: {result.summary}")
        print(f"imported {added:,} facts in {elapsed:.1f} s = {added / elapsed:,.0f} rows/s")
        started = time.monotonic()
        with path.open("rb") as stream:
            again = import_file(stream=stream, file_name=path.name, source=source)
        print(f"re-import: {again.summary} ({time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
