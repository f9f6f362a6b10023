"""A supplier opens an existing product, changes it and saves: the change is kept; errors are summarised on top."""

import pytest

from marketplace.catalog.models import Product
from marketplace.companies.models import CompanyKind
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory, UserFactory
from tests.marketplace.catalog.factories import ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in_supplier(live_server, page):
    user = UserFactory(email="edit@demo.trustfair.test")
    company = CompanyFactory(name="Ningbo Haitian Precision", kind=CompanyKind.SUPPLIER)
    MembershipFactory(user=user, company=company)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/portal/supplier/")
    return company


def test_editing_an_existing_product_keeps_the_change(live_server, page, signed_in_supplier, tmp_path):
    product = ProductFactory(supplier=signed_in_supplier, name="Hydraulic press HP-200", price="1200.00")
    page.goto(f"{live_server.url}/portal/products/{product.pk}/")
    # The saved HS chapter is the selected option (it was not: every edit failed as "required").
    assert page.get_by_label("Category (HS chapter)").input_value() == product.category.code
    page.locator("#id_name").fill("Hydraulic press HP-250")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("Product saved.").is_visible()
    assert page.locator("#id_name").input_value() == "Hydraulic press HP-250"
    product.refresh_from_db()
    assert (product.name, product.category.code) == ("Hydraulic press HP-250", "84")
    page.screenshot(path=tmp_path / "product-saved.png", full_page=True)


def test_a_refused_save_lists_the_errors_at_the_top_and_goes_there(live_server, page, signed_in_supplier):
    product = ProductFactory(supplier=signed_in_supplier, name="Hydraulic press HP-200")
    page.goto(f"{live_server.url}/portal/products/{product.pk}/")
    page.locator("#id_name").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert "Name" in summary.inner_text() and "This field is required." in summary.inner_text()
    # The page opened at the summary, not at the top of a 3,400 px form, and the summary has the focus.
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert summary.bounding_box()["y"] < 200
    # Its link leads to the field.
    assert summary.get_by_role("link").first.get_attribute("href") == "#id_name"
    assert Product.objects.get(pk=product.pk).name == "Hydraulic press HP-200"
