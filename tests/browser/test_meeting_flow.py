"""The demo buyer books a meeting at a matchmaking table with the demo supplier, the supplier accepts a
slot, the buyer downloads the .ics; the meeting pages fit a 390 px phone in English and Chinese."""

import datetime as dt
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from marketplace.companies.demo import DEMO_BUYER_OWNER, DEMO_SUPPLIER_OWNER
from marketplace.companies.demo_data import DEMO_PASSWORD
from marketplace.companies.models import User
from marketplace.matchmaking import meetings_services as svc
from marketplace.matchmaking.models.meetings import Meeting, MeetingState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def sign_in(page, base, email):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def fits_a_phone(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_buyer_books_a_table_supplier_accepts_buyer_downloads_the_ics(live_server, browser, tmp_path):
    base = live_server.url
    call_command("seed_demo", suppliers=5, buyers=5, stdout=io.StringIO(), verbosity=0)
    buyer = User.objects.get(email=DEMO_BUYER_OWNER)
    supplier = User.objects.get(email=DEMO_SUPPLIER_OWNER)
    before = set(Meeting.objects.values_list("pk", flat=True))
    buyer_zone = svc.zone_of(buyer)
    # Two days ahead at 10:00 and 14:00 the buyer's time: clear of the demo's own meetings.
    day = (timezone.now().astimezone(buyer_zone) + dt.timedelta(days=2)).date()
    first = dt.datetime.combine(day, dt.time(10, 0))
    second = dt.datetime.combine(day, dt.time(14, 0))

    context = browser.new_context(locale="en-GB", viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)

    # The buyer opens the supplier's page and asks for a meeting at a matchmaking table.
    sign_in(page, base, DEMO_BUYER_OWNER)
    page.goto(f"{base}{supplier.company.get_absolute_url()}")
    page.get_by_role("link", name="Request a meeting").click()
    page.wait_for_load_state()
    assert fits_a_phone(page) <= PHONE["width"]
    page.get_by_label("Subject").fill("Moulds for the new housing")
    page.get_by_label("In person at a table").check()
    page.locator("#id_table").select_option(label="Matchmaking table 5")
    page.get_by_label("Proposed time 1").fill(first.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Proposed time 2").fill(second.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Length").select_option("45")
    page.get_by_label("Message").fill("We would like to see the samples.")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_load_state()
    [meeting] = Meeting.objects.exclude(pk__in=before)
    assert page.url == f"{base}/meetings/{meeting.pk}/"
    assert "Your meeting request is sent." in page.locator(".messages").inner_text()
    assert meeting.state == MeetingState.PENDING and meeting.table.label == "Matchmaking table 5"
    starts = [s.start for s in meeting.slots.all()]
    assert starts == [first.replace(tzinfo=buyer_zone), second.replace(tzinfo=buyer_zone)]
    assert fits_a_phone(page) <= PHONE["width"]

    # The supplier sees both times in Shanghai time, with the buyer's beside them, and accepts the second.
    sign_in(page, base, DEMO_SUPPLIER_OWNER)
    page.goto(f"{base}/meetings/")
    page.get_by_role("link", name="Moulds for the new housing").click()
    page.wait_for_load_state()
    shanghai = second.replace(tzinfo=buyer_zone).astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))
    body = page.locator("main").inner_text()
    assert f"{shanghai:%Y-%m-%d %H:%M} CST" in body
    assert f"{second:%H:%M}" in body  # the buyer's own time beside it
    assert fits_a_phone(page) <= PHONE["width"]
    page.locator("input[name=slot]").nth(1).check()
    page.get_by_role("button", name="Accept this time").click()
    page.wait_for_load_state()
    assert "The meeting is confirmed." in page.locator(".messages").inner_text()
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CONFIRMED and meeting.start == second.replace(tzinfo=buyer_zone)

    # The buyer downloads the .ics: the same meeting, confirmed, at the table.
    sign_in(page, base, DEMO_BUYER_OWNER)
    page.goto(f"{base}/meetings/{meeting.pk}/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    path = tmp_path / "meeting.ics"
    info.value.save_as(path)
    calendar = Calendar.from_ical(path.read_bytes())
    [event] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"meeting-{meeting.uid}@trustfair"
    assert event["STATUS"] == "CONFIRMED" and str(event["LOCATION"]) == "Matchmaking table 5"
    assert event.decoded("DTSTART") == meeting.start

    # The pages fit the phone in Chinese too.
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
    for path in (
        f"/meetings/{meeting.pk}/",
        "/meetings/",
        "/meetings/settings/",
        f"/meetings/request/?with={supplier.company.slug}",
    ):
        response = page.goto(f"{base}{path}")
        assert response.status == 200, path
        assert fits_a_phone(page) <= PHONE["width"], path
    context.close()


def test_buyer_books_at_the_suppliers_booth_inside_opening_hours_and_gets_the_ics(
    live_server, browser, tmp_path
):
    """Issue 14's walk at the fair: the demo buyer finds the demo supplier in the exhibitor directory,
    books a meeting at its booth table inside the phase's opening hours (a time after closing is refused
    at the field), the supplier accepts, and the buyer's .ics carries the chosen slot."""
    from marketplace.fairs.models import ExhibitorApplication

    base = live_server.url
    call_command("seed_demo", suppliers=5, buyers=5, stdout=io.StringIO(), verbosity=0)
    buyer = User.objects.get(email=DEMO_BUYER_OWNER)
    supplier = User.objects.get(email=DEMO_SUPPLIER_OWNER)
    exhibitor = (
        ExhibitorApplication.objects.filter(
            company=supplier.company, status="approved", phase__session__slug="140th-session"
        )
        .select_related("booth__hall", "phase", "table")
        .get()
    )
    table = exhibitor.table
    fair = zoneinfo.ZoneInfo(table.time_zone)
    buyer_zone = svc.zone_of(buyer)
    day = exhibitor.phase.starts_on + dt.timedelta(days=1)
    chosen = dt.datetime.combine(day, dt.time(11, 0), tzinfo=fair)  # inside 09:30–18:00 at the fair
    after_closing = dt.datetime.combine(day, dt.time(19, 0), tzinfo=fair)
    before = set(Meeting.objects.values_list("pk", flat=True))

    context = browser.new_context(locale="en-GB", viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, DEMO_BUYER_OWNER)
    page.goto(f"{base}/exhibitors/140th-session/?company={supplier.company.slug}")
    card = page.locator(f"#exhibitor-{exhibitor.pk}")
    assert exhibitor.booth.number in card.inner_text()
    card.get_by_role("link", name="Book a meeting at the booth").click()
    page.wait_for_load_state()
    assert fits_a_phone(page) <= PHONE["width"]
    # The booth's table is chosen, in person, and its opening hours are said.
    assert page.locator("#id_table").input_value() == str(table.pk)
    assert page.get_by_label("In person at a table").is_checked()
    assert "09:30–18:00" in page.locator("main").inner_text()
    page.get_by_label("Proposed time 1").fill(f"{after_closing.astimezone(buyer_zone):%Y-%m-%dT%H:%M}")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_load_state()
    assert "not open at this time" in page.locator("main").inner_text()
    assert not Meeting.objects.exclude(pk__in=before).exists()
    page.get_by_label("Proposed time 1").fill(f"{chosen.astimezone(buyer_zone):%Y-%m-%dT%H:%M}")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_load_state()
    [meeting] = Meeting.objects.exclude(pk__in=before)
    assert page.url == f"{base}/meetings/{meeting.pk}/"
    assert meeting.table_id == table.pk

    sign_in(page, base, DEMO_SUPPLIER_OWNER)
    page.goto(f"{base}/meetings/{meeting.pk}/")
    page.locator("input[name=slot]").first.check()
    page.get_by_role("button", name="Accept this time").click()
    page.wait_for_load_state()
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CONFIRMED and meeting.start == chosen

    sign_in(page, base, DEMO_BUYER_OWNER)
    page.goto(f"{base}/meetings/{meeting.pk}/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    path = tmp_path / "booth.ics"
    info.value.save_as(path)
    calendar = Calendar.from_ical(path.read_bytes())
    [event] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"meeting-{meeting.uid}@trustfair"
    assert event.decoded("DTSTART") == chosen
    assert exhibitor.booth.number in str(event["LOCATION"])

    # The request page at the booth fits the phone in Chinese too.
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
    response = page.goto(f"{base}{exhibitor_meeting_path(exhibitor)}")
    assert response.status == 200 and fits_a_phone(page) <= PHONE["width"]
    assert "开放时间" in page.locator("main").inner_text() or "每天" in page.locator("main").inner_text()
    page.screenshot(path=tmp_path / "booth_request_zh.png", full_page=True)
    context.close()


def exhibitor_meeting_path(exhibitor) -> str:
    from marketplace.fairs.exhibitors_views import meeting_url

    return meeting_url(exhibitor)
