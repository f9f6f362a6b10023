"""Features against a hand-built history whose answers were worked out by hand."""

import datetime as dt
import itertools

import numpy as np
import pytest

from credit import facts
from credit.features import (
    EVIDENCE_NAMES,
    FEATURE_NAMES,
    FEATURES,
    MODEL_FEATURES,
    build_feature_matrix,
    feature_vector,
    monotone_constraints,
)
from credit.kinds import SourceType

AS_OF = dt.date(2024, 6, 30)
_refs = itertools.count()


def d(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.fixture
def sources(make_source):
    return {
        t: make_source("platform" if t == SourceType.PLATFORM else f"src-{t}", t)
        for t in (
            SourceType.PLATFORM,
            SourceType.INSURER,
            SourceType.BANK,
            SourceType.REGISTRY,
            SourceType.CHAMBER,
            SourceType.COURT,
        )
    }


@pytest.fixture
def add(sources):
    def add(subject, source_type, kind, occurred, payload=None, known=None):
        fact, _ = facts.record(
            source=sources[source_type],
            kind=kind,
            subject=subject,
            payload=payload or {},
            occurred_at=d(occurred),
            known_at=d(known) if known else None,
            external_ref=f"t-{next(_refs)}",
        )
        return fact

    return add


@pytest.fixture
def history(subject, add):
    P, INS, BANK, REG, CH, CT = (
        SourceType.PLATFORM,
        SourceType.INSURER,
        SourceType.BANK,
        SourceType.REGISTRY,
        SourceType.CHAMBER,
        SourceType.COURT,
    )
    late = "2024-03-20"
    add(subject, P, "deal_completed", "2024-03-01", {"value": "1000", "currency": "USD"}, known="2024-03-01")
    add(subject, P, "deal_completed", "2024-05-01", {"value": "1000", "currency": "EUR"}, known="2024-05-01")
    add(subject, P, "deal_completed", "2023-01-01", {"value": "500", "currency": "USD"}, known="2023-01-01")
    add(
        subject,
        INS,
        "insurance_limit_granted",
        "2023-06-01",
        {"limit": "5000", "currency": "USD"},
        known="2023-06-02",
    )
    add(
        subject,
        INS,
        "insurance_limit_cut",
        "2024-02-01",
        {"limit": "2000", "currency": "USD"},
        known="2024-02-02",
    )
    for due, paid in (("2024-01-10", "2024-01-05"), ("2024-02-10", "2024-02-10"), ("2024-03-10", late)):
        add(
            subject,
            P,
            "invoice_paid",
            paid,
            {"amount": "100", "currency": "USD", "due_date": due, "paid_date": paid},
            known=paid,
        )
    add(subject, P, "payment_late", late, {"days_late": 10, "amount": "100", "currency": "USD"}, known=late)
    add(
        subject,
        P,
        "payment_late",
        "2024-05-01",
        {"days_late": 40, "amount": "50", "currency": "USD"},
        known="2024-05-01",
    )
    add(
        subject,
        P,
        "payment_late",
        "2021-01-05",
        {"days_late": 100, "amount": "50", "currency": "USD"},
        known="2021-01-05",
    )
    add(subject, P, "dispute_resolved", "2023-01-01", {"in_favour_of": "counterparty"}, known="2023-01-01")
    add(subject, P, "dispute_resolved", "2023-02-01", {"in_favour_of": "subject"}, known="2023-02-01")
    for day in ("2024-01-01", "2024-02-01", "2022-01-01"):
        add(subject, P, "order_cancelled", day, known=day)
    add(
        subject,
        INS,
        "insurance_claim_filed",
        "2024-04-01",
        {"amount": "300", "currency": "USD"},
        known="2024-04-02",
    )
    # Booth sizes: the 54 m² island of 2021 is older than 36 months, so the largest counted is 36 m².
    for day, sqm in (("2022-10-15", 18), ("2023-04-15", 36), ("2023-10-15", None), ("2021-04-15", 54)):
        add(subject, P, "fair_exhibited", day, {"phase": 2, "booth_sqm": sqm} if sqm else {}, known=day)
    for day in ("2023-10-15", "2023-10-16", "2021-04-16"):  # the last is outside the window
        add(subject, P, "fair_checked_in", day, {"day": day}, known=day)
    add(subject, P, "hosted_meeting_attended", "2023-10-16", {"event": "7"}, known="2023-10-16")
    add(subject, P, "hosted_meeting_no_show", "2023-10-17", {"event": "7"}, known="2023-10-17")
    add(subject, P, "hosted_meeting_no_show", "2022-04-17", {"event": "3"}, known="2022-04-17")  # > 24 months
    for day in ("2023-01-10", "2023-05-10", "2024-01-10"):
        add(subject, P, "meeting_held", day, known=day)
    add(subject, P, "meeting_missed", "2024-02-10", known="2024-02-10")
    add(subject, BANK, "bank_rating", "2023-01-01", {"rating": "A"}, known="2023-01-02")
    add(subject, BANK, "bank_rating", "2024-01-01", {"rating": "BBB"}, known="2024-01-02")
    # Happened before the as-of date but learned after it: must not count on 2024-06-30.
    add(subject, BANK, "bank_rating", "2024-06-01", {"rating": "D"}, known="2024-07-15")
    add(
        subject,
        REG,
        "company_registered",
        "2010-06-30",
        {"registered_capital": "1000000", "currency": "CNY", "founded_on": "2010-06-30"},
        known="2020-01-01",
    )
    add(subject, REG, "registry_status", "2020-01-01", {"status": "active"}, known="2020-01-01")
    add(subject, REG, "registry_status", "2024-05-01", {"status": "abnormal"}, known="2024-05-03")
    add(
        subject,
        CH,
        "chamber_membership",
        "2023-01-01",
        {"chamber": "CCPIT", "valid_until": "2024-12-31"},
        known="2023-01-01",
    )
    add(
        subject,
        CT,
        "court_judgment",
        "2023-01-01",
        {"amount": "10000", "currency": "USD", "against_subject": True},
        known="2023-01-05",
    )
    add(
        subject,
        CT,
        "court_judgment",
        "2023-05-01",
        {"amount": "500", "currency": "USD", "against_subject": False},
        known="2023-05-05",
    )
    return subject


EXPECTED = {
    "years_in_business": (dt.date(2024, 6, 30).toordinal() - dt.date(2010, 6, 30).toordinal()) / 365.25,
    "registry_status": 1.0,
    "sanctions_hits": 0.0,
    "judgments_against_36m": 1.0,
    "chamber_member": 1.0,
    "identity_verified": None,  # no verification decision in this history
    "certificates_current": 0.0,  # on the platform, no certificate reported
    "deals_completed_12m": 2.0,
    # At the FX table's reference rates (core migration 0003): EUR 1 = USD 1.08, CNY 7.82608696 per euro.
    "deals_value_12m_usd": 1000 + 1000 * 1.08,
    "on_time_payment_ratio": 2 / 3,
    "avg_days_late_24m": 25.0,
    "worst_days_late_24m": 40.0,
    "disputes_lost_36m": 1.0,
    "cancellations_12m": 2.0,
    "years_on_platform": (d("2024-06-30T23:59:59.999999") - d("2021-01-01")).total_seconds() / 86400 / 365.25,
    "bank_rating": 4.0,
    "registered_capital_usd": 1_000_000 * 1.08 / 7.82608696,
    "insured_limit_usd": 2000.0,
    "insured_limit_use": 1000 * 1.08 / 2000,  # the EUR deal of the last 90 days over the limit
    "claims_24m": 1.0,
    "fairs_exhibited_3y": 3.0,
    "fairs_attended_3y": 0.0,
    "meetings_kept_ratio": 0.75,
    "meetings_missed_24m": 1.0,
    "largest_booth_sqm_3y": 36.0,
    "fair_days_checked_in_3y": 2.0,
    "hosted_meetings_attended_2y": 1.0,
    "hosted_no_shows_2y": 1.0,
}


@pytest.mark.django_db
def test_every_feature_has_a_hand_worked_answer(history):
    assert set(EXPECTED) == set(EVIDENCE_NAMES)
    vector = feature_vector(subject=history, as_of=AS_OF)
    for name, expected in EXPECTED.items():
        if expected is None:
            assert vector[name] is None, name
        else:
            assert vector[name] == pytest.approx(expected, rel=1e-9), name


@pytest.mark.django_db
def test_a_fact_learned_after_as_of_does_not_change_that_dates_features(history):
    assert feature_vector(subject=history, as_of=AS_OF)["bank_rating"] == 4.0
    assert feature_vector(subject=history, as_of=dt.date(2024, 7, 14))["bank_rating"] == 4.0
    # Once it is known, the D rating (step 10) is the latest by occurrence.
    assert feature_vector(subject=history, as_of=dt.date(2024, 7, 15))["bank_rating"] == 10.0


@pytest.mark.django_db
def test_a_fact_that_happens_after_as_of_is_ignored(subject, add):
    add(subject, SourceType.BANK, "bank_rating", "2024-08-01", {"rating": "AAA"}, known="2024-08-01")
    assert feature_vector(subject=subject, as_of=AS_OF)["bank_rating"] is None
    assert feature_vector(subject=subject, as_of=dt.date(2024, 8, 1))["bank_rating"] == 1.0


@pytest.mark.django_db
def test_missing_data_stays_missing(make_subject):
    newcomer = make_subject(created_at=d("2024-01-01"))
    before_joining = feature_vector(subject=newcomer, as_of=dt.date(2023, 6, 30))
    after_joining = feature_vector(subject=newcomer, as_of=AS_OF)
    partner_values = (
        "bank_rating",
        "insured_limit_usd",
        "insured_limit_use",
        "claims_24m",
        "registry_status",
        "years_in_business",
        "registered_capital_usd",
        "chamber_member",
        "on_time_payment_ratio",
        "avg_days_late_24m",
        "worst_days_late_24m",
        "meetings_kept_ratio",
    )
    for name in partner_values:
        assert after_joining[name] is None, name
    # Platform counts are real zeros once the company is on the platform, unknown before.
    assert after_joining["deals_completed_12m"] == 0.0
    assert before_joining["deals_completed_12m"] is None
    assert before_joining["years_on_platform"] is None
    # Exhaustive screening feeds: no hit is a zero.
    assert after_joining["sanctions_hits"] == 0.0


@pytest.mark.django_db
def test_invoices_without_late_payments_mean_zero_days_late(subject, add):
    add(
        subject,
        SourceType.PLATFORM,
        "invoice_paid",
        "2024-01-05",
        {"amount": "1", "currency": "USD", "due_date": "2024-01-10", "paid_date": "2024-01-05"},
        known="2024-01-05",
    )
    vector = feature_vector(subject=subject, as_of=AS_OF)
    assert vector["avg_days_late_24m"] == 0.0
    assert vector["on_time_payment_ratio"] == 1.0


@pytest.mark.django_db
def test_a_correction_replaces_the_fact_from_when_it_was_known(subject, sources):
    platform = sources[SourceType.PLATFORM]
    original, _ = facts.record(
        source=platform,
        kind="deal_completed",
        subject=subject,
        payload={"value": "100", "currency": "USD"},
        occurred_at=d("2024-03-01"),
        known_at=d("2024-03-01"),
        external_ref="deal-1",
    )
    facts.record(
        source=platform,
        kind="deal_completed",
        subject=subject,
        payload={"value": "150", "currency": "USD"},
        occurred_at=d("2024-03-01"),
        known_at=d("2024-04-01"),
        external_ref="deal-1-fix",
        supersedes=original,
    )
    assert feature_vector(subject=subject, as_of=dt.date(2024, 3, 15))["deals_value_12m_usd"] == 100.0
    after = feature_vector(subject=subject, as_of=dt.date(2024, 4, 15))
    assert after["deals_value_12m_usd"] == 150.0
    assert after["deals_completed_12m"] == 1.0


@pytest.mark.django_db
def test_batch_matrix_equals_the_single_subject_path(history, make_subject, add):
    other = make_subject(created_at=d("2022-05-01"))
    add(
        other,
        SourceType.PLATFORM,
        "deal_completed",
        "2024-06-01",
        {"value": "70", "currency": "GBP"},
        known="2024-06-01",
    )
    add(other, SourceType.BANK, "bank_rating", "2024-02-01", {"rating": "CCC"}, known="2024-02-01")
    make_subject()  # a subject without any fact
    matrix = build_feature_matrix(as_of=AS_OF)
    assert matrix.values.shape == (3, len(FEATURE_NAMES))
    assert matrix.raw.shape == (3, len(FEATURES))
    assert list(matrix.subject_ids) == sorted(matrix.subject_ids)
    for index, subject_id in enumerate(matrix.subject_ids):
        single = build_feature_matrix(as_of=AS_OF, subject_ids=[int(subject_id)])
        np.testing.assert_array_equal(single.values[0], matrix.values[index])
    assert matrix.row(other.pk)["bank_rating"] == 7.0


@pytest.mark.django_db
@pytest.mark.parametrize("count", [0, 17, 70])
def test_any_number_of_ids_gives_the_rows_of_the_full_matrix(history, make_subject, add, count):
    """Subsets of every size (compiled queries are shared between sizes) match the whole matrix."""
    subjects = [make_subject(created_at=d("2023-01-01")) for _ in range(75)]
    for k, subject in enumerate(subjects):
        if k % 3 == 0:
            add(
                subject,
                SourceType.PLATFORM,
                "deal_completed",
                "2024-06-01",
                {"value": str(10 + k), "currency": "USD"},
            )
    full = build_feature_matrix(as_of=AS_OF)
    wanted = [s.pk for s in subjects[:count]]
    part = build_feature_matrix(as_of=AS_OF, subject_ids=wanted)
    assert list(part.subject_ids) == sorted(wanted)
    rows = np.searchsorted(full.subject_ids, part.subject_ids)
    np.testing.assert_array_equal(part.values, full.values[rows])
    np.testing.assert_array_equal(part.evidence, full.evidence[rows])


def test_every_feature_is_declared_once_with_dimension_direction_and_both_languages():
    assert len(FEATURE_NAMES) == len(set(FEATURE_NAMES))
    assert len(monotone_constraints()) == len(FEATURE_NAMES)
    for feature in MODEL_FEATURES:
        assert feature.direction in (-1, 0, 1)
        assert feature.dimension in {
            "identity_compliance",
            "trade_performance",
            "financial_strength",
            "insurance",
            "participation_reputation",
        }
        assert feature.label_en and feature.label_zh and feature.meaning_en and feature.meaning_zh
