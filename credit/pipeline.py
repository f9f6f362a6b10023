"""The training pipeline: XGBoost with monotone constraints, early stopping, calibration, cross-validation.

Pure functions on numpy arrays, so the same code trains the platform's model from facts and
evaluates any labelled CSV (`manage.py credit_evaluate`).

Choices, and why:
- `binary:logistic` with the `hist` tree method and native missing values: missing data stays
  missing, XGBoost learns which way it goes at each split.
- Monotone constraints come from the feature declarations (+1: more of it never lowers risk).
- Early stopping chooses the number of rounds on a held-out slice of each *training* fold, never on
  the fold it is scored on.
- Calibration is Platt scaling (a logistic regression on the booster's margin), fitted on a second
  held-out slice of the training data. It has two parameters, so it is stable on the few hundred
  bad outcomes a young platform has (isotonic regression needs far more and is a step function),
  and it is strictly increasing, so it keeps the ranking (AUC) and the monotone constraints intact.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import xgboost as xgb
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score, roc_curve
from sklearn.model_selection import StratifiedKFold, train_test_split


@dataclass(frozen=True)
class TrainingConfig:
    """Hyper-parameters of one training run; stored with every model version."""

    seed: int = 0
    folds: int = 5
    # Depth 3 at 0.1 is as accurate on the simulation as depth 4 at 0.05 (grouped 5-fold AUC 0.7631
    # against 0.7630) with 8× cheaper exact contributions, which every assessment computes
    # (bench/credit_model_size.py; bench/README.md, "Model size").
    learning_rate: float = 0.1
    max_depth: int = 3
    min_child_weight: float = 2.0
    subsample: float = 0.8
    colsample_bytree: float = 0.8
    reg_lambda: float = 1.0
    max_rounds: int = 2000
    early_stopping_rounds: int = 50
    early_stopping_fraction: float = 0.15
    calibration_fraction: float = 0.15
    nthread: int = 2

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class PlattCalibrator:
    """p = 1 / (1 + exp(-(a * margin + b)))."""

    a: float
    b: float

    @classmethod
    def fit(cls, margin: np.ndarray, y: np.ndarray) -> PlattCalibrator:
        if len(np.unique(y)) < 2:
            return cls(a=1.0, b=0.0)
        model = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000)
        model.fit(margin.reshape(-1, 1), y)
        a = float(model.coef_[0][0])
        # A negative slope would reverse the ranking; a model that bad is better left uncalibrated.
        return cls(a=a, b=float(model.intercept_[0])) if a > 0 else cls(a=1.0, b=0.0)

    def __call__(self, margin: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.a * np.asarray(margin, dtype=float) + self.b)))


@dataclass
class FittedModel:
    """A trained booster with its calibrator: everything needed to score."""

    booster: xgb.Booster
    calibrator: PlattCalibrator
    feature_names: list[str]
    feature_types: list[str] | None
    monotone: tuple[int, ...]
    best_rounds: int

    def dmatrix(self, X: np.ndarray) -> xgb.DMatrix:
        return make_dmatrix(X, feature_names=self.feature_names, feature_types=self.feature_types)

    def margin(self, X: np.ndarray) -> np.ndarray:
        return self.booster.predict(self.dmatrix(X), output_margin=True)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return self.calibrator(self.margin(X))

    def proba_from_margin(self, margin: np.ndarray) -> np.ndarray:
        return self.calibrator(margin)

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Per-feature contributions to the margin (SHAP values); the last column is the bias.

        Each row sums to the booster's margin for that row.
        """
        return self.booster.predict(self.dmatrix(X), pred_contribs=True)

    def artifact(self) -> bytes:
        """The booster in XGBoost's own UBJSON format: portable, versioned, never pickle."""
        return bytes(self.booster.save_raw(raw_format="ubj"))

    @classmethod
    def from_artifact(
        cls,
        raw: bytes,
        *,
        calibrator: PlattCalibrator,
        feature_names: list[str],
        feature_types: list[str] | None,
        monotone: Sequence[int],
        best_rounds: int,
    ) -> FittedModel:
        booster = xgb.Booster()
        booster.load_model(bytearray(raw))
        booster.set_param({"nthread": 2})
        return cls(booster, calibrator, list(feature_names), feature_types, tuple(monotone), best_rounds)


