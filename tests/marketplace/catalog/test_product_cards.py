"""The product cards drawn in one pass (`{% product_cards %}`, issue 12) are, card by card, what
`catalog/includes/product_card.html` draws: with and without a picture, a price or a lead time, verified
or not, names that need escaping, another display currency, the supplier line hidden, both languages."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.catalog.models import Product
from marketplace.catalog.selectors import public_products
from marketplace.catalog.templatetags.catalog_tags import _product_cards_html
from marketplace.companies.models import CompanyKind
from tests.factories import CompanyFactory
from tests.marketplace.catalog.factories import ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def products(chapter84, chapter85):
    verified = CompanyFactory(kind=CompanyKind.SUPPLIER, country="VN", verified_at=timezone.now())
    plain = CompanyFactory(
        kind=CompanyKind.SUPPLIER, country="CN", verified_at=None, name='Fish & "Chips" <Co>'
    )
    made = [
        ProductFactory(
            supplier=verified, name="Hydraulic press <HP-9> & co", category=chapter84, price="1234.5"
        ),
        ProductFactory(
            supplier=plain, name="Valve", name_zh="阀门", category=chapter85, currency="EUR", moq=1000
        ),
        ProductFactory(supplier=plain, name="Pump", unit="set", lead_time_days=1, price="0.0125"),
        ProductFactory(supplier=verified, name="Motor", unit="dozen", lead_time_days=None, currency="CNY"),
    ]
    Product.objects.filter(pk=made[3].pk).update(min_price=None, min_price_usd=None)  # price on request
    ProductImageFactory(product=made[0], position=0)
    return made


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("display_currency", ["", "USD", "EUR", "JPY"])
@pytest.mark.parametrize("hide_supplier", [False, True])
def test_each_card_is_what_the_template_draws(products, language, display_currency, hide_supplier):
    rows = list(public_products().filter(pk__in=[p.pk for p in products]).order_by("pk"))
    assert len(rows) == 4 and rows[0].thumb_id and rows[3].min_price is None
    with translation.override(language):
        for product in rows:
            expected = render_to_string(
                "catalog/includes/product_card.html",
                {"product": product, "display_currency": display_currency, "hide_supplier": hide_supplier},
            )
            assert _product_cards_html([product], display_currency, hide_supplier) == expected
        together = _product_cards_html(rows, display_currency, hide_supplier)
    assert together.count('<article class="card product-card">') == 4
    if language == "en":
        assert "&lt;HP-9&gt; &amp; co" in together and "<HP-9>" not in together


def test_the_search_page_shows_the_cards(client, products):
    html = client.get(reverse("catalog:product_list"), {"currency": "EUR"}).content.decode()
    assert html.count('<article class="card product-card">') == 4
    assert "Price on request" in html and "≈" in html
    html = client.get(reverse("catalog:product_list"), {"q": "nothing-matches-this"}).content.decode()
    assert "No product matches these filters." in html and "product-card" not in html


def test_the_supplier_site_hides_the_supplier_line(client, products):
    supplier = products[0].supplier
    html = client.get(reverse("catalog:supplier_site", args=[supplier.slug])).content.decode()
    assert html.count('<article class="card product-card">') == 2
    assert "supplier-line" not in html
