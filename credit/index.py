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
A feature's contribution includes its missing indicator's (`credit.features.fold_onto_evidence`). A
feature without evidence is never a reason the index is high: it is a reason of its own kind,
"Not enough data on X" (`credit.reasons.KIND_NO_DATA`), listed apart.

Thin files (`THIN_FILE`): a subject with too little evidence is scored like any other, but its
assessment's grade is `grading.UNRATED` ("NR", "Not yet rated — not enough data"), and `explain`
lists what would rate it. The minimum is:

* **identity** — the platform verified the company (an approved business licence) or a registry
  reported its status; and
* **a track record** — a completed deal or a paid invoice on the platform, or a partner's report
  (a bank rating, a credit insurance limit, a chamber of commerce membership).
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
from django.utils.translation import gettext_lazy as _

from credit import reasons
from credit.charts import index_history_svg
from credit.features import (
    EVIDENCE_NAMES,
    FEATURES_BY_NAME,
    build_feature_matrix,
    dimension_name,
    fold_onto_evidence,
)
from credit.grading import UNRATED, grade_codes, grade_label, margin_to_index_points, pd_to_index
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


# ---------------------------------------------------------------------------------------------
# Thin files.

# What would rate a thin file, by code: shown to the company as a list.
WHAT_WOULD_RATE: dict[str, object] = {
    "verification": _("Verification: an approved business licence (or a registry report on the company)"),
    "first_deal": _("A first completed deal on TrustFair, or a paid invoice"),
    "partner_report": _(
        "A partner's report: a bank rating, credit insurance or a chamber of commerce membership"
    ),
}
IDENTITY_EVIDENCE = ("identity_verified", "registry_status")
TRACK_RECORD_EVIDENCE = ("on_time_payment_ratio", "bank_rating", "insured_limit_usd", "chamber_member")


def thin_file_needs(raw: np.ndarray) -> list[list[str]]:
    """Per row of evidence (EVIDENCE_NAMES columns, NaN = none): what is missing to be rated, [] if rated."""
    raw = np.atleast_2d(np.asarray(raw, dtype=float))
    col = {n: j for j, n in enumerate(EVIDENCE_NAMES)}
    verified = np.nan_to_num(raw[:, col["identity_verified"]]) >= 1
    identity = verified | ~np.isnan(raw[:, col["registry_status"]])
    deals = np.nan_to_num(raw[:, col["deals_completed_12m"]]) >= 1
    reported = np.zeros(len(raw), dtype=bool)
    for name in TRACK_RECORD_EVIDENCE:
        reported |= ~np.isnan(raw[:, col[name]])
    track = deals | reported
    return [
        ([] if i else ["verification"]) + ([] if t else ["first_deal", "partner_report"])
        for i, t in zip(identity.tolist(), track.tolist(), strict=True)
    ]


def needs_of(features: dict) -> list[str]:
    """What would rate the subject of a stored assessment (its `features`), [] if it is rated."""
    row = np.array(
        [[np.nan if features.get(n) is None else features[n] for n in EVIDENCE_NAMES]], dtype=float
    )
    return thin_file_needs(row)[0]


def _grades(index: np.ndarray, raw: np.ndarray) -> list[str]:
    codes = grade_codes(index)
    return [UNRATED if need else code for code, need in zip(codes, thin_file_needs(raw), strict=True)]


NO_DATA_REASONS = 3


def _reasons(names: list[str], values: np.ndarray, points: np.ndarray) -> list[list[dict]]:
    """Per row: the features that lowered the index most, then those that raised it most (≥ 1 point),
    then the features without evidence that cost the most ("Not enough data on X").

    `values` is the evidence (NaN where there is none) and `points` the index points, both per
    evidence feature (`names`). A feature without evidence is never among what raised the index.
    """
    points = np.asarray(points, dtype=float)
    missing = np.isnan(values)
    out = _evidence_reasons(names, values, np.where(missing, 0.0, points))
    no_data_order = np.argsort(np.where(missing, points, np.inf), axis=1, kind="stable")[:, :NO_DATA_REASONS]
    for row, order, row_points, row_missing in zip(out, no_data_order, points, missing, strict=True):
        for j in order.tolist():
            if row_missing[j]:
                row.append(
                    {
                        "feature": names[j],
                        "value": None,
                        "points": round(float(row_points[j]), 1),
                        "kind": reasons.KIND_NO_DATA,
                        **_sentence(names[j], None),
                    }
                )
    return out


def _evidence_reasons(names: list[str], values: np.ndarray, points: np.ndarray) -> list[list[dict]]:
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
                row.append(
                    {
                        "feature": names[j],
                        "value": value,
                        "points": round(point, 1),
                        "kind": reasons.KIND_EVIDENCE,
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
    names = matrix.raw_names
    values = matrix.raw[start:stop]
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
            _grades(scored.index, values),
            scored.probability.tolist(),
            subscores,
            _reasons(names, values, fold_onto_evidence(scored.points)),
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
    matrix = build_feature_matrix(as_of=moment, subject_ids=subject_ids)
    if version.kind == ModelVersion.Kind.SCORECARD:
        # The expert scorecard is not trained: its rules score today's features by name.
        scorer = Scorecard(matrix.names)
    elif list(version.feature_names) != matrix.names:
        raise RuntimeError(f"Model v{version.version} was built on other features; retrain it.")
    else:
        scorer = scorer_for(version)
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
    # "Not enough data on X" reasons, apart from the others (never a strength).
    no_data: list[dict]
    # A thin file (grade "NR"): what would rate it, in the active language; empty when rated.
    would_rate: list[str]

    @property
    def unrated(self) -> bool:
        return self.assessment.grade == UNRATED


def _kind(reason: dict) -> str:
    # Assessments stored before reasons had a kind: a reason without a value was a lack of data.
    return reason.get("kind") or (
        reasons.KIND_NO_DATA if reason.get("value") is None else reasons.KIND_EVIDENCE
    )


def explain(assessment: Assessment) -> Explanation:
    zh = (get_language() or "").startswith("zh")
    subscores = [(dimension_name(d), float(assessment.subscores.get(d, 50.0))) for d in DIMENSIONS]
    texts = [{**r, "kind": _kind(r), "text": r["zh"] if zh else r["en"]} for r in assessment.reasons]
    evidence = [r for r in texts if r["kind"] == reasons.KIND_EVIDENCE]
    unrated = assessment.grade == UNRATED
    return Explanation(
        assessment=assessment,
        subscores=subscores,
        lowered=[r for r in evidence if r["points"] < 0],
        raised=[r for r in evidence if r["points"] > 0],
        grade_label=grade_label(assessment.grade),
        no_data=[r for r in texts if r["kind"] == reasons.KIND_NO_DATA],
        would_rate=[str(WHAT_WOULD_RATE[c]) for c in needs_of(assessment.features)] if unrated else [],
    )


def history_svg(subject_id: int, *, title: str) -> str:
    return index_history_svg([(a.as_of, a.index) for a in history(subject_id)], title=title)
