"""The floor plan on a 390 px phone: booth labels are drawn at a readable size (the plan scrolls sideways
instead of shrinking), and a list of the booths below gives the same content without the drawing."""

import os
from pathlib import Path

import pytest

from tests.factories import CompanyFactory
from tests.marketplace.fairs.factories import FairPhaseFactory, FairSessionFactory, HallFactory
from tests.marketplace.fairs.factories_exhibitors import BoothFactory, ExhibitorApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ROWS, COLUMNS = 6, 14


def test_the_floor_plan_reads_on_a_phone(live_server, browser, tmp_path):
    session = FairSessionFactory(slug="plan-session")
    phase = FairPhaseFactory(session=session, number=1)
    hall = HallFactory(session=session, code="11.2", name="Hall 11.2")
    booths = [
        BoothFactory(phase=phase, hall=hall, row=r, column=c)
        for r in range(1, ROWS + 1)
        for c in range(1, COLUMNS + 1)
    ]
    shown = []
    for i, booth in enumerate(booths[::9]):
        company = CompanyFactory(kind="supplier", name=f"Guangzhou Precision Machinery {i}")
        ExhibitorApplicationFactory(phase=phase, company=company, status="approved", booth=booth)
        shown.append((booth, company))
    context = browser.new_context(locale="en-GB", viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/exhibitors/{session.slug}/phase/1/hall/11.2/?q=Precision")
        shots = Path(os.environ.get("FLOOR_SHOTS", tmp_path))
        page.screenshot(path=shots / "floor_plan_390.png")
        page.screenshot(path=shots / "floor_plan_390_full.png", full_page=True)
        # The page itself never scrolls sideways; only the plan does.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # Booth numbers are drawn at least 11 CSS px high on the phone (not shrunk to fit 390 px).
        heights = page.evaluate(
            """() => Array.from(document.querySelectorAll('svg.floor-plan .booth-code'),
                (t) => t.getBoundingClientRect().height)"""
        )
        assert len(heights) == ROWS * COLUMNS and min(heights) >= 11, heights[:3]
        # The same booths as a list: each exhibitor's booth named and linked, readable without the drawing.
        items = page.locator("#booth-list li")
        assert items.count() == len(shown)
        text = page.locator("#booth-list").inner_text()
        for booth, company in shown:
            assert booth.code in text and company.name in text
        assert (
            page.locator("#booth-list a")
            .first.get_attribute("href")
            .startswith(f"/exhibitors/{session.slug}/?company=")
        )
    finally:
        context.close()
