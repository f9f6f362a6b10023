"""What-if recourse: suggestions move only what a company can act on, and doing them reaches the grade."""

import datetime as dt
import itertools
import time

import pytest
from django.db import transaction
from django.utils import timezone

from credit import facts, recourse
from credit.grading import GRADE_CODES, grade_for
from credit.index import recompute
from credit.kinds import KINDS
from credit.models import Assessment, Fact, Source
from credit.pipeline import TrainingConfig
from credit.registry import promote, version_from_run
from credit.simulation import simulate_history
from credit.training import build_training_set, train

pytestmark = pytest.mark.django_db
_refs = itertools.count(1)


def _source(source_type):
    source = Source.objects.filter(source_type=source_type).order_by("pk").first()
    return source or Source.objects.create(code=f"t-{source_type}", name=source_type, source_type=source_type)


def apply(subject, suggestion):
    """Record the facts the suggestion's actions would create, as their senders would."""
    for spec in suggestion.facts:
        facts.record(
            source=_source(spec.source_type),
            kind=spec.kind,
            subject=subject,
            payload=spec.payload,
            occurred_at=timezone.now(),
            external_ref=f"applied-{next(_refs)}",
        )


def _rank(code):
    return len(GRADE_CODES) - GRADE_CODES.index(code)  # higher is better


def check(subject, result):
    """Every suggestion changes only actionable features, and recording it reaches the promised grade."""
    for suggestion in result.suggestions:
        assert suggestion.changes, "a suggestion must change something"
        assert set(suggestion.changes) <= recourse.ACTIONABLE
        assert not set(suggestion.changes) & recourse.IMMUTABLE
        allowed = recourse.action_moves([(s.action, s.n) for s in suggestion.steps])
        for name, (before, after) in suggestion.changes.items():
            assert name in allowed
            if before is not None and after is not None:
                moved = 1 if after > before else -1
                assert moved in allowed[name], (name, before, after)
        assert _rank(suggestion.grade) >= _rank(result.target)
        sid = transaction.savepoint_create()
        apply(subject, suggestion)
        recompute(subject_ids=[subject.pk])
        after = Assessment.objects.filter(subject=subject).order_by("-as_of", "-id").first()
        # The promise is the index's band; a thin file's assessment still reads "NR" (not yet rated)
        # until it has the evidence that rates it, so compare the band the new index falls in.
        reached = grade_for(after.index).code
        assert _rank(reached) >= _rank(result.target), (suggestion.steps, after.index, suggestion.index)
        assert abs(after.index - suggestion.index) <= 1
        transaction.savepoint_rollback(sid)


@pytest.fixture
def trained_champion(make_subject):
    subjects = [
        make_subject(registration=f"REC{n:05d}", created_at=timezone.now() - dt.timedelta(days=365 * 3 + n))
        for n in range(240)
    ]
    simulate_history(subjects, seed=11, years=3)
    run = train(
        config=TrainingConfig(seed=5, folds=3, max_rounds=200),
        data=build_training_set(),
        min_bad=10,
        min_rows=200,
    )
    promote(version=version_from_run(run=run), force=True, reason="test")
    return subjects


def test_suggestions_with_the_trained_model_reach_the_promised_grade(trained_champion):
    checked = combined = 0
    timings = []
    for subject in trained_champion[:60]:
        started = time.perf_counter()
        result = recourse.suggest(subject, use_cache=False)
        timings.append(time.perf_counter() - started)
        assert result.grade == grade_for(result.index).code
        if result.target is None or not result.suggestions:
            continue
        check(subject, result)
        checked += 1
        combined += any(len(s.steps) > 1 for s in result.suggestions)
        if checked >= 12:
            break
    assert checked >= 5
    print(f"median {sorted(timings)[len(timings) // 2] * 1000:.0f} ms; combined {combined}")


def test_what_if_facts_are_never_kept(trained_champion):
    subject = trained_champion[0]
    before = Fact.objects.count(), Source.objects.count()
    recourse.suggest(subject, use_cache=False)
    assert (Fact.objects.count(), Source.objects.count()) == before


def test_the_table_acts_only_on_what_a_company_can_change():
    assert recourse.ACTIONABLE and not recourse.ACTIONABLE & recourse.IMMUTABLE
    for immutable in ("years_in_business", "registered_capital_usd", "years_on_platform", "sanctions_hits"):
        assert immutable in recourse.IMMUTABLE
    for action in recourse.ACTIONS:
        assert action.sentence_one_en and action.sentence_zh and action.how_en and action.how_zh
        for spec in action.facts(max(action.steps), {}, dt.date(2026, 3, 1)):
            # Each fact is one its sender may write, and its payload passes the kind's own rules.
            assert spec.source_type in KINDS[spec.kind].source_types, (action.code, spec.kind)
            KINDS[spec.kind].clean_payload(spec.payload)


