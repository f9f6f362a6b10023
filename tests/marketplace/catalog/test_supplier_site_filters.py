"""A supplier's mini-site filters only what makes sense for one supplier."""

import pytest
from django.urls import reverse

from tests.marketplace.catalog.factories import ChapterFactory, ProductFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_mini_site_offers_only_its_own_categories_and_no_supplier_filters(client):
    machines = ChapterFactory(code="84")
    toys = ChapterFactory(
        code="95", parent=SectionFactory(code="XX", name="Miscellaneous"), name="Toys, games"
    )
    product = ProductFactory(category=machines, name="Lathe L-1")
    ProductFactory(category=toys, name="Wooden train")  # another supplier's
    html = client.get(reverse("catalog:supplier_site", args=[product.supplier.slug])).content.decode()
    form = html[
        html.index('class="filters card"') : html.index("</form>", html.index('class="filters card"'))
    ]
    assert 'value="84"' in form and 'value="95"' not in form
    assert 'name="country"' not in form and 'name="verified"' not in form
    assert 'name="q"' in form and 'name="sort"' in form
    # The public search keeps them all.
    search = client.get(reverse("catalog:product_list")).content.decode()
    assert 'name="country"' in search and 'value="95"' in search


def test_mini_site_category_filter_still_filters(client):
    machines = ChapterFactory(code="84")
    product = ProductFactory(category=machines, name="Lathe L-1")
    html = client.get(
        reverse("catalog:supplier_site", args=[product.supplier.slug]), {"category": "84"}
    ).content
    assert b"Lathe L-1" in html
