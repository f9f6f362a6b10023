"""A supplier applies to exhibit, the operator approves and assigns a booth, a buyer finds the exhibitor in
the directory and on the floor plan and books a meeting at the booth — on a 390 px phone."""

import datetime as dt
import io
import zoneinfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from marketplace.companies.demo import DEMO_BUYER_OWNER
from marketplace.companies.demo_data import DEMO_PASSWORD
from marketplace.companies.models import Industry, PlatformRole, User
from marketplace.fairs.models import ApplicationStatus, ExhibitorApplication, FairSession
from marketplace.matchmaking import meetings_services as svc
from marketplace.matchmaking.models.meetings import Meeting
from tests.marketplace.catalog.factories import ProductFactory
from tests.marketplace.companies.factories import PASSWORD, CompanyFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def sign_in(page, base, email, password=DEMO_PASSWORD):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_apply_approve_find_and_book_at_the_booth(live_server, browser):
    base = live_server.url
    call_command("seed_demo", suppliers=5, buyers=5, stdout=io.StringIO(), verbosity=0)
    session = FairSession.objects.get(slug="140th-session")
    phase = session.phases.get(number=1)
    machinery = Industry.objects.get(slug="machinery")
    company = CompanyFactory(
        name="Foshan Lathe Works", kind="supplier", industry=machinery, verified_at=timezone.now()
    )
    owner = MembershipFactory(company=company).user
    ProductFactory(supplier=company, name="CNC lathe FL-200")
    operator = User.objects.filter(platform_role=PlatformRole.OPERATOR).first()

    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)

    # The supplier applies for phase 1 with its lathe on show.
    sign_in(page, base, owner.email, PASSWORD)
    page.goto(f"{base}/exhibitors/{session.slug}/phase/1/apply/")
    assert width(page) <= PHONE["width"]
    page.get_by_label(machinery.name).check()
    page.get_by_label("Booth size wanted").select_option("18")
    page.get_by_label("CNC lathe FL-200").check()
    page.get_by_role("button", name="Send the application").click()
    page.wait_for_load_state()
    assert "Your application is sent to the organiser." in page.locator(".messages").inner_text()
    application = ExhibitorApplication.objects.get(company=company)
    assert application.status == ApplicationStatus.PENDING

    # The operator approves it onto a free booth (signed in by session: the demo operator's second factor
    # is tested in test_navigation).
    client = Client()
    client.force_login(operator)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
    page.goto(f"{base}/exhibitors/applications/")
    page.get_by_role("link", name="Foshan Lathe Works").click()
    page.wait_for_load_state()
    page.locator("#id_booth").select_option(index=1)
    page.get_by_role("button", name="Approve", exact=True).click()
    page.wait_for_load_state()
    assert "Approved; the booth is assigned." in page.locator(".messages").inner_text()
    application.refresh_from_db()
    booth = application.booth
    assert application.status == ApplicationStatus.APPROVED and booth is not None

    # A buyer finds it in the directory, then on the floor plan, lit up, and books at the booth.
    sign_in(page, base, DEMO_BUYER_OWNER)
    page.goto(f"{base}/exhibitors/{session.slug}/?q=Foshan")
    assert width(page) <= PHONE["width"]
    card = page.locator(f"#exhibitor-{application.pk}")
    assert booth.number in card.inner_text() and "CNC lathe FL-200" in card.inner_text()
    card.get_by_role("link", name="On the floor plan").click()
    page.wait_for_load_state()
    assert width(page) <= PHONE["width"]
    assert page.locator("g.booth-lit").count() == 1
    page.locator(f"svg a:has(#booth-{booth.pk})").click()
    page.wait_for_load_state()
    page.locator(f"#exhibitor-{application.pk}").get_by_role(
        "link", name="Book a meeting at the booth"
    ).click()
    page.wait_for_load_state()
    assert page.locator("#id_table").input_value() == str(application.table_id)
    buyer = User.objects.get(email=DEMO_BUYER_OWNER)
    fair_morning = dt.datetime.combine(
        phase.starts_on, dt.time(10, 0), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")
    )
    local = fair_morning.astimezone(svc.zone_of(buyer)).replace(tzinfo=None)
    page.get_by_label("Proposed time 1").fill(local.strftime("%Y-%m-%dT%H:%M"))
    before = set(Meeting.objects.values_list("pk", flat=True))
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_load_state()
    assert "Your meeting request is sent." in page.locator(".messages").inner_text()
    [meeting] = Meeting.objects.exclude(pk__in=before)
    assert meeting.table_id == application.table_id and meeting.invitee_company_id == company.pk

    # The directory and the floor plan fit the phone in Chinese too.
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
    for path in (
        f"/exhibitors/{session.slug}/",
        f"/exhibitors/{session.slug}/phase/1/hall/{booth.hall.code}/?company={company.slug}",
    ):
        response = page.goto(f"{base}{path}")
        assert response.status == 200, path
        assert width(page) <= PHONE["width"], path
    context.close()
