"""Placing the order: both contract acceptances, gating under lock, the decision kept, nothing written on refusal."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from credit.models import Fact
from marketplace.core.transitions import TransitionNotAllowed
from marketplace.deals import contracts, exposure, orders
from marketplace.deals.models import (
    ContractAcceptance,
    DealState,
    Insurance,
    Milestone,
    MilestoneKind,
    Order,
    PaymentTerms,
)
from tests.credit.factories import AssessmentFactory
from tests.marketplace.deals.factories import agreed_deal

pytestmark = pytest.mark.django_db


def rate(company, grade):
    # Dated ahead so a background recompute in the test cannot replace it as the latest.
    AssessmentFactory(subject=company, grade=grade, as_of=timezone.now() + dt.timedelta(days=1))


def both_accept(deal, parties):
    contract = contracts.issue_contract(deal=deal, by_user=parties["supplier_user"])
    for who, name in (("buyer_user", "Anna Weber"), ("supplier_user", "Li Wei")):
        contracts.accept_contract(
            contract=contract,
            by_user=parties[who],
            name=name,
            title="Director",
            ip="192.0.2.7",
            sha256=contract.sha256,
        )
    return contract


def snapshot(deal):
    deal.refresh_from_db()
    return (
        deal.state,
        deal.record_length,
        deal.record_head,
        Order.objects.count(),
        Milestone.objects.count(),
        Fact.objects.count(),
    )


@pytest.fixture
def open_account(parties):
    rate(parties["buyer"], "A")
    deal = agreed_deal(
        buyer=parties["buyer"], supplier=parties["supplier"], payment_terms=PaymentTerms.OPEN_ACCOUNT
    )
    both_accept(deal, parties)
    return deal


def test_the_order_keeps_the_decision_the_milestones_and_not_insured(open_account, parties):
    order = orders.place_order(deal=open_account, by_user=parties["buyer_user"])
    open_account.refresh_from_db()
    assert open_account.state == DealState.ORDERED
    assert order.amount == Decimal("125000.00") and order.currency == "USD"
    assert order.decision["allowed"] is True and order.decision["grade"] == "A"
    assert Decimal(order.decision["exposure_after"]) == Decimal("125000.00")
    assert order.insurance == Insurance.NOT_INSURED
    [milestone] = order.milestones.all()
    assert milestone.kind == MilestoneKind.FULL and milestone.amount == Decimal("125000.00")
    assert milestone.due_date == timezone.localdate() + dt.timedelta(days=45 + 60)  # lead time + term days
    actions = list(open_account.events.values_list("action", flat=True))
    assert actions[-2:] == ["place_order", "insurance_recorded"]
    placed = open_account.events.get(action="place_order")
    assert placed.data["gating"]["grade"] == "A" and placed.data["milestones"][0]["amount"] == "125000.00"
    fact = Fact.objects.get(kind="order_placed")
    assert fact.subject_id == parties["buyer"].pk and fact.external_ref == f"deal:{open_account.pk}:order"
    assert fact.payload == {
        "amount": "125000.00",
        "currency": "USD",
        "terms": "open_account",
        "days": 60,
        "order": f"deal:{open_account.pk}",
    }
    # The unpaid deferred amount now counts as the buyer's exposure.
    assert exposure.outstanding(parties["buyer"]) == [(Decimal("125000.0000"), "USD")]


def test_deposit_and_balance_follow_the_terms(parties):
    rate(parties["buyer"], "BBB")
    deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"], payment_terms="deposit_balance")
    both_accept(deal, parties)
    order = orders.place_order(deal=deal, by_user=parties["supplier_user"])
    deposit, balance = order.milestones.order_by("seq")
    today = timezone.localdate()
    assert (deposit.kind, deposit.amount, deposit.due_date) == (
        "deposit",
        Decimal("37500.00"),
        today + dt.timedelta(days=7),
    )
    assert (balance.kind, balance.amount, balance.due_date) == (
        "balance",
        Decimal("87500.00"),
        today + dt.timedelta(days=45),
    )
    # Secured terms add no exposure.
    assert exposure.outstanding(parties["buyer"]) == []


def test_a_refusal_changes_nothing_and_says_why(parties):
    rate(parties["buyer"], "BB")  # open account needs grade A
    deal = agreed_deal(
        buyer=parties["buyer"], supplier=parties["supplier"], payment_terms=PaymentTerms.OPEN_ACCOUNT
    )
    both_accept(deal, parties)
    before = snapshot(deal)
    with pytest.raises(orders.OrderRefused) as refused:
        orders.place_order(deal=deal, by_user=parties["buyer_user"])
    assert refused.value.decision.allowed is False
    assert any("needs grade A" in r for r in refused.value.decision.reasons)
    assert snapshot(deal) == before


def test_the_limit_refuses_the_order_that_would_pass_it(parties):
    rate(parties["buyer"], "A")  # limit 250,000 USD
    placed = []
    for _n in range(3):
        deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"], payment_terms="open_account")
        both_accept(deal, parties)
        try:
            placed.append(orders.place_order(deal=deal, by_user=parties["buyer_user"]))
        except orders.OrderRefused as refusal:
            assert Decimal(refusal.decision.exposure_before) == Decimal("250000")
    assert len(placed) == 2


@pytest.mark.parametrize(
    "who", ["third_user", "operator", "risk_officer", "bank_risk_officer", "no_company", "editor"]
)
def test_no_one_but_a_party_places_the_order(open_account, parties, who):
    before = snapshot(open_account)
    with pytest.raises(PermissionDenied):
        orders.place_order(deal=open_account, by_user=parties[who])
    assert snapshot(open_account) == before


def test_not_before_both_parties_accepted_the_contract(parties):
    rate(parties["buyer"], "A")
    deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"])
    contract = contracts.issue_contract(deal=deal, by_user=parties["supplier_user"])
    contracts.accept_contract(
        contract=contract, by_user=parties["buyer_user"], name="A", title="B", ip=None, sha256=contract.sha256
    )
    before = snapshot(deal)
    with pytest.raises(ValidationError):
        orders.place_order(deal=deal, by_user=parties["buyer_user"])
    assert snapshot(deal) == before


@pytest.mark.parametrize(
    "state",
    [
        DealState.INQUIRY,
        DealState.NEGOTIATION,
        DealState.ORDERED,
        DealState.SHIPPED,
        DealState.CANCELLED,
        DealState.COMPLETED,
    ],
)
def test_only_from_agreed(open_account, parties, state):
    type(open_account).objects.filter(pk=open_account.pk).update(state=state)
    before = snapshot(open_account)
    with pytest.raises(TransitionNotAllowed):
        orders.place_order(deal=open_account, by_user=parties["buyer_user"])
    assert snapshot(open_account) == before


def test_the_second_acceptance_places_the_order_or_shows_the_refusal(parties):
    rate(parties["buyer"], "A")
    deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"], payment_terms="open_account")
    contract = contracts.issue_contract(deal=deal, by_user=parties["supplier_user"])
    _a, order, refusal = orders.accept_and_order(
        contract=contract, by_user=parties["buyer_user"], name="A", title="B", ip=None, sha256=contract.sha256
    )
    assert order is None and refusal is None
    _a, order, refusal = orders.accept_and_order(
        contract=contract,
        by_user=parties["supplier_user"],
        name="C",
        title="D",
        ip=None,
        sha256=contract.sha256,
    )
    assert order is not None and refusal is None
    assert ContractAcceptance.objects.filter(contract=contract).count() == 2
