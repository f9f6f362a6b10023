"""The credit index: cold start, recompute on new facts, the trained model's guarantees, promotion."""

import datetime as dt
import hashlib
import itertools

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from credit import facts
from credit.features import FEATURES_BY_NAME, build_feature_matrix
from credit.grading import UNRATED
from credit.index import DIMENSIONS, champion, current, needs_of, recompute, score, scorer_for
from credit.models import Assessment, Fact, ModelVersion
from credit.pipeline import TrainingConfig, model_fingerprint
from credit.registry import promote, version_from_run
from credit.simulation import simulate_history
from credit.training import NotEnoughOutcomes, build_training_set, train

pytestmark = pytest.mark.django_db
_refs = itertools.count(1)


def days_ago(n):
    return timezone.now() - dt.timedelta(days=n)


def invoice(subject, source, *, days_ago_paid):
    paid = days_ago(days_ago_paid)
    return facts.record(
        source=source,
        kind="invoice_paid",
        subject=subject,
        external_ref=f"inv-{next(_refs)}",
        payload={
            "amount": "5000",
            "currency": "USD",
            "due_date": paid.date().isoformat(),
            "paid_date": paid.date().isoformat(),
        },
        occurred_at=paid,
    )


def late(subject, source, *, days_late, when=10):
    return facts.record(
        source=source,
        kind="payment_late",
        subject=subject,
        external_ref=f"late-{next(_refs)}",
        payload={"days_late": days_late, "amount": "5000", "currency": "USD"},
        occurred_at=days_ago(when),
    )


def test_cold_start_scorecard_serves_through_the_same_interface(subject, platform):
    invoice(subject, platform, days_ago_paid=40)
    assessment = current(subject)
    assert assessment.model_version.kind == ModelVersion.Kind.SCORECARD
    assert assessment.model_version.status == ModelVersion.Status.CHAMPION
    assert 0 <= assessment.index <= 1000
    # One invoice and no identity evidence: a thin file, unrated, told that verification would rate it.
    assert assessment.grade == UNRATED and needs_of(assessment.features) == ["verification"]
    assert set(assessment.subscores) == set(DIMENSIONS)
    assert all(0 <= v <= 100 for v in assessment.subscores.values())
    assert all({"en", "zh", "points", "feature"} <= set(r) for r in assessment.reasons)
    # Stored with what it used.
    assert len(assessment.facts_fingerprint) == 64 and assessment.features["on_time_payment_ratio"] == 1.0


