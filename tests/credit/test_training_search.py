"""The hyper-parameter search inside each training fold: nested, bounded, seeded, and the calibrators."""

import csv
import io

import numpy as np
import pytest
from django.core.management import call_command

from credit import pipeline
from credit.pipeline import (
    SEARCH_GRID,
    BetaCalibrator,
    TrainingConfig,
    candidates,
    cross_validate,
    fit,
    inner_splits,
)


def synthetic(n=900, seed=4):
    rng = np.random.default_rng(seed)
    late = rng.poisson(1.5, n).astype(float)
    years = rng.uniform(0, 20, n)
    years[rng.uniform(size=n) < 0.1] = np.nan
    logit = -2.5 + 0.8 * late - 0.12 * np.nan_to_num(years, nan=5)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    return np.column_stack([late, years]), y


NAMES = ["late_payments", "years"]
MONOTONE = (1, -1)
SMALL = TrainingConfig(seed=3, folds=3, max_rounds=200, search_candidates=4)


def test_candidates_are_bounded_and_start_with_the_configured_setting():
    config = TrainingConfig()
    tried = candidates(config)
    assert len(tried) == config.search_candidates == 12
    assert tried[0] == {"max_depth": 3, "min_child_weight": 2.0, "reg_lambda": 1.0}
    assert all(c in SEARCH_GRID for c in tried[1:])
    assert candidates(TrainingConfig(search=False)) == [tried[0]]
    assert len(candidates(TrainingConfig(search_candidates=3))) == 3


def test_search_is_nested_the_outer_test_fold_never_reaches_it(monkeypatch):
    X, y = synthetic()
    row_id = np.arange(len(y), dtype=float)
    X = np.column_stack([X, row_id])  # a column that names each row (no direction)
    seen = []
    real_search = pipeline.search

    def recording_search(X, y, **kwargs):
        seen.append(set(X[:, 2].astype(int)))
        return real_search(X, y, **kwargs)

    monkeypatch.setattr(pipeline, "search", recording_search)
    cv = cross_validate(X, y, config=SMALL, feature_names=[*NAMES, "row"], monotone=(*MONOTONE, 0))
    assert len(seen) == len(cv.test_index) == 3
    everyone = set(range(len(y)))
    for rows, test in zip(seen, cv.test_index, strict=True):
        assert rows.isdisjoint(set(test.tolist()))
        assert rows | set(test.tolist()) == everyone
    # Each outer fold's search tried the bounded candidates and chose one of them.
    for s in cv.searches:
        assert len(s["tried"]) == 4 and not s["stopped_by_time"]
        assert {k: s["chosen"][k] for k in pipeline.SEARCHED} in [
            {k: t[k] for k in pipeline.SEARCHED} for t in s["tried"]
        ]


def test_inner_folds_are_grouped_and_stratified():
    _, y = synthetic(600)
    groups = np.repeat(np.arange(200), 3)
    splits = inner_splits(y, groups, folds=3, seed=1)
    assert len(splits) == 3
    for train, valid in splits:
        assert set(groups[train]).isdisjoint(set(groups[valid]))
        assert abs(y[valid].mean() - y.mean()) < 0.06
    assert sorted(np.concatenate([v for _, v in splits]).tolist()) == list(range(600))


def test_fit_with_groups_keeps_a_subject_out_of_its_own_early_stopping(monkeypatch):
    X, y = synthetic(600)
    groups = np.repeat(np.arange(200), 3)
    model = fit(X, y, config=SMALL, feature_names=NAMES, monotone=MONOTONE, groups=groups)
    assert model.search.rows == 600 and np.isfinite(model.search.oof_margin).all()
    assert model.best_rounds == model.search.chosen["rounds"] == model.booster.num_boosted_rounds()


