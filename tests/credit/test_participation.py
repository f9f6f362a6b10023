"""Fair participation facts feed declared features, and the demo model trained on the simulation uses them.

The facts: an exhibit (phase, booth size), attendance as a buyer, check-in days, hosted buyer meetings
attended and missed, meetings kept and missed (marketplace/fairs and matchmaking record them). Each
feature is declared with the direction it may move risk; XGBoost's monotone constraints hold the trained
model to it (credit/SIMULATION.md lists them).
"""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from credit import facts
from credit.features import EVIDENCE_NAMES, FEATURE_NAMES, FEATURES_BY_NAME, build_feature_matrix, encode
from credit.kinds import KINDS
from credit.pipeline import TrainingConfig
from credit.reasons import NO_DATA_ON, TEMPLATES, sentence
from credit.simulation import simulate_history
from credit.training import build_training_set, train

pytestmark = pytest.mark.django_db

# Feature -> the direction it is declared to move risk (-1: more of it, lower risk).
PARTICIPATION = {
    "fairs_exhibited_3y": -1,
    "largest_booth_sqm_3y": -1,
    "fairs_attended_3y": -1,
    "fair_days_checked_in_3y": -1,
    "hosted_meetings_attended_2y": -1,
    "hosted_no_shows_2y": +1,
    "meetings_kept_ratio": -1,
    "meetings_missed_24m": +1,
}
# Trained on the simulation, these carry signal beyond the rest (the simulation drives them by the hidden
# risk); meetings_kept_ratio and meetings_missed_24m share theirs with each other.
MUST_BE_USED = (
    "fairs_exhibited_3y",
    "largest_booth_sqm_3y",
    "fair_days_checked_in_3y",
    "hosted_meetings_attended_2y",
    "hosted_no_shows_2y",
)
CONFIG = TrainingConfig(seed=5, folds=3, max_rounds=300)


def test_participation_kinds_and_features_are_declared_in_both_languages():
    for code in ("fair_exhibited", "fair_attended", "fair_checked_in", "hosted_meeting_attended"):
        kind = KINDS[code]
        assert kind.name_en and kind.name_zh and kind.name_zh != kind.name_en
    assert KINDS["hosted_meeting_no_show"].name_zh
    for name, direction in PARTICIPATION.items():
        feature = FEATURES_BY_NAME[name]
        assert feature.direction == direction, name
        assert feature.dimension == "participation_reputation"
        assert name in TEMPLATES and name in NO_DATA_ON
        assert feature.label_zh != feature.label_en


def test_an_exhibit_carries_its_phase_and_booth_size_as_the_metric(subject):
    fact, _ = facts.record(
        source="platform",
        kind="fair_exhibited",
        subject=subject,
        payload={"session": "s1/phase-2", "phase": "2", "booth_sqm": "18"},
        occurred_at=timezone.now() - dt.timedelta(days=3),
        external_ref="t:ex:1",
    )
    assert fact.payload == {"session": "s1/phase-2", "phase": 2, "booth_sqm": 18}
    assert fact.metric == 18.0
    with pytest.raises(Exception, match="booth_sqm|phase"):
        facts.record(
            source="platform",
            kind="fair_exhibited",
            subject=subject,
            payload={"phase": "0"},
            occurred_at=timezone.now(),
            external_ref="t:ex:bad",
        )


def _fact(subject, kind, payload, days_ago, ref):
    facts.record(
        source="platform",
        kind=kind,
        subject=subject,
        payload=payload,
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        external_ref=ref,
    )


