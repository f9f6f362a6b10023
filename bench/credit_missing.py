"""Bench: how the credit model should treat missing evidence — the options measured on the simulation.

    DATABASE_URL=sqlite:////tmp/trustfair_bench_missing.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/trustfair_bench_missing.sqlite3 .venv/bin/python \
        bench/credit_missing.py --subjects 4000

Simulates --subjects `bench-miss-*` companies (dict subjects, so verification is drawn from the hidden
risk too), builds the point-in-time training rows with the evidence as observed (NaN where there is
none), and for each option of treating a missing value:

* runs the real pipeline's grouped 5-fold cross-validation (`credit.pipeline.cross_validate`, seed 0):
  AUC, KS and Brier, mean ± fold std;
* fits one model on every row and measures the **missing-data property** on 3,000 rows: for every
  feature and every row where it is observed, the index with the value replaced by "missing" against
  the index with the feature's median observed value — the share of pairs where missing scores
  *higher* (a violation) and the largest excess in index points;
* scores a brand-new company with no facts against the median "verified company with a year of clean
  trade" (verified, ≥ 1 year on the platform, ≥ 1 deal in 12 months, no payment late).

Prints the table for credit/MISSING_DATA.md and the risk-side quantiles used as `MISSING_AS`.
"""

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import numpy as np
from credit_common import setup_django

QUANTILE = 0.10


def training_rows(subjects: int):
    from django.utils import timezone

    from credit import outcomes
    from credit.features import EVIDENCE_NAMES, build_feature_matrix
    from credit.simulation import simulate_history
    from credit.training import snapshot_dates
    from marketplace.companies.models import Company, Industry

    industry, _ = Industry.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    have = Company.objects.filter(slug__startswith="bench-miss-").count()
    now = timezone.now()
    countries = ("CN", "DE", "US", "GB", "IN", "VN", "TR", "BR", "JP", "FR")
    Company.objects.bulk_create(
        [
            Company(
                name=f"Bench miss {i}",
                slug=f"bench-miss-{i}",
                kind="supplier" if i % 3 else "buyer",
                country=countries[i % len(countries)],
                industry=industry,
                registration_number=f"BMISS{i:08d}",
                created_at=now - dt.timedelta(days=30 + (i * 7919) % 1800),
            )
            for i in range(have, subjects)
        ]
    )
    rows = list(
        Company.objects.filter(slug__startswith="bench-miss-")
        .order_by("pk")
        .values("id", "country", "registration_number", "created_at")[:subjects]
    )
    started = time.perf_counter()
    simulate_history(rows, seed=0, years=3, today=now)
    print(f"simulated {len(rows):,} companies in {time.perf_counter() - started:.1f} s")
    first = outcomes.first_outcomes()
    blocks, labels, groups = [], [], []
    for day in snapshot_dates(now=now):
        matrix = build_feature_matrix(as_of=day)
        keep, y = outcomes.labels(matrix.subject_ids, as_of=matrix.as_of, first=first)
        keep &= ~np.all(np.isnan(matrix.raw), axis=1)
        blocks.append(matrix.raw[keep])
        labels.append(y[keep])
        groups.append(matrix.subject_ids[keep])
    return np.vstack(blocks), np.concatenate(labels), np.concatenate(groups), list(EVIDENCE_NAMES)


def risk_side(raw: np.ndarray, q: float) -> dict[str, float]:
    """Per feature: the observed value at quantile q on the risk side (1 − q for risk-raising features)."""
    from credit.features import FEATURES

    out = {}
    for j, f in enumerate(FEATURES):
        seen = raw[~np.isnan(raw[:, j]), j]
        if len(seen) == 0:
            out[f.name] = 0.0
            continue
        out[f.name] = float(np.quantile(seen, 1 - q if f.direction > 0 else q))
    return out


