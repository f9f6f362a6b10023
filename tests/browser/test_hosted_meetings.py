"""A hosted buyer meeting in the browser: the operator creates the event, a buyer and a supplier apply, the
operator accepts them and proposes pairs, both accept, the operator schedules and publishes, and the buyer
sees its agenda on a phone and downloads the .ics and the PDF."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from icalendar import Calendar

from marketplace.companies.models import CompanyKind, PlatformRole
from marketplace.fairs.models import HostedEvent, HostedPair
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory, UserFactory
from tests.marketplace.companies.factories import IndustryFactory
from tests.marketplace.fairs.factories import FairSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def sign_in(page, base, email):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def field(page, name):
    """A form field of the event form, found by its label's target."""
    return page.locator(f"#id_{name}")


def click(page, name):
    page.get_by_role("button", name=name, exact=True).first.click()
    page.wait_for_load_state()


def test_operator_runs_a_hosted_buyer_meeting_and_the_buyer_gets_its_agenda(live_server, browser, tmp_path):
    base = live_server.url
    industry = IndustryFactory(name="Household appliances")
    session = FairSessionFactory(name="140th Session")
    UserFactory(email="ops@trustfair.test", platform_role=PlatformRole.OPERATOR)
    buyer = MembershipFactory(
        user=UserFactory(email="emma@harbourline.example"),
        company=CompanyFactory(name="Harbourline Imports", kind=CompanyKind.BUYER, country="DE"),
    ).user
    supplier = MembershipFactory(
        user=UserFactory(email="wei@hengtai.example"),
        company=CompanyFactory(name="Hengtai Appliances", kind=CompanyKind.SUPPLIER, industry=industry),
    ).user
    day = timezone.localdate() + dt.timedelta(days=20)

    context = browser.new_context(locale="en-GB", viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)

    # The operator creates the event and opens it.
    sign_in(page, base, "ops@trustfair.test")
    page.goto(f"{base}/buyer-meetings/")
    page.get_by_role("link", name="New event").click()
    field(page, "session").select_option(str(session.pk))
    field(page, "title").fill("EU buyers, household appliances")
    field(page, "region").fill("EU")
    field(page, "industry").select_option(str(industry.pk))
    field(page, "date").fill(day.isoformat())
    field(page, "starts_at").fill("09:00")
    field(page, "ends_at").fill("10:00")
    field(page, "time_zone").fill("Asia/Shanghai")
    field(page, "table_count").fill("2")
    field(page, "slot_minutes").fill("20")
    field(page, "apply_by").fill(day.isoformat())
    click(page, "Save")
    event = HostedEvent.objects.get()
    assert page.url.endswith(f"/buyer-meetings/{event.pk}/manage/")
    click(page, "Open applications")

    # The buyer and the supplier apply.
    for user, need in (
        (buyer, "Dishwashers, energy class A"),
        (supplier, "Dishwashers and washing machines"),
    ):
        sign_in(page, base, user.email)
        page.goto(f"{base}/buyer-meetings/")
        page.get_by_role("link", name="Apply").click()
        page.get_by_label("Products you want to buy").fill(need)
        click(page, "Apply")
        assert "Application sent" in page.locator(".messages").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The operator accepts both and proposes pairs.
    sign_in(page, base, "ops@trustfair.test")
    page.goto(f"{base}/buyer-meetings/{event.pk}/manage/")
    click(page, "Accept")
    click(page, "Accept")
    click(page, "Propose pairs")
    assert "1 new pairs proposed" in page.locator(".messages").inner_text()

    # Each side accepts its proposed meeting.
    for user in (buyer, supplier):
        sign_in(page, base, user.email)
        page.goto(f"{base}/buyer-meetings/{event.pk}/agenda/")
        click(page, "Accept")
    pair = HostedPair.objects.get(event=event)
    assert pair.agreed

    # The operator closes applications, schedules and publishes.
    sign_in(page, base, "ops@trustfair.test")
    page.goto(f"{base}/buyer-meetings/{event.pk}/manage/")
    click(page, "Close applications")
    click(page, "Schedule accepted pairs")
    assert "1 meetings booked" in page.locator(".messages").inner_text()
    click(page, "Publish the schedule")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("link", name="Attendance").first.click()
    page.wait_for_load_state()
    assert "Harbourline Imports" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The buyer sees its agenda on the phone and downloads the calendar and the PDF.
    sign_in(page, base, buyer.email)
    page.goto(f"{base}/buyer-meetings/{event.pk}/agenda/")
    agenda = page.locator("main").inner_text()
    assert "Hengtai Appliances" in agenda and "09:00" in agenda
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with page.expect_download() as info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    calendar = Calendar.from_ical(Path(info.value.path()).read_bytes())
    [vevent] = list(calendar.walk("VEVENT"))
    assert str(vevent["SUMMARY"]).startswith("EU buyers")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    assert Path(info.value.path()).read_bytes()[:4] == b"%PDF"
    context.close()
