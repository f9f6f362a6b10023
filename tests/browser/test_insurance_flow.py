"""The demo supplier insures a deal with the demo insurer, in the browser.

Set up through the services (another flow's steps, walked in test_deal_flow.py): an order of the second
demo buyer (buyer2@) from the demo supplier on open account, shipped. In the browser: the supplier opens
the deal's insurance step and applies for a limit on the buyer with Pacific Export Credit Insurance; the
insurer's risk officer (insurer@) finds it in the queue, sees the buyer's index and TrustFair's
suggestion, and approves it; the supplier declares the shipment and downloads the certificate. The buyer
never sees the application, and the bank's risk officer cannot open it.
"""

import io

import pytest
from django.core.management import call_command

from marketplace.companies.demo import (
    DEMO_BANK_OWNER,
    DEMO_INSURER_OWNER,
    DEMO_SUPPLIER_OWNER,
    SECOND_BUYER_OWNER,
)
from marketplace.companies.models import User
from marketplace.insurance.models import CreditLimit, Declaration, LimitStatus
from tests.browser.test_deal_flow import as_demo
from tests.marketplace.insurance.helpers import ordered_deal, rate, ship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, email):
    """A fresh sign-in; insurer@ enters its demo TOTP code as a person would (as_demo)."""
    page.context.clear_cookies()
    as_demo(page, base, email)


def test_the_supplier_insures_a_deal_with_the_demo_insurer(live_server, page):
    base = live_server.url
    call_command("seed_demo", suppliers=20, buyers=20, stdout=io.StringIO(), verbosity=0)
    supplier_user = User.objects.get(email=DEMO_SUPPLIER_OWNER)
    buyer_user = User.objects.get(email=SECOND_BUYER_OWNER)
    rate(buyer_user.company, "A")
    deal = ordered_deal(
        buyer=buyer_user.company,
        supplier=supplier_user.company,
        buyer_user=buyer_user,
        supplier_user=supplier_user,
        price="7200.00",
    )
    shipment = ship(deal, supplier_user, tracking="COSU6301234")
    deal_url = f"{base}{deal.get_absolute_url()}"

    # The supplier applies for a limit on the buyer from the deal's insurance step.
    sign_in(page, base, DEMO_SUPPLIER_OWNER)
    page.goto(deal_url)
    page.get_by_role("link", name="Insure this deal").click()
    page.get_by_label("Insurer").select_option(label="Pacific Export Credit Insurance Corporation")
    page.get_by_label("Limit applied for").fill("36000")
    page.get_by_role("button", name="Apply for a limit on this buyer").click()
    page.wait_for_load_state()
    assert "The limit application was sent to the insurer." in page.locator(".messages").inner_text()
    limit = CreditLimit.objects.get(deal=deal)
    assert limit.status == LimitStatus.PENDING and limit.insurer.slug == "pacific-export-credit-insurance"

    # The buyer sees nothing of it; the bank's risk officer cannot open it.
    sign_in(page, base, SECOND_BUYER_OWNER)
    page.goto(deal_url)
    assert page.get_by_text("Limit applied for").count() == 0
    assert page.goto(f"{base}{limit.get_absolute_url()}").status == 404
    sign_in(page, base, DEMO_BANK_OWNER)
    assert page.goto(f"{base}{limit.get_absolute_url()}").status == 404

    # The insurer's risk officer approves it from the queue, TrustFair's suggestion beside the form.
    sign_in(page, base, DEMO_INSURER_OWNER)
    page.goto(f"{base}/insurance/queue/")
    page.get_by_role("link", name=buyer_user.company.display_name).first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="TrustFair's suggestion").is_visible()
    assert "Approve up to 36000" in page.content()
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("Limit:", exact=True).fill("36000")
    page.get_by_label("Maximum term (days)").fill("90")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()
    assert "Decision recorded." in page.locator(".messages").inner_text()
    limit.refresh_from_db()
    assert limit.status == LimitStatus.APPROVED and limit.amount == 36000

    # The supplier declares the shipment and downloads the certificate.
    sign_in(page, base, DEMO_SUPPLIER_OWNER)
    page.goto(f"{base}/insurance/deals/{deal.pk}/")
    page.get_by_label("Shipment:", exact=True).select_option(str(shipment.pk))
    page.get_by_role("button", name="Declare and cover").click()
    page.wait_for_load_state()
    declaration = Declaration.objects.get(shipment=shipment)
    assert f"Shipment declared: certificate {declaration.number}." in page.locator(".messages").inner_text()
    link = page.get_by_role("link", name=declaration.number)
    response = page.request.get(f"{base}{link.get_attribute('href')}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    # The deal page's insurance step shows the certificate.
    page.goto(deal_url)
    assert page.locator("#insurance").get_by_role("link", name=declaration.number).is_visible()

    # Every insurance page fits a 390 px phone, in English and in Chinese.
    phone_pages = [
        (DEMO_SUPPLIER_OWNER, [f"/insurance/deals/{deal.pk}/", deal.get_absolute_url()]),
        (DEMO_INSURER_OWNER, ["/insurance/queue/", limit.get_absolute_url(), "/insurance/rates/"]),
    ]
    page.set_viewport_size({"width": 390, "height": 844})
    too_wide = []
    for language in ("en", "zh-hans"):
        for email, paths in phone_pages:
            sign_in(page, base, email)
            page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            for path in paths:
                assert page.goto(f"{base}{path}").status == 200
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > 390:
                    too_wide.append(f"{language} {path}: {width}px")
    assert not too_wide, too_wide
