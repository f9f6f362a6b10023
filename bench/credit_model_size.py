"""Bench: model size against accuracy — how many trees of what depth the credit index needs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustfair_bench_credit .venv/bin/python \
        bench/credit_model_size.py --subjects 40000

Exact TreeSHAP contributions (the index's subscores and reasons) cost time in proportion to
trees × leaves × depth², so a full recompute is as fast as the model is small. For each set of
hyper-parameters below this runs the real pipeline (`credit.pipeline.cross_validate`: grouped 5-fold
CV with early stopping and Platt calibration inside each fold) on the simulated histories of the first
--subjects `bench-feat-*` companies, then fits one model on all of those rows and times its exact
contributions for 20,000 subjects (two threads, as `recompute` runs them; median of 3).

The training set is built once and kept in --cache (an .npz file) so the configurations compare on
exactly the same rows.
"""

import argparse
import dataclasses
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from credit_common import setup_django

CONFIGS = (
    {"learning_rate": 0.05, "max_depth": 4},  # the first model's settings
    {"learning_rate": 0.1, "max_depth": 4},
    {"learning_rate": 0.1, "max_depth": 3},
    {"learning_rate": 0.2, "max_depth": 3},
    {"learning_rate": 0.2, "max_depth": 2},
)


def training_set(cache: Path, subjects: int):
    from django.db.models import Min

    from credit.features import FEATURE_NAMES
    from credit.models import Fact
    from credit.training import WARM_UP_DAYS, build_training_set, snapshot_dates
    from marketplace.companies.models import Company

    if cache.exists():
        data = np.load(cache)
        print(f"training set from {cache}")
        return data["X"], data["y"], data["ids"]
    sim = list(
        Company.objects.filter(slug__startswith="bench-feat-").order_by("pk").values_list("pk", flat=True)
    )
    first = Fact.objects.filter(subject__slug__startswith="bench-feat-").aggregate(m=Min("known_at"))["m"]
    warm = (first + dt.timedelta(days=WARM_UP_DAYS)).date()
    dates = [d for d in snapshot_dates() if d >= warm]
    started = time.perf_counter()
    data = build_training_set(dates=dates, progress=lambda m: print(f"  {m}", flush=True))
    keep = np.isin(data.subject_ids, np.asarray(sim[:subjects], dtype=np.int64))
    X, y, ids = data.X[keep], data.y[keep], data.subject_ids[keep]
    assert list(data.feature_names) == list(FEATURE_NAMES)
    np.savez(cache, X=X, y=y, ids=ids)
    print(f"training set built in {time.perf_counter() - started:.1f} s, kept in {cache}")
    return X, y, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=40_000)
    default_cache = Path(tempfile.gettempdir()) / "trustfair_credit_training.npz"
    parser.add_argument("--cache", type=Path, default=default_cache)
    args = parser.parse_args()
    setup_django()

    from credit.features import FEATURE_NAMES, monotone_constraints
    from credit.pipeline import TrainingConfig, cross_validate, fit

    X, y, ids = training_set(args.cache, args.subjects)
    print(f"{len(y):,} rows, {len(np.unique(ids)):,} subjects, {int(y.sum()):,} bad ({y.mean():.2%})")
    names, monotone = list(FEATURE_NAMES), monotone_constraints()
    sample = X[np.random.default_rng(0).choice(len(X), size=min(20_000, len(X)), replace=False)]
    print("eta  depth  AUC              KS               Brier            trees  SHAP 20k (s)  CV+fit (s)")
    for params in CONFIGS:
        config = dataclasses.replace(TrainingConfig(seed=0), **params)
        started = time.perf_counter()
        cv = cross_validate(X, y, config=config, feature_names=names, monotone=monotone, groups=ids)
        model = fit(X, y, config=config, feature_names=names, monotone=monotone)
        elapsed = time.perf_counter() - started
        model.booster.set_param({"nthread": 2})
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            model.contributions(sample)
            runs.append(time.perf_counter() - t)
        s = cv.summary()
        print(
            f"{config.learning_rate:<4} {config.max_depth:>5}  "
            + "  ".join(f"{s[m]['mean']:.4f}±{s[m]['std']:.4f}" for m in ("auc", "ks", "brier"))
            + f"  {model.best_rounds:>5}  {statistics.median(runs):>12.2f}  {elapsed:>10.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
