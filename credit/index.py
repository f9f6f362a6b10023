"""The credit index: score subjects with the champion, store assessments, answer `current(subject)`.

Public API for the marketplace: `current(subject)` → the latest `Assessment` (index 0–1000, grade,
probability of default, five subscores, reasons, model version), scoring the subject first if it
has never been scored.

Subscores explain *this* index: a dimension's subscore comes from the sum of the model's own
per-feature contributions (`pred_contribs` for XGBoost, the points for the scorecard) over the
dimension's features, in log-odds of default: 50 is neutral (the dimension neither raises nor
lowers risk against the model's base), towards 100 it lowers risk, towards 0 it raises it:

    subscore = 100 · sigmoid(−1.5 · contribution)

Reasons are the features whose contributions moved the index most, each converted to index points.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

from credit import reasons
from credit.charts import index_history_svg
from credit.features import FEATURES_BY_NAME, build_feature_matrix, dimension_name
from credit.grading import grade_codes, grade_for, margin_to_index_points, pd_to_index
from credit.models import Assessment, ModelVersion
from credit.pipeline import FittedModel, PlattCalibrator
from credit.registry import champion
from credit.scorecard import Scorecard

DIMENSIONS = (
    "identity_compliance",
    "trade_performance",
    "financial_strength",
    "insurance",
    "participation_reputation",
)
SUBSCORE_SCALE = 1.5
REASONS_EACH_WAY = 3
MIN_REASON_POINTS = 1.0
BATCH = 20_000


_scorers: dict[int, FittedModel | Scorecard] = {}
_scorers_lock = threading.Lock()


def scorer_for(version: ModelVersion) -> FittedModel | Scorecard:
    """The loaded model of a version, kept per process (versions never change once stored)."""
    with _scorers_lock:
        cached = _scorers.get(version.pk)
        if cached is None:
            if version.kind == ModelVersion.Kind.SCORECARD:
                cached = Scorecard(list(version.feature_names))
            else:
                cached = FittedModel.from_artifact(
                    bytes(version.artifact),
                    calibrator=PlattCalibrator(**version.calibration),
                    feature_names=list(version.feature_names),
                    feature_types=None,
                    monotone=version.monotone,
                    best_rounds=version.best_rounds,
                )
            _scorers[version.pk] = cached
        return cached


def _slope(scorer) -> float:
    return scorer.calibrator.a if isinstance(scorer, FittedModel) else scorer.calibration_slope


@dataclass
class Scored:
    """Scores of a matrix of subjects: everything an Assessment holds, as arrays."""

    probability: np.ndarray
    index: np.ndarray
    contributions: np.ndarray  # log-odds of default, per feature (bias last)
    points: np.ndarray  # index points per feature
    subscores: np.ndarray  # (n, 5)


def score(values: np.ndarray, scorer, names: list[str]) -> Scored:
    contribs = scorer.contributions(values)
    # Contributions add up to the margin, so one pass through the model gives both.
    probability = scorer.proba_from_margin(contribs.sum(axis=1))
    slope = _slope(scorer)
    per_feature = contribs[:, :-1] * slope
    points = margin_to_index_points(contribs[:, :-1], slope)
    columns = {d: [j for j, n in enumerate(names) if FEATURES_BY_NAME[n].dimension == d] for d in DIMENSIONS}
    subscores = np.column_stack(
        [100.0 / (1.0 + np.exp(SUBSCORE_SCALE * per_feature[:, columns[d]].sum(axis=1))) for d in DIMENSIONS]
    )
    return Scored(probability, pd_to_index(probability), contribs, points, subscores)


def _reasons(names: list[str], values: np.ndarray, points: np.ndarray) -> list[list[dict]]:
    """Per row: the features that lowered the index most, then those that raised it most (≥ 1 point)."""
    points = np.asarray(points, dtype=float)
    order = np.argsort(points, axis=1)  # most negative first: lowered the index most
    lowest = order[:, :REASONS_EACH_WAY]
    highest = order[:, : -REASONS_EACH_WAY - 1 : -1]
    picked = np.concatenate([lowest, highest], axis=1)
    picked_points = np.take_along_axis(points, picked, axis=1)
    keep = np.concatenate(
        [
            picked_points[:, :REASONS_EACH_WAY] <= -MIN_REASON_POINTS,
            picked_points[:, REASONS_EACH_WAY:] >= MIN_REASON_POINTS,
        ],
        axis=1,
    )
    picked_values = np.take_along_axis(values, picked, axis=1)
    out = []
    for row_j, row_points, row_values, row_keep in zip(
        picked.tolist(), picked_points.tolist(), picked_values.tolist(), keep.tolist(), strict=True
    ):
        row = []
        for j, point, value, kept in zip(row_j, row_points, row_values, row_keep, strict=True):
            if kept:
                value = None if value != value else value  # NaN: no data
                row.append(
                    {
                        "feature": names[j],
                        "value": value,
                        "points": round(point, 1),
                        **_sentence(names[j], value),
                    }
                )
        out.append(row)
    return out


@functools.lru_cache(maxsize=65_536)
def _sentence(feature: str, value: float | None) -> dict[str, str]:
    # Counts and flags repeat across subjects, so most sentences are written once per process.
    en, zh = reasons.sentence(feature, value)
    return {"en": en, "zh": zh}


def _fingerprint(moment: dt.datetime, evidence: np.ndarray) -> list[str]:
    """Which facts each assessment used: the as-of moment, and count and newest id of the facts seen.

    Facts are append-only with increasing ids, so (count, newest id) names the set exactly.
    """
    stamp = moment.isoformat()
    return [hashlib.sha256(f"{stamp}|{n}:{last}".encode()).hexdigest() for n, last in evidence.tolist()]


COLUMNS = (
    "subject_id",
    "model_version_id",
    "as_of",
    "index",
    "grade",
    "probability",
    "subscores",
    "reasons",
    "features",
    "facts_fingerprint",
    "created_at",
)
_JSON_COLUMNS = [COLUMNS.index(c) for c in ("subscores", "reasons", "features")]


def _assessment_rows(version, matrix, start: int, stop: int, scored: Scored) -> list[tuple]:
    """Assessments of rows start:stop of the matrix as tuples in COLUMNS order (no model instances)."""
    names = matrix.names
    values = matrix.values[start:stop]
    created = timezone.now()
    subscores = [
        {d: round(v, 1) for d, v in zip(DIMENSIONS, row, strict=True)} for row in scored.subscores.tolist()
    ]
    features = [
        {n: (None if v != v else v) for n, v in zip(names, row, strict=True)} for row in values.tolist()
    ]
    return list(
        zip(
            matrix.subject_ids[start:stop].tolist(),
            [version.pk] * (stop - start),
            [matrix.as_of] * (stop - start),
            scored.index.tolist(),
            grade_codes(scored.index),
            scored.probability.tolist(),
            subscores,
            _reasons(names, values, scored.points),
            features,
            _fingerprint(matrix.as_of, matrix.evidence[start:stop]),
            [created] * (stop - start),
            strict=True,
        )
    )


def _write(rows: list[tuple]) -> None:
    """Store assessments: COPY on PostgreSQL (3× faster than INSERT for a batch), bulk INSERT elsewhere."""
    if connection.vendor != "postgresql":
        Assessment.objects.bulk_create(
            [Assessment(**dict(zip(COLUMNS, row, strict=True))) for row in rows], batch_size=2000
        )
        return
    table = connection.ops.quote_name(Assessment._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            row = list(row)
            for k in _JSON_COLUMNS:
                row[k] = json.dumps(row[k])
            copy.write_row(row)


def recompute(
    *,
    subject_ids: Iterable[int] | None = None,
    as_of: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Score subjects (all when `subject_ids` is None) with the champion and store their assessments."""
    moment = as_of or timezone.now()
    version = champion()
    scorer = scorer_for(version)
    matrix = build_feature_matrix(as_of=moment, subject_ids=subject_ids)
    if list(version.feature_names) != matrix.names:
        raise RuntimeError(f"Model v{version.version} was built on other features; retrain it.")
    total = len(matrix.subject_ids)
    for start in range(0, total, BATCH):
        stop = min(start + BATCH, total)
        scored = score(matrix.values[start:stop], scorer, matrix.names)
        _write(_assessment_rows(version, matrix, start, stop, scored))
        if progress:
            progress(stop, total)
    return total