def test_late_payment_fact_lowers_the_index(subject, platform, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            invoice(subject, platform, days_ago_paid=30 + 20 * n)
    before = current(subject)
    with django_capture_on_commit_callbacks(execute=True):
        late(subject, platform, days_late=45)
    after = Assessment.objects.filter(subject=subject).order_by("-as_of", "-id").first()
    assert after.pk != before.pk
    assert after.index < before.index
    assert any(r["feature"] == "worst_days_late_24m" and r["points"] < 0 for r in after.reasons)
    assert after.facts_fingerprint != before.facts_fingerprint


def test_a_burst_of_facts_gives_one_recompute(subject, platform, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for n in range(5):
            invoice(subject, platform, days_ago_paid=10 + n)
    assert Assessment.objects.filter(subject=subject).count() == 1


def test_rolled_back_facts_recompute_nothing(subject, platform, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            invoice(subject, platform, days_ago_paid=5)
            raise RuntimeError
        with transaction.atomic():
            invoice(subject, platform, days_ago_paid=6)
    assert Assessment.objects.filter(subject=subject).count() == 1


def test_training_needs_enough_outcomes(subject, platform):
    invoice(subject, platform, days_ago_paid=800)
    with pytest.raises(NotEnoughOutcomes, match="scorecard stays in service"):
        train()


@pytest.fixture
def simulated_world(make_subject):
    subjects = [
        make_subject(registration=f"SIM{n:05d}", created_at=timezone.now() - dt.timedelta(days=365 * 3 + n))
        for n in range(260)
    ]
    simulate_history(subjects, seed=3, years=3)
    return subjects


CONFIG = TrainingConfig(seed=5, folds=3, max_rounds=300)


def test_trained_model_is_monotone_reproducible_and_explained(simulated_world):
    data = build_training_set()
    assert data.n_bad >= 15 and len(np.unique(data.subject_ids)) > 100
    run = train(config=CONFIG, data=data, min_bad=15, min_rows=200)
    again = train(config=CONFIG, data=data, min_bad=15, min_rows=200)
    assert model_fingerprint(run.model) == model_fingerprint(again.model)

    matrix = build_feature_matrix(as_of=timezone.now())
    base = score(matrix.values, run.model, matrix.names)
    # Contributions add up to the model's output.
    np.testing.assert_allclose(base.contributions.sum(axis=1), run.model.margin(matrix.values), atol=1e-4)
    # Raising a risk-increasing feature never raises the index (lowering a risk-reducing one neither).
    for j, name in enumerate(matrix.names):
        direction = FEATURES_BY_NAME[name].direction
        if direction == 0:
            continue
        moved = matrix.values.copy()
        present = ~np.isnan(moved[:, j])
        step = np.nanstd(moved[:, j]) or 1.0
        moved[present, j] += direction * step
        worse = score(moved, run.model, matrix.names)
        assert np.all(worse.index[present] <= base.index[present]), name

    version = version_from_run(run=run)
    assert version.status == ModelVersion.Status.CHALLENGER and version.artifact
    assert version.metrics["summary"]["auc"]["mean"] > 0.6
    assert version.window_start <= version.window_end
    # Stored and reloaded from the artifact, it predicts the same.
    reloaded = scorer_for(version)
    np.testing.assert_allclose(
        reloaded.predict_proba(matrix.values[:50]), run.model.predict_proba(matrix.values[:50]), rtol=1e-6
    )


def _version(number, status, auc, brier, kind=ModelVersion.Kind.XGBOOST):
    summary = {
        "auc": {"mean": auc, "std": 0.01},
        "ks": {"mean": 0.4, "std": 0.01},
        "brier": {"mean": brier, "std": 0.001},
    }
    return ModelVersion.objects.create(version=number, kind=kind, status=status, metrics={"summary": summary})


def test_promotion_refused_when_worse_beyond_tolerance(risk_officer):
    _version(1, ModelVersion.Status.CHAMPION, 0.80, 0.050)
    worse = _version(2, ModelVersion.Status.CHALLENGER, 0.75, 0.050)
    with pytest.raises(ValidationError, match="AUC"):
        promote(version=worse, by_user=risk_officer)
    with pytest.raises(ValidationError, match="needs a reason"):
        promote(version=worse, by_user=risk_officer, force=True)
    promoted = promote(
        version=worse, by_user=risk_officer, force=True, reason="New sector mix; old model stale."
    )
    assert champion() == promoted and promoted.promoted_by == risk_officer
    assert promoted.promotion_reason == "New sector mix; old model stale."
    assert ModelVersion.objects.get(version=1).status == ModelVersion.Status.RETIRED


def test_promotion_within_tolerance_is_allowed(risk_officer):
    _version(1, ModelVersion.Status.CHAMPION, 0.80, 0.050)
    close = _version(2, ModelVersion.Status.CHALLENGER, 0.795, 0.052)
    assert promote(version=close, by_user=risk_officer).status == ModelVersion.Status.CHAMPION
    worse_brier = _version(3, ModelVersion.Status.CHALLENGER, 0.81, 0.070)
    with pytest.raises(ValidationError, match="Brier"):
        promote(version=worse_brier, by_user=risk_officer)


def test_only_risk_officers_promote(supplier_owner):
    _version(1, ModelVersion.Status.CHAMPION, 0.80, 0.050)
    challenger = _version(2, ModelVersion.Status.CHALLENGER, 0.85, 0.040)
    with pytest.raises(PermissionDenied):
        promote(version=challenger, by_user=supplier_owner)
    assert champion().version == 1


def test_recompute_all_scores_everyone(make_subject, platform):
    subjects = [make_subject() for _ in range(5)]
    invoice(subjects[0], platform, days_ago_paid=20)
    assert recompute() == 5
    assert Assessment.objects.count() == 5


def test_batches_store_the_same_assessments_as_one_pass(make_subject, platform, monkeypatch):
    import credit.index

    subjects = [make_subject() for _ in range(5)]
    invoice(subjects[0], platform, days_ago_paid=20)
    late(subjects[1], platform, days_late=95)
    moment = timezone.now()
    assert recompute(as_of=moment) == 5
    one_pass = {a.subject_id: a for a in Assessment.objects.all()}
    Assessment.objects.all().delete()
    monkeypatch.setattr(credit.index, "BATCH", 2)  # three batches of 2, 2 and 1
    seen = []
    assert recompute(as_of=moment, progress=lambda done, total: seen.append((done, total))) == 5
    assert seen == [(2, 5), (4, 5), (5, 5)]
    for again in Assessment.objects.all():
        before = one_pass[again.subject_id]
        fields = ("index", "grade", "probability", "subscores", "reasons", "features", "facts_fingerprint")
        assert [getattr(again, f) for f in fields] == [getattr(before, f) for f in fields]
        assert again.as_of == moment and again.model_version_id == before.model_version_id


def test_stored_assessment_reads_back_as_written(subject, platform):
    late(subject, platform, days_late=95)
    assessment = current(subject)
    # JSON columns come back as the types they were written with (COPY on PostgreSQL).
    assert assessment.features["bank_rating"] is None  # missing stays missing, not NaN
    assert assessment.features["worst_days_late_24m"] == 95.0
    late_reason = next(r for r in assessment.reasons if r["feature"] == "worst_days_late_24m")
    assert late_reason["points"] < 0 and "95" in late_reason["en"] and "95" in late_reason["zh"]
    assert all(isinstance(v, float) for v in assessment.subscores.values())
    # The fingerprint names the facts used: how many the subject had by then, and the newest one.
    seen = Fact.objects.visible(assessment.as_of).filter(subject=subject)
    expected = f"{assessment.as_of.isoformat()}|{seen.count()}:{seen.order_by('-id')[0].id}"
    assert assessment.facts_fingerprint == hashlib.sha256(expected.encode()).hexdigest()


def test_recomputing_nobody_stores_nothing(subject, platform):
    assert recompute(subject_ids=[]) == 0
    assert not Assessment.objects.exists()
