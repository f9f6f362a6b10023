"""A supplier signs in, switches to Chinese and sees the portal, in a real browser."""

import pytest

from marketplace.companies.models import CompanyKind
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supplier_signs_in_switches_to_chinese_and_sees_portal(live_server, page, tmp_path):
    user = UserFactory(email="supplier@demo.trustfair.test")
    MembershipFactory(
        user=user,
        company=CompanyFactory(
            name="Ningbo Haitian Precision", name_zh="宁波海天精密", kind=CompanyKind.SUPPLIER
        ),
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/portal/supplier/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Supplier portal")

    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert "供应商门户" in heading and "宁波海天精密" in heading
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    # The choice is remembered on the next page.
    page.goto(f"{live_server.url}/companies/")
    assert "公司名录" in page.get_by_role("heading", level=1).inner_text()
    page.screenshot(path=tmp_path / "supplier-zh.png", full_page=True)
