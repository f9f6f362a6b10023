"""Credit gating: every rule of the default policy, exposure in the base currency, versions, overrides."""

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from credit import gating, index
from credit.gating import DEFAULT_POLICY, PAYMENT_TERMS, POLICY_GRADES, RuleInput, decide
from credit.models import AppendOnlyError, GatingOverride, GatingPolicy, GatingRule
from tests.credit.factories import AssessmentFactory, GatingOverrideFactory, SubjectFactory
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# Inputs gating reads through settings, as real callables: fixed rates and a per-subject exposure list.
RATES = {"USD": Decimal("1"), "EUR": Decimal("1.10"), "CNY": Decimal("0.14"), "JPY": Decimal("0.0067")}
EXPOSURE: dict[int, list[tuple[Decimal, str]]] = {}


def fixed_rates(on):
    return dict(RATES)


def exposure_of(subject):
    return list(EXPOSURE.get(subject.pk, []))


@pytest.fixture(autouse=True)
def _inputs(settings):
    settings.CREDIT_FX_RATES = "tests.credit.test_gating.fixed_rates"
    settings.CREDIT_EXPOSURE = "tests.credit.test_gating.exposure_of"
    settings.CREDIT_OVERRIDE_FOUR_EYES_AMOUNT = Decimal("50000")
    EXPOSURE.clear()
    # Reasons are asserted in English; a page rendered in Chinese earlier leaves the thread's language set.
    with translation.override("en"):
        yield
    EXPOSURE.clear()


def rated(grade):
    """A subject whose current assessment has `grade`."""
    return AssessmentFactory(grade=grade).subject


def officer():
    return UserFactory(platform_role="risk_officer")


# -- the seeded policy and each of its rows ------------------------------------------------------


def test_the_migration_seeds_the_documented_defaults_as_version_1():
    policy = GatingPolicy.objects.get(version=1)
    assert policy.base_currency == "USD" and policy.created_by is None and policy.reason
    rows = gating.policy_rows(policy)
    assert set(rows) == set(POLICY_GRADES)
    for grade, (terms, limit, days) in DEFAULT_POLICY.items():
        assert sorted(rows[grade].allowed_terms) == sorted(terms), grade
        assert rows[grade].credit_limit == limit and rows[grade].max_term_days == days, grade
    assert (
        gating.check_policy(
            {g: RuleInput(tuple(r.allowed_terms), r.credit_limit, r.max_term_days) for g, r in rows.items()},
            "USD",
        )
        == {}
    )


@pytest.mark.parametrize("grade", POLICY_GRADES)
@pytest.mark.parametrize("action", PAYMENT_TERMS)
def test_each_grade_row_allows_exactly_its_terms(grade, action):
    terms, limit, _days = DEFAULT_POLICY[grade]
    decision = decide(rated(grade), action, Decimal("1000"), "USD")
    assert decision.allowed is (action in terms)
    assert decision.grade == grade and decision.policy_version == 1
    assert decision.limit == limit and decision.term_days_max == DEFAULT_POLICY[grade][2]
    if action not in terms:
        assert any("needs grade" in r for r in decision.reasons), decision.reasons


def test_refusals_say_why_in_plain_words():
    decision = decide(rated("BBB"), "open_account", Decimal("5000"), "USD")
    assert not decision.allowed
    assert "Open account needs grade A; this buyer is BBB." in decision.reasons
    assert "D/A needs grade BBB; this buyer is B." in decide(rated("B"), "da", 10, "USD").reasons
    assert "D/P needs grade BB; this buyer is CCC." in decide(rated("CCC"), "dp", 10, "USD").reasons


def test_secured_terms_add_no_exposure_and_ignore_the_limit():
    subject = rated("CCC")  # limit 0
    EXPOSURE[subject.pk] = [(Decimal("7000"), "USD")]
    decision = decide(subject, "lc_sight", Decimal("2000000"), "USD")
    assert decision.allowed
    assert decision.exposure_before == decision.exposure_after == Decimal("7000.00")


