"""The expert scorecard: the champion until the platform has enough outcomes to train a model.

Each feature earns points in log-odds of default: positive points raise risk, negative lower it.
A missing value earns the rule's `missing` points, booked on the feature's missing indicator
(`credit.features.encode`), and those are never fewer than the points of the feature's median
observed value (tests/credit/test_missing_data.py): no evidence never earns more than typical
evidence. The score of a company is

    log-odds of default = BASE + sum of the points of its features,

so a scorecard answers through the same interface as a trained model — a margin, a probability,
and per-feature contributions that add up to the margin — and the index, subscores and reasons
are computed the same way for both.

The points are an analyst's judgement, written down here so anyone can read and challenge them.
BASE puts a company with no evidence either way at a 4 % probability of default (index ≈ 582, B).

Training takes over once the facts hold `MIN_BAD_OUTCOMES` serious delinquencies and
`MIN_TRAINING_ROWS` labelled rows (see `credit.training`): fewer bad outcomes than that make
cross-validated metrics too noisy to choose a model by.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from credit.features import MISSING_SUFFIX

BASE = math.log(0.04 / 0.96)


@dataclass(frozen=True)
class Rule:
    """Points by bins: `bins` holds (upper bound, exclusive; points); the last bound may be inf."""

    feature: str
    bins: tuple[tuple[float, float], ...]
    # Points when the feature is missing: at least those of a typical (median) observed value.
    missing: float = 0.0

    def points(self, values: np.ndarray) -> np.ndarray:
        uppers = np.array([b for b, _ in self.bins])
        pts = np.array([p for _, p in self.bins])
        idx = np.searchsorted(uppers, values, side="right")
        idx = np.clip(idx, 0, len(pts) - 1)
        return np.where(np.isnan(values), self.missing, pts[idx])


INF = math.inf

RULES: tuple[Rule, ...] = (
    # identity and compliance
    Rule("years_in_business", ((2, 0.6), (5, 0.3), (10, 0.0), (INF, -0.4)), missing=0.4),
    Rule("registry_status", ((1, -0.2), (2, 1.2), (INF, 3.0)), missing=0.3),
    Rule("sanctions_hits", ((1, 0.0), (INF, 4.0))),
    Rule("judgments_against_36m", ((1, 0.0), (2, 0.8), (INF, 1.5))),
    Rule("chamber_member", ((1, 0.1), (INF, -0.2)), missing=0.1),
    Rule("identity_verified", ((1, 0.4), (INF, -0.3)), missing=0.5),
    Rule("certificates_current", ((1, 0.0), (INF, -0.1))),
    # trade performance
    Rule("deals_completed_12m", ((1, 0.2), (5, 0.0), (INF, -0.3)), missing=0.2),
    Rule("on_time_payment_ratio", ((0.7, 1.2), (0.9, 0.5), (0.97, 0.0), (INF, -0.4)), missing=0.3),
    Rule("worst_days_late_24m", ((15, 0.0), (30, 0.3), (60, 0.8), (90, 1.4), (INF, 2.2)), missing=0.1),
    Rule("disputes_lost_36m", ((1, 0.0), (2, 0.7), (INF, 1.2))),
    Rule("cancellations_12m", ((3, 0.0), (INF, 0.5))),
    Rule("years_on_platform", ((1, 0.2), (3, 0.0), (INF, -0.2)), missing=0.2),
    # financial strength (bank rating: 1 = AAA … 10 = D)
    Rule("bank_rating", ((4, -0.6), (6, -0.2), (8, 0.4), (INF, 1.5)), missing=0.2),
    Rule("registered_capital_usd", ((100_000, 0.3), (5_000_000, 0.0), (INF, -0.3)), missing=0.3),
    # insurance
    Rule("insured_limit_usd", ((1, 0.2), (INF, -0.3)), missing=0.2),
    Rule("insured_limit_use", ((1, 0.0), (INF, 0.6))),
    Rule("claims_24m", ((1, 0.0), (INF, 1.2))),
    # participation and reputation
    Rule("fairs_exhibited_3y", ((2, 0.0), (INF, -0.3))),
    Rule("meetings_kept_ratio", ((0.7, 0.4), (INF, 0.0)), missing=0.1),
)


@dataclass
class Scorecard:
    """The expert scorecard over a list of feature names (features without a rule earn nothing)."""

    feature_names: list[str]
    rules: tuple[Rule, ...] = RULES
    base: float = BASE
    best_rounds: int = 0

    @property
    def calibration_slope(self) -> float:
        return 1.0

    def contributions(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        out = np.zeros((X.shape[0], len(self.feature_names) + 1))
        for rule in self.rules:
            if rule.feature in self.feature_names:
                j = self.feature_names.index(rule.feature)
                out[:, j] = rule.points(X[:, j])
                indicator = rule.feature + MISSING_SUFFIX
                if indicator in self.feature_names:
                    # Missing: the rule's missing points, on the indicator (the stand-in value earns none).
                    k = self.feature_names.index(indicator)
                    missing = X[:, k] > 0
                    out[:, j] = np.where(missing, 0.0, out[:, j])
                    out[:, k] = np.where(missing, rule.missing, 0.0)
        out[:, -1] = self.base
        return out

    def margin(self, X: np.ndarray) -> np.ndarray:
        return self.contributions(X).sum(axis=1)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return self.proba_from_margin(self.margin(X))

    def proba_from_margin(self, margin: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.asarray(margin, dtype=float)))

    def describe(self) -> list[dict]:
        """The rules as JSON: each bin is [upper bound or null for no bound, points]."""
        return [
            {
                "feature": r.feature,
                "bins": [[None if math.isinf(upper) else upper, points] for upper, points in r.bins],
                "missing": r.missing,
            }
            for r in self.rules
        ]
