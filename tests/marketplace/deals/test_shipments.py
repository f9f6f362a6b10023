"""Shipment and delivery: who may record them, from which states, with which documents and dates."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from credit.models import Fact
from marketplace.deals import record, services, shipments
from marketplace.deals.models import Delivery
from marketplace.notifications.models import Notification
from tests.marketplace.deals.fulfilment_helpers import (
    STATES,
    bring_to,
    disguised,
    pdf,
    shipping_documents,
    snapshot,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def ship(deal, user, **kwargs):
    return shipments.record_shipment(
        deal=deal,
        by_user=user,
        mode=kwargs.pop("mode", "sea"),
        carrier=kwargs.pop("carrier", "COSCO Shipping"),
        tracking_reference=kwargs.pop("tracking_reference", "COSU6234567890"),
        shipped_on=kwargs.pop("shipped_on", TODAY()),
        documents=kwargs.pop("documents", None) or shipping_documents(),
        **kwargs,
    )


@pytest.mark.parametrize("state", ["ordered", "shipped"])
def test_the_supplier_ships_from_ordered_and_again_from_shipped(
    deal, parties, state, django_capture_on_commit_callbacks
):
    bring_to(deal, state)
    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(deal, parties["supplier_staff"])
    deal.refresh_from_db()
    assert deal.state == "shipped" and shipment.number == 1 and shipment.documents.count() == 3
    event = deal.events.order_by("seq").last()
    assert event.action == "ship" and event.data["from"] == state
    assert {d["kind"] for d in event.data["documents"]} == {
        "commercial_invoice",
        "packing_list",
        "bill_of_lading",
    }
    assert {d["sha256"] for d in event.data["documents"]} == set(
        shipment.documents.values_list("sha256", flat=True)
    )
    assert record.verify(deal) is None
    assert Notification.objects.filter(recipient=parties["buyer_user"], title="Goods shipped").exists()
    assert not Notification.objects.filter(recipient=parties["supplier_staff"]).exists()
    second = ship(
        deal,
        parties["supplier_user"],
        mode="air",
        documents=[
            ("commercial_invoice", pdf()),
            ("packing_list", pdf()),
            ("air_waybill", pdf()),
            ("certificate_of_origin", pdf()),
        ],
    )
    assert second.number == 2


@pytest.mark.parametrize("state", [s for s in STATES if s not in ("ordered", "shipped")])
def test_no_shipment_from_other_states(deal, parties, state):
    bring_to(deal, state)
    before = snapshot(deal)
    with pytest.raises(ValidationError):
        ship(deal, parties["supplier_user"])
    assert snapshot(deal) == before


@pytest.mark.parametrize("who", ["buyer_user", "third_user", "operator", "risk_officer", "no_company"])
def test_only_the_supplier_ships(deal, parties, who):
    bring_to(deal, "ordered")
    before = snapshot(deal)
    with pytest.raises(PermissionDenied):
        ship(deal, parties[who])
    assert snapshot(deal) == before


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"documents": [("commercial_invoice", "x")]}, "documents"),
        ({"mode": "air"}, "documents"),  # a sea bill of lading is not an air waybill
        (
            {
                "documents": [
                    ("commercial_invoice", disguised()),
                    ("packing_list", pdf()),
                    ("bill_of_lading", pdf()),
                ]
            },
            "documents",
        ),
        ({"shipped_on": dt.date.today() + dt.timedelta(days=3)}, "shipped_on"),
        ({"shipped_on": dt.date.today() - dt.timedelta(days=30)}, "shipped_on"),  # before the order
        ({"carrier": " "}, "carrier"),
        ({"tracking_reference": ""}, "tracking_reference"),
    ],
)
def test_bad_shipments_are_refused_with_a_message_and_nothing_is_written(deal, parties, kwargs, field):
    bring_to(deal, "ordered")
    before = snapshot(deal)
    with pytest.raises(ValidationError) as error:
        ship(deal, parties["supplier_user"], **kwargs)
    assert field in error.value.message_dict
    assert snapshot(deal) == before


def test_an_oversize_document_is_refused(deal, parties, settings):
    settings.DEALS_MAX_ATTACHMENT_BYTES = 20
    bring_to(deal, "ordered")
    before = snapshot(deal)
    with pytest.raises(ValidationError) as error:
        ship(deal, parties["supplier_user"])
    assert "limit" in " ".join(error.value.message_dict["documents"])
    assert snapshot(deal) == before


def test_a_shipped_deal_cannot_be_cancelled(deal, parties):
    bring_to(deal, "ordered")
    ship(deal, parties["supplier_user"])
    before = snapshot(deal)
    with pytest.raises(ValidationError):
        services.cancel(deal=deal, by_user=parties["buyer_user"], reason="Changed our mind")
    assert snapshot(deal) == before


def test_the_buyer_confirms_delivery_on_time_and_the_supplier_gets_the_fact(
    deal, parties, django_capture_on_commit_callbacks
):
    bring_to(deal, "ordered", delivery_date=TODAY() + dt.timedelta(days=5))
    ship(deal, parties["supplier_user"])
    with django_capture_on_commit_callbacks(execute=True):
        delivery = shipments.confirm_delivery(deal=deal, by_user=parties["buyer_staff"], delivered_on=TODAY())
    deal.refresh_from_db()
    assert deal.state == "delivered" and delivery.days_late == 0
    assert delivery.claim_until > timezone.now() + dt.timedelta(days=29)
    fact = Fact.objects.get(kind="delivery")
    assert (
        fact.subject_id == deal.supplier_id
        and fact.metric == 0.0
        and fact.external_ref == f"deal:{deal.pk}:delivery"
    )
    assert record.verify(deal) is None


def test_late_delivery_counts_the_days_from_the_agreed_date(
    deal, parties, django_capture_on_commit_callbacks
):
    # DAP: delivered when it arrives; agreed for 4 days ago, arrived today.
    bring_to(deal, "ordered", delivery_date=TODAY() - dt.timedelta(days=4), incoterm="DAP")
    ship(deal, parties["supplier_user"], shipped_on=TODAY())
    with django_capture_on_commit_callbacks(execute=True):
        delivery = shipments.confirm_delivery(deal=deal, by_user=parties["buyer_user"], delivered_on=TODAY())
    assert delivery.days_late == 4
    assert Fact.objects.get(kind="delivery").metric == 4.0


def test_fob_delivery_is_measured_at_shipment(deal, parties):
    bring_to(deal, "ordered", delivery_date=TODAY())
    ship(deal, parties["supplier_user"], shipped_on=TODAY())
    # Transit is the buyer's risk under FOB: arriving later is not the supplier's delay.
    delivery = shipments.confirm_delivery(deal=deal, by_user=parties["buyer_user"], delivered_on=TODAY())
    assert delivery.days_late == 0


@pytest.mark.parametrize("state", [s for s in STATES if s != "shipped"])
def test_no_delivery_confirmation_from_other_states(deal, parties, state):
    bring_to(deal, state)
    before = snapshot(deal)
    with pytest.raises(ValidationError):
        shipments.confirm_delivery(deal=deal, by_user=parties["buyer_user"], delivered_on=TODAY())
    assert snapshot(deal) == before


@pytest.mark.parametrize("who", ["supplier_user", "third_user", "operator", "risk_officer"])
def test_only_the_buyer_confirms_delivery(deal, parties, who):
    bring_to(deal, "ordered")
    ship(deal, parties["supplier_user"])
    before = snapshot(deal)
    with pytest.raises(PermissionDenied):
        shipments.confirm_delivery(deal=deal, by_user=parties[who], delivered_on=TODAY())
    assert snapshot(deal) == before


@pytest.mark.parametrize("days", [1, -30])
def test_delivery_dates_in_the_future_or_before_shipping_are_refused(deal, parties, days):
    bring_to(deal, "ordered")
    ship(deal, parties["supplier_user"])
    before = snapshot(deal)
    with pytest.raises(ValidationError) as error:
        shipments.confirm_delivery(
            deal=deal, by_user=parties["buyer_user"], delivered_on=TODAY() + dt.timedelta(days=days)
        )
    assert "delivered_on" in error.value.message_dict
    assert snapshot(deal) == before
    assert not Delivery.objects.exists()
