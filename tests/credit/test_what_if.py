"""Features with facts added in memory (`credit.features.what_if`) are the features the real path computes
once those facts are written — for every recourse action at every step, their combinations, and facts
that test each aggregate's rules (windows, visibility, averages, maxima, latest values, currencies)."""

import datetime as dt
import itertools
from decimal import Decimal

import numpy as np
import pytest
from django.db import transaction
from django.utils import timezone

from credit import facts, recourse
from credit.features import EVIDENCE_NAMES, FactLike, build_feature_matrix, what_if
from credit.kinds import KINDS
from credit.models import Source
from credit.simulation import simulate_history

pytestmark = pytest.mark.django_db
_refs = itertools.count(1)


def _source(source_type):
    source = Source.objects.filter(source_type=source_type, is_active=True).order_by("pk").first()
    return source or Source.objects.create(code=f"w-{source_type}", name=source_type, source_type=source_type)


def _record(subject, kind, payload, *, occurred, known=None, source_type=None):
    source_type = source_type or KINDS[kind].source_types[0]
    facts.record(
        source=_source(source_type),
        kind=kind,
        subject=subject,
        payload=payload,
        occurred_at=occurred,
        known_at=known or occurred,
        external_ref=f"what-if-{next(_refs)}",
    )


def _real(subject, moment, variant):
    """The subject's evidence row once the variant's facts — (kind, payload, occurred, known, source
    type) — are recorded for real, then rolled back."""
    sid = transaction.savepoint_create()
    try:
        for kind, payload, occurred, known, source_type in variant:
            _record(subject, kind, payload, occurred=occurred, known=known, source_type=source_type)
        return build_feature_matrix(as_of=moment, subject_ids=[subject.pk]).raw[0]
    finally:
        transaction.savepoint_rollback(sid)


def _like(kind, payload, occurred, known, source_type=None):
    values = KINDS[kind].clean_payload(payload)
    amount, currency, metric = KINDS[kind].columns(values)
    return FactLike(kind, occurred, known, amount, currency, metric)


def _assert_same(expected, got, label):
    expected, got = np.asarray(expected, dtype=float), np.asarray(got, dtype=float)
    missing = np.isnan(expected)
    mismatched = [EVIDENCE_NAMES[j] for j in np.flatnonzero(missing != np.isnan(got))]
    assert not mismatched, (label, "missing differs", mismatched)
    close = np.isclose(expected[~missing], got[~missing], rtol=1e-12, atol=0)
    names = [n for n, m in zip(EVIDENCE_NAMES, missing, strict=True) if not m]
    assert close.all(), (
        label,
        {
            n: (e, g)
            for n, e, g, ok in zip(names, expected[~missing], got[~missing], close, strict=True)
            if not ok
        },
    )


@pytest.fixture
def world(make_subject):
    """Subjects with every kind of history: simulated, none at all, not yet joined, and hand-made edges."""
    now = timezone.now()
    moment = now
    simulated = [
        make_subject(registration=f"WI{n:04d}", created_at=now - dt.timedelta(days=200 + 300 * n))
        for n in range(5)
    ]
    simulate_history(simulated, seed=7, years=3, today=now - dt.timedelta(seconds=5))
    empty = make_subject(registration="WI-EMPTY", created_at=now - dt.timedelta(days=10))
    not_joined = make_subject(registration="WI-LATER", created_at=now + dt.timedelta(days=30))
    edges = make_subject(registration="WI-EDGES", created_at=now - dt.timedelta(days=900))
    occurred = moment - dt.timedelta(seconds=1)
    # Latest values at the very moment the what-if facts are dated (the added fact, with the higher id,
    # wins the tie) and just after it (the existing one stays the latest).
    _record(
        edges,
        "verification_decision",
        {"document": "business_licence", "decision": "rejected", "verified": False},
        occurred=occurred,
    )
    _record(
        edges,
        "certificates_on_file",
        {"current": 4, "expired": 1},
        occurred=occurred + dt.timedelta(milliseconds=500),
    )
    _record(
        edges,
        "insurance_limit_granted",
        {"limit": "80000", "currency": "EUR"},
        occurred=now - dt.timedelta(days=300),
    )
    _record(
        edges,
        "insurance_limit_cut",
        {"limit": "20000", "currency": "USD"},
        occurred=now - dt.timedelta(days=100),
    )
    _record(
        edges,
        "chamber_membership",
        {"chamber": "CCPIT", "valid_until": (now - dt.timedelta(days=3)).date().isoformat()},
        occurred=now - dt.timedelta(days=400),
    )
    for days, late in ((20, 15), (200, 40), (800, 90)):
        _record(
            edges,
            "payment_late",
            {"days_late": late, "amount": "1200", "currency": "USD"},
            occurred=now - dt.timedelta(days=days),
        )
    _record(
        edges,
        "invoice_paid",
        {"amount": "900", "currency": "CNY", "due_date": "2026-01-10", "paid_date": "2026-01-20"},
        occurred=now - dt.timedelta(days=30),
    )
    _record(
        edges, "deal_completed", {"value": "3000", "currency": "EUR"}, occurred=now - dt.timedelta(days=50)
    )
    _record(edges, "meeting_missed", {}, occurred=now - dt.timedelta(days=60))
    return moment, [*simulated, empty, not_joined, edges]


