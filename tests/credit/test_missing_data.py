"""Missing data never helps: the property over every feature, thin files, and how a lack of data reads.

See credit/MISSING_DATA.md: a missing value reaches the model as its conservative value plus a
missing indicator that the monotone constraints allow only to raise risk.
"""

import datetime as dt
import itertools

import numpy as np
import pytest
from django.utils import timezone
from django.utils.translation import override

from credit import facts
from credit.features import EVIDENCE_NAMES, FEATURE_NAMES, FEATURES, INDICATORS, build_feature_matrix, encode
from credit.grading import GRADES, UNRATED, pd_to_index
from credit.index import current, explain, needs_of, recompute
from credit.pipeline import TrainingConfig
from credit.reasons import KIND_NO_DATA
from credit.scorecard import Scorecard
from credit.simulation import simulate_history
from credit.training import build_training_set, train

pytestmark = pytest.mark.django_db
_refs = itertools.count(1)
CONFIG = TrainingConfig(seed=5, folds=3, max_rounds=300)
# Platform counts a brand-new company has: zeros once it joined; everything else is missing.
JOINED_ZEROS = (
    "deals_completed_12m",
    "deals_value_12m_usd",
    "disputes_lost_36m",
    "cancellations_12m",
    "years_on_platform",
    "fairs_exhibited_3y",
    "fairs_attended_3y",
    "meetings_missed_24m",
    "largest_booth_sqm_3y",
    "fair_days_checked_in_3y",
    "hosted_meetings_attended_2y",
    "hosted_no_shows_2y",
    "sanctions_hits",
    "judgments_against_36m",
    "certificates_current",
)


def index_of(scorer, raw: np.ndarray) -> np.ndarray:
    return np.asarray(pd_to_index(scorer.predict_proba(encode(raw))))


def assert_missing_never_beats_the_median(scorer, raw: np.ndarray) -> int:
    """For every feature and every row where it is observed: missing scores no higher than the median."""
    checked = 0
    for j, feature in enumerate(FEATURES):
        observed = ~np.isnan(raw[:, j])
        if not observed.any():
            continue
        median = float(np.median(raw[observed, j]))
        gone, typical = raw[observed].copy(), raw[observed].copy()
        gone[:, j] = np.nan
        typical[:, j] = median
        worse = index_of(scorer, gone) - index_of(scorer, typical)
        assert worse.max() <= 0, (feature.name, int(worse.max()))
        checked += int(observed.sum())
    return checked


def newcomer_row() -> np.ndarray:
    row = np.full((1, len(FEATURES)), np.nan)
    for name in JOINED_ZEROS:
        row[0, EVIDENCE_NAMES.index(name)] = 0.0
    return row


def clean_verified(raw: np.ndarray) -> np.ndarray:
    """Rows of verified companies with a year of clean trade (a deal, nothing paid late)."""
    col = {n: j for j, n in enumerate(EVIDENCE_NAMES)}
    return (
        (np.nan_to_num(raw[:, col["identity_verified"]]) == 1)
        & (np.nan_to_num(raw[:, col["years_on_platform"]]) >= 1)
        & (np.nan_to_num(raw[:, col["deals_completed_12m"]]) >= 1)
        & (np.nan_to_num(raw[:, col["worst_days_late_24m"]], nan=1) == 0)
    )


def test_every_missing_indicator_may_only_raise_risk():
    assert len(INDICATORS) >= 20
    for indicator in INDICATORS:
        assert indicator.direction == +1 and indicator.name in FEATURE_NAMES
    raw = np.array([[np.nan] * len(FEATURES)])
    encoded = encode(raw)
    assert not np.isnan(encoded[:, : len(FEATURES)][:, [f.missing_as is not None for f in FEATURES]]).any()


@pytest.fixture
def verified_world(make_subject):
    """260 simulated companies, every other one verified 10 days after joining (3+ years ago)."""
    subjects = []
    for n in range(260):
        created = timezone.now() - dt.timedelta(days=365 * 3 + n)
        subject = make_subject(registration=f"MIS{n:05d}", created_at=created)
        if n % 2 == 0:
            subject.verified_at = created + dt.timedelta(days=10)
            subject.save(update_fields=["verified_at"])
        subjects.append(subject)
    simulate_history(subjects, seed=3, years=3)
    return subjects


