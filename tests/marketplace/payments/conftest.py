"""Payments tests run against a real local server that speaks Stripe's API (localstripe, started once)."""

import http.client
import urllib.parse

import pytest

from marketplace.deals import orders
from marketplace.payments import services
from marketplace.payments.models import ConnectedAccount
from tests.marketplace.deals.conftest import _english_after_each_test, parties  # noqa: F401 - shared fixtures
from tests.marketplace.deals.factories import agreed_deal
from tests.marketplace.deals.test_orders import both_accept, rate
from tests.marketplace.payments import localstripe_server

WEBHOOK_SECRET = "whsec_trustfair_tests"


@pytest.fixture(scope="session")
def localstripe():
    server = localstripe_server.start()
    yield server
    server.stop()


@pytest.fixture
def stripe_server(localstripe, settings):
    """Point the app at localstripe with test keys; every test starts from an empty store."""
    localstripe.flush()
    settings.STRIPE_SECRET_KEY = localstripe_server.SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = localstripe_server.PUBLISHABLE_KEY
    settings.STRIPE_API_BASE = localstripe.url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.PAYMENTS_METHODS = ["stripe", "tt", "lc", "dp", "da"]
    return localstripe


@pytest.fixture
def ordered(parties, django_capture_on_commit_callbacks):  # noqa: F811
    """A placed order on deposit (30 %) and balance terms: USD 37,500.00 then USD 87,500.00."""
    rate(parties["buyer"], "A")
    deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"], payment_terms="deposit_balance")
    both_accept(deal, parties)
    with django_capture_on_commit_callbacks(execute=True):
        orders.place_order(deal=deal, by_user=parties["buyer_user"])
    deal.refresh_from_db()
    return deal


def complete_onboarding(link: str) -> None:
    """Follow the onboarding link as the supplier would (localstripe's stand-in page completes the account)."""
    parts = urllib.parse.urlsplit(link)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    conn.request("GET", f"{parts.path}?{parts.query}")
    assert conn.getresponse().status == 302
    conn.close()


def onboard(parties) -> ConnectedAccount:  # noqa: F811 - the fixture's value, passed in
    """The supplier's owner starts payout onboarding and completes it at the provider; TrustFair has not
    refreshed the account yet (a webhook or `refresh_account` does that, and releases held money)."""
    link = services.onboarding_link(
        company=parties["supplier"],
        by_user=parties["supplier_user"],
        refresh_url="http://testserver/payments/account/",
        return_url="http://testserver/payments/account/return/",
    )
    complete_onboarding(link)
    return ConnectedAccount.objects.get(company=parties["supplier"])


@pytest.fixture
def payout_account(stripe_server, parties):  # noqa: F811
    """The supplier onboarded its connected account: released money can be transferred to it."""
    return services.refresh_account(onboard(parties))


CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
CARD_3DS = {**CARD, "number": "4000002500003155"}
CARD_DECLINED = {**CARD, "number": "4000000000000341"}


def pay(milestone, user, card=CARD):
    attempt = services.start(milestone=milestone, method="stripe", by_user=user)
    return services.pay_by_card(attempt=attempt, by_user=user, **card)
