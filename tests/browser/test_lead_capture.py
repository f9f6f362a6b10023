"""Lead capture on a phone: the demo supplier's staff scans the demo buyer's badge (typed code), goes
offline, reopens the page (from the service worker), scans two more (a photo of a QR code fed to the camera input, and a typed code), comes back
online and sees three leads, no duplicates; then turns the demo buyer's lead into an inquiry."""

import io

import pytest
import segno
from django.core.management import call_command
from playwright.sync_api import expect

from marketplace.companies.demo import DEMO_BUYER_OWNER
from marketplace.companies.demo_data import DEMO_DOMAIN, DEMO_PASSWORD
from marketplace.companies.models import CompanyKind, User
from marketplace.fairs import badge_tokens
from marketplace.fairs.models import Badge, FairSession, Lead, Registration
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.marketplace.fairs.factories import BadgeFactory, RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
STAFF = f"li.na@{DEMO_DOMAIN}"


def badge_of(session, user) -> Badge:
    registration = Registration.objects.filter(session=session, user=user).first() or RegistrationFactory(
        session=session, user=user, company=user.company, full_name=f"{user.first_name} {user.last_name}"
    )
    return Badge.objects.filter(registration=registration).first() or BadgeFactory(registration=registration)


def waiting(page) -> str:
    return page.locator("#scan-waiting").get_attribute("data-waiting")