@dataclass
class FoldResult:
    fold: int
    auc: float
    ks: float
    brier: float
    rounds: int
    test_size: int
    test_bad: int


@dataclass
class CrossValidation:
    folds: list[FoldResult]
    oof_probability: np.ndarray = field(repr=False)
    calibration: list[dict]

    def summary(self) -> dict[str, dict[str, float]]:
        out = {}
        for metric in ("auc", "ks", "brier"):
            values = np.array([getattr(f, metric) for f in self.folds], dtype=float)
            out[metric] = {
                "mean": float(values.mean()),
                "std": float(values.std(ddof=1) if len(values) > 1 else 0.0),
            }
        return out

    def summary_line(self) -> str:
        s = self.summary()
        return (
            f"AUC {s['auc']['mean']:.4f}±{s['auc']['std']:.4f} "
            f"KS {s['ks']['mean']:.4f}±{s['ks']['std']:.4f} "
            f"Brier {s['brier']['mean']:.4f}±{s['brier']['std']:.4f}"
        )


def make_dmatrix(
    X: np.ndarray, *, y: np.ndarray | None = None, feature_names: list[str], feature_types: list[str] | None
) -> xgb.DMatrix:
    categorical = bool(feature_types and "c" in feature_types)
    return xgb.DMatrix(
        np.asarray(X, dtype=np.float32),
        label=y,
        missing=np.nan,
        feature_names=feature_names,
        feature_types=feature_types,
        enable_categorical=categorical,
        # Threads cost more than they save on a handful of rows (single-company recomputes).
        nthread=1 if len(X) < 1000 else 2,
    )


def xgb_params(config: TrainingConfig, monotone: Sequence[int]) -> dict:
    params = {
        "objective": "binary:logistic",
        "tree_method": "hist",
        "eval_metric": "logloss",
        "eta": config.learning_rate,
        "max_depth": config.max_depth,
        "min_child_weight": config.min_child_weight,
        "subsample": config.subsample,
        "colsample_bytree": config.colsample_bytree,
        "lambda": config.reg_lambda,
        "seed": config.seed,
        "nthread": config.nthread,
        "verbosity": 0,
    }
    if any(monotone):
        params["monotone_constraints"] = "(" + ",".join(str(int(m)) for m in monotone) + ")"
    return params


