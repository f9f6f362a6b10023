"""A product without a picture shows a neutral picture with its category's name, not a bare chapter number."""

import pytest
from django.urls import reverse

from tests.marketplace.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_a_card_without_an_image_names_the_category(client):
    product = ProductFactory(name="Hydraulic press HP-9")
    html = client.get(reverse("catalog:product_list")).content.decode()
    card = html[html.index('class="card product-card"') : html.index("Hydraulic press HP-9")]
    assert 'class="no-image"' in card and "<svg" in card
    assert product.category.display_name[:40] in card
    assert '<span class="no-image">84</span>' not in card
