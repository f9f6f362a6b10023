"""A buyer registers for the fair and downloads the badge; at a service point, on a phone, the desk's staff
types the code read from that badge's QR code and checks the buyer in; the second scan says when the first
was, and makes no second check-in."""

import subprocess

import pytest
import zxingcpp
from django.conf import settings
from django.test import Client
from django.utils import timezone
from PIL import Image

from marketplace.companies.models import CompanyKind
from marketplace.fairs import badges_services
from marketplace.fairs.models import CheckIn, Registration
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory, UserFactory
from tests.marketplace.fairs.factories import FairSessionFactory, ServicePointFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, email):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def qr_of(pdf_path, tmp_path) -> str:
    subprocess.run(  # noqa: S603 - poppler on the file the browser downloaded
        [
            "/usr/bin/pdftoppm",
            "-r",
            "200",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf_path),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    (result,) = zxingcpp.read_barcodes(Image.open(next(tmp_path.glob("page*.png"))))
    return result.text


def test_buyer_registers_downloads_the_badge_and_is_checked_in_once(live_server, browser, tmp_path):
    base = live_server.url
    session = FairSessionFactory(name="141st Session", starts_on=timezone.localdate())
    buyer = MembershipFactory(
        user=UserFactory(email="anna@weber.example", first_name="Anna", last_name="Weber"),
        company=CompanyFactory(name="Weber Handel GmbH", kind=CompanyKind.BUYER, country="DE"),
    ).user
    desk_user = UserFactory(email="desk@trustfair.example")
    point = ServicePointFactory(session=session, name="North entrance desk")
    point.staff.add(desk_user)

    context = browser.new_context(
        locale="en-GB", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, buyer.email)
    page.goto(f"{base}/badges/register/{session.slug}/")
    assert page.get_by_label("Name as printed on the badge").input_value() == "Anna Weber"
    page.get_by_role("button", name="Register and get my badge").click()
    assert "You are registered" in page.locator(".messages").inner_text()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the badge (PDF)").click()
    pdf_path = tmp_path / "badge.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    code = qr_of(pdf_path, tmp_path)
    assert Registration.objects.get(user=buyer, session=session).badge.pk == int(code[1:].split(".")[0])
    context.close()

    phone = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, desk_user.email)
    page.goto(f"{base}/badges/desk/")
    page.get_by_role("link", name="North entrance desk").click()
    page.get_by_role("textbox", name="Badge code").fill(code)
    page.get_by_role("button", name="Check in").click()
    assert "Anna Weber checked in." in page.locator("#check-in-outcome").inner_text()
    page.get_by_role("textbox", name="Badge code").fill(code)
    page.get_by_role("button", name="Check in").click()
    outcome = page.locator("#check-in-outcome").inner_text()
    assert "Anna Weber: already checked in at" in outcome
    assert CheckIn.objects.filter(badge__registration__user=buyer).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    page.get_by_role("textbox", name="Badge code").fill(code[:-3] + "xyz")
    page.get_by_role("button", name="Check in").click()
    assert "not a TrustFair badge code" in page.locator(".field.has-error").inner_text()
    phone.close()


@pytest.mark.parametrize("language", ["en-GB", "zh-CN"])
def test_badge_pages_fit_a_phone(live_server, browser, language):
    base = live_server.url
    session = FairSessionFactory(name="141st Session", name_zh="第141届")
    buyer = MembershipFactory(
        user=UserFactory(first_name="小明", last_name="王"),
        company=CompanyFactory(
            name="Guangzhou Long Name Import and Export Trading Co., Ltd.", kind=CompanyKind.BUYER
        ),
    ).user
    badge = badges_services.register_buyer(session=session, user=buyer, full_name="王小明")
    desk_user = UserFactory()
    point = ServicePointFactory(session=session, name="North entrance desk", name_zh="北门服务台")
    point.staff.add(desk_user)
    pages = {
        buyer: ["/badges/", f"/badges/register/{FairSessionFactory().slug}/"],
        desk_user: [
            "/badges/desk/",
            f"/badges/desk/{point.pk}/?q=Guangzhou",
            f"/badges/desk/{point.pk}/walk-in/",
            f"/badges/desk/{point.pk}/badge/{badge.pk}/",
        ],
    }
    context = browser.new_context(locale=language, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    too_wide = []
    for user, paths in pages.items():
        context.clear_cookies()
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
        if language == "zh-CN":
            context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
        for path in paths:
            response = page.goto(f"{base}{path}")
            assert response.status == 200, path
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                too_wide.append(f"{path}: {width}px")
    context.close()
    assert not too_wide, too_wide
