"""The training pipeline: XGBoost with monotone constraints, early stopping, calibration, cross-validation.

Pure functions on numpy arrays, so the same code trains the platform's model from facts and
evaluates any labelled CSV (`manage.py credit_evaluate`).

Choices, and why:
- `binary:logistic` with the `hist` tree method and native missing values.
- Monotone constraints come from the feature declarations (+1: more of it never lowers risk).
- Every choice a fit makes — the number of rounds, the hyper-parameters, the calibrator — is made by an
  *inner* k-fold cross-validation of the rows it is given (`inner_folds`, stratified, and grouped by subject
  when groups are given, so a company seen at several dates never validates itself). The booster that is
  kept is then trained on all of those rows. `cross_validate` calls `fit` on each outer training fold, so
  the search is nested and the outer test fold never reaches it: the reported CV stays honest.
  (Before issue 11 a fit held out two fixed 15 % slices, not grouped: trees saw 70 % of the rows, early
  stopping one small slice, and on the simulation the slice shared subjects with the trees.)
- Early stopping: in every inner fold on that fold's held-out part (patience `early_stopping_rounds` on
  log loss); the final model gets the mean of the inner best rounds.
- Hyper-parameter search (`search`, on by default): at most `search_candidates` settings of depth,
  `min_child_weight` and L2 regularisation (SEARCH_GRID), the configured setting first, the best mean inner
  AUC wins (ties: the earlier one). Seeded and deterministic; `search_seconds` is a wall-clock safety cap
  that stops it after the candidate under way — the only thing that can make two runs differ, and the
  result says when it happened (`SearchResult.stopped_by_time`).
- Calibration is Platt scaling (a logistic regression on the booster's margin), fitted on the inner
  out-of-fold margins of the chosen setting. It has two parameters, so it is stable on the few hundred
  bad outcomes a young platform has; it is strictly increasing, so it keeps the ranking (AUC) and the
  monotone constraints intact; and its constant slope turns margin contributions into index points
  (`credit.grading.margin_to_index_points`). `cross_validate` also measures isotonic and beta calibration
  out of fold on the same margins (`CrossValidation.calibrators`); bench/README.md ("Public data") has
  the comparison that kept Platt.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import xgboost as xgb
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score, roc_curve
from sklearn.model_selection import KFold, StratifiedGroupKFold, StratifiedKFold

# The search space: depth (model size, so recompute time, grows with it), min_child_weight (the least
# hessian, ≈ rows × p(1-p), a leaf may hold) and L2 regularisation of the leaf weights. Depth 3 first: it
# is the default, and a time cap keeps the candidates already done.
SEARCH_GRID: tuple[dict, ...] = tuple(
    {"max_depth": d, "min_child_weight": w, "reg_lambda": lam}
    for d in (3, 2, 4)
    for w in (1.0, 5.0)
    for lam in (1.0, 10.0)
)
SEARCHED = ("max_depth", "min_child_weight", "reg_lambda")


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
    inner_folds: int = 3
    search: bool = True
    search_candidates: int = 12
    search_seconds: float = 300.0
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
    search: SearchResult | None = field(default=None, repr=False)  # only on a freshly trained model

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
    # Positions of each outer fold's test rows, in fold order.
    test_index: list[np.ndarray] = field(default_factory=list, repr=False)
    # Each calibrator fitted on the same inner out-of-fold margins, scored on the outer test folds:
    # {"platt"|"isotonic"|"beta": {"brier", "logloss", "brier_folds", "table"}}.
    calibrators: dict[str, dict] = field(default_factory=dict)
    # What the search in each outer training fold tried and chose (SearchResult.summary()).
    searches: list[dict] = field(default_factory=list)

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


# Below this many training rows a tree is built in microseconds, and a second OpenMP thread costs more
# than it saves: on a busy 2-core machine each parallel region waits for the other thread to be scheduled
# (50 rounds on the German credit data's 1,000 rows: 0.14 s on one thread, 1.4–16 s on two at load 5–9).
# The simulation's 27,000-row training folds took about 150 s per setting on two threads at load 18.
SINGLE_THREAD_BELOW = 50_000


def xgb_params(config: TrainingConfig, monotone: Sequence[int], rows: int | None = None) -> dict:
    """XGBoost's parameters for `config`; `rows` (the training rows) picks one thread for small data."""
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
        "nthread": 1 if rows is not None and rows < SINGLE_THREAD_BELOW else config.nthread,
        "verbosity": 0,
    }
    if any(monotone):
        params["monotone_constraints"] = "(" + ",".join(str(int(m)) for m in monotone) + ")"
    return params


def candidates(config: TrainingConfig) -> list[dict]:
    """The settings a fit tries: the configured one first, then SEARCH_GRID, at most `search_candidates`."""
    own = {name: getattr(config, name) for name in SEARCHED}
    if not config.search:
        return [own]
    rest = [c for c in SEARCH_GRID if c != own]
    return [own, *rest][: max(1, config.search_candidates)]