def test_next_grade():
    assert recourse.next_grade(590) == "BB"
    assert recourse.next_grade(600) == "BBB"
    assert recourse.next_grade(900) is None


def test_cold_start_scorecard_suggestions_reach_the_grade(make_subject, platform):
    """Before any model is trained the expert scorecard serves; recourse works through it the same way."""
    subject = make_subject(created_at=timezone.now() - dt.timedelta(days=400))
    for n in range(3):
        facts.record(
            source=platform,
            kind="payment_late",
            subject=subject,
            payload={"days_late": 20 + n, "amount": "1000", "currency": "USD"},
            occurred_at=timezone.now() - dt.timedelta(days=30 + n),
            external_ref=f"late-{next(_refs)}",
        )
        facts.record(
            source=platform,
            kind="meeting_missed",
            subject=subject,
            payload={},
            occurred_at=timezone.now() - dt.timedelta(days=40 + n),
            external_ref=f"missed-{next(_refs)}",
        )
    result = recourse.suggest(subject, use_cache=False)
    assert result.target is not None and result.suggestions
    check(subject, result)
    # The page's cached answer is the same one.
    assert recourse.suggest(subject).suggestions[0].steps == recourse.suggest(subject).suggestions[0].steps


def _statements(subject):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = recourse.suggest(subject, use_cache=False)
    return result, [q["sql"].lstrip().split(None, 1)[0].upper() for q in captured.captured_queries]


def test_a_page_view_writes_nothing(make_subject, platform):
    """The credit page is a GET: recourse reads the facts once and computes every what-if in memory."""
    subject = make_subject(created_at=timezone.now() - dt.timedelta(days=400))
    facts.record(
        source=platform,
        kind="payment_late",
        subject=subject,
        payload={"days_late": 30, "amount": "1000", "currency": "USD"},
        occurred_at=timezone.now() - dt.timedelta(days=30),
        external_ref=f"late-{next(_refs)}",
    )
    recourse.index.champion()  # installed by the page's first assessment, before recourse runs
    before = Fact.objects.count(), Source.objects.count(), Assessment.objects.count()
    result, statements = _statements(subject)
    assert result.suggestions
    # Reads, and the read-only session's savepoint (SET LOCAL work_mem on PostgreSQL); never a write
    # and never a rollback of one.
    assert set(statements) <= {"SELECT", "SAVEPOINT", "RELEASE", "SET"}, statements
    assert statements.count("SELECT") <= 6, statements
    assert (Fact.objects.count(), Source.objects.count(), Assessment.objects.count()) == before


def _verification(subject, platform, decision, verified):
    facts.record(
        source=platform,
        kind="verification_decision",
        subject=subject,
        payload={"document": "business_licence", "decision": decision, "verified": verified},
        occurred_at=timezone.now() - dt.timedelta(days=20),
        external_ref=f"verification-{next(_refs)}",
    )


def test_completing_verification_is_suggested_and_reaches_the_grade(make_subject, platform):
    never = make_subject(created_at=timezone.now() - dt.timedelta(days=400))
    lapsed = make_subject(created_at=timezone.now() - dt.timedelta(days=400))
    verified = make_subject(created_at=timezone.now() - dt.timedelta(days=400))
    _verification(lapsed, platform, "approved", True)
    _verification(lapsed, platform, "expired", False)
    _verification(verified, platform, "approved", True)
    for subject, expected, absent in (
        (never, "complete_verification", "renew_licence"),
        (lapsed, "renew_licence", "complete_verification"),
    ):
        result = recourse.suggest(subject, use_cache=False)
        codes = {st.code for s in result.suggestions for st in s.steps}
        assert expected in codes, (expected, [[st.code for st in s.steps] for s in result.suggestions])
        assert absent not in codes
        suggestion = next(s for s in result.suggestions if [st.code for st in s.steps] == [expected])
        assert set(suggestion.changes) == {"identity_verified"}
        assert suggestion.changes["identity_verified"][1] == 1.0
        check(subject, result)
    # A verified company is never told to verify again.
    result = recourse.suggest(verified, use_cache=False)
    codes = {st.code for s in result.suggestions for st in s.steps}
    assert not codes & {"complete_verification", "renew_licence"}


def test_certificates_are_an_action_for_suppliers_only(make_subject):
    supplier = make_subject(created_at=timezone.now() - dt.timedelta(days=400))
    evidence = recourse.what_if(subject_id=supplier.pk, as_of=timezone.now())
    features = evidence.features()
    action = recourse.ACTIONS_BY_CODE["add_certificates"]
    assert action.applies(supplier, features)
    buyer = make_subject(created_at=timezone.now() - dt.timedelta(days=400))
    buyer.kind = "buyer"
    buyer.save(update_fields=["kind"])
    assert not action.applies(buyer, features)
    # Two more certificates on top of the count on file (0 for a company that joined and has none).
    ((spec,),) = [action.facts(2, {**features, "certificates_current": 3.0}, timezone.now().date())]
    assert spec.payload["current"] == 5
