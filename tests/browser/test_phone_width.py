"""Every main page of every role fits a 390 × 844 phone: nothing wider than the screen."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from marketplace.companies.models import CompanyKind, PlatformRole
from marketplace.showcases.models import Interest, ShowcaseView
from tests.credit.factories import (
    DisputeEvidenceFactory,
    FactDisputeFactory,
    FactFactory,
    GatingOverrideFactory,
    SourceFactory,
)
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.marketplace.catalog.factories import (
    CertificationFactory,
    ProductFactory,
    ShowcaseAccessFactory,
    ShowcaseFactory,
    ShowcaseItemFactory,
    add_spec,
)
from tests.marketplace.deals.staged import deal_pages, staged_deals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world():
    supplier = CompanyFactory(
        name="Zhejiang Hengtai Precision Machinery Manufacturing Co., Ltd.",
        name_zh="浙江恒泰精密机械制造有限公司",
        kind=CompanyKind.SUPPLIER,
        verified_at=timezone.now(),
    )
    owner = MembershipFactory(company=supplier).user
    products = [
        ProductFactory(
            supplier=supplier, name=f"Servo-hydraulic injection moulding machine HT-{n}00", price="86000"
        )
        for n in range(1, 5)
    ]
    add_spec(products[0], "Clamping force (kN)", "2800", "锁模力（千牛）", "2800")
    add_spec(products[0], "Shot weight, polystyrene (g)", "1250", "注射量（克）", "1250")
    CertificationFactory(product=products[0])
    buyer_company = CompanyFactory(name="Harbourline Imports International GmbH", kind=CompanyKind.BUYER)
    buyer = MembershipFactory(company=buyer_company).user
    showcase = ShowcaseFactory(supplier=supplier, created_by=owner, title="Spring partner prices for 2027")
    items = [
        ShowcaseItemFactory(showcase=showcase, product=p, terms="FOB Ningbo, 30 % deposit") for p in products
    ]
    ShowcaseAccessFactory(showcase=showcase, company=buyer_company)
    for item in items:
        ShowcaseView.objects.create(showcase=showcase, company=buyer_company, user=buyer, item=item)
    Interest.objects.create(
        showcase=showcase,
        item=items[0],
        product=items[0].product,
        company=buyer_company,
        user=buyer,
        quantity=5,
        message="Price for 10?",
    )
    override = GatingOverrideFactory(
        subject=buyer_company,
        reference="deal:1042",
        amount="250000",
        amount_base="250000",
        status="pending",
        needs_second_approval=True,
        reason="Long-standing customer with a parent-company guarantee and credit insurance on file.",
        refusal={"reasons": ["Order would bring exposure to 1,250,000 USD, above the 1,000,000 USD limit."]},
    )
    bank = SourceFactory(code="bank-phone", name="Industrial and Commercial Bank of Ningbo, trade finance")
    late = FactFactory(
        subject=supplier,
        source=bank,
        kind="payment_late",
        payload={
            "days_late": 75,
            "amount": "20000.00",
            "currency": "USD",
            "invoice": "INV-2026-000123456789",
        },
        metric=75.0,
    )
    dispute = FactDisputeFactory(
        fact=late, opened_by=owner, statement="Paid on the due date; see receipt. " * 8
    )
    DisputeEvidenceFactory(dispute=dispute, uploaded_by=owner, original_name="bank-statement-2026-11.pdf")
    return {
        **staged_deals(supplier=supplier, supplier_user=owner, buyer=buyer_company, buyer_user=buyer),
        "override": override,
        "dispute": dispute,
        "fact": late,
        "supplier": supplier,
        "owner": owner,
        "buyer": buyer,
        "showcase": showcase,
        "product": products[0],
    }


def _pages(world):
    showcase, product, supplier = world["showcase"], world["product"], world["supplier"]
    return {
        "anonymous": (
            None,
            ["/companies/", "/products/", supplier.get_absolute_url(), product.get_absolute_url()],
        ),
        "supplier": (
            world["owner"],
            [
                "/portal/supplier/",
                "/portal/products/",
                f"/portal/products/{product.pk}/",
                "/portal/showcases/",
                showcase.get_portal_url(),
                "/portal/company/staff/",
                "/portal/company/credit/",
                f"/credit/companies/{supplier.pk}/facts/",
                f"/credit/facts/{world['fact'].pk}/dispute/",
                f"/credit/disputes/{world['dispute'].pk}/",
                *deal_pages(world),
            ],
        ),
        "buyer": (
            world["buyer"],
            ["/portal/buyer/", "/showcases/shared/", showcase.get_absolute_url(), *deal_pages(world)],
        ),
        "risk_officer": (
            UserFactory(platform_role=PlatformRole.RISK_OFFICER),
            [
                "/risk/",
                f"/credit/companies/{supplier.pk}/",
                "/credit/models/",
                "/credit/batches/",
                "/credit/gating/",
                "/credit/gating/?version=1",
                "/credit/gating/overrides/",
                "/credit/gating/overrides/new/",
                f"/credit/gating/overrides/{world['override'].pk}/",
                "/credit/disputes/",
                f"/credit/disputes/{world['dispute'].pk}/decide/",
            ],
        ),
        "operator": (
            UserFactory(platform_role=PlatformRole.OPERATOR, is_staff=True),
            ["/operator/verification/", "/credit/disputes/overdue/"],
        ),
    }


def _sign_in(context, base, user):
    context.clear_cookies()
    if user is None:
        return
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])


@pytest.mark.parametrize("language", ["en-GB", "zh-CN"])
def test_main_pages_fit_a_phone(live_server, browser, world, language, tmp_path):
    context = browser.new_context(locale=language, viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    too_wide = []
    for role, (user, paths) in _pages(world).items():
        _sign_in(context, live_server.url, user)
        if language == "zh-CN":
            context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (role, path, response.status)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                # Name the widest element, so that the failure says what to fix.
                culprit = page.evaluate(
                    """() => { let worst = null, right = 0;
                      const clipped = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
                        if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };
                      for (const el of document.querySelectorAll('body *')) {
                        if (clipped(el)) continue;
                        const r = el.getBoundingClientRect();
                        // Text that overflows its box counts at the end of the text, not of the box.
                        const far = getComputedStyle(el).overflowX === 'visible' ? r.left + el.scrollWidth : r.right;
                        if (Math.max(r.right, far) > right) { right = Math.max(r.right, far); worst = el; }
                      }
                      return worst ? worst.tagName + '.' + worst.className + ' ' + Math.round(right) + 'px' : ''; }"""
                )
                too_wide.append(f"{role} {path}: {width}px ({culprit})")
                page.screenshot(
                    path=tmp_path / f"{role}-{path.strip('/').replace('/', '-')}.png", full_page=True
                )
    context.close()
    assert not too_wide, "\n".join(too_wide)


def test_long_filters_fold_behind_a_button_on_a_phone(live_server, browser, world):
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/products/")
    first_product = page.locator("article.product-card").first.bounding_box()
    assert first_product["y"] < PHONE["height"], "the filters push the first product below the first screen"
    page.get_by_text("Filters", exact=True).click()
    assert page.get_by_label("Verified suppliers only").is_visible()
    context.close()