def option_inputs(raw: np.ndarray, option: str, fill: dict[str, float] | None):
    """(X, names, monotone) for one option."""
    from credit.features import FEATURES, MODEL_FEATURES, encode

    evidence_monotone = tuple(f.direction for f in FEATURES)
    names = [f.name for f in FEATURES]
    if option == "native":
        return raw, names, evidence_monotone
    X = encode(raw, missing_as=fill)
    if option.endswith("+indicators"):
        return X, [f.name for f in MODEL_FEATURES], tuple(f.direction for f in MODEL_FEATURES)
    return X[:, : len(FEATURES)], names, evidence_monotone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=4000)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated option names to run")
    parser.add_argument(
        "--use-subjects", type=int, default=0, help="train on the rows of this many subjects only"
    )
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "trustfair_missing_rows.npz"
    )
    args = parser.parse_args()
    setup_django()

    from credit.features import EVIDENCE_NAMES, FEATURES, MISSING_AS
    from credit.grading import pd_to_index
    from credit.pipeline import TrainingConfig, cross_validate, fit

    if args.cache.exists():
        data = np.load(args.cache)
        raw, y, groups, names = data["raw"], data["y"], data["groups"], list(EVIDENCE_NAMES)
    else:
        raw, y, groups, names = training_rows(args.subjects)
        np.savez(args.cache, raw=raw, y=y, groups=groups)
    if args.use_subjects:
        keep = np.isin(groups, np.unique(groups)[: args.use_subjects])
        raw, y, groups = raw[keep], y[keep], groups[keep]
    print(f"{len(y):,} rows, {len(np.unique(groups)):,} subjects, {int(y.sum()):,} bad ({y.mean():.2%})")
    share = np.isnan(raw).mean(axis=0)
    print(
        "missing share per feature: " + ", ".join(f"{n} {s:.0%}" for n, s in zip(names, share, strict=True))
    )
    medians = {f.name: float(np.nanmedian(raw[:, j])) for j, f in enumerate(FEATURES)}
    q10 = risk_side(raw, QUANTILE)
    worst = risk_side(raw, 0.0)
    print("risk-side 10% quantiles: " + ", ".join(f"{k} {v:.4g}" for k, v in q10.items()))
    print("declared MISSING_AS:     " + ", ".join(f"{k} {v:.4g}" for k, v in MISSING_AS.items()))

    options = [
        ("native", None),
        ("declared MISSING_AS+indicators", {**medians, **MISSING_AS}),
        ("median+indicators", medians),
        ("risk q10", q10),
        ("worst observed+indicators", worst),
    ]
    if args.only:
        options = [o for o in options if o[0] in args.only.split(",")]
    config = TrainingConfig(seed=0, folds=args.folds)
    rng = np.random.default_rng(0)
    sample = raw[rng.choice(len(raw), size=min(3000, len(raw)), replace=False)]
    col = {n: j for j, n in enumerate(EVIDENCE_NAMES)}
    newcomer = np.full((1, len(FEATURES)), np.nan)
    for name in (
        "deals_completed_12m",
        "deals_value_12m_usd",
        "disputes_lost_36m",
        "cancellations_12m",
        "years_on_platform",
        "fairs_exhibited_3y",
        "fairs_attended_3y",
        "meetings_missed_24m",
        "sanctions_hits",
        "judgments_against_36m",
        "certificates_current",
    ):
        newcomer[0, col[name]] = 0.0
    clean = (
        (np.nan_to_num(raw[:, col["identity_verified"]]) == 1)
        & (np.nan_to_num(raw[:, col["years_on_platform"]]) >= 1)
        & (np.nan_to_num(raw[:, col["deals_completed_12m"]]) >= 1)
        & (np.nan_to_num(raw[:, col["worst_days_late_24m"]], nan=1) == 0)
    )
    print(f"verified companies with a year of clean trade: {int(clean.sum()):,} rows")
    print()
    print(
        "| option | AUC | KS | Brier | CV+fit (s) | property violations | worst excess (points) | no facts | median clean verified |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for label, fill in options:
        option = "native" if label == "native" else label
        X, model_names, monotone = option_inputs(raw, option, fill)
        started = time.perf_counter()
        cv = cross_validate(X, y, config=config, feature_names=model_names, monotone=monotone, groups=groups)
        model = fit(X, y, config=config, feature_names=model_names, monotone=monotone)
        seconds = time.perf_counter() - started

        def index_of(evidence: np.ndarray, model=model, option=option, fill=fill) -> np.ndarray:
            return pd_to_index(model.predict_proba(option_inputs(evidence, option, fill)[0]))

        pairs = violations = 0
        excess = 0.0
        for j, f in enumerate(FEATURES):
            observed = ~np.isnan(sample[:, j])
            if not observed.any():
                continue
            rows = sample[observed]
            gone, typical = rows.copy(), rows.copy()
            gone[:, j] = np.nan
            typical[:, j] = medians[f.name]
            diff = index_of(gone) - index_of(typical)
            pairs += len(rows)
            violations += int((diff > 0).sum())
            excess = max(excess, float(diff.max()))
        s = cv.summary()
        print(
            f"| {label} | {s['auc']['mean']:.4f} ± {s['auc']['std']:.4f} | {s['ks']['mean']:.4f} ± {s['ks']['std']:.4f} "
            f"| {s['brier']['mean']:.4f} ± {s['brier']['std']:.4f} | {seconds:.0f} | {violations / pairs:.2%} of {pairs:,} "
            f"| {max(excess, 0):.0f} | {int(index_of(newcomer)[0])} | {int(np.median(index_of(raw[clean])))} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
