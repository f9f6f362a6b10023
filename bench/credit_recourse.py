"""Bench: what-if recourse for one company (issue 11, item 4) — goal: median ≤ 200 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_cc_bench .venv/bin/python bench/credit_recourse.py \
        --subjects 1500 --runs 60

Migrates the database, makes --subjects bench companies (`bench-rec-*`, joined up to five years ago) with
three years of simulated facts (skipped when they have facts already), trains an XGBoost model on them
(TrainingConfig(seed=0, folds=3)) and promotes it unless a trained champion exists, then times
`credit.recourse.suggest(company, use_cache=False)` — the uncached path a company's credit page takes on
its first visit after a new assessment — for --runs companies drawn with seed 0 (each once, after
one warm-up call). Prints median, p95 and max of wall time and of the process's CPU time (less
sensitive to the machine's load than wall time; PostgreSQL's own CPU is not in it), the queries a call
sends, the candidate rows scored, and how many companies got a suggestion. Nothing is written.

`--tag feat` reuses the 100,000 `bench-feat-*` companies of bench/credit_features.py (and the champion
bench/credit_index.py trained on them) instead of making `bench-rec-*` ones.
"""

import argparse
import os
import statistics
import time

import numpy as np
from credit_common import bench_companies, setup_django

GOAL_MEDIAN_MS = 200.0


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--tag", default="rec", help="bench companies bench-<tag>-* (rec: made here)")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tf_cc_bench")
    setup_django()

    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from credit import recourse
    from credit.index import champion
    from credit.models import Fact, ModelVersion
    from credit.pipeline import TrainingConfig
    from credit.registry import promote, version_from_run
    from credit.simulation import simulate_history
    from credit.training import build_training_set, train

    rows = bench_companies(args.subjects, tag=args.tag)
    ids = [pk for pk, _c, _r in rows]
    company_model = apps.get_model(settings.CREDIT_SUBJECT_MODEL)
    if not Fact.objects.filter(subject_id=ids[0]).exists():
        started = time.perf_counter()
        simulate_history(list(company_model.objects.filter(pk__in=ids)), seed=0, years=3)
        print(f"simulated {args.subjects} companies in {time.perf_counter() - started:.1f} s")
    if champion().kind != ModelVersion.Kind.XGBOOST:
        started = time.perf_counter()
        run = train(config=TrainingConfig(seed=0, folds=3), data=build_training_set())
        promote(version=version_from_run(run=run), force=True, reason="recourse bench")
        print(f"trained and promoted a model in {time.perf_counter() - started:.1f} s")
    version = champion()
    print(f"champion v{version.version} ({version.kind}), {connection.vendor}, {load()}")

    from django.test.utils import CaptureQueriesContext

    scored = 0
    original = recourse.what_if

    def counted(**kwargs):
        evidence = original(**kwargs)
        matrix = evidence.matrix

        def counting(**parts):
            nonlocal scored
            out = matrix(**parts)
            scored += len(out.values)
            return out

        object.__setattr__(evidence, "matrix", counting)
        return evidence

    recourse.what_if = counted
    picked = [
        int(i) for i in np.random.default_rng(0).choice(ids, size=min(args.runs, len(ids)), replace=False)
    ]
    companies = company_model.objects.in_bulk(picked)
    recourse.suggest(companies[picked[0]], use_cache=False)  # warm-up: model load, compiled SQL
    times, cpu, queries, rows_scored, with_suggestion, combined = [], [], [], [], 0, 0
    for pk in picked:
        scored = 0
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            result = recourse.suggest(companies[pk], use_cache=False)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        queries.append(sum(q["sql"].lstrip().upper().startswith("SELECT") for q in captured.captured_queries))
        writes = [
            q["sql"][:60]
            for q in captured.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert not writes, writes  # noqa: S101 - a page view must not write
        rows_scored.append(scored)
        with_suggestion += bool(result.suggestions)
        combined += any(len(s.steps) > 1 for s in result.suggestions)
    recourse.what_if = original
    median, p95 = statistics.median(times), float(np.percentile(times, 95))
    print(
        f"recourse for one company, {len(times)} companies: median {median:.0f} ms, p95 {p95:.0f} ms, "
        f"max {max(times):.0f} ms; CPU (this process) median {statistics.median(cpu):.0f} ms, "
        f"p95 {float(np.percentile(cpu, 95)):.0f} ms; SELECTs per call {statistics.median(queries):.0f} "
        f"(max {max(queries)}); rows scored per call median {statistics.median(rows_scored):.0f} "
        f"(max {max(rows_scored)}); {with_suggestion} got a suggestion ({combined} a combination)"
    )
    print(
        f"goal median ≤ {GOAL_MEDIAN_MS:.0f} ms: {'met' if median <= GOAL_MEDIAN_MS else 'NOT met'}; {load()}"
    )


if __name__ == "__main__":
    main()