def test_the_longest_term_is_enforced_for_deferred_terms():
    subject = rated("BBB")  # 60 days
    assert decide(subject, "da", 1000, "USD", term_days=60).allowed
    refused = decide(subject, "da", 1000, "USD", term_days=61)
    assert not refused.allowed
    assert "A term of 61 days is longer than the 60 days allowed for BBB." in refused.reasons
    # Days mean nothing for prepayment.
    assert decide(subject, "prepayment", 1000, "USD", term_days=365).allowed


def test_the_limit_counts_outstanding_exposure_plus_the_order():
    subject = rated("BBB")  # 100,000 USD
    EXPOSURE[subject.pk] = [(Decimal("60000"), "USD"), (Decimal("30000"), "USD")]
    at_limit = decide(subject, "dp", Decimal("10000"), "USD")
    assert at_limit.allowed and at_limit.exposure_before == Decimal("90000.00")
    assert at_limit.exposure_after == Decimal("100000.00")
    over = decide(subject, "dp", Decimal("30000"), "USD")
    assert not over.allowed
    assert "Order would bring exposure to 120,000 USD, above the 100,000 USD limit." in over.reasons


def test_exposure_and_order_are_converted_to_the_base_currency_with_the_fx_rates():
    subject = rated("A")  # 250,000 USD
    EXPOSURE[subject.pk] = [(Decimal("10000"), "EUR"), (Decimal("100000"), "CNY")]
    decision = decide(subject, "open_account", Decimal("5000"), "EUR", term_days=30)
    assert decision.exposure_before == Decimal("25000.00")  # 11,000 + 14,000
    assert decision.amount_base == Decimal("5500.00")
    assert decision.exposure_after == Decimal("30500.00")
    assert decision.rates == {"EUR": "1.10", "CNY": "0.14", "USD": "1"}
    json.dumps(decision.as_dict())  # stored with the order as JSON
    assert decision.as_dict()["exposure_after"] == "30500.00"


def test_a_policy_in_euros_converts_through_the_dollar_rates():
    by = officer()
    rows = {g: RuleInput(t, lim, d) for g, (t, lim, d) in DEFAULT_POLICY.items()}
    gating.save_policy(rows=rows, base_currency="EUR", reason="Limits in euros", by_user=by)
    subject = rated("BBB")  # 100,000 EUR now
    EXPOSURE[subject.pk] = [(Decimal("110000"), "USD")]  # = 100,000 EUR
    decision = decide(subject, "da", Decimal("1"), "EUR")
    assert decision.base_currency == "EUR" and decision.exposure_before == Decimal("100000.00")
    assert not decision.allowed
    assert "Order would bring exposure to 100,001 EUR, above the 100,000 EUR limit." in decision.reasons


def test_an_amount_without_an_exchange_rate_cannot_pass_the_limit():
    subject = rated("AA")
    EXPOSURE[subject.pk] = [(Decimal("1000"), "GBP")]
    decision = decide(subject, "open_account", Decimal("10"), "USD")
    assert not decision.allowed
    assert "No exchange rate for GBP: the order cannot be checked against the limit." in decision.reasons
    assert decide(subject, "prepayment", Decimal("10"), "USD").allowed


def test_a_thin_file_gets_the_unrated_row_never_a_good_grade():
    subject = rated("NR")
    decision = decide(subject, "open_account", Decimal("100"), "USD")
    assert not decision.allowed and decision.grade == "NR"
    assert decision.reasons[0].startswith("This buyer is not yet rated (not enough data)")
    assert "Open account needs grade A; this buyer is not yet rated." in decision.reasons
    assert decide(subject, "lc_sight", Decimal("100"), "USD").allowed
    assert not decide(subject, "deposit_balance", Decimal("100"), "USD").allowed


def test_a_grade_the_policy_does_not_know_is_treated_as_unrated():
    decision = decide(rated("D"), "dp", Decimal("100"), "USD")
    assert decision.grade == "NR" and not decision.allowed


def test_a_subject_without_any_assessment_gets_the_unrated_row(monkeypatch):
    # index.current scores a subject first; when scoring gives nothing, gating must still be safe.
    monkeypatch.setattr(index, "current", lambda subject: None)
    decision = decide(SubjectFactory(), "da", Decimal("100"), "USD")
    assert not decision.allowed and decision.grade == "NR" and decision.assessment_id is None
    assert decision.reasons[0] == (
        "This buyer has no credit assessment yet; the policy's row for unrated buyers applies."
    )


