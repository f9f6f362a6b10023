"""A supplier builds a showcase and shares it; the invited buyer opens it and presses Interested; another buyer gets 404."""

import pytest

from marketplace.companies.models import CompanyKind
from marketplace.showcases.models import Interest, Showcase
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory, UserFactory
from tests.marketplace.catalog.factories import ChapterFactory, ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, email):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def test_supplier_shares_showcase_buyer_is_interested_outsider_gets_404(live_server, page, tmp_path):
    base = live_server.url
    supplier = CompanyFactory(name="Ningbo Hengtai Precision", kind=CompanyKind.SUPPLIER)
    owner = MembershipFactory(user=UserFactory(email="owner@hengtai.example"), company=supplier).user
    chapter = ChapterFactory(code="84")
    ProductFactory(
        supplier=supplier, category=chapter, name="Servo injection moulding machine", price="86000"
    )
    ProductFactory(supplier=supplier, category=chapter, name="Prototype press", showcase_only=True)
    buyer = MembershipFactory(
        user=UserFactory(email="emma@harbourline.example"),
        company=CompanyFactory(
            name="Harbourline Imports", kind=CompanyKind.BUYER, country="GB", city="Felixstowe"
        ),
    ).user
    outsider = MembershipFactory(
        user=UserFactory(email="max@elsewhere.example"),
        company=CompanyFactory(name="Elsewhere Trading", kind=CompanyKind.BUYER, country="DE"),
    ).user

    # The supplier builds the showcase.
    sign_in(page, base, owner.email)
    page.locator("summary", has_text="Supplier portal").click()  # the company menu of the header
    page.get_by_role("link", name="Showcases", exact=True).click()
    page.get_by_role("link", name="New showcase").click()
    page.get_by_label("Title").fill("Spring partner prices")
    page.get_by_label("Message to buyers").fill("Held for you until the end of May.")
    page.get_by_role("button", name="Create showcase").click()
    page.get_by_label("Servo injection moulding machine").check()
    page.get_by_label("Prototype press").check()
    page.get_by_role("button", name="Add selected products").click()
    row = page.locator("tr", has_text="Servo injection moulding machine")
    row.locator("input[name$='-price']").fill("79999")
    row.locator("input[name$='-terms']").fill("FOB Ningbo")
    # The prototype press should come first for this buyer.
    page.locator("tr", has_text="Prototype press").get_by_label("Order").fill("1")
    page.get_by_role("button", name="Save prices and order").click()
    assert "Showcase prices and order saved." in page.locator(".messages").inner_text()
    page.get_by_placeholder("Company name or city").fill("Harbour")
    page.get_by_role("button", name="Find buyers").click()
    page.get_by_label("Harbourline Imports").check()
    page.get_by_role("button", name="Share with selected").click()
    assert "Shared with 1 buyer company; its staff are notified." in page.locator(".messages").inner_text()
    showcase = Showcase.objects.get()
    showcase_url = f"{base}{showcase.get_absolute_url()}"

    # The buyer finds it, opens it and asks for a quote.
    sign_in(page, base, buyer.email)
    page.locator("summary", has_text="Buyer pages").click()
    page.get_by_role("link", name="Showcases shared with us").click()
    page.get_by_role("link", name="Spring partner prices").click()
    assert "79,999.00 USD" in page.content() and "Prototype press" in page.content()
    titles = page.locator("article h3").all_inner_texts()
    assert titles.index("Prototype press") < titles.index("Servo injection moulding machine")
    card = page.locator("article", has_text="Servo injection moulding machine")
    card.get_by_role("button", name="Interested / request a quote").click()
    assert "The supplier is told" in page.locator(".messages").inner_text()
    interest = Interest.objects.get()
    assert interest.company.name == "Harbourline Imports" and interest.quoted_price == 79999
    page.screenshot(path=tmp_path / "showcase-buyer.png", full_page=True)

    # Another buyer gets the 404 of a page that does not exist.
    sign_in(page, base, outsider.email)
    response = page.goto(showcase_url)
    assert response.status == 404
    assert "Prototype press" not in page.content()

    # The supplier sees the view and the request.
    sign_in(page, base, owner.email)
    page.goto(f"{base}{showcase.get_portal_url()}")
    interests = page.locator("#interests").inner_text()
    assert "Harbourline Imports" in interests and "emma@harbourline.example" in interests
