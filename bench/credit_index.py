"""Bench: the credit index (issue 5) — cross-validated metrics, batch recompute, single-subject latency.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustfair_bench_credit .venv/bin/python bench/credit_index.py \
        --subjects 100000

Needs the simulated histories of `bench/credit_features.py` (companies `bench-feat-*`) in the database.

1. Trains the model on the simulation (`credit.training.train`, TrainingConfig(seed=0): 5 folds grouped by
   subject) over the quarterly snapshots of the simulated facts only (snapshots before the simulation's
   first fact + warm-up are dropped, and rows of non-simulated subjects, e.g. the import bench's, are left
   out), on the first --train-subjects simulated subjects. Prints the fold table, mean ± std, the
   calibration table and the expert scorecard on the same rows; stores the version and promotes it
   (forced with a reason if the promotion rule refuses). --skip-training keeps the current champion.
2. `recompute(subject_ids=None)` — every subject in the database — --repeat times (median), with a
   breakdown taken by wrapping the functions `credit.index.recompute` calls (features, score, fact
   fingerprints, reasons, COPY; "rows" is the rest of the loop), beside XGBoost alone on the same
   matrix: `predict_proba` and `contributions`, 5 times each (median).
3. `recompute(subject_ids=[id])` for --single random subjects (seed 0): median and p95.

Assessments written by the bench are deleted between the batch runs and at the end (facts are never
touched). --profile adds a cProfile of 50 single-subject recomputes and the SQL one of them sends (the
batch breakdown above already says where batch time goes).
"""

import argparse
import cProfile
import dataclasses
import datetime as dt
import io
import os
import pstats
import statistics
import time
from collections import defaultdict
from contextlib import contextmanager

import numpy as np
from credit_common import bench_companies, setup_django

GOAL_BATCH_S = 60.0  # 100,000 subjects
GOAL_SINGLE_MS = 50.0  # median


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def median_of(fn, times: int) -> tuple[float, list[float]]:
    runs = []
    for _ in range(times):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), runs


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


# ---------------------------------------------------------------------------------------------
# 1. Cross-validated metrics on the simulation


def train_and_promote(sim_ids: list[int], *, train_subjects: int) -> None:
    from django.core.exceptions import ValidationError
    from django.db.models import Min

    from credit.models import Fact
    from credit.pipeline import TrainingConfig
    from credit.registry import promote, version_from_run
    from credit.training import WARM_UP_DAYS, build_training_set, snapshot_dates, train

    started = time.perf_counter()
    first = Fact.objects.filter(subject__slug__startswith="bench-feat-").aggregate(m=Min("known_at"))["m"]
    warm = (first + dt.timedelta(days=WARM_UP_DAYS)).date()
    # snapshot_dates() steps back from "now − 12 months"; those on or after the simulation's first fact
    # plus the warm-up are exactly the dates it would give on a database holding only the simulation.
    dates = [d for d in snapshot_dates() if d >= warm]
    print(f"simulated facts from {first:%Y-%m-%d}; {len(dates)} snapshots: {', '.join(map(str, dates))}")
    data = build_training_set(dates=dates, progress=lambda m: print(f"  {m}", flush=True))
    keep = np.isin(data.subject_ids, np.asarray(sim_ids[:train_subjects], dtype=np.int64))
    data = dataclasses.replace(
        data, X=data.X[keep], y=data.y[keep], subject_ids=data.subject_ids[keep], as_of=data.as_of[keep]
    )
    built = time.perf_counter() - started
    print(
        f"training set: {len(data.y):,} rows ({len(np.unique(data.subject_ids)):,} subjects × "
        f"{len(dates)} snapshots), {data.n_bad:,} bad ({data.n_bad / len(data.y):.2%}); built in {built:.1f} s"
    )
    started = time.perf_counter()
    run = train(config=TrainingConfig(seed=0), data=data, progress=lambda m: print(f"  {m}", flush=True))
    version = version_from_run(run=run)
    print(f"trained and stored v{version.version} in {time.perf_counter() - started:.1f} s")
    print("fold  AUC     KS      Brier   rounds    rows   bad")
    for f in run.cv.folds:
        print(
            f"{f.fold:>4}  {f.auc:.4f}  {f.ks:.4f}  {f.brier:.4f}  {f.rounds:>6}  {f.test_size:>6}  {f.test_bad:>4}"
        )
    s = run.cv.summary()
    print(
        "mean ± std: "
        + "  ".join(
            f"{m.upper() if m != 'brier' else 'Brier'} {s[m]['mean']:.4f}±{s[m]['std']:.4f}" for m in s
        )
    )
    print("calibration (out-of-fold, equal-count bins): bin, rows, mean predicted, observed bad rate")
    for row in run.cv.calibration:
        print(f"  {row['bin']:>2} {row['count']:>7} {row['predicted']:.4f} {row['observed']:.4f}")
    base = version.metrics["scorecard_on_same_rows"]
    print(
        f"expert scorecard on the same rows (in-sample, untrained): AUC {base['auc']:.4f} KS {base['ks']:.4f} "
        f"Brier {base['brier']:.4f}"
    )
    try:
        promote(version=version)
        print(f"v{version.version} promoted to champion by the rule")
    except ValidationError as exc:
        reason = "Benchmark (bench/credit_index.py): the issue 5 figures need the trained model in service."
        promote(version=version, force=True, reason=reason)
        print(f"the rule refused v{version.version} ({' '.join(exc.messages)}); forced, reason: {reason}")