def test_a_subject_never_scored_is_scored_and_the_assessment_named(subject):
    decision = decide(subject, "prepayment", Decimal("100"), "USD")
    assert decision.assessment_id == index.latest_assessment(subject.pk).pk
    assert decision.allowed


def test_the_decision_names_the_assessment_it_used():
    assessment = AssessmentFactory(grade="AA")
    assert decide(assessment.subject, "prepayment", 1, "USD").assessment_id == assessment.pk


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("barter", 10, "USD"), "unknown payment term"),
        (("dp", 10, "XXY"), "ISO 4217"),
        (("dp", 0, "USD"), "greater than zero"),
        (("dp", -5, "USD"), "greater than zero"),
        (("dp", "ten", "USD"), "not a number"),
    ],
)
def test_bad_input_is_refused_loudly(args, message):
    with pytest.raises(ValueError, match=message):
        decide(rated("A"), *args)


def test_reasons_are_translated_into_chinese():
    with translation.override("zh-hans"):
        decision = decide(rated("BBB"), "open_account", Decimal("5000"), "USD")
    assert all(not r.isascii() for r in decision.reasons), decision.reasons


# -- policy versions -----------------------------------------------------------------------------


def default_rows(**changes):
    rows = {g: RuleInput(t, lim, d) for g, (t, lim, d) in DEFAULT_POLICY.items()}
    rows.update(changes)
    return rows


def test_saving_the_policy_makes_a_new_version_in_force_and_keeps_the_old_one():
    by = officer()
    rows = default_rows(BBB=RuleInput(DEFAULT_POLICY["A"][0], Decimal("100000"), 60))
    policy = gating.save_policy(rows=rows, base_currency="USD", reason="Open account for BBB", by_user=by)
    assert policy.version == 2 and policy.created_by == by and policy.reason == "Open account for BBB"
    assert "open_account" not in GatingRule.objects.get(policy__version=1, grade="BBB").allowed_terms
    decision = decide(rated("BBB"), "open_account", Decimal("5000"), "USD", term_days=30)
    assert decision.allowed and decision.policy_version == 2


def test_policy_versions_are_immutable():
    policy = GatingPolicy.objects.get(version=1)
    policy.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        policy.save()
    with pytest.raises(AppendOnlyError):
        policy.delete()
    rule = policy.rules.first()
    rule.credit_limit = Decimal("1")
    with pytest.raises(AppendOnlyError):
        rule.save()
    with pytest.raises(AppendOnlyError):
        GatingRule.objects.filter(policy=policy).update(credit_limit=Decimal("1"))
    with pytest.raises(AppendOnlyError):
        GatingPolicy.objects.all().delete()
    assert GatingRule.objects.get(policy=policy, grade="A").credit_limit == Decimal("250000")


def test_an_emptied_database_gets_the_documented_defaults_back():
    # A flushed database (transactional tests) has no policy: gating installs version 1 again.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {GatingRule._meta.db_table}")  # noqa: S608
        cursor.execute(f"DELETE FROM {GatingPolicy._meta.db_table}")  # noqa: S608
    decision = decide(rated("BBB"), "da", Decimal("100"), "USD")
    assert decision.allowed and decision.policy_version == 1
    assert GatingPolicy.objects.get().reason == gating.DEFAULT_REASON


@pytest.mark.parametrize(
    ("changes", "grade", "message"),
    [
        ({"BB": RuleInput(DEFAULT_POLICY["A"][0], Decimal("50000"), 45)}, "BB", "cannot be allowed for BB"),
        (
            {"B": RuleInput(DEFAULT_POLICY["B"][0], Decimal("60000"), 30)},
            "B",
            "The limit for B cannot be higher",
        ),
        ({"CCC": RuleInput(("prepayment",), Decimal("0"), 40)}, "CCC", "cannot be longer than for B"),
        ({"NR": RuleInput(DEFAULT_POLICY["B"][0] + ("dp",), Decimal("5000"), 0)}, "NR", "not yet rated"),
        ({"A": RuleInput(("prepayment",), Decimal("-1"), 30)}, "A", "cannot be negative"),
        ({"A": RuleInput(("cash",), Decimal("1"), 30)}, "A", "Unknown payment terms"),
        ({"A": RuleInput(("prepayment",), Decimal("1"), 9999)}, "A", "between 0 and 720"),
    ],
)
def test_a_policy_that_treats_a_worse_grade_better_is_refused(changes, grade, message):
    with pytest.raises(ValidationError) as caught:
        gating.save_policy(rows=default_rows(**changes), base_currency="USD", reason="x", by_user=officer())
    assert any(message in m for m in caught.value.message_dict[grade]), caught.value.message_dict
    assert GatingPolicy.objects.count() == 1


