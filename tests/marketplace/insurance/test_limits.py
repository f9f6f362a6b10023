"""Limit application → decision: who may, what is kept, the facts recorded."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from credit.facts import partner_source
from credit.gating import decide as gating_decide
from credit.models import Fact
from marketplace.core.models import AuditEvent
from marketplace.insurance import services
from marketplace.insurance.exposure import limits_in_force
from marketplace.insurance.models import CreditLimit, LimitStatus
from tests.marketplace.insurance.helpers import ordered_deal, rate

pytestmark = pytest.mark.django_db


def apply(deal, people, **kwargs):
    return services.request_cover(
        deal=deal, insurer=people["insurer"], by_user=people["supplier_user"], **kwargs
    )


def test_the_first_request_for_a_buyer_is_a_limit_application_with_the_policy_suggestion(deal, people):
    limit = apply(deal, people)
    assert limit.status == LimitStatus.PENDING
    assert limit.requested_amount == Decimal("50000")
    assert limit.currency == "USD" and limit.requested_term_days == 60
    assert limit.policy.insured == people["supplier"] and limit.policy.insurer == people["insurer"]
    # Grade A allows open account up to 90 days and 250,000 USD: the policy suggests approving it all.
    assert limit.suggestion["grade"] == "A"
    assert limit.suggestion["approve"] is True
    assert Decimal(limit.suggestion["suggested_amount"]) == Decimal("50000")
    # The deal's own invoice is not counted twice against the policy limit.
    assert Decimal(limit.suggestion["other_exposure"]) == 0
    assert AuditEvent.objects.filter(action="insurance.creditlimit.apply", object_id=str(limit.pk)).exists()


def test_a_second_application_while_one_is_pending_is_refused(deal, people):
    apply(deal, people)
    with pytest.raises(ValidationError):
        apply(deal, people)
    assert CreditLimit.objects.count() == 1


def test_only_the_suppliers_people_apply(deal, people):
    for user in (people["buyer_user"], people["other_supplier_user"], people["officer"]):
        with pytest.raises(PermissionDenied):
            services.request_cover(deal=deal, insurer=people["insurer"], by_user=user)


def test_a_prepaid_order_is_not_insurable(people):
    rate(people["buyer"], "A")
    prepaid = ordered_deal(
        buyer=people["buyer"],
        supplier=people["supplier"],
        buyer_user=people["buyer_user"],
        supplier_user=people["supplier_user"],
        terms="prepayment",
    )
    with pytest.raises(ValidationError):
        apply(prepaid, people)


def decide(limit, user, outcome="approve", **kwargs):
    values = {
        "amount": Decimal("50000"),
        "max_term_days": 90,
        "valid_until": timezone.localdate() + dt.timedelta(days=365),
        "reason": "",
    }
    values.update(kwargs)
    return services.decide_limit(limit=limit, by_user=user, outcome=outcome, **values)


def test_the_insurers_officer_approves_and_the_limit_granted_fact_is_recorded(
    deal, people, django_capture_on_commit_callbacks
):
    limit = apply(deal, people)
    with django_capture_on_commit_callbacks(execute=True):
        limit = decide(limit, people["officer"])
    assert limit.status == LimitStatus.APPROVED and limit.amount == Decimal("50000")
    assert limit.in_force_on(timezone.localdate())
    fact = Fact.objects.get(kind="insurance_limit_granted", subject=people["buyer"])
    assert fact.source.source_type == "insurer"
    assert fact.source.partner_link.partner_id == people["insurer"].pk
    assert fact.payload["limit"] in ("50000", "50000.0000") and fact.payload["policy"] == limit.policy.number
    # Once in force, another request for the buyer returns the limit: no new application.
    assert apply(deal, people) == limit


def test_reducing_needs_less_than_applied_for_and_a_reason(deal, people):
    limit = apply(deal, people)
    with pytest.raises(ValidationError) as error:
        decide(limit, people["officer"], "reduce", amount=Decimal("60000"))
    assert "amount" in error.value.error_dict and "reason" in error.value.error_dict
    with pytest.raises(ValidationError) as error:  # less than applied for is a reduction, not an approval
        decide(limit, people["officer"], "approve", amount=Decimal("30000"))
    assert "amount" in error.value.error_dict
    limit = decide(limit, people["officer"], "reduce", amount=Decimal("30000"), reason="Thin payment history")
    assert limit.status == LimitStatus.APPROVED and limit.amount == Decimal("30000")
    assert limit.reason == "Thin payment history"


def test_a_refusal_needs_a_reason_and_records_the_limit_cut_to_zero(deal, people):
    limit = apply(deal, people)
    with pytest.raises(ValidationError):
        decide(limit, people["officer"], "refuse")
    limit = decide(limit, people["officer"], "refuse", reason="Buyer unknown to us")
    assert limit.status == LimitStatus.REFUSED
    fact = Fact.objects.get(kind="insurance_limit_cut", subject=people["buyer"])
    assert Decimal(fact.payload["limit"]) == 0
    # A refused buyer can be applied for again.
    assert apply(deal, people).status == LimitStatus.PENDING


@pytest.mark.parametrize(
    "who", ["other_officer", "bank_officer", "platform_risk", "supplier_user", "buyer_user"]
)
def test_only_the_insurer_applied_to_decides(deal, people, who):
    limit = apply(deal, people)
    with pytest.raises(PermissionDenied):
        decide(limit, people[who])
    limit.refresh_from_db()
    assert limit.status == LimitStatus.PENDING


def test_a_decided_application_cannot_be_decided_again(deal, people):
    limit = decide(apply(deal, people), people["officer"])
    with pytest.raises(ValidationError):
        decide(limit, people["officer"], "refuse", reason="changed my mind")


def test_limits_in_force_are_the_insurers_exposure_and_not_added_to_the_buyers_debt(deal, people):
    before = gating_decide(
        people["buyer"], "open_account", Decimal("1000"), "USD", term_days=30
    ).exposure_before
    limit = apply(deal, people)
    assert limits_in_force(people["buyer"]) == []  # an application is not a limit
    decide(limit, people["officer"])
    assert limits_in_force(people["buyer"]) == [(Decimal("50000"), "USD")]
    # The insured invoice is already the buyer's exposure (an unpaid milestone); the limit is not debt.
    after = gating_decide(
        people["buyer"], "open_account", Decimal("1000"), "USD", term_days=30
    ).exposure_before
    assert after == before == Decimal("50000.00")
    CreditLimit.objects.filter(pk=limit.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert limits_in_force(people["buyer"]) == []


def test_an_expired_limit_is_closed_and_a_new_application_made(deal, people):
    limit = decide(apply(deal, people), people["officer"])
    CreditLimit.objects.filter(pk=limit.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    again = apply(deal, people)
    assert again.pk != limit.pk and again.status == LimitStatus.PENDING
    limit.refresh_from_db()
    assert limit.status == LimitStatus.STOPPED and limit.stop_reason == "expired"


def test_the_insurers_facts_come_from_its_own_linked_source_created_once(people):
    source = partner_source(people["insurer"], source_type="insurer")
    assert source.source_type == "insurer" and source.partner_link.partner_id == people["insurer"].pk
    assert partner_source(people["insurer"], source_type="insurer") == source
    assert partner_source(people["other_insurer"], source_type="insurer") != source
    assert source.may_write("insurance_claim_paid") and not source.may_write("order_placed")
    with pytest.raises(ValueError):
        partner_source(people["insurer"], source_type="platform")
