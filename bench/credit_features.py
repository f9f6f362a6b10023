"""Bench: build the feature matrix for N subjects with simulated histories on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustfair_bench_credit .venv/bin/python bench/credit_features.py \
        --subjects 100000

Creates N bench companies (bulk_create), simulates three years of facts for those that have none
(`credit.simulation.simulate_history`, idempotent), runs ANALYZE, then times
`build_feature_matrix(as_of=today)` --repeat times and prints each time and the median. Goal: 100,000
subjects in ≤ 20 s on this 2-core machine.
"""

import argparse
import statistics
import sys
import time

from credit_common import bench_companies, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup_django()
    from django.apps import apps
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from credit.features import build_feature_matrix
    from credit.models import Fact
    from credit.simulation import simulate_history

    started = time.monotonic()
    ids = [pk for pk, _c, _r in bench_companies(args.subjects, tag="feat")]
    print(f"{len(ids):,} bench companies ready in {time.monotonic() - started:.1f} s")
    company_model = apps.get_model(settings.CREDIT_SUBJECT_MODEL)
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)

    def progress(result):
        print(f"  … {result.subjects + result.skipped:,} companies, {result.facts:,} facts", file=sys.stderr)

    started = time.monotonic()
    subjects = (
        company_model.objects.filter(pk__in=ids)
        .order_by("pk")
        .values("id", "country", "registration_number", "created_at")
        .iterator(chunk_size=5000)
    )
    result = simulate_history(subjects, seed=args.seed, today=today, progress=progress)
    elapsed = time.monotonic() - started
    print(
        f"simulated {result.subjects:,} companies ({result.skipped:,} already done): {result.facts:,} facts, "
        f"{result.delinquent:,} serious delinquencies, in {elapsed:.1f} s"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE credit_fact")
    print(
        f"facts table: {Fact.objects.count():,} rows; subjects in database: {company_model.objects.count():,}"
    )

    times = []
    for _ in range(args.repeat):
        started = time.monotonic()
        matrix = build_feature_matrix(as_of=today, subject_ids=ids)
        times.append(time.monotonic() - started)
        print(
            f"build_feature_matrix: {matrix.values.shape[0]:,} subjects × {matrix.values.shape[1]} features "
            f"in {times[-1]:.2f} s"
        )
    print(f"median {statistics.median(times):.2f} s over {len(times)} runs ({connection.vendor})")


if __name__ == "__main__":
    main()
