"""The signed-in header fits one row at 1366 px and leads to the account's security pages."""

import pytest

from marketplace.companies.models import CompanyKind
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_header_is_one_row_and_the_account_menu_leads_to_password_and_two_factor(
    live_server, browser, tmp_path
):
    context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    user = UserFactory(email="both@demo.trustfair.test")
    MembershipFactory(
        user=user, company=CompanyFactory(name="Ningbo Haitian Precision", kind=CompanyKind.BOTH)
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    brand = page.locator(".brand").bounding_box()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < brand["height"] + 40, "the navigation wrapped onto a second row"

    page.locator("summary", has_text="Account").click()
    page.get_by_role("link", name="Change password").click()
    page.wait_for_url(f"{live_server.url}/accounts/password/change/")
    button = page.locator("main button[type=submit]").first
    assert "btn" in button.get_attribute("class")  # the site's button, not the browser's bare one
    page.screenshot(path=tmp_path / "password.png", full_page=True)

    page.locator("summary", has_text="Account").click()
    page.get_by_role("link", name="Two-factor authentication").click()
    page.wait_for_url(f"{live_server.url}/accounts/2fa/")
    context.close()