def test_staff_scans_badges_offline_and_turns_a_lead_into_an_inquiry(live_server, browser, tmp_path):
    base = live_server.url
    call_command("seed_demo", suppliers=5, buyers=5, stdout=io.StringIO(), verbosity=0)
    session = FairSession.objects.get(slug="140th-session")
    buyer = User.objects.get(email=DEMO_BUYER_OWNER)
    visitor = MembershipFactory(
        user=UserFactory(email="carla@visitor.example", first_name="Carla", last_name="Visitor"),
        company=CompanyFactory(name="Visitor Imports", kind=CompanyKind.BUYER, country="IT"),
    ).user
    codes = [
        badge_tokens.token_for(badge_of(session, u))
        for u in (
            buyer,
            User.objects.get(email=f"james.wright@{DEMO_DOMAIN}"),
            visitor,
        )
    ]
    qr_png = tmp_path / "badge.png"
    segno.make(codes[1], error="m").save(str(qr_png), scale=8, border=4)
    staff = User.objects.get(email=STAFF)
    supplier = staff.company

    context = browser.new_context(
        locale="en-GB", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Email").fill(STAFF)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()
        page.goto(f"{base}/leads/capture/{session.slug}/")
        wide = page.evaluate(
            """() => Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 391)
                .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8)"""
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wide
        # The service worker keeps the page and its scripts for a visit without a connection.
        page.wait_for_function(
            """async () => {
                const cache = await caches.open('trustfair-leads-v3');
                const urls = [location.href, ...Array.from(document.querySelectorAll('script[src]'), (e) => e.src)];
                return (await Promise.all(urls.map((u) => cache.match(u)))).every(Boolean);
            }"""
        )

        # 1. Online: the demo buyer's badge, code typed.
        page.get_by_label("Badge code", exact=True).fill(codes[0])
        page.get_by_label("Hot", exact=True).check()
        page.get_by_label("Notes", exact=True).fill("Wants the press line quoted")
        page.get_by_role("button", name="Save scan").click()
        expect(page.locator("#scan-waiting")).to_have_attribute("data-waiting", "0", timeout=20_000)
        page.wait_for_function("document.querySelector('#scan-list .scan-sent') !== null")
        assert Lead.objects.filter(company=supplier, session=session).count() == 1

        # 2. Offline: a photo of a badge fed to the camera input, then a typed code.
        context.set_offline(True)
        page.wait_for_function("!navigator.onLine")
        page.reload()  # opened again without a connection: from the service worker's cache
        page.wait_for_function("typeof window.jsQR === 'function'")
        assert page.locator("#scan-online").inner_text() == "Offline — scans wait on this phone"
        page.set_input_files("#scan-photo", str(qr_png))
        page.wait_for_function(f"document.getElementById('scan-code').value === {codes[1]!r}")
        page.get_by_label("Warm", exact=True).check()
        page.get_by_role("button", name="Save scan").click()
        # The page clears the form once the scan is stored on the phone; the next one is typed after that.
        expect(page.locator("#scan-waiting")).to_have_attribute("data-waiting", "1", timeout=20_000)
        page.get_by_label("Badge code", exact=True).fill(codes[2])
        page.get_by_role("button", name="Save scan").click()
        expect(page.locator("#scan-waiting")).to_have_attribute("data-waiting", "2", timeout=20_000)
        assert "2 scans waiting to upload" in page.locator("#scan-waiting").inner_text()
        assert Lead.objects.filter(company=supplier, session=session).count() == 1

        # 3. Back online: the waiting scans upload by themselves.
        context.set_offline(False)
        page.wait_for_function(
            "document.getElementById('scan-waiting').dataset.waiting === '0'", timeout=30_000
        )
        leads = Lead.objects.filter(company=supplier, session=session)
        assert leads.count() == 3
        assert len(set(leads.values_list("client_id", flat=True))) == 3
        assert len(set(leads.values_list("registration", flat=True))) == 3

        page.goto(f"{base}/leads/?session={session.slug}")
        assert page.locator(".lead-row").count() == 3

        # 4. The demo buyer's lead becomes an inquiry.
        page.get_by_role("link", name=f"{buyer.first_name} {buyer.last_name}").click()
        assert "Wants the press line quoted" in page.get_by_label("Notes", exact=True).input_value()
        page.get_by_role("button", name="Turn into an inquiry").click()
        page.wait_for_load_state()
        # The demo's own fair-lead deal (the past session's) stands beside the one made here.
        deal = Lead.objects.get(company=supplier, session=session, registration__user=buyer).deal
        assert deal is not None and deal.source_kind == "fair_lead"
        assert page.url == f"{base}{deal.get_absolute_url()}"
        assert deal.buyer == buyer.company
        assert Lead.objects.filter(company=supplier, session=session).count() == 3
    finally:
        context.close()


def test_a_code_typed_while_the_previous_scan_is_saving_is_kept(live_server, browser):
    """Staff scan fast: the next code is typed the moment "Save scan" is pressed, while the first scan is
    still being stored. The typed code stays in the field and becomes the second scan; nothing is lost."""
    from tests.factories import PASSWORD
    from tests.marketplace.fairs.factories import FairSessionFactory
    from tests.marketplace.fairs.factories_exhibitors import approved_exhibitor

    session = FairSessionFactory()
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER, name="Fast Scanners")
    staff = MembershipFactory(company=supplier, user=UserFactory(email="fast@scanners.example")).user
    approved_exhibitor(session=session, company=supplier)
    codes = [
        badge_tokens.token_for(BadgeFactory(registration=RegistrationFactory(session=session))) for _ in "ab"
    ]
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(staff.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()
        page.goto(f"{live_server.url}/leads/capture/{session.slug}/")
        code = page.get_by_label("Badge code", exact=True)
        code.fill(codes[0])
        # Press save and type the next code in the same moment: before the first scan is stored
        # (IndexedDB answers only after this task), the next badge's code is already in the field.
        page.evaluate(
            """(next) => {
                document.getElementById('scan-form').requestSubmit();
                const input = document.getElementById('scan-code');
                input.value = next;
                input.dispatchEvent(new Event('input', { bubbles: true }));
            }""",
            codes[1],
        )
        page.wait_for_function("document.querySelectorAll('#scan-list .scan-item').length === 1")
        assert code.input_value() == codes[1]
        page.get_by_role("button", name="Save scan").click()
        page.wait_for_function("document.getElementById('scan-waiting').dataset.waiting === '0'")
        page.wait_for_function("document.querySelectorAll('#scan-list .scan-sent').length === 2")
        leads = Lead.objects.filter(company=supplier, session=session)
        assert sorted(leads.values_list("badge__pk", flat=True)) == sorted(
            Badge.objects.filter(registration__session=session).values_list("pk", flat=True)
        )
    finally:
        context.close()
