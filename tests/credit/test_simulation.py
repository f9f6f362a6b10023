"""The demo simulation: valid facts, deterministic by seed, idempotent, and risk that drives outcomes."""

import datetime as dt

import pytest
from django.db import transaction

from credit.features import build_feature_matrix
from credit.kinds import KINDS
from credit.models import Fact
from credit.simulation import simulate_history

TODAY = dt.datetime(2025, 6, 30, tzinfo=dt.UTC)


@pytest.fixture
def companies(make_subject):
    return [make_subject(created_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC)) for _ in range(40)]


@pytest.mark.django_db
def test_simulated_facts_pass_the_registry_and_never_leak_past_today(companies):
    result = simulate_history(companies, seed=7, today=TODAY)
    assert result.subjects == 40 and result.facts == Fact.objects.count() > 40 * 10
    for fact in Fact.objects.select_related("source"):
        kind = KINDS[fact.kind]
        kind.clean_payload(fact.payload)  # raises if the simulation wrote something partners could not
        assert fact.source.source_type in kind.source_types
        assert fact.occurred_at <= fact.known_at <= TODAY
        assert fact.occurred_at >= TODAY - dt.timedelta(days=round(3 * 365.25))


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_history(companies):
    def snapshot():
        return sorted(Fact.objects.values_list("external_ref", "kind", "occurred_at", "known_at", "payload"))

    with transaction.atomic():
        first = simulate_history(companies, seed=7, today=TODAY)
        history = snapshot()
        transaction.set_rollback(True)
    assert Fact.objects.count() == 0
    second = simulate_history(companies, seed=7, today=TODAY)
    assert snapshot() == history and second.risk == first.risk


@pytest.mark.django_db
def test_a_second_run_adds_nothing(companies):
    simulate_history(companies, seed=7, today=TODAY)
    count = Fact.objects.count()
    again = simulate_history(companies, seed=7, today=TODAY)
    assert again.facts == 0 and again.skipped == len(companies)
    assert Fact.objects.count() == count


@pytest.mark.django_db
def test_hidden_risk_drives_late_payments_and_outcomes(make_subject):
    companies = [make_subject(created_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC)) for _ in range(300)]
    result = simulate_history(companies, seed=1, today=TODAY)
    matrix = build_feature_matrix(as_of=TODAY)
    risk = [result.risk[int(i)] for i in matrix.subject_ids]
    on_time = matrix.values[:, matrix.names.index("on_time_payment_ratio")]
    risky = [r for z, r in zip(risk, on_time, strict=True) if z > 1 and r == r]
    safe = [r for z, r in zip(risk, on_time, strict=True) if z < -1 and r == r]
    assert sum(safe) / len(safe) > sum(risky) / len(risky)
    assert 0 < result.delinquent < len(companies) / 2
    serious = set(
        Fact.objects.filter(kind="payment_late", metric__gte=90).values_list("subject_id", flat=True)
    )
    assert len(serious) == result.delinquent
