"""Point-in-time training rows from the facts, and the training run that becomes a model version.

Rows: for several as-of dates T (every quarter), each subject's features as of T — from facts known
by T only — and its outcome in the 12 months after T (`credit.outcomes`). Subjects already bad at T,
and subjects with no evidence at all at T, are left out. Cross-validation keeps every row of a
subject in one fold (a company seen at several dates never trains and tests the same model), and
so do the inner folds of each fit's hyper-parameter search and early stopping (`credit.pipeline.fit`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from django.db.models import Min
from django.utils import timezone

from credit import outcomes
from credit.features import FEATURE_NAMES, build_feature_matrix, monotone_constraints
from credit.models import Fact
from credit.pipeline import (
    SEARCHED,
    CrossValidation,
    FittedModel,
    TrainingConfig,
    cross_validate,
    data_fingerprint,
    fit,
)

# Below these, cross-validated metrics are too noisy to choose a model by: the scorecard serves.
MIN_BAD_OUTCOMES = 50
MIN_TRAINING_ROWS = 500
SNAPSHOT_STEP_DAYS = 91
WARM_UP_DAYS = 180  # features need some history before the first snapshot


class NotEnoughOutcomes(Exception):
    """The facts do not yet hold enough labelled outcomes to train; the scorecard stays champion."""


@dataclass
class TrainingSet:
    X: np.ndarray
    y: np.ndarray
    subject_ids: np.ndarray
    as_of: np.ndarray  # ordinal day of each row's as-of date
    feature_names: list[str]
    window: tuple[dt.date, dt.date]

    @property
    def n_bad(self) -> int:
        return int(self.y.sum())


@dataclass
class TrainingRun:
    model: FittedModel
    cv: CrossValidation
    data: TrainingSet
    config: TrainingConfig
    fingerprint: str


def snapshot_dates(*, now: dt.datetime | None = None) -> list[dt.date]:
    """Quarterly as-of dates from the first facts (plus a warm-up) to 12 months before now."""
    now = now or timezone.now()
    first = Fact.objects.aggregate(first=Min("known_at"))["first"]
    if first is None:
        return []
    start = (first + dt.timedelta(days=WARM_UP_DAYS)).date()
    end = (now - outcomes.HORIZON).date()
    dates = []
    day = end
    while day >= start:
        dates.append(day)
        day -= dt.timedelta(days=SNAPSHOT_STEP_DAYS)
    return sorted(dates)


def build_training_set(
    *, dates: list[dt.date] | None = None, progress: Callable[[str], None] | None = None
) -> TrainingSet:
    dates = dates if dates is not None else snapshot_dates()
    first = outcomes.first_outcomes()
    blocks_X, blocks_y, blocks_ids, blocks_t = [], [], [], []
    for k, day in enumerate(dates, start=1):
        matrix = build_feature_matrix(as_of=day)
        keep, y = outcomes.labels(matrix.subject_ids, as_of=matrix.as_of, first=first)
        keep &= ~np.all(np.isnan(matrix.raw), axis=1)  # no evidence at all: nothing to learn from
        blocks_X.append(matrix.values[keep])
        blocks_y.append(y[keep])
        blocks_ids.append(matrix.subject_ids[keep])
        blocks_t.append(np.full(int(keep.sum()), day.toordinal()))
        if progress:
            progress(f"as of {day}: {int(keep.sum())} rows, {int(y[keep].sum())} bad ({k}/{len(dates)})")
    if not blocks_X:
        empty = np.empty((0, len(FEATURE_NAMES)))
        return TrainingSet(
            empty, np.empty(0, int), np.empty(0, int), np.empty(0, int), list(FEATURE_NAMES), (None, None)
        )
    return TrainingSet(
        np.vstack(blocks_X),
        np.concatenate(blocks_y),
        np.concatenate(blocks_ids),
        np.concatenate(blocks_t),
        list(FEATURE_NAMES),
        (dates[0], dates[-1]),
    )


def train(
    *,
    config: TrainingConfig | None = None,
    data: TrainingSet | None = None,
    progress: Callable[[str], None] | None = None,
    min_bad: int = MIN_BAD_OUTCOMES,
    min_rows: int = MIN_TRAINING_ROWS,
) -> TrainingRun:
    """Cross-validate, then fit the final model on every row. Raises NotEnoughOutcomes below the threshold."""
    config = config or TrainingConfig()
    data = data if data is not None else build_training_set(progress=progress)
    if data.n_bad < min_bad or len(data.y) < min_rows:
        raise NotEnoughOutcomes(
            f"{len(data.y)} labelled rows with {data.n_bad} serious delinquencies; training needs at least "
            f"{min_rows} rows and {min_bad} delinquencies. The expert scorecard stays in service."
        )
    monotone = monotone_constraints()
    cv = cross_validate(
        data.X,
        data.y,
        config=config,
        feature_names=data.feature_names,
        monotone=monotone,
        groups=data.subject_ids,
        progress=progress,
    )
    if progress:
        progress(f"cross-validated: {cv.summary_line()}; fitting the final model on {len(data.y)} rows")
    model = fit(
        data.X,
        data.y,
        config=config,
        feature_names=data.feature_names,
        monotone=monotone,
        groups=data.subject_ids,
    )
    # The stored parameters are those of the stored booster: the search's choice on all the rows.
    chosen = {name: model.search.chosen[name] for name in SEARCHED}
    if progress:
        progress(
            f"final model: {model.best_rounds} rounds, "
            + ", ".join(f"{k} {v:g}" for k, v in chosen.items())
            + f" ({len(model.search.tried)} setting(s) tried in {model.search.seconds:.1f} s)"
        )
    return TrainingRun(
        model, cv, data, replace(config, **chosen), data_fingerprint(data.X, data.y, data.feature_names)
    )
