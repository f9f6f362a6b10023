"""The catalog's cached result pages: no query on a hit, and any product change shows at once."""

import pytest
from django.urls import reverse

from tests.marketplace.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_hit_needs_no_query_and_a_change_shows_at_once(client, chapter84, django_assert_num_queries):
    product = ProductFactory(name="Ball valve DN50", category=chapter84)
    url = reverse("catalog:product_list")
    assert "Ball valve DN50" in client.get(url, {"q": "valve"}).content.decode()
    with django_assert_num_queries(0):
        assert "Ball valve DN50" in client.get(url, {"q": "valve"}).content.decode()
    product.name = "Gate valve DN50"
    product.save()
    html = client.get(url, {"q": "valve"}).content.decode()
    assert "Gate valve DN50" in html and "Ball valve DN50" not in html


def test_languages_and_filters_are_cached_apart(client, chapter84):
    ProductFactory(name="Pump", name_zh="水泵", category=chapter84)
    url = reverse("catalog:product_list")
    assert "Pump" in client.get(url).content.decode()
    assert "No product matches" in client.get(url, {"q": "nothing-like-this"}).content.decode()
    client.cookies["django_language"] = "zh-hans"
    assert "水泵" in client.get(url).content.decode()
