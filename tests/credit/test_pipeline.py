"""The training pipeline on synthetic data with a known structure."""

import numpy as np
import pytest

from credit.pipeline import (
    PlattCalibrator,
    TrainingConfig,
    cross_validate,
    data_fingerprint,
    fit,
    ks_statistic,
    model_fingerprint,
)


def synthetic(n=2000, seed=3):
    rng = np.random.default_rng(seed)
    late = rng.poisson(1.5, n).astype(float)  # more late payments: more risk
    years = rng.uniform(0, 20, n)  # older companies: less risk
    noise = rng.normal(size=n)
    years[rng.uniform(size=n) < 0.1] = np.nan  # missing stays missing
    logit = -2.5 + 0.8 * late - 0.12 * np.nan_to_num(years, nan=5) + 0.2 * noise
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    return np.column_stack([late, years, noise]), y


NAMES = ["late_payments", "years", "noise"]
MONOTONE = (1, -1, 0)
CONFIG = TrainingConfig(seed=7, folds=3, max_rounds=300)


@pytest.fixture(scope="module")
def model():
    X, y = synthetic()
    return fit(X, y, config=CONFIG, feature_names=NAMES, monotone=MONOTONE), X


def test_monotone_in_each_declared_feature(model):
    m, X = model
    base = X[:300].copy()
    p0 = m.predict_proba(base)
    more_late = base.copy()
    more_late[:, 0] += 2
    assert np.all(m.predict_proba(more_late) >= p0 - 1e-9)
    older = base.copy()
    older[:, 1] = np.nan_to_num(older[:, 1], nan=0) + 5
    older_base = base.copy()
    older_base[:, 1] = np.nan_to_num(older_base[:, 1], nan=0)
    assert np.all(m.predict_proba(older) <= m.predict_proba(older_base) + 1e-9)


def test_contributions_add_up_to_the_margin(model):
    m, X = model
    contribs = m.contributions(X[:200])
    assert contribs.shape == (200, len(NAMES) + 1)
    np.testing.assert_allclose(contribs.sum(axis=1), m.margin(X[:200]), rtol=1e-4, atol=1e-4)


def test_same_data_and_seed_give_the_same_model():
    X, y = synthetic(800)
    a = fit(X, y, config=CONFIG, feature_names=NAMES, monotone=MONOTONE)
    b = fit(X, y, config=CONFIG, feature_names=NAMES, monotone=MONOTONE)
    assert model_fingerprint(a) == model_fingerprint(b)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert data_fingerprint(X, y, NAMES) == data_fingerprint(X.copy(), y.copy(), NAMES)


def test_artifact_round_trips_without_pickle(model):
    m, X = model
    raw = m.artifact()
    assert raw[:1] == b"{"  # UBJSON object, XGBoost's own format
    again = type(m).from_artifact(
        raw,
        calibrator=m.calibrator,
        feature_names=NAMES,
        feature_types=None,
        monotone=MONOTONE,
        best_rounds=m.best_rounds,
    )
    np.testing.assert_allclose(again.predict_proba(X[:50]), m.predict_proba(X[:50]), rtol=1e-6)


def test_cross_validation_finds_the_signal_and_is_calibrated():
    X, y = synthetic(3000)
    cv = cross_validate(X, y, config=CONFIG, feature_names=NAMES, monotone=MONOTONE)
    s = cv.summary()
    assert s["auc"]["mean"] > 0.75 and s["ks"]["mean"] > 0.35
    assert len(cv.folds) == 3 and all(f.rounds >= 1 for f in cv.folds)
    # Out-of-fold predictions are close to observed rates, bin by bin.
    for row in cv.calibration:
        assert abs(row["predicted"] - row["observed"]) < 0.08
    assert cv.summary_line().startswith("AUC ")


def test_group_folds_keep_a_subject_in_one_fold():
    X, y = synthetic(900)
    groups = np.repeat(np.arange(300), 3)
    cv = cross_validate(X, y, config=CONFIG, feature_names=NAMES, monotone=MONOTONE, groups=groups)
    assert sum(f.test_size for f in cv.folds) == 900


def test_too_few_bad_rows_is_a_clear_error():
    X, y = synthetic(100)
    y[:] = 0
    y[:2] = 1
    with pytest.raises(ValueError, match="at least 3 rows"):
        cross_validate(X, y, config=CONFIG, feature_names=NAMES, monotone=MONOTONE)


def test_ks_and_platt():
    y = np.array([0, 0, 1, 1])
    assert ks_statistic(y, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    cal = PlattCalibrator.fit(np.array([-2.0, -1.0, 1.0, 2.0, 0.5, -0.5]), np.array([0, 0, 1, 1, 0, 1]))
    assert cal.a > 0
    assert np.all(np.diff(cal(np.linspace(-3, 3, 20))) > 0)