def test_missing_never_scores_above_the_median_and_a_newcomer_never_beats_clean_trade(
    verified_world, make_subject
):
    run = train(config=CONFIG, data=build_training_set(), min_bad=15, min_rows=200)
    matrix = build_feature_matrix(as_of=timezone.now())
    raw = matrix.raw
    clean = clean_verified(raw)
    assert clean.sum() >= 20
    for scorer in (run.model, Scorecard(list(FEATURE_NAMES))):
        # Across 260 subjects and every feature.
        assert assert_missing_never_beats_the_median(scorer, raw) > 260 * 10
        newcomer = int(index_of(scorer, newcomer_row())[0])
        median_clean = int(np.median(index_of(scorer, raw[clean])))
        assert newcomer <= median_clean, (type(scorer).__name__, newcomer, median_clean)

    # The same through the engine: a brand-new company with no facts is not rated, and its index is
    # below the median verified company with a year of clean trade.
    newcomer = make_subject(created_at=timezone.now())
    assessment = current(newcomer)
    assert assessment.grade == UNRATED
    clean_ids = matrix.subject_ids[clean]
    recompute(subject_ids=clean_ids.tolist())
    clean_indexes = sorted(current(s).index for s in verified_world if s.pk in set(clean_ids.tolist()))
    assert assessment.index <= clean_indexes[len(clean_indexes) // 2]


def test_the_scorecards_missing_points_are_never_below_the_median_points():
    scorecard = Scorecard(list(FEATURE_NAMES))
    typical = {  # medians of the simulated population (bench/credit_missing.py)
        "years_in_business": 9.0,
        "registry_status": 0.0,
        "chamber_member": 1.0,
        "identity_verified": 1.0,
        "deals_completed_12m": 3.0,
        "on_time_payment_ratio": 0.9,
        "worst_days_late_24m": 0.0,
        "years_on_platform": 2.0,
        "bank_rating": 4.0,
        "registered_capital_usd": 400_000.0,
        "insured_limit_usd": 40_000.0,
        "meetings_kept_ratio": 0.9,
    }
    for rule in scorecard.rules:
        if rule.feature in typical:
            assert rule.missing >= float(rule.points(np.array([typical[rule.feature]]))[0]), rule.feature


def record(subject, kind, payload, *, days_ago=1):
    return facts.record(
        source="platform",
        kind=kind,
        subject=subject,
        payload=payload,
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        external_ref=f"mis-{next(_refs)}",
    )


def test_a_thin_file_is_not_rated_and_says_what_would_rate_it(
    make_subject, django_capture_on_commit_callbacks
):
    company = make_subject(created_at=timezone.now() - dt.timedelta(days=40))
    assessment = current(company)
    assert assessment.grade == UNRATED and assessment.grade not in {g.code for g in GRADES}
    assert needs_of(assessment.features) == ["verification", "first_deal", "partner_report"]
    x = explain(assessment)
    assert x.unrated and x.grade_label == "Not yet rated — not enough data" and len(x.would_rate) == 3
    with override("zh-hans"):
        zh = explain(assessment)
        assert zh.grade_label == "暂未评级——数据不足" and all("Verification" not in t for t in zh.would_rate)

    with django_capture_on_commit_callbacks(execute=True):
        record(
            company,
            "verification_decision",
            {"document": "business_licence", "decision": "approved", "verified": True},
        )
    verified = current(company)
    assert verified.grade == UNRATED and needs_of(verified.features) == ["first_deal", "partner_report"]

    with django_capture_on_commit_callbacks(execute=True):
        record(company, "deal_completed", {"value": "12000", "currency": "USD"})
    rated = current(company)
    assert rated.grade in {g.code for g in GRADES} and needs_of(rated.features) == []
    assert explain(rated).would_rate == []


def test_a_lack_of_data_is_never_a_strength(make_subject):
    company = make_subject(created_at=timezone.now() - dt.timedelta(days=400))
    record(company, "deal_completed", {"value": "9000", "currency": "USD"}, days_ago=30)
    x = explain(current(company))
    assert x.no_data, "a company with hardly any evidence has reasons of the no-data kind"
    for reason in x.no_data:
        assert reason["kind"] == KIND_NO_DATA and reason["value"] is None
        assert reason["en"].startswith("Not enough data on ") and reason["zh"].endswith("数据不足")
    for reason in x.raised + x.lowered:
        assert reason["value"] is not None and reason["kind"] != KIND_NO_DATA
    assert all(not r["en"].startswith(("No data", "No ")) for r in x.raised)


def test_reasons_of_a_trained_model_never_list_missing_data_as_raising_the_index(
    verified_world, make_subject
):
    from credit.registry import promote, version_from_run

    run = train(config=CONFIG, data=build_training_set(), min_bad=15, min_rows=200)
    promote(version=version_from_run(run=run), force=True, reason="test")
    newcomer = make_subject(created_at=timezone.now())
    recompute(subject_ids=[newcomer.pk, *[s.pk for s in verified_world[:40]]])
    for subject in [newcomer, *verified_world[:40]]:
        x = explain(current(subject))
        assert all(r["value"] is not None for r in x.raised + x.lowered)
        assert all(r["en"].startswith("Not enough data on ") for r in x.no_data)


def test_a_count_of_one_reads_in_the_singular():
    from credit import reasons

    assert reasons.sentence("deals_completed_12m", 1.0)[0] == "1 deal completed in the last 12 months"
    assert reasons.sentence("deals_completed_12m", 2.0)[0] == "2 deals completed in the last 12 months"
    assert reasons.sentence("worst_days_late_24m", 1.0)[0] == "A payment was 1 day late in the last 24 months"
    # Every singular sentence belongs to a counted feature, and Chinese is unchanged.
    assert set(reasons.SINGULAR_EN) <= set(reasons.TEMPLATES)
    assert all("{m}" in reasons.TEMPLATES[f][0] for f in reasons.SINGULAR_EN)
    assert reasons.sentence("deals_completed_12m", 1.0)[1] == "近12个月完成 1 笔交易"