# ---------------------------------------------------------------------------------------------
# 2. Batch recompute, with a breakdown


@contextmanager
def breakdown(totals: dict[str, float]):
    """Time what recompute() calls by wrapping the names credit.index looks up (credit/index.py unchanged)."""
    import credit.index as index

    def timed(key, fn):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                totals[key] += time.perf_counter() - started

        return wrapper

    names = {
        "features": "build_feature_matrix",
        "score": "score",
        "fingerprints": "_fingerprint",
        "reasons": "_reasons",
        "insert": "_write",
    }
    saved = {name: getattr(index, name) for name in names.values()}
    for key, name in names.items():
        setattr(index, name, timed(key, saved[name]))
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(index, name, fn)


def delete_bench_assessments(first_id: int) -> int:
    from credit.models import Assessment

    deleted, _ = Assessment.objects.filter(id__gt=first_id).delete()
    return deleted


def batch(first_id: int, *, repeat: int) -> tuple[float, int]:
    from credit.index import recompute

    times = []
    parts: list[dict[str, float]] = []
    total = 0
    for k in range(1, repeat + 1):
        totals: dict[str, float] = defaultdict(float)
        with breakdown(totals):
            started = time.perf_counter()
            total = recompute(subject_ids=None)
            elapsed = time.perf_counter() - started
        times.append(elapsed)
        totals["rows"] = elapsed - sum(totals.values())
        parts.append(totals)
        print(
            f"  run {k}: {total:,} subjects in {elapsed:.2f} s = {total / elapsed:,.0f}/s "
            f"({load()}); deleted {delete_bench_assessments(first_id):,} assessments",
            flush=True,
        )
    med = statistics.median(times)
    print(f"recompute(subject_ids=None): median {med:.2f} s over {repeat} runs for {total:,} subjects")
    print(f"  per 100,000 subjects: {med * 100_000 / total:.2f} s (goal ≤ {GOAL_BATCH_S:.0f} s)")
    print("  breakdown (median over runs, s):  part             s     share")
    labels = {
        "features": "build_feature_matrix (SQL + numpy)",
        "score": "score(): contributions + probability + subscores",
        "fingerprints": "_fingerprint (sha256 of count:newest id)",
        "reasons": "_reasons (argsort per batch + sentences)",
        "rows": "rest: row tuples, subscores/features dicts",
        "insert": "_write (COPY on PostgreSQL)",
    }
    for key, label in labels.items():
        value = statistics.median(p[key] for p in parts)
        print(f"    {label:<52} {value:7.2f}  {value / med:6.1%}")
    return med, total


def xgboost_alone() -> tuple[float, float, int]:
    from django.utils import timezone

    from credit.features import build_feature_matrix
    from credit.index import champion, scorer_for

    version = champion()
    scorer = scorer_for(version)
    matrix = build_feature_matrix(as_of=timezone.now())
    values = matrix.values
    proba, proba_runs = median_of(lambda: scorer.predict_proba(values), 5)
    contribs, contrib_runs = median_of(lambda: scorer.contributions(values), 5)
    n = len(values)
    print(
        f"XGBoost alone on the same {n:,} × {values.shape[1]} matrix (model v{version.version}, {version.kind}):"
    )
    print(f"  predict_proba  median {proba:.3f} s  runs {', '.join(f'{t:.3f}' for t in proba_runs)}")
    print(f"  contributions  median {contribs:.3f} s  runs {', '.join(f'{t:.3f}' for t in contrib_runs)}")
    booster = getattr(scorer, "booster", None)
    if booster is not None:
        print(
            f"  booster: {booster.num_boosted_rounds()} trees of depth ≤ {version.params.get('max_depth', '?')}"
        )
    return proba, contribs, n


# ---------------------------------------------------------------------------------------------
# 3. Single-subject latency


