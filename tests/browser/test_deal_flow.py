"""The demo buyer and supplier trade one deal from a showcase interest to delivery, in the browser.

Interest → inquiry, offer, counter-offer, acceptance, the contract accepted by both (the order is
placed), the deposit's proof uploaded and its receipt confirmed, a shipment with its documents and the
delivery confirmed. Both parties see the same timeline in English and in Chinese; a third company gets
the 404 of a deal that does not exist.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace.companies.demo import DEMO_BUYER_OWNER, DEMO_SUPPLIER_OWNER, minimal_pdf
from marketplace.companies.demo_data import DEMO_PASSWORD
from marketplace.companies.models import CompanyKind, User
from marketplace.deals import orders, record
from marketplace.deals.models import Deal, DealState
from marketplace.showcases.models import Interest
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, email, password):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


_USED_TOTP: set[tuple[str, int]] = set()


def demo_totp_code(email: str) -> str:
    """The current code of a demo staff user's fixed TOTP secret (as `manage.py demo_totp` prints it);
    waits for the next period rather than use a code twice (allauth refuses a reused code)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from marketplace.companies.demo_data import DEMO_TOTP_SECRETS

    counter = int(time.time()) // app_settings.TOTP_PERIOD
    if (email, counter) in _USED_TOTP:
        time.sleep(app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD + 0.1)
        counter = int(time.time()) // app_settings.TOTP_PERIOD
    _USED_TOTP.add((email, counter))
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRETS[email], counter))


def as_demo(page, base, email):
    """Sign in as a demo user; the demo staff with an authenticator (risk@, insurer@, bank@...) enter
    their current TOTP code as a person would."""
    sign_in(page, base, email, DEMO_PASSWORD)
    from marketplace.companies.demo_data import DEMO_TOTP_SECRETS

    if email in DEMO_TOTP_SECRETS and page.locator("input[name=code]").count():
        page.locator("input[name=code]").fill(demo_totp_code(email))
        page.locator("input[name=code]").press("Enter")
        page.wait_for_load_state()


def message_text(page) -> str:
    return page.locator(".messages").inner_text()


def timeline(page) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(".timeline-item .timeline-head b").all_inner_texts()]


def in_chinese(page, base):
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])


