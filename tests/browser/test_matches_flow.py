"""A buyer on a phone (390 px) asks for suppliers in Chinese and in English, reads why each is ranked, and
hides one it met before — which then drops out of its matches."""

import pytest
from django.conf import settings
from django.test import Client

from marketplace.companies.models import CompanyKind
from marketplace.matchmaking import ranking_signals
from tests.marketplace.catalog.factories import CertificationFactory, ProductFactory
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory
from tests.marketplace.matchmaking.factories_matches import FairPresenceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def buyer():
    first = CompanyFactory(
        kind=CompanyKind.SUPPLIER,
        name="Zhejiang Hengtai Precision Machinery Manufacturing Co., Ltd.",
        name_zh="浙江恒泰精密机械制造有限公司",
        slug="hengtai",
    )
    second = CompanyFactory(kind=CompanyKind.SUPPLIER, name="Ningbo Plain Machines Co., Ltd.", slug="plain")
    p = ProductFactory(
        supplier=first, name="Servo-hydraulic injection moulding machine HT-200", name_zh="伺服注塑机"
    )
    CertificationFactory(product=p, standard="CE")
    ProductFactory(supplier=second, name="Injection moulding machine PM-90", name_zh="注塑机")
    FairPresenceFactory(company=first)
    ranking_signals.refresh_all()
    return MembershipFactory(company=CompanyFactory(kind=CompanyKind.BUYER, country="DE")).user


def _sign_in(context, base, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_buyer_ranks_reads_reasons_and_hides_a_supplier(live_server, browser, buyer):
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    _sign_in(context, live_server.url, buyer)
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.goto(f"{live_server.url}/matches/")
    assert page.get_by_role("heading", name="为您推荐的供应商").is_visible()
    page.get_by_text("描述您的需求").click()
    page.get_by_label("采购需求").fill("注塑机")
    page.get_by_label("CE", exact=True).check()
    page.get_by_role("button", name="为供应商排序").click()
    cards = page.locator("li.match-card")
    assert cards.count() == 2
    assert "浙江恒泰精密机械制造有限公司" in cards.first.inner_text()
    assert "持有所需的CE认证" in cards.first.inner_text()
    _fits(page)

    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/matches/?q=injection+moulding+machine&cert=CE")
    first = page.locator("li.match-card").first
    assert "Zhejiang Hengtai" in first.inner_text()
    assert "exhibits at Hall 11.2, booth 11.2 C15, in the 140th Session" in first.inner_text()
    _fits(page)
    first.get_by_role("button", name="Met before").click()
    page.wait_for_load_state()
    assert "no longer shows in your matches" in page.locator(".messages").inner_text()
    names = page.locator("li.match-card .match-name").all_inner_texts()
    assert names == ["Ningbo Plain Machines Co., Ltd."]
    page.get_by_text("1 supplier hidden from your matches").click()
    page.get_by_role("button", name="Show again").click()
    page.wait_for_load_state()
    assert page.locator("li.match-card").count() == 2
    context.close()