def single(sim_ids: list[int], *, count: int) -> list[float]:
    from credit.index import recompute

    rng = np.random.default_rng(0)
    sample = [int(i) for i in rng.choice(np.asarray(sim_ids), size=count, replace=False)]
    recompute(subject_ids=[sample[0]])  # warm-up (connection, caches), not counted
    times = []
    for subject_id in sample:
        started = time.perf_counter()
        recompute(subject_ids=[subject_id])
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"recompute(subject_ids=[id]) × {count} (seed 0): median {statistics.median(times):.1f} ms, "
        f"p95 {percentile(times, 95):.1f} ms, min {min(times):.1f} ms, max {max(times):.1f} ms "
        f"(goal median ≤ {GOAL_SINGLE_MS:.0f} ms)"
    )
    return times


def profile(label: str, fn, lines: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(lines)
    print(f"--- cProfile: {label} (cumulative, top {lines}) ---")
    print(out.getvalue())


def explain_single(subject_id: int) -> None:
    """EXPLAIN ANALYZE of the SQL one single-subject recompute sends, slowest first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from credit.index import recompute

    with CaptureQueriesContext(connection) as captured:
        recompute(subject_ids=[subject_id])
    print(f"--- SQL of recompute(subject_ids=[{subject_id}]): {len(captured.captured_queries)} queries ---")
    for q in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:6]:
        print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:160]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=100_000, help="simulated bench subjects expected")
    parser.add_argument("--train-subjects", type=int, default=100_000, help="train on the first N of them")
    parser.add_argument("--skip-training", action="store_true", help="keep the current champion")
    parser.add_argument("--train-only", action="store_true", help="step 1 only (training takes ~10 min)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--single", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    setup_django()
    from django.apps import apps
    from django.conf import settings
    from django.db import connection
    from django.db.models import Max

    from credit.index import champion
    from credit.models import Assessment, Fact

    print(f"start: {load()}")
    started_all = time.perf_counter()
    company_model = apps.get_model(settings.CREDIT_SUBJECT_MODEL)
    have = company_model.objects.filter(slug__startswith="bench-feat-").count()
    if have < args.subjects:
        raise SystemExit(
            f"{have:,} simulated bench subjects, {args.subjects:,} wanted: run bench/credit_features.py "
            f"--subjects {args.subjects} first (it creates and simulates them)."
        )
    sim_ids = [pk for pk, _c, _r in bench_companies(args.subjects, tag="feat")]
    facts = Fact.objects.count()
    print(
        f"{connection.vendor}: {company_model.objects.count():,} subjects ({len(sim_ids):,} simulated bench "
        f"subjects used), {facts:,} facts"
    )
    first_id = Assessment.objects.aggregate(m=Max("id"))["m"] or 0

    try:
        print("\n== 1. Cross-validated metrics on the simulation ==")
        if args.skip_training:
            print("skipped (--skip-training)")
        else:
            train_and_promote(sim_ids, train_subjects=args.train_subjects)
        version = champion()
        print(f"champion: v{version.version} ({version.get_kind_display()}), {load()}")
        if args.train_only:
            return

        print(f"\n== 2. recompute(subject_ids=None) × {args.repeat}, and XGBoost alone ==", flush=True)
        batch_med, total = batch(first_id, repeat=args.repeat)
        proba, contribs, n = xgboost_alone()
        print(
            f"  end-to-end / XGBoost (predict_proba + contributions = {proba + contribs:.2f} s): "
            f"{batch_med / (proba + contribs):.1f}× ; "
            f"end-to-end / predict_proba alone: {batch_med / proba:.0f}×"
        )

        print(f"\n== 3. Single-subject recompute × {args.single} ==", flush=True)
        times = single(sim_ids, count=args.single)

        if args.profile:
            from credit.index import recompute

            print("\n== Profiles ==")
            sample = [
                int(i) for i in np.random.default_rng(1).choice(np.asarray(sim_ids), size=50, replace=False)
            ]
            profile("50 × recompute(subject_ids=[id])", lambda: [recompute(subject_ids=[i]) for i in sample])
            explain_single(sample[0])

        print("\n== Summary ==")
        per_100k = batch_med * 100_000 / total
        print(
            f"batch: {total:,} subjects in {batch_med:.2f} s (median) = {per_100k:.2f} s per 100,000 "
            f"→ goal ≤ {GOAL_BATCH_S:.0f} s {'MET' if per_100k <= GOAL_BATCH_S else 'MISSED'}"
        )
        print(f"XGBoost alone on {n:,}: predict_proba {proba:.3f} s, contributions {contribs:.3f} s")
        single_med = statistics.median(times)
        print(
            f"single subject: median {single_med:.1f} ms, p95 {percentile(times, 95):.1f} ms "
            f"→ goal ≤ {GOAL_SINGLE_MS:.0f} ms {'MET' if single_med <= GOAL_SINGLE_MS else 'MISSED'}"
        )
    finally:
        print(f"deleted {delete_bench_assessments(first_id):,} bench assessments (facts untouched)")
        print(f"end: {load()}; whole bench {time.perf_counter() - started_all:.0f} s")


if __name__ == "__main__":
    main()