def test_a_policy_change_needs_a_reason_and_a_currency():
    with pytest.raises(ValidationError) as caught:
        gating.save_policy(rows=default_rows(), base_currency="ZZZ", reason=" ", by_user=officer())
    assert caught.value.message_dict["__all__"] == [
        "ZZZ is not an ISO 4217 currency code.",
        "Say why the policy changes.",
    ]


@pytest.mark.parametrize("who", ["operator", "member", "partner_risk_officer", "anonymous"])
def test_only_platform_risk_officers_change_the_policy_or_overrides(who):
    user = {
        "operator": lambda: UserFactory(platform_role="operator"),
        "member": lambda: MembershipFactory().user,
        # A partner bank's risk officer: a risk officer who belongs to a company.
        "partner_risk_officer": lambda: (
            MembershipFactory(
                company=CompanyFactory(name="Partner Bank"), user=UserFactory(platform_role="risk_officer")
            ).user
        ),
        "anonymous": AnonymousUser,
    }[who]()
    with pytest.raises(PermissionDenied):
        gating.save_policy(rows=default_rows(), base_currency="USD", reason="x", by_user=user)
    subject = rated("BBB")
    with pytest.raises(PermissionDenied):
        gating.request_override(
            subject=subject,
            action="open_account",
            amount=10,
            currency="USD",
            reference="deal:1",
            reason="x",
            by_user=user,
        )
    override = GatingOverrideFactory(status=GatingOverride.Status.PENDING, needs_second_approval=True)
    with pytest.raises(PermissionDenied):
        gating.approve_override(override=override, by_user=user)
    with pytest.raises(PermissionDenied):
        gating.reject_override(override=override, by_user=user, note="no")
    assert GatingPolicy.objects.count() == 1
    override.refresh_from_db()
    assert override.status == GatingOverride.Status.PENDING


# -- overrides -----------------------------------------------------------------------------------


def test_an_override_below_the_four_eyes_amount_takes_effect_for_its_reference_only(
    django_capture_on_commit_callbacks,
):
    subject, by = rated("BBB"), officer()
    events = []
    gating.override_changed.connect(lambda **kw: events.append(kw["event"]), weak=False, dispatch_uid="t1")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            override = gating.request_override(
                subject=subject,
                action="open_account",
                amount=Decimal("20000"),
                currency="USD",
                term_days=30,
                reference="deal:42",
                reason="Guaranteed by its parent company.",
                by_user=by,
            )
    finally:
        gating.override_changed.disconnect(dispatch_uid="t1")
    assert events == ["requested"]
    assert override.status == GatingOverride.Status.EFFECTIVE and not override.needs_second_approval
    assert "Open account needs grade A; this buyer is BBB." in override.refusal["reasons"]
    decision = decide(subject, "open_account", Decimal("20000"), "USD", term_days=30, reference="deal:42")
    assert decision.allowed and decision.override_id == override.pk
    assert "Open account needs grade A; this buyer is BBB." in decision.reasons
    assert decision.reasons[-1] == (
        "Allowed by a risk officer's override for deal:42: Guaranteed by its parent company."
    )
    # Not for another deal, a larger amount, longer days, another term or currency, another buyer.
    assert not decide(
        subject, "open_account", Decimal("20000"), "USD", term_days=30, reference="deal:43"
    ).allowed
    assert not decide(
        subject, "open_account", Decimal("20000.01"), "USD", term_days=30, reference="deal:42"
    ).allowed
    assert not decide(
        subject, "open_account", Decimal("100"), "USD", term_days=31, reference="deal:42"
    ).allowed
    assert not decide(
        subject, "open_account", Decimal("100"), "EUR", term_days=30, reference="deal:42"
    ).allowed
    assert not decide(
        rated("BBB"), "open_account", Decimal("100"), "USD", term_days=30, reference="deal:42"
    ).allowed
    # A smaller amount on the same deal is covered.
    assert decide(subject, "open_account", Decimal("5000"), "USD", term_days=10, reference="deal:42").allowed