def test_every_action_at_every_step_gives_the_features_the_real_facts_give(world):
    moment, subjects = world
    occurred = moment - dt.timedelta(seconds=1)
    today = moment.date()
    checked = 0
    for subject in subjects:
        evidence = what_if(subject_id=subject.pk, as_of=moment)
        # The evidence read once is the real path's row.
        _assert_same(
            build_feature_matrix(as_of=moment, subject_ids=[subject.pk]).raw[0], evidence.base_raw, subject
        )
        features = evidence.features()
        parts = [(a, n) for a in recourse.ACTIONS for n in a.steps]
        specs = [a.facts(n, features, today) for a, n in parts]
        # Each action alone (whether or not it applies to the subject), and a few combinations of
        # different actions, as the search builds them.
        singles = [(p,) for p in range(len(parts))]
        rng = np.random.default_rng(subject.pk)
        combos = set()
        while len(combos) < 6:
            picked = tuple(
                sorted(rng.choice(len(parts), size=int(rng.integers(2, 4)), replace=False).tolist())
            )
            if len({parts[p][0].code for p in picked}) == len(picked):
                combos.add(picked)
        variants = singles + sorted(combos)
        matrix = evidence.matrix(
            parts=[recourse.fact_likes(s, occurred) for s in specs],
            variants=variants,
        )
        _assert_same(evidence.base_raw, matrix.raw[0], subject)
        for k, variant in enumerate(variants):
            written = [
                (spec.kind, spec.payload, occurred, occurred, spec.source_type)
                for p in variant
                for spec in specs[p]
            ]
            _assert_same(
                _real(subject, moment, written),
                matrix.raw[1 + k],
                (subject, [parts[p][0].code for p in variant]),
            )
            checked += 1
    assert checked >= len(subjects) * len(recourse.ACTIONS)


def test_facts_outside_the_window_or_unknown_yet_and_every_aggregate_rule(world):
    """Beyond the recourse table: late payments (average and maximum), other currencies, facts outside
    a trailing window, facts not yet known or not yet happened, several latest values in one variant."""
    moment, subjects = world
    edges = subjects[-1]
    at = {
        "now": moment - dt.timedelta(seconds=1),
        "old": moment - dt.timedelta(days=500),
        "future": moment + dt.timedelta(days=1),
    }
    parts = [
        [("payment_late", {"days_late": 30, "amount": "500", "currency": "EUR"}, at["now"], at["now"])],
        [("payment_late", {"days_late": 200, "amount": "50", "currency": "USD"}, at["old"], at["now"])],
        [
            ("deal_completed", {"value": "12000.5", "currency": "CNY"}, at["old"], at["now"]),
            ("deal_completed", {"value": "700", "currency": "EUR"}, at["now"], at["now"]),
        ],
        # Not yet known at the moment, and not yet happened: both invisible.
        [
            ("deal_completed", {"value": "9000", "currency": "USD"}, at["now"], at["future"]),
            ("meeting_held", {}, at["future"], at["future"]),
        ],
        [
            ("insurance_limit_granted", {"limit": "150000", "currency": "USD"}, at["now"], at["now"]),
            ("insurance_limit_cut", {"limit": "60000", "currency": "USD"}, at["now"], at["now"]),
        ],
        [("bank_rating", {"rating": "BBB"}, at["old"], at["old"])],
        [
            ("registry_status", {"status": "abnormal"}, at["now"], at["now"]),
            (
                "company_registered",
                {"registered_capital": "1000000", "currency": "CNY", "founded_on": "2011-04-02"},
                at["old"],
                at["now"],
            ),
        ],
        [
            (
                "invoice_paid",
                {"amount": "5000", "currency": "USD", "due_date": "2026-01-01", "paid_date": "2025-12-30"},
                at["now"],
                at["now"],
            )
        ],
    ]
    variants = [(p,) for p in range(len(parts))] + [(0, 1), (0, 2, 3), (1, 4, 5), (4, 6, 7), (2, 4)]
    for subject in (edges, subjects[0], subjects[5]):
        evidence = what_if(subject_id=subject.pk, as_of=moment)
        matrix = evidence.matrix(parts=[[_like(*f) for f in part] for part in parts], variants=variants)
        for k, variant in enumerate(variants):
            written = [(*f, None) for p in variant for f in parts[p]]
            # Facts not yet happened cannot be recorded (the service refuses the future): leave them out
            # of the real write, which is what the what-if must have done too.
            written = [w for w in written if w[2] <= moment and w[3] <= moment]
            _assert_same(_real(subject, moment, written), matrix.raw[1 + k], (subject, variant))


def test_fact_likes_are_what_the_service_stores(subject, platform):
    spec = recourse.FactSpec(
        "platform",
        "invoice_paid",
        {"amount": "5000", "currency": "USD", "due_date": "2026-03-01", "paid_date": "2026-03-01"},
    )
    when = timezone.now() - dt.timedelta(minutes=1)
    (like,) = recourse.fact_likes([spec], when)
    fact, _created = facts.record(
        source=platform,
        kind=spec.kind,
        subject=subject,
        payload=spec.payload,
        occurred_at=when,
        known_at=when,
        external_ref="fl-1",
    )
    fact.refresh_from_db()
    assert (like.kind, like.occurred_at, like.known_at, like.amount, like.currency, like.metric) == (
        fact.kind,
        fact.occurred_at,
        fact.known_at,
        fact.amount,
        fact.currency,
        fact.metric,
    )
    assert like.amount == Decimal("5000")