def test_features_are_computed_from_the_participation_facts(subject, make_subject):
    for n, (size, days_ago) in enumerate(((9, 400), (36, 200), (18, 1500))):  # the last is older than 3 years
        _fact(subject, "fair_exhibited", {"phase": 1, "booth_sqm": size}, days_ago, f"ex{n}")
    for n in range(3):
        _fact(
            subject,
            "fair_checked_in",
            {"day": (timezone.now().date() - dt.timedelta(days=100 + n))},
            100 + n,
            f"c{n}",
        )
    _fact(subject, "fair_checked_in", {"day": "2019-01-01"}, 1200, "c-old")
    for n in range(2):
        _fact(subject, "hosted_meeting_attended", {"event": "e"}, 90, f"h{n}")
    _fact(subject, "hosted_meeting_no_show", {"event": "e"}, 90, "h-miss")
    _fact(subject, "hosted_meeting_no_show", {"event": "e"}, 800, "h-miss-old")
    newcomer = make_subject(created_at=timezone.now() - dt.timedelta(days=30))

    matrix = build_feature_matrix(as_of=timezone.now())
    row = matrix.row(subject.pk)
    assert row["largest_booth_sqm_3y"] == 36.0
    assert row["fairs_exhibited_3y"] == 2.0
    assert row["fair_days_checked_in_3y"] == 3.0
    assert row["hosted_meetings_attended_2y"] == 2.0
    assert row["hosted_no_shows_2y"] == 1.0
    # On the platform and never at a fair: zeros, not missing (the platform sees every participation).
    fresh = matrix.row(newcomer.pk)
    for name in ("largest_booth_sqm_3y", "fair_days_checked_in_3y", "hosted_meetings_attended_2y"):
        assert fresh[name] == 0.0
    assert fresh["hosted_no_shows_2y"] == 0.0
    assert sentence("largest_booth_sqm_3y", 36.0) == (
        "Largest booth in 3 years: 36 m²",
        "3年内最大展位 36 平方米",
    )
    assert sentence("hosted_no_shows_2y", 1.0)[0] == "Missed 1 hosted buyer meeting in 24 months"


@pytest.fixture
def simulated(make_subject):
    subjects = [
        make_subject(registration=f"PAR{n:05d}", created_at=timezone.now() - dt.timedelta(days=365 * 3 + n))
        for n in range(260)
    ]
    result = simulate_history(subjects, seed=3, years=3)
    return subjects, result


def test_the_simulation_writes_every_participation_kind(simulated):
    from credit.models import Fact

    kinds = set(Fact.objects.values_list("kind", flat=True).distinct())
    for code in (
        "fair_exhibited",
        "fair_attended",
        "fair_checked_in",
        "hosted_meeting_attended",
        "hosted_meeting_no_show",
        "meeting_held",
        "meeting_missed",
    ):
        assert code in kinds, code
    exhibit = Fact.objects.filter(kind="fair_exhibited").first()
    assert exhibit.payload["booth_sqm"] in (9, 18, 36, 54) and 1 <= exhibit.payload["phase"] <= 3


def test_the_demo_model_uses_the_participation_features_in_their_declared_direction(simulated):
    run = train(config=CONFIG, data=build_training_set(), min_bad=15, min_rows=200)
    model = run.model
    assert list(model.monotone) == [FEATURES_BY_NAME[n].direction for n in FEATURE_NAMES]
    gain = model.booster.get_score(importance_type="gain")
    for name in MUST_BE_USED:
        assert gain.get(name, 0.0) > 0.0, (name, sorted(gain.items(), key=lambda kv: -kv[1])[:12])

    # Raising a feature moves the probability of default only in its declared direction, for every company.
    raw = build_feature_matrix(as_of=timezone.now()).raw
    moved = {}
    for name, direction in PARTICIPATION.items():
        j = EVIDENCE_NAMES.index(name)
        observed = raw[~np.isnan(raw[:, j])]
        low, high = observed.copy(), observed.copy()
        top = float(np.nanmax(raw[:, j]))
        low[:, j] = 0.0
        high[:, j] = top if top > 0 else 1.0
        change = model.predict_proba(encode(high)) - model.predict_proba(encode(low))
        assert (direction * change >= -1e-9).all(), (name, float((direction * change).min()))
        moved[name] = float(np.abs(change).max())
    for name in MUST_BE_USED:
        assert moved[name] > 0.0, name


def test_a_source_retracts_its_own_fact_once_and_it_stops_counting(subject):
    _fact(subject, "fair_exhibited", {"phase": 1, "booth_sqm": 36}, 10, "ex-r")
    assert build_feature_matrix(as_of=timezone.now()).row(subject.pk)["fairs_exhibited_3y"] == 1.0
    first = facts.retract(
        source="platform", external_ref="ex-r", ground="recorded_in_error", note="withdrawn"
    )
    again = facts.retract(source="platform", external_ref="ex-r", ground="recorded_in_error")
    assert first == again and first.supersedes.external_ref == "ex-r" and first.subject_id == subject.pk
    assert first.payload["retracted_kind"] == "fair_exhibited"
    row = build_feature_matrix(as_of=timezone.now()).row(subject.pk)
    assert (row["fairs_exhibited_3y"], row["largest_booth_sqm_3y"]) == (0.0, 0.0)
    assert facts.retract(source="platform", external_ref="no-such-ref", ground="duplicate") is None