def test_above_the_four_eyes_amount_a_second_different_officer_must_approve():
    subject, first, second = rated("BB"), officer(), officer()
    EXPOSURE[subject.pk] = [(Decimal("40000"), "USD")]
    override = gating.request_override(
        subject=subject,
        action="da",
        amount=Decimal("50000"),
        currency="EUR",
        term_days=45,
        reference="deal:7",
        reason="Insured by the ECA.",
        by_user=first,
    )
    assert override.amount_base == Decimal("55000.00") and override.needs_second_approval
    assert override.status == GatingOverride.Status.PENDING
    assert not decide(subject, "da", Decimal("50000"), "EUR", term_days=45, reference="deal:7").allowed

    with pytest.raises(ValidationError, match="second, different risk officer"):
        gating.approve_override(override=override, by_user=first)
    override.refresh_from_db()
    assert override.status == GatingOverride.Status.PENDING and override.decided_by is None

    gating.approve_override(override=override, by_user=second, note="Checked the policy.")
    override.refresh_from_db()
    assert override.status == GatingOverride.Status.EFFECTIVE and override.decided_by == second
    decision = decide(subject, "da", Decimal("50000"), "EUR", term_days=45, reference="deal:7")
    assert decision.allowed and decision.override_id == override.pk
    with pytest.raises(ValidationError, match="no longer waiting"):
        gating.approve_override(override=override, by_user=officer())


def test_the_four_eyes_amount_is_a_setting_in_the_base_currency(settings):
    subject = rated("BBB")
    settings.CREDIT_OVERRIDE_FOUR_EYES_AMOUNT = Decimal("1000")
    small = gating.request_override(
        subject=subject,
        action="open_account",
        amount=Decimal("900"),
        currency="EUR",
        reference="deal:1",
        reason="r",
        by_user=officer(),
    )
    assert small.amount_base == Decimal("990.00") and small.status == GatingOverride.Status.EFFECTIVE
    large = gating.request_override(
        subject=subject,
        action="open_account",
        amount=Decimal("910"),
        currency="EUR",
        reference="deal:2",
        reason="r",
        by_user=officer(),
    )
    assert large.amount_base == Decimal("1001.00") and large.status == GatingOverride.Status.PENDING


def test_a_rejected_override_never_takes_effect():
    subject, first = rated("B"), officer()
    override = gating.request_override(
        subject=subject,
        action="open_account",
        amount=Decimal("90000"),
        currency="USD",
        reference="deal:9",
        reason="r",
        by_user=first,
    )
    with pytest.raises(ValidationError):
        gating.reject_override(override=override, by_user=officer(), note=" ")
    gating.reject_override(override=override, by_user=first, note="Withdrawn: the buyer pays by L/C.")
    override.refresh_from_db()
    assert override.status == GatingOverride.Status.REJECTED and override.decided_by == first
    with pytest.raises(ValidationError):
        gating.approve_override(override=override, by_user=officer())
    assert not decide(subject, "open_account", Decimal("90000"), "USD", reference="deal:9").allowed


def test_nothing_to_override_when_the_policy_already_allows_it():
    with pytest.raises(ValidationError, match="already allows"):
        gating.request_override(
            subject=rated("AAA"),
            action="open_account",
            amount=10,
            currency="USD",
            reference="deal:1",
            reason="r",
            by_user=officer(),
        )
    with pytest.raises(ValidationError) as caught:
        gating.request_override(
            subject=rated("C"),
            action="open_account",
            amount=10,
            currency="USD",
            reference=" ",
            reason="",
            by_user=officer(),
        )
    assert set(caught.value.message_dict) == {"reason", "reference"}
    assert not GatingOverride.objects.exists()


def test_the_database_refuses_an_override_approved_by_its_own_author():
    override = GatingOverrideFactory(status=GatingOverride.Status.PENDING, needs_second_approval=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        GatingOverride.objects.filter(pk=override.pk).update(
            status=GatingOverride.Status.EFFECTIVE, decided_by=override.requested_by
        )