def test_demo_buyer_and_supplier_trade_from_interest_to_delivery(live_server, page, tmp_path):
    base = live_server.url
    call_command("seed_demo", suppliers=5, buyers=5, stdout=io.StringIO(), verbosity=0)
    buyer_user = User.objects.get(email=DEMO_BUYER_OWNER)
    interest = Interest.objects.filter(company=buyer_user.company, deal__isnull=True).order_by("pk").first()
    outsider = MembershipFactory(
        user=UserFactory(email="max@elsewhere.example"),
        company=CompanyFactory(name="Elsewhere Trading", kind=CompanyKind.BUYER, country="DE"),
    ).user
    deals_before = set(Deal.objects.values_list("pk", flat=True))

    # The buyer turns its interest on the showcase into an inquiry.
    as_demo(page, base, DEMO_BUYER_OWNER)
    page.goto(f"{base}{interest.showcase.get_absolute_url()}")
    page.get_by_role("button", name="Start an inquiry").click()
    page.wait_for_load_state()
    [deal] = Deal.objects.exclude(pk__in=deals_before)
    deal_url = f"{base}{deal.get_absolute_url()}"
    assert page.url == deal_url and deal.state == DealState.INQUIRY

    # The supplier answers with an offer: deposit and balance where credit allows it, else prepayment.
    quantity, price = Decimal("4"), Decimal("9800.00")
    allowed = orders.check_terms(
        deal, payment_terms="deposit_balance", amount=quantity * price, currency="USD", term_days=None
    ).allowed
    as_demo(page, base, DEMO_SUPPLIER_OWNER)
    page.goto(deal_url)
    page.get_by_role("link", name="Make an offer").click()
    line = page.locator(".offer-line").first
    line.get_by_label("Description").fill("Servo press, demo unit")
    line.get_by_label("Quantity").fill(str(quantity))
    line.get_by_label("Unit price").fill(str(price))
    page.get_by_label("Currency").fill("USD")
    page.get_by_label("Incoterm 2020").select_option("FOB")
    page.get_by_label("Named place").fill("Ningbo")
    page.get_by_label("or lead time (days)").fill("30")
    page.get_by_label("Payment terms").select_option("deposit_balance" if allowed else "prepayment")
    if allowed:
        page.get_by_label("Deposit %").fill("30")
    page.get_by_label("Inspection before shipment").select_option("buyer")
    page.get_by_label("Valid until").fill((timezone.localdate() + dt.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Send the offer").click()
    page.wait_for_load_state()
    deal.refresh_from_db()
    assert deal.state == DealState.NEGOTIATION, page.locator("main").inner_text()[:2000]

    # The buyer counters with a lower price; the form starts from the supplier's terms.
    as_demo(page, base, DEMO_BUYER_OWNER)
    page.goto(deal_url)
    page.get_by_role("link", name="Make a counter-offer").click()
    page.locator(".offer-line").first.get_by_label("Unit price").fill("9500.00")
    page.get_by_role("button", name="Send the offer").click()
    page.wait_for_load_state()
    assert deal.offers.count() == 2, page.locator("main").inner_text()[:2000]

    # The supplier accepts the counter-offer, draws up the contract and accepts it.
    as_demo(page, base, DEMO_SUPPLIER_OWNER)
    page.goto(deal_url)
    page.get_by_role("button", name="Accept these terms").click()
    page.wait_for_load_state()
    deal.refresh_from_db()
    assert deal.state == DealState.AGREED
    page.get_by_role("button", name="Draw up the sales contract").click()
    page.wait_for_load_state()
    page.get_by_label("Your full name").fill("Zhang Wei")
    page.get_by_label("Your title").fill("Sales director")
    page.get_by_role("button", name="I accept this contract for my company").click()
    page.wait_for_load_state()

    # The buyer accepts it too: the order is placed.
    as_demo(page, base, DEMO_BUYER_OWNER)
    page.goto(deal_url)
    page.get_by_label("Your full name").fill("Emma Clarke")
    page.get_by_label("Your title").fill("Head of purchasing")
    page.get_by_role("button", name="I accept this contract for my company").click()
    page.wait_for_load_state()
    assert "Both parties accepted: the order is placed." in message_text(page)
    deal.refresh_from_db()
    assert deal.state == DealState.ORDERED

    # The deposit: the buyer uploads the bank's transfer, the supplier confirms the money arrived.
    proof = tmp_path / "transfer.pdf"
    proof.write_bytes(minimal_pdf("Bank transfer", ["Transfer to Ningbo", "Deposit"]))
    page.get_by_label("Proof of payment (PDF, JPEG or PNG)").first.set_input_files(proof)
    page.get_by_role("button", name="Upload").first.click()
    page.wait_for_load_state()
    as_demo(page, base, DEMO_SUPPLIER_OWNER)
    page.goto(deal_url)
    page.get_by_label("Money received on").first.fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Confirm receipt").first.click()
    page.wait_for_load_state()
    first = deal.order.milestones.order_by("seq").first()
    assert first.paid_on == timezone.localdate()

    # The supplier ships with the commercial invoice, packing list and bill of lading.
    page.get_by_role("link", name="Record a shipment").click()
    page.locator("#id_mode").select_option("sea")
    page.get_by_label("Carrier").fill("COSCO Shipping")
    page.get_by_label("Tracking reference").fill("COSU6200410")
    page.get_by_label("Shipped on").fill(timezone.localdate().isoformat())
    for kind in ("commercial_invoice", "packing_list", "bill_of_lading"):
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(minimal_pdf(kind.replace("_", " ").title(), ["Servo press, demo unit"]))
        page.locator(f"#id_{kind}").set_input_files(path)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    deal.refresh_from_db()
    assert deal.state == DealState.SHIPPED, page.locator("main").inner_text()[:2000]

    # The buyer confirms delivery.
    as_demo(page, base, DEMO_BUYER_OWNER)
    page.goto(deal_url)
    page.get_by_role("link", name="Confirm delivery").click()
    page.get_by_label("Delivered on").fill(timezone.localdate().isoformat())
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    deal.refresh_from_db()
    assert deal.state == DealState.DELIVERED, page.locator("main").inner_text()[:2000]
    assert record.verify(deal) is None

    # Both see the same timeline, in English and in Chinese.
    page.goto(deal_url)
    buyer_en = timeline(page)
    in_chinese(page, base)
    page.goto(deal_url)
    buyer_zh = timeline(page)
    page.screenshot(path=tmp_path / "deal-buyer-zh.png", full_page=True)
    as_demo(page, base, DEMO_SUPPLIER_OWNER)
    page.goto(deal_url)
    supplier_en = timeline(page)
    in_chinese(page, base)
    page.goto(deal_url)
    supplier_zh = timeline(page)
    assert len(buyer_en) == deal.events.count() >= 12
    assert buyer_en == supplier_en and buyer_zh == supplier_zh
    assert buyer_zh != buyer_en and not any(label in buyer_zh for label in buyer_en)

    # A third company gets the 404 of a deal that does not exist.
    sign_in(page, base, outsider.email, PASSWORD)
    response = page.goto(deal_url)
    assert response.status == 404
    assert "Servo press" not in page.content()
    missing = page.goto(f"{base}/deals/{Deal.objects.order_by('-pk').first().pk + 1000}/")
    assert missing.status == 404