def _split(idx: np.ndarray, y: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified split when both classes have at least two rows, plain otherwise."""
    stratify = y[idx] if np.bincount(y[idx].astype(int), minlength=2).min() >= 2 else None
    return train_test_split(idx, test_size=fraction, random_state=seed, stratify=stratify)


def fit(
    X: np.ndarray,
    y: np.ndarray,
    *,
    config: TrainingConfig,
    feature_names: list[str],
    monotone: Sequence[int],
    feature_types: list[str] | None = None,
) -> FittedModel:
    """Train one calibrated model: rounds by early stopping on one held-out slice, Platt on another."""
    y = np.asarray(y, dtype=float)
    idx = np.arange(len(y))
    rest, calib = _split(idx, y, config.calibration_fraction, config.seed)
    train, stop = _split(
        rest, y, config.early_stopping_fraction / (1 - config.calibration_fraction), config.seed + 1
    )
    dtrain = make_dmatrix(X[train], y=y[train], feature_names=feature_names, feature_types=feature_types)
    dstop = make_dmatrix(X[stop], y=y[stop], feature_names=feature_names, feature_types=feature_types)
    booster = xgb.train(
        xgb_params(config, monotone),
        dtrain,
        num_boost_round=config.max_rounds,
        evals=[(dstop, "stop")],
        early_stopping_rounds=config.early_stopping_rounds,
        verbose_eval=False,
    )
    best = int(booster.best_iteration) + 1
    booster = booster[:best]
    model = FittedModel(
        booster, PlattCalibrator(1.0, 0.0), feature_names, feature_types, tuple(monotone), best
    )
    model.calibrator = PlattCalibrator.fit(model.margin(X[calib]), y[calib])
    return model


def ks_statistic(y: np.ndarray, p: np.ndarray) -> float:
    """Kolmogorov–Smirnov: the widest gap between the score distributions of bad and good."""
    fpr, tpr, _ = roc_curve(y, p)
    return float(np.max(tpr - fpr))


def metrics(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    if len(np.unique(y)) < 2:
        return {"auc": math.nan, "ks": math.nan, "brier": float(brier_score_loss(y, p))}
    return {
        "auc": float(roc_auc_score(y, p)),
        "ks": ks_statistic(y, p),
        "brier": float(brier_score_loss(y, p)),
    }


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict]:
    """Predicted against observed bad rates in equal-count bins of the predicted probability."""
    order = np.argsort(p, kind="stable")
    rows = []
    for i, chunk in enumerate(np.array_split(order, bins)):
        if len(chunk) == 0:
            continue
        rows.append(
            {
                "bin": i + 1,
                "count": len(chunk),
                "predicted": float(p[chunk].mean()),
                "observed": float(y[chunk].mean()),
                "p_min": float(p[chunk].min()),
                "p_max": float(p[chunk].max()),
            }
        )
    return rows


def cross_validate(
    X: np.ndarray,
    y: np.ndarray,
    *,
    config: TrainingConfig,
    feature_names: list[str],
    monotone: Sequence[int],
    feature_types: list[str] | None = None,
    groups: np.ndarray | None = None,
    progress: Callable[[str], None] | None = None,
) -> CrossValidation:
    """K-fold cross-validation of the whole fit (early stopping and calibration inside each fold).

    With `groups` (e.g. the subject of each row), all rows of a group stay in one fold, so a company
    seen at several as-of dates never trains and tests the same model.
    """
    y = np.asarray(y, dtype=int)
    if np.bincount(y, minlength=2).min() < config.folds:
        raise ValueError(
            f"Each class needs at least {config.folds} rows for {config.folds}-fold cross-validation."
        )
    if groups is not None:
        from sklearn.model_selection import StratifiedGroupKFold

        splitter = StratifiedGroupKFold(n_splits=config.folds, shuffle=True, random_state=config.seed)
        splits = splitter.split(X, y, groups)
    else:
        splits = StratifiedKFold(n_splits=config.folds, shuffle=True, random_state=config.seed).split(X, y)
    oof = np.full(len(y), np.nan)
    results = []
    for k, (train, test) in enumerate(splits, start=1):
        model = fit(
            X[train],
            y[train],
            config=config,
            feature_names=feature_names,
            monotone=monotone,
            feature_types=feature_types,
        )
        p = model.predict_proba(X[test])
        oof[test] = p
        m = metrics(y[test], p)
        results.append(
            FoldResult(k, m["auc"], m["ks"], m["brier"], model.best_rounds, len(test), int(y[test].sum()))
        )
        if progress:
            progress(
                f"fold {k}/{config.folds}: AUC {m['auc']:.4f} KS {m['ks']:.4f} Brier {m['brier']:.4f} rounds {model.best_rounds}"
            )
    return CrossValidation(results, oof, calibration_table(y, oof))


def data_fingerprint(X: np.ndarray, y: np.ndarray, feature_names: Sequence[str]) -> str:
    """SHA-256 of the training data exactly as the model saw it."""
    h = hashlib.sha256()
    h.update("\x1f".join(feature_names).encode())
    h.update(np.ascontiguousarray(np.asarray(X, dtype=np.float32)).tobytes())
    h.update(np.ascontiguousarray(np.asarray(y, dtype=np.int8)).tobytes())
    return h.hexdigest()


def model_fingerprint(model: FittedModel) -> str:
    h = hashlib.sha256(model.artifact())
    h.update(f"{model.calibrator.a:.12g},{model.calibrator.b:.12g}".encode())
    return h.hexdigest()