def current(subject) -> Assessment:
    """The subject's latest assessment; a subject never scored is scored now."""
    latest = latest_assessment(subject.pk)
    if latest is None:
        recompute(subject_ids=[subject.pk])
        latest = latest_assessment(subject.pk)
    return latest


def latest_assessment(subject_id: int) -> Assessment | None:
    return (
        Assessment.objects.filter(subject_id=subject_id)
        .select_related("model_version")
        .order_by("-as_of", "-id")
        .first()
    )


def history(subject_id: int, *, limit: int = 200) -> list[Assessment]:
    rows = list(Assessment.objects.filter(subject_id=subject_id).order_by("-as_of", "-id")[:limit])
    return rows[::-1]


def dimension_labels() -> list[tuple[str, str]]:
    return [(d, dimension_name(d)) for d in DIMENSIONS]


@dataclass
class Explanation:
    """An assessment as people read it: labelled subscores, and reasons in the active language."""

    assessment: Assessment
    subscores: list[tuple[str, float]]
    lowered: list[dict]
    raised: list[dict]
    grade_label: str


def explain(assessment: Assessment) -> Explanation:
    zh = (get_language() or "").startswith("zh")
    subscores = [(dimension_name(d), float(assessment.subscores.get(d, 50.0))) for d in DIMENSIONS]
    texts = [{**r, "text": r["zh"] if zh else r["en"]} for r in assessment.reasons]
    return Explanation(
        assessment=assessment,
        subscores=subscores,
        lowered=[r for r in texts if r["points"] < 0],
        raised=[r for r in texts if r["points"] > 0],
        grade_label=str(grade_for(assessment.index).label),
    )


def history_svg(subject_id: int, *, title: str) -> str:
    return index_history_svg([(a.as_of, a.index) for a in history(subject_id)], title=title)
