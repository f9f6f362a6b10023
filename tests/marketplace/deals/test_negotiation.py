"""Offers: propose, counter, decline with a reason, accept; bad input refused at the field with nothing written."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from marketplace.deals import negotiation, record
from marketplace.deals.models import Deal, DealEvent, Offer, OfferStatus

TODAY = timezone.localdate


def terms(**overrides):
    base = {
        "currency": "USD",
        "incoterm": "FOB",
        "named_place": "Ningbo",
        "delivery_date": None,
        "lead_time_days": 45,
        "payment_terms": "deposit_balance",
        "deposit_percent": 30,
        "term_days": None,
        "inspection": "third_party",
        "valid_until": TODAY() + datetime.timedelta(days=14),
        "notes": "",
    }
    return {**base, **overrides}


def line(**overrides):
    return {
        "product": None,
        "description": "Injection moulding machine 120 t",
        "quantity": Decimal("10"),
        "unit": "piece",
        "unit_price": Decimal("12500.00"),
        "hs_code": "8477.10",
        **overrides,
    }


def snapshot(deal):
    fresh = Deal.objects.get(pk=deal.pk)
    return (
        fresh.state,
        fresh.accepted_offer_id,
        fresh.record_length,
        fresh.record_head,
        list(DealEvent.objects.filter(deal=deal).values_list("seq", "hash")),
        list(Offer.objects.filter(deal=deal).values_list("pk", "status", "decline_reason")),
    )


def test_a_full_negotiation_freezes_the_accepted_terms(deal, parties):
    first = negotiation.propose(deal=deal, by_user=parties["supplier_user"], terms=terms(), lines=[line()])
    assert (first.version, first.from_side, first.status) == (1, "supplier", "open")
    deal.refresh_from_db()
    assert deal.state == "negotiation"
    counter = negotiation.propose(
        deal=deal,
        by_user=parties["buyer_staff"],
        terms=terms(payment_terms="lc_sight", deposit_percent=None),
        lines=[line(unit_price=Decimal("11900"))],
    )
    first.refresh_from_db()
    assert first.status == OfferStatus.SUPERSEDED and counter.version == 2 and counter.from_side == "buyer"
    changes = {c.label: (c.before, c.after) for c in negotiation.diff(first, counter)}
    assert "Payment terms" in changes and "Injection moulding machine 120 t" in changes
    negotiation.accept(deal=deal, by_user=parties["supplier_staff"], offer_id=counter.pk)
    deal.refresh_from_db()
    counter.refresh_from_db()
    assert deal.state == "agreed" and deal.accepted_offer_id == counter.pk and counter.status == "accepted"
    accepted = deal.events.get(action="accept_offer")
    assert accepted.data["offer"] == counter.pk and len(accepted.data["terms_sha256"]) == 64
    proposed = deal.events.filter(action="propose").order_by("seq").last()
    assert (
        proposed.data["lines"][0]["unit_price"] == "11900.0000"
        or proposed.data["lines"][0]["unit_price"] == "11900"
    )
    assert proposed.data["total"] == "119000.00"
    assert record.verify(deal) is None


def test_declining_needs_a_reason_and_keeps_negotiating(deal, parties):
    offer = negotiation.propose(deal=deal, by_user=parties["supplier_user"], terms=terms(), lines=[line()])
    before = snapshot(deal)
    with pytest.raises(ValidationError) as error:
        negotiation.decline(deal=deal, by_user=parties["buyer_user"], offer_id=offer.pk, reason="  ")
    assert "reason" in error.value.message_dict
    assert snapshot(deal) == before
    negotiation.decline(deal=deal, by_user=parties["buyer_user"], offer_id=offer.pk, reason="Price too high")
    offer.refresh_from_db()
    deal.refresh_from_db()
    assert (
        offer.status == "declined"
        and offer.decline_reason == "Price too high"
        and deal.state == "negotiation"
    )
    assert deal.events.order_by("seq").last().data["reason"] == "Price too high"


@pytest.mark.parametrize(
    "bad_terms, bad_line, field",
    [
        ({"currency": "XYZ"}, {}, "currency"),
        ({"currency": ""}, {}, "currency"),
        ({}, {"quantity": Decimal("0")}, "quantity"),
        ({}, {"quantity": Decimal("-5")}, "quantity"),
        ({}, {"unit_price": Decimal("10.123")}, "unit_price"),  # USD has 2 decimals
        ({"currency": "JPY"}, {"unit_price": Decimal("1500.5")}, "unit_price"),  # JPY has none
        (
            {"delivery_date": TODAY() - datetime.timedelta(days=1), "lead_time_days": None},
            {},
            "delivery_date",
        ),
        ({"delivery_date": None, "lead_time_days": None}, {}, "delivery_date"),
        ({"valid_until": TODAY() - datetime.timedelta(days=1)}, {}, "valid_until"),
        ({"payment_terms": "open_account", "term_days": None}, {}, "term_days"),
        ({"payment_terms": "deposit_balance", "deposit_percent": None}, {}, "deposit_percent"),
        ({"named_place": ""}, {}, "named_place"),
        ({}, {"hs_code": "12"}, "hs_code"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(deal, parties, bad_terms, bad_line, field):
    before = snapshot(deal)
    with pytest.raises(ValidationError) as error:
        negotiation.propose(
            deal=deal, by_user=parties["supplier_user"], terms=terms(**bad_terms), lines=[line(**bad_line)]
        )
    fields = {key.rsplit(".", 1)[-1] for key in error.value.message_dict}
    assert field in fields
    assert snapshot(deal) == before


def test_a_product_of_another_supplier_is_refused(deal, parties):
    from tests.marketplace.catalog.factories import ProductFactory

    foreign = ProductFactory()
    before = snapshot(deal)
    with pytest.raises(ValidationError):
        negotiation.propose(
            deal=deal, by_user=parties["supplier_user"], terms=terms(), lines=[line(product=foreign)]
        )
    assert snapshot(deal) == before


def test_an_expired_offer_cannot_be_accepted(deal, parties):
    offer = negotiation.propose(deal=deal, by_user=parties["supplier_user"], terms=terms(), lines=[line()])
    Offer.objects.filter(pk=offer.pk).update(valid_until=TODAY() - datetime.timedelta(days=1))
    before = snapshot(deal)
    with pytest.raises(ValidationError, match="expired"):
        negotiation.accept(deal=deal, by_user=parties["buyer_user"], offer_id=offer.pk)
    assert snapshot(deal) == before


@pytest.mark.parametrize(
    "who, expected",
    [
        ("supplier_user", ValidationError),  # one's own offer
        ("third_user", PermissionDenied),
        ("operator", PermissionDenied),
        ("risk_officer", PermissionDenied),
        ("bank_risk_officer", PermissionDenied),
        ("no_company", PermissionDenied),
    ],
)
def test_only_the_other_side_decides(deal, parties, who, expected):
    offer = negotiation.propose(deal=deal, by_user=parties["supplier_user"], terms=terms(), lines=[line()])
    before = snapshot(deal)
    with pytest.raises(expected):
        negotiation.accept(deal=deal, by_user=parties[who], offer_id=offer.pk)
    with pytest.raises(expected):
        negotiation.decline(deal=deal, by_user=parties[who], offer_id=offer.pk, reason="no")
    assert snapshot(deal) == before


def test_only_the_latest_offer_can_be_accepted(deal, parties):
    first = negotiation.propose(deal=deal, by_user=parties["supplier_user"], terms=terms(), lines=[line()])
    negotiation.propose(deal=deal, by_user=parties["supplier_user"], terms=terms(notes="v2"), lines=[line()])
    before = snapshot(deal)
    with pytest.raises(ValidationError):
        negotiation.accept(deal=deal, by_user=parties["buyer_user"], offer_id=first.pk)
    assert snapshot(deal) == before


@pytest.mark.parametrize("who", ["third_user", "operator", "risk_officer", "no_company", "editor"])
def test_outsiders_cannot_propose(deal, parties, who):
    before = snapshot(deal)
    with pytest.raises(PermissionDenied):
        negotiation.propose(deal=deal, by_user=parties[who], terms=terms(), lines=[line()])
    assert snapshot(deal) == before
