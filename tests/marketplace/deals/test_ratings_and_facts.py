"""Ratings after completion, once per side; the cancellation fact from D1's cancel, through the record's signal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from credit.models import Fact
from marketplace.deals import ratings, record, services
from marketplace.deals.models import Rating
from tests.marketplace.deals.fulfilment_helpers import STATES, bring_to, snapshot

pytestmark = pytest.mark.django_db


def test_each_side_rates_the_other_once(deal, parties):
    bring_to(deal, "completed")
    first = ratings.rate(
        deal=deal, by_user=parties["buyer_staff"], score=5, comment="Clean shipment, fast answers."
    )
    assert first.from_company == parties["buyer"] and first.to_company == parties["supplier"]
    before = snapshot(deal)
    with pytest.raises(ValidationError):
        ratings.rate(deal=deal, by_user=parties["buyer_user"], score=1)
    assert snapshot(deal) == before
    ratings.rate(deal=deal, by_user=parties["supplier_user"], score=4)
    assert ratings.summary(parties["supplier"]) == {"count": 1, "average": 5.0}
    assert [e.action for e in deal.events.order_by("seq")][-2:] == ["rating", "rating"]
    assert record.verify(deal) is None


@pytest.mark.parametrize("state", [s for s in STATES if s != "completed"])
def test_no_rating_before_completion(deal, parties, state):
    bring_to(deal, state)
    before = snapshot(deal)
    with pytest.raises(ValidationError):
        ratings.rate(deal=deal, by_user=parties["buyer_user"], score=4)
    assert snapshot(deal) == before


@pytest.mark.parametrize("who", ["third_user", "operator", "risk_officer", "no_company"])
def test_only_the_parties_rate(deal, parties, who):
    bring_to(deal, "completed")
    with pytest.raises(PermissionDenied):
        ratings.rate(deal=deal, by_user=parties[who], score=3)
    assert not Rating.objects.exists()


@pytest.mark.parametrize("score", [0, 6, "x", None])
def test_scores_outside_one_to_five_are_refused(deal, parties, score):
    bring_to(deal, "completed")
    with pytest.raises(ValidationError) as error:
        ratings.rate(deal=deal, by_user=parties["buyer_user"], score=score)
    assert "score" in error.value.message_dict


@pytest.mark.parametrize(
    "state, side, recorded",
    [
        ("agreed", "buyer_user", True),
        ("ordered", "supplier_user", True),
        ("negotiation", "buyer_user", False),
        ("inquiry", "buyer_user", False),
    ],
)
def test_cancelling_after_terms_were_agreed_is_a_fact_for_the_canceller(
    deal, parties, state, side, recorded, django_capture_on_commit_callbacks
):
    bring_to(deal, state)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(deal=deal, by_user=parties[side], reason="Budget withdrawn")
    facts = list(Fact.objects.filter(kind="order_cancelled"))
    if not recorded:
        assert facts == []
        return
    (fact,) = facts
    canceller = parties[side.replace("_user", "")]
    assert fact.subject_id == canceller.pk
    assert fact.payload == {"order": deal.number, "by": side.replace("_user", ""), "step": state}
    assert fact.external_ref == f"deal:{deal.pk}:cancelled"
