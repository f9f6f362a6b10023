"""The demo supplier applies for pre-shipment financing with the demo bank, the bank approves, the
supplier sees it approved; the financing pages fit a 390 px phone in English and Chinese.

The demo supplier's own recorded history (marketplace/companies/demo_history.py) earns it grade A, which
the policy finances at 80 %; the demo's own financings stand beside the one applied for here.
"""

import io
import re
from decimal import ROUND_DOWN, Decimal

import pytest
from django.core.management import call_command

from credit.index import current
from marketplace.companies.demo import DEMO_BANK_OWNER, DEMO_SUPPLIER_OWNER
from marketplace.companies.models import User
from marketplace.deals.models import Deal
from marketplace.financing.models import ApplicationStatus, FinancingApplication
from marketplace.financing.policy import money_text
from tests.browser.test_deal_flow import as_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def fits_phone(page) -> int:
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    return width


def test_supplier_applies_bank_approves_supplier_sees_it(live_server, page):
    base = live_server.url
    call_command("seed_demo", suppliers=5, buyers=5, stdout=io.StringIO(), verbosity=0)
    supplier = User.objects.get(email=DEMO_SUPPLIER_OWNER).company
    assert current(supplier).grade == "A"
    deal = Deal.objects.get(supplier=supplier, subject="Gear reducers, first order")
    ceiling = (deal.order.amount * Decimal("0.8")).quantize(
        Decimal("0.01"), rounding=ROUND_DOWN
    )  # grade A: 80 %
    asked = (ceiling / 1000).to_integral_value(rounding=ROUND_DOWN) * 1000

    # The supplier, from the deal page.
    as_demo(page, base, DEMO_SUPPLIER_OWNER)
    page.goto(f"{base}{deal.get_absolute_url()}")
    page.get_by_role("link", name="Apply for financing").click()
    assert page.locator("#ceiling").inner_text() == f"{ceiling} USD"
    assert fits_phone(page) <= PHONE["width"]
    page.locator("#id_bank").select_option(label="Harbour Commercial Bank")
    page.locator("#id_amount").fill(str(ceiling + 100))
    page.locator("#id_term_days").fill("90")
    page.get_by_role("button", name="Send the application").click()
    # Above the ceiling: the error stands at the amount, nothing is sent.
    assert f"At most {money_text(ceiling, 'USD')}" in page.locator(".field.has-error").inner_text()
    assert not FinancingApplication.objects.filter(deal=deal).exists()
    page.locator("#id_amount").fill(str(asked))
    page.get_by_role("button", name="Send the application").click()
    page.wait_for_url(re.compile(r"/financing/\d+/$"))
    assert "Waiting for the bank" in page.locator("h1").inner_text()
    application = FinancingApplication.objects.get(deal=deal)
    assert application.amount == asked and application.ceiling == ceiling

    # The bank's risk officer, from the queue.
    as_demo(page, base, DEMO_BANK_OWNER)
    page.goto(f"{base}/financing/bank/")
    assert fits_phone(page) <= PHONE["width"]
    page.get_by_role("link", name=application.number).click()
    assert "· A" in page.locator("#supplier-grade").inner_text()
    assert fits_phone(page) <= PHONE["width"]
    terms = page.locator("#terms-form")
    terms.locator("#id_amount").fill(str(asked))
    terms.locator("#id_rate").fill("6.5")
    terms.locator("#id_term_days").fill("90")
    terms.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assert "Approved" in page.locator("h1").inner_text()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED and application.offer_rate == 6.5

    # The supplier sees it approved, in English and in Chinese.
    as_demo(page, base, DEMO_SUPPLIER_OWNER)
    page.goto(f"{base}/financing/")
    row = page.locator("tr", has_text=application.number)
    assert "Approved" in row.inner_text()
    assert fits_phone(page) <= PHONE["width"]
    row.get_by_role("link", name=application.number).click()
    assert f"{asked:.2f} USD for 90 days at 6.500 % a year" in page.locator("#bank-terms").inner_text()
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
    page.reload()
    assert "已通过" in page.locator("h1").inner_text()
    assert fits_phone(page) <= PHONE["width"]
