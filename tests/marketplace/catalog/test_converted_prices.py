"""Product search shows each price in the supplier's currency and, beside it, in the buyer's chosen one."""

from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.catalog.money import from_usd
from tests.marketplace.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_prices_are_shown_converted_into_the_chosen_currency(client):
    product = ProductFactory(name="Ceramic vase CV-1", currency="CNY", price="700.00")
    html = client.get(reverse("catalog:product_list"), {"currency": "EUR"}).content.decode()
    expected = from_usd(product.min_price_usd, "EUR").quantize(Decimal("0.01"))
    assert "700.00 CNY" in html
    assert f"≈ {expected:,.2f} EUR" in html


def test_by_default_prices_are_compared_in_usd_and_usd_prices_are_not_repeated(client):
    ProductFactory(name="Ceramic vase CV-1", currency="CNY", price="700.00")
    ProductFactory(name="Lathe L-1", currency="USD", price="100.00")
    html = client.get(reverse("catalog:product_list")).content.decode()
    assert html.count('class="converted') == 1 and " USD</span>" in html


def test_verified_only_is_a_checkbox_and_unticked_means_everyone(client):
    from django.utils import timezone

    from tests.factories import CompanyFactory

    ProductFactory(name="Verified lathe", supplier=CompanyFactory(verified_at=timezone.now()))
    ProductFactory(name="Unverified lathe", supplier=CompanyFactory(verified_at=None))
    html = client.get(reverse("catalog:product_list")).content.decode()
    assert 'type="checkbox" name="verified"' in html and "Unknown" not in html
    assert "Verified lathe" in html and "Unverified lathe" in html
    ticked = client.get(reverse("catalog:product_list"), {"verified": "on"}).content.decode()
    assert "Verified lathe" in ticked and "Unverified lathe" not in ticked
