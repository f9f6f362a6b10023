"""The demo buyer posts a sourcing request, two suppliers quote, the buyer compares in CNY, accepts one and
lands in the new deal — in the browser, at desktop and at 390 px width."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace.catalog.models import Product
from marketplace.companies.demo import DEMO_BUYER_OWNER, DEMO_SUPPLIER_OWNER, SECOND_SUPPLIER_OWNER
from marketplace.companies.demo_data import DEMO_PASSWORD
from marketplace.companies.models import CompanyKind, User
from marketplace.deals.models import Deal, DealState
from marketplace.matchmaking.models import Quotation, Rfq
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Servo injection moulding machines 180 t"


def sign_in(page, base, email, password=DEMO_PASSWORD):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def fits_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def quote(page, base, email, password, *, currency, incoterm, place, tiers, lead):
    sign_in(page, base, email, password)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/sourcing/inbox/")
    assert fits_width(page)
    page.get_by_role("link", name=TITLE).click()
    assert fits_width(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Send a quotation").click()
    page.get_by_label("Currency").select_option(currency)
    page.get_by_label("Incoterm 2020").select_option(incoterm)
    page.get_by_label("Named place").fill(place)
    page.get_by_label("Lead time (days)").fill(str(lead))
    page.get_by_label("Minimum order quantity").fill("2")
    page.get_by_label("Valid until").fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
    page.get_by_label("Payment terms").select_option(label="Prepayment")
    for n, (qty, price) in enumerate(tiers, start=1):
        page.get_by_label(f"Tier {n}: from quantity").fill(qty)
        page.get_by_label(f"Tier {n}: unit price").fill(price)
    page.get_by_label("Message").fill("Servo pump, CE marked.")
    page.get_by_role("button", name="Send quotation").click()
    page.wait_for_load_state()
    assert "Your quotation is sent to the buyer." in page.locator(".messages").inner_text()


def test_buyer_posts_two_suppliers_quote_buyer_compares_in_cny_and_accepts(live_server, page):
    base = live_server.url
    call_command("seed_demo", suppliers=5, buyers=5, stdout=io.StringIO(), verbosity=0)
    supplier = User.objects.get(email=DEMO_SUPPLIER_OWNER)
    second = User.objects.filter(email=SECOND_SUPPLIER_OWNER).first()
    second_password = DEMO_PASSWORD
    if second is None or second.company is None:  # a directory this small may not hold the second supplier
        second = MembershipFactory(
            user=UserFactory(email="quotes@second.example"),
            company=CompanyFactory(name="Second Plastics", kind=CompanyKind.SUPPLIER),
        ).user
        second_password = PASSWORD
    category = Product.objects.public().filter(supplier=supplier.company).order_by("pk").first().category

    # The demo buyer posts a request for the two suppliers it invites (on a phone-width screen).
    sign_in(page, base, DEMO_BUYER_OWNER)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/sourcing/")
    page.get_by_role("link", name="Post a sourcing request").click()
    page.get_by_label("What you need").fill(TITLE)
    page.get_by_label("HS category").select_option(label=category.label)
    page.get_by_label("Quantity").fill("0")
    page.locator("#id_unit").select_option("set")
    page.get_by_label("Target unit price (optional)").fill("30000")
    page.get_by_label("Currency").fill("USD")
    page.get_by_label("Destination country").select_option("GB")
    page.get_by_label("Destination port").fill("Felixstowe")
    page.get_by_label("Preferred Incoterm").select_option("FOB")
    page.get_by_label("CE", exact=True).check()
    page.get_by_label("Closing date").fill((timezone.localdate() + dt.timedelta(days=10)).isoformat())
    page.get_by_label("Invited suppliers only").check()
    page.locator("#id_invited").select_option([str(supplier.company.pk), str(second.company.pk)])
    assert fits_width(page)
    page.get_by_role("button", name="Post request").click()
    page.wait_for_load_state()
    # Quantity 0: the field says so and nothing is written.
    assert (
        "The quantity must be more than zero." in page.content()
        and not Rfq.objects.filter(title=TITLE).exists()
    )
    page.get_by_label("Quantity").fill("5")
    page.get_by_label("Invited suppliers only").check()
    page.get_by_role("button", name="Post request").click()
    page.wait_for_load_state()
    rfq = Rfq.objects.get(title=TITLE)
    assert page.url == f"{base}{rfq.get_absolute_url()}" and rfq.visibility == "invited"
    assert set(rfq.invited.values_list("pk", flat=True)) == {supplier.company.pk, second.company.pk}

    # Two suppliers quote: one in USD FOB, one in EUR CIF (the comparison flags the Incoterm).
    page.set_viewport_size({"width": 1280, "height": 900})
    quote(
        page,
        base,
        DEMO_SUPPLIER_OWNER,
        DEMO_PASSWORD,
        currency="USD",
        incoterm="FOB",
        place="Ningbo",
        tiers=[("1", "31000"), ("5", "29500")],
        lead=45,
    )
    quote(
        page,
        base,
        second.email,
        second_password,
        currency="EUR",
        incoterm="CIF",
        place="Felixstowe",
        tiers=[("1", "27000")],
        lead=60,
    )
    assert Quotation.objects.filter(rfq=rfq).count() == 2

    # The buyer compares in CNY, on a phone-width screen too.
    sign_in(page, base, DEMO_BUYER_OWNER)
    page.goto(f"{base}{rfq.get_absolute_url()}")
    page.get_by_role("link", name="Compare quotations").click()
    page.get_by_label("Show prices in").select_option("CNY")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    table = page.locator(".compare-table").inner_text()
    assert "Unit price (CNY)" in table and "$29,500.00" in table and "€27,000.00" in table
    assert "differs from your Incoterm" in table and "rate" in table
    assert "The quotations use these Incoterms: CIF, FOB" in page.content()
    page.set_viewport_size({"width": 390, "height": 844})
    assert fits_width(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Accepting the demo supplier's quotation opens the deal; the buyer lands in it.
    page.locator(".quotation-row", has_text=supplier.company.display_name).get_by_role(
        "button", name="Accept"
    ).click()
    page.wait_for_load_state()
    deal = Deal.objects.get(source_reference__startswith=f"rfq-{rfq.pk}-")
    assert page.url == f"{base}{deal.get_absolute_url()}"
    assert deal.state == DealState.NEGOTIATION and deal.supplier == supplier.company
    assert "Quotation accepted" in page.locator(".messages").inner_text()
    offer = deal.offers.get()
    assert offer.lines.get().unit_price == 29500 and offer.incoterm == "FOB"
    assert deal.events.get(action="open").data["comparison"]["currency"] == "CNY"
    assert Quotation.objects.get(rfq=rfq, supplier=second.company).status == "not_chosen"
