# ruff: noqa: F811 - the tests take the payments fixtures imported below by name
"""A buyer pays by card against localstripe and the money reaches the supplier, in the browser.

The supplier sets up its payout account from the portal (localstripe's stand-in for Stripe's hosted
onboarding); the buyer pays the deposit by card — held, and released at once since the order stands — then
the balance with a card that asks for 3-D Secure, held on the card until the buyer confirms delivery,
when it is captured and released. Both transfers are on the supplier's connected account at localstripe.
The payment page fits a 390 px phone, in English and Chinese.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.deals.models import Deal, DealState
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.models import AttemptState, ConnectedAccount, PaymentAttempt
from tests.marketplace.payments.conftest import (  # noqa: F401 - fixtures
    _english_after_each_test,
    localstripe,
    ordered,
    parties,
    stripe_server,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def sign_in(context, base, user):
    context.clear_cookies()
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])


def pay_by_card(page, number):
    page.get_by_label("Card (protected payment)").check()
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry month").fill("12")
    page.get_by_label("Expiry year").fill("2031")
    page.get_by_label("Security code (CVC)").fill("123")
    page.get_by_role("button", name="on the card").click()
    page.wait_for_load_state()


def test_the_buyer_pays_by_card_and_the_money_is_released_to_the_supplier(
    live_server,
    browser,
    stripe_server,
    ordered,
    parties,
):
    base = live_server.url
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)

    # The supplier onboards its payout account from the portal.
    sign_in(context, base, parties["supplier_user"])
    page.goto(f"{base}{reverse('companies:supplier_home')}")
    page.locator("summary", has_text="Supplier portal").click()
    page.get_by_role("link", name="Payout account").click()
    page.get_by_role("button", name="Set up payouts").click()
    page.wait_for_url(f"{base}{reverse('payments:payout_account')}")
    assert "Ready: released payments are transferred to it." in page.locator("#payout-status").inner_text()
    account = ConnectedAccount.objects.get(company=parties["supplier"])

    # The buyer pays the deposit by card from the deal page: held, then released since the order stands.
    sign_in(context, base, parties["buyer_user"])
    page.goto(f"{base}{ordered.get_absolute_url()}")
    page.get_by_role("link", name="Pay by card or other method").first.click()
    assert "USD 37500.00" in page.locator("h1").inner_text()
    pay_by_card(page, "4242424242424242")
    assert page.locator("#attempt-state").inner_text() == "Released to the supplier"
    assert "The payment is done" in page.locator("#next-step").inner_text()

    # The balance, with a card that asks for 3-D Secure: held on the card until delivery.
    page.goto(f"{base}{ordered.get_absolute_url()}")
    page.get_by_role("link", name="Pay by card or other method").first.click()
    assert "USD 87500.00" in page.locator("h1").inner_text()
    pay_by_card(page, "4000002500003155")
    page.get_by_role("button", name="Complete verification").click()
    page.wait_for_load_state()
    assert page.locator("#attempt-state").inner_text() == "Held on the card"

    # The goods went out (recorded as the supplier's shipment step would leave it); the buyer confirms delivery.
    Deal.objects.filter(pk=ordered.pk).update(state=DealState.SHIPPED)
    page.goto(f"{base}{ordered.get_absolute_url()}")
    page.get_by_role("link", name="Confirm delivery").click()
    page.get_by_label("Delivered on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Confirm delivery").click()
    page.wait_for_load_state()
    balance = PaymentAttempt.objects.get(milestone__seq=2, state=AttemptState.RELEASED)
    page.goto(f"{base}{reverse('payments:attempt_detail', kwargs={'pk': balance.pk})}")
    assert page.locator("#attempt-state").inner_text() == "Released to the supplier"

    # The supplier sees the money released; localstripe holds both transfers to its account.
    sign_in(context, base, parties["supplier_user"])
    page.goto(f"{base}{reverse('payments:payout_account')}")
    assert "125000.00" in page.locator("table").inner_text()
    sent = gateway.client().v1.transfers.list({"destination": account.provider_account_id}).data
    assert sorted(t.amount for t in sent) == [3750000, 8750000]
    context.close()


@pytest.mark.parametrize("language", ["en-GB", "zh-CN"])
def test_the_payment_pages_fit_a_phone(
    live_server,
    browser,
    stripe_server,
    ordered,
    parties,
    language,
    tmp_path,
):
    base = live_server.url
    context = browser.new_context(locale=language, viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    sign_in(context, base, parties["buyer_user"])
    if language == "zh-CN":
        context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
    url = f"{base}{reverse('payments:milestone_payment', kwargs={'pk': ordered.pk, 'seq': 1})}"
    page.goto(url)
    page.locator("input[value=stripe]").check()
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state()
    for where in (url, page.url):
        page.goto(where)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], where
    page.screenshot(path=tmp_path / f"payment-{language}.png", full_page=True)
    context.close()