def test_search_switched_off_and_time_cap():
    X, y = synthetic(600)
    off = fit(
        X,
        y,
        config=TrainingConfig(seed=3, max_rounds=200, search=False),
        feature_names=NAMES,
        monotone=MONOTONE,
    )
    assert len(off.search.tried) == 1 and off.search.chosen["max_depth"] == 3
    capped = fit(
        X,
        y,
        config=TrainingConfig(seed=3, max_rounds=200, search_seconds=1e-9),
        feature_names=NAMES,
        monotone=MONOTONE,
    )
    assert capped.search.stopped_by_time and len(capped.search.tried) == 1


def test_search_is_seeded_and_deterministic():
    X, y = synthetic()
    a = cross_validate(X, y, config=SMALL, feature_names=NAMES, monotone=MONOTONE)
    b = cross_validate(X, y, config=SMALL, feature_names=NAMES, monotone=MONOTONE)

    def without_time(searches):
        return [{k: v for k, v in s.items() if k != "seconds"} for s in searches]

    assert without_time(a.searches) == without_time(b.searches)
    np.testing.assert_array_equal(a.oof_probability, b.oof_probability)
    assert pipeline.predictions_fingerprint(a) == pipeline.predictions_fingerprint(b)


def test_calibrators_compared_out_of_fold():
    X, y = synthetic(1200)
    cv = cross_validate(X, y, config=SMALL, feature_names=NAMES, monotone=MONOTONE)
    assert set(cv.calibrators) == {"platt", "isotonic", "beta"}
    for c in cv.calibrators.values():
        assert 0 < c["brier"] < 0.25 and len(c["brier_folds"]) == 3 and len(c["table"]) == 10
    # Platt is what the model keeps: its out-of-fold Brier is the folds' own.
    platt_oof = np.average([f.brier for f in cv.folds], weights=[f.test_size for f in cv.folds])
    assert cv.calibrators["platt"]["brier"] == pytest.approx(platt_oof, rel=1e-9)
    beta = BetaCalibrator.fit(
        np.array([-3.0, -2, -1, 0, 1, 2, 3, -0.5, 0.5]), np.array([0, 0, 0, 1, 0, 1, 1, 0, 1])
    )
    assert beta.a >= 0 and beta.b >= 0
    assert np.all(np.diff(beta(np.linspace(-4, 4, 30))) >= 0)


@pytest.fixture
def credit_csv(tmp_path):
    rng = np.random.default_rng(21)
    n = 700
    income = rng.normal(50, 15, n)
    region = rng.choice(["north", "south", "east"], n)
    logit = -1.5 - 0.06 * (income - 50) + (region == "south") * 1.2
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    path = tmp_path / "loans.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "income", "region", "bad"])
        for i in range(n):
            w.writerow([i, "" if i % 11 == 0 else f"{income[i]:.1f}", region[i], y[i]])
    return path


def evaluate(*args):
    out = io.StringIO()
    call_command("credit_evaluate", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_credit_evaluate_with_the_search_reproduces_fingerprints_and_metrics(credit_csv):
    args = (
        "--csv",
        str(credit_csv),
        "--target",
        "bad",
        "--drop",
        "id",
        "--monotone",
        "income=-1",
        "--folds",
        "3",
        "--seed",
        "2",
        "--search-candidates",
        "3",
    )
    first, second = evaluate(*args), evaluate(*args)
    assert "search of at most 3 settings" in first[0]
    assert sum("3 setting(s) tried" in line for line in first) == 3
    data = [line for line in first if line.startswith("data fingerprint ")]
    predictions = [line for line in first if line.startswith("predictions fingerprint ")]
    assert len(data) == 1 and len(predictions) == 1 and len(predictions[0].split()[-1]) == 64
    assert [line for line in first if not line.startswith("time ")] == [
        line for line in second if not line.startswith("time ")
    ]
    assert any(line.strip().startswith(("platt", "isotonic", "beta")) for line in first)
    # Switched off, the same data and seed give the same data fingerprint but other predictions.
    off = evaluate(*args, "--no-search")
    assert "no search" in off[0] and data[0] in off
    assert sum("1 setting(s) tried" in line for line in off) == 3
