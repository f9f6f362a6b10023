"""The product editor shows what is saved: an edit form marks the saved HS chapter as selected."""

import pytest

from marketplace.catalog.forms import ProductForm
from tests.marketplace.catalog.factories import ProductFactory


@pytest.mark.django_db
def test_edit_form_selects_the_saved_chapter():
    product = ProductFactory()
    html = str(ProductForm(instance=product, supplier=product.supplier)["category"])
    assert f'<option value="{product.category.code}" selected>' in html


@pytest.mark.django_db
def test_an_unchanged_edit_form_posts_back_valid():
    """What the browser sends back from an untouched edit page is accepted (it was "This field is required")."""
    product = ProductFactory()
    form = ProductForm(instance=product, supplier=product.supplier)
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None}
    posted = ProductForm(data, instance=product, supplier=product.supplier)
    assert posted.is_valid(), posted.errors
    assert posted.cleaned_data["category"] == product.category
