"""Expiry is computed, not stored: an open offer past its validity date reads "Expired" on the deal page and
in the deal list, and the list's "latest offer" filter finds it — without any task flipping its status."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.deals import selectors
from marketplace.deals.models import Deal, OfferStatus
from tests.marketplace.deals.factories import DealFactory, OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deals(parties):
    today = timezone.localdate()

    def deal_with(version_dates, subject):
        deal = DealFactory(
            buyer=parties["buyer"], supplier=parties["supplier"], subject=subject, state="negotiation"
        )
        for version, (valid_until, status) in enumerate(version_dates, start=1):
            OfferFactory(deal=deal, version=version, valid_until=valid_until, status=status)
        return deal

    return {
        # Open, valid until yesterday: expired. Its earlier version was superseded.
        "expired": deal_with(
            [(today - dt.timedelta(days=9), "superseded"), (today - dt.timedelta(days=1), "open")], "Lapsed"
        ),
        "open": deal_with([(today, "open")], "Valid today"),
        "declined": deal_with([(today - dt.timedelta(days=1), "declined")], "Declined long ago"),
        "none": DealFactory(buyer=parties["buyer"], supplier=parties["supplier"], subject="No offer yet"),
    }


def test_the_shown_status_is_computed_from_the_date(deals):
    offer = deals["expired"].offers.get(version=2)
    assert offer.status == OfferStatus.OPEN  # stored as it was
    assert offer.shown_status == OfferStatus.EXPIRED
    with translation.override("en"):  # a page test before this one may have left Chinese active
        assert offer.get_shown_status_display() == "Expired"
    assert deals["open"].offers.get().shown_status == OfferStatus.OPEN  # valid through today
    assert deals["declined"].offers.get().shown_status == OfferStatus.DECLINED  # decided stays decided
    shown = {
        d.pk: (d.latest_offer_version, d.latest_offer_status)
        for d in selectors.with_latest_offer(Deal.objects.all())
    }
    assert shown == {
        deals["expired"].pk: (2, "expired"),
        deals["open"].pk: (1, "open"),
        deals["declined"].pk: (1, "declined"),
        deals["none"].pk: (None, None),
    }


@pytest.mark.parametrize(
    "value, expected", [("expired", {"expired"}), ("open", {"open"}), ("declined", {"declined"}), ("", None)]
)
def test_the_deal_list_filters_on_the_shown_status(client, parties, deals, value, expected):
    client.force_login(parties["buyer_user"])
    response = client.get(reverse("deals:deal_list"), {"offer": value, "state": ""})
    assert response.status_code == 200
    listed = {d.pk for d in response.context["deals"]}
    wanted = {d.pk for d in deals.values()} if expected is None else {deals[k].pk for k in expected}
    assert listed == wanted


def test_the_list_and_the_deal_page_say_expired(client, parties, deals):
    client.force_login(parties["supplier_user"])
    listing = client.get(reverse("deals:deal_list"), {"state": ""}).content.decode()
    assert "v2 · Expired" in listing and "v1 · Open" in listing
    page = client.get(deals["expired"].get_absolute_url()).content.decode()
    assert 'class="offer offer-expired"' in page and '<span class="tag">Expired</span>' in page
    # The buyer, who would decide, is told to ask for a new one instead of an accept button.
    client.force_login(parties["buyer_user"])
    page = client.get(deals["expired"].get_absolute_url()).content.decode()
    assert "This offer has expired" in page and "Accept these terms" not in page


def test_a_stranger_filtering_sees_none_of_them(client, parties, deals):
    client.force_login(parties["third_user"])
    response = client.get(reverse("deals:deal_list"), {"offer": "expired", "state": ""})
    assert list(response.context["deals"]) == []