def inner_splits(
    y: np.ndarray, groups: np.ndarray | None, *, folds: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified (and grouped, with groups) k-fold positions of the rows a fit is given.

    With fewer rows of a class than folds, as many folds as the smaller class allows (at least 2; plain
    shuffled k-fold when a class has a single row).
    """
    y = np.asarray(y, dtype=int)
    smaller = int(np.bincount(y, minlength=2).min())
    k = max(2, min(folds, smaller))
    idx = np.zeros(len(y))
    if smaller < 2:
        return list(KFold(n_splits=k, shuffle=True, random_state=seed).split(idx))
    if groups is not None and len(np.unique(groups)) >= k:
        return list(StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed).split(idx, y, groups))
    return list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(idx, y))


@dataclass
class SearchResult:
    """What a fit's inner cross-validation tried and chose."""

    chosen: dict
    tried: list[dict]  # each: the setting, mean and std of inner AUC, mean best rounds
    stopped_by_time: bool
    seconds: float
    rows: int
    oof_margin: np.ndarray = field(repr=False)  # the chosen setting's inner out-of-fold margins

    def summary(self) -> dict:
        return {
            "chosen": self.chosen,
            "tried": self.tried,
            "stopped_by_time": self.stopped_by_time,
            "seconds": round(self.seconds, 3),
            "rows": self.rows,
        }


def _safe_auc(y: np.ndarray, score: np.ndarray) -> float:
    return float(roc_auc_score(y, score)) if len(np.unique(y)) == 2 else math.nan


def search(
    X: np.ndarray,
    y: np.ndarray,
    *,
    config: TrainingConfig,
    feature_names: list[str],
    monotone: Sequence[int],
    feature_types: list[str] | None = None,
    groups: np.ndarray | None = None,
) -> SearchResult:
    """Inner k-fold CV of each candidate setting on these rows only; early stopping on each inner fold."""
    started = time.monotonic()
    y = np.asarray(y, dtype=float)
    splits = inner_splits(y, groups, folds=config.inner_folds, seed=config.seed + 1)
    mats = [
        (
            make_dmatrix(X[tr], y=y[tr], feature_names=feature_names, feature_types=feature_types),
            make_dmatrix(X[va], y=y[va], feature_names=feature_names, feature_types=feature_types),
            va,
        )
        for tr, va in splits
    ]
    tried, best, best_margin, stopped = [], None, None, False
    for n, setting in enumerate(candidates(config)):
        if n and time.monotonic() - started > config.search_seconds:
            stopped = True
            break
        params = xgb_params(replace(config, **setting), monotone, rows=len(y))
        margin = np.full(len(y), np.nan)
        aucs, rounds = [], []
        for dtrain, dvalid, va in mats:
            booster = xgb.train(
                params,
                dtrain,
                num_boost_round=config.max_rounds,
                evals=[(dvalid, "valid")],
                early_stopping_rounds=config.early_stopping_rounds,
                verbose_eval=False,
            )
            r = int(booster.best_iteration) + 1
            margin[va] = booster.predict(dvalid, output_margin=True, iteration_range=(0, r))
            aucs.append(_safe_auc(y[va], margin[va]))
            rounds.append(r)
        auc = float(np.nanmean(aucs)) if not np.all(np.isnan(aucs)) else math.nan
        row = {
            **setting,
            "auc": auc,
            "auc_std": float(np.nanstd(aucs)) if len(aucs) > 1 else 0.0,
            "rounds": max(1, int(round(float(np.mean(rounds))))),
        }
        tried.append(row)
        if best is None or (not math.isnan(auc) and (math.isnan(best["auc"]) or auc > best["auc"])):
            best, best_margin = row, margin
    chosen = {name: best[name] for name in SEARCHED} | {"rounds": best["rounds"]}
    return SearchResult(chosen, tried, stopped, time.monotonic() - started, len(y), best_margin)


def fit(
    X: np.ndarray,
    y: np.ndarray,
    *,
    config: TrainingConfig,
    feature_names: list[str],
    monotone: Sequence[int],
    feature_types: list[str] | None = None,
    groups: np.ndarray | None = None,
) -> FittedModel:
    """Train one calibrated model on these rows.

    The inner CV (`search`) chooses the setting and the number of rounds; the booster is then trained on
    every row with them, and Platt scaling is fitted on the chosen setting's inner out-of-fold margins.
    """
    y = np.asarray(y, dtype=float)
    result = search(
        X,
        y,
        config=config,
        feature_names=feature_names,
        monotone=monotone,
        feature_types=feature_types,
        groups=groups,
    )
    setting = {name: result.chosen[name] for name in SEARCHED}
    rounds = result.chosen["rounds"]
    dtrain = make_dmatrix(X, y=y, feature_names=feature_names, feature_types=feature_types)
    params = xgb_params(replace(config, **setting), monotone, rows=len(y))
    booster = xgb.train(params, dtrain, num_boost_round=rounds)
    calibrator = PlattCalibrator.fit(result.oof_margin, y)
    return FittedModel(
        booster, calibrator, feature_names, feature_types, tuple(monotone), rounds, search=result
    )


def _log_s(margin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ln(s) and ln(1 - s) for s = sigmoid(margin), without overflow."""
    m = np.asarray(margin, dtype=float)
    return -np.logaddexp(0.0, -m), -np.logaddexp(0.0, m)


@dataclass(frozen=True)
class BetaCalibrator:
    """Beta calibration (Kull et al., 2017) on s = sigmoid(margin): logit p = a·ln s − b·ln(1 − s) + c."""

    a: float
    b: float
    c: float

    @classmethod
    def fit(cls, margin: np.ndarray, y: np.ndarray) -> BetaCalibrator:
        if len(np.unique(y)) < 2:
            return cls(1.0, 1.0, 0.0)
        ls, l1s = _log_s(margin)
        features = np.column_stack([ls, -l1s])
        model = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000).fit(features, y)
        a, b = (float(v) for v in model.coef_[0])
        # A negative coefficient would make it non-monotone: refit without that term (the paper's rule).
        if a < 0 or b < 0:
            keep = 1 if a < 0 else 0
            model = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000).fit(features[:, [keep]], y)
            coef = max(float(model.coef_[0][0]), 0.0)
            a, b = (0.0, coef) if keep == 1 else (coef, 0.0)
        return cls(a, b, float(model.intercept_[0]))

    def __call__(self, margin: np.ndarray) -> np.ndarray:
        ls, l1s = _log_s(margin)
        return 1.0 / (1.0 + np.exp(-(self.a * ls - self.b * l1s + self.c)))


class IsotonicCalibrator:
    """Isotonic regression of the outcome on the margin (a non-decreasing step function)."""

    def __init__(self, margin: np.ndarray, y: np.ndarray):
        self.model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(margin, y)

    def __call__(self, margin: np.ndarray) -> np.ndarray:
        return self.model.predict(np.asarray(margin, dtype=float))


CALIBRATORS: dict[str, Callable] = {
    "platt": PlattCalibrator.fit,
    "isotonic": IsotonicCalibrator,
    "beta": BetaCalibrator.fit,
}


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
        splitter = StratifiedGroupKFold(n_splits=config.folds, shuffle=True, random_state=config.seed)
        splits = splitter.split(X, y, groups)
    else:
        splits = StratifiedKFold(n_splits=config.folds, shuffle=True, random_state=config.seed).split(X, y)
    oof = np.full(len(y), np.nan)
    alternatives = {name: np.full(len(y), np.nan) for name in CALIBRATORS}
    results, test_index, searches = [], [], []
    fold_brier = {name: [] for name in CALIBRATORS}
    for k, (train, test) in enumerate(splits, start=1):
        model = fit(
            X[train],
            y[train],
            config=config,
            feature_names=feature_names,
            monotone=monotone,
            feature_types=feature_types,
            groups=None if groups is None else np.asarray(groups)[train],
        )
        margin = model.margin(X[test])
        p = model.proba_from_margin(margin)
        oof[test] = p
        for name, make in CALIBRATORS.items():
            alternatives[name][test] = make(model.search.oof_margin, y[train])(margin)
            fold_brier[name].append(float(brier_score_loss(y[test], alternatives[name][test])))
        m = metrics(y[test], p)
        results.append(
            FoldResult(k, m["auc"], m["ks"], m["brier"], model.best_rounds, len(test), int(y[test].sum()))
        )
        test_index.append(np.asarray(test))
        searches.append(model.search.summary())
        if progress:
            chosen = model.search.chosen
            progress(
                f"fold {k}/{config.folds}: AUC {m['auc']:.4f} KS {m['ks']:.4f} Brier {m['brier']:.4f} "
                f"rounds {model.best_rounds} (depth {chosen['max_depth']}, min_child_weight "
                f"{chosen['min_child_weight']:g}, lambda {chosen['reg_lambda']:g}; "
                f"{len(model.search.tried)} setting(s) tried"
                f"{', stopped by the time cap' if model.search.stopped_by_time else ''})"
            )
    calibrators = {
        name: {
            "brier": float(brier_score_loss(y, q)),
            "logloss": float(log_loss(y, np.clip(q, 1e-6, 1 - 1e-6))),
            "brier_folds": fold_brier[name],
            "table": calibration_table(y, q),
        }
        for name, q in alternatives.items()
    }
    return CrossValidation(results, oof, calibration_table(y, oof), test_index, calibrators, searches)


def predictions_fingerprint(cv: CrossValidation) -> str:
    """SHA-256 of the out-of-fold probabilities: equal for two runs only if every fold's model is."""
    return hashlib.sha256(np.ascontiguousarray(cv.oof_probability, dtype=np.float64).tobytes()).hexdigest()


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
