"""The CMS blocks for fair pages render live exhibitors and a live floor plan."""

import pytest
from django.utils import timezone

from cms.blocks import BodyBlock, ExhibitorListBlock, FloorPlanBlock
from marketplace.fairs import exhibitors_services as services
from tests.marketplace.companies.factories import CompanyFactory, IndustryFactory, MembershipFactory
from tests.marketplace.fairs.factories import FairPhaseFactory, HallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exhibitor(operator):
    industry = IndustryFactory(slug="machinery")
    phase = FairPhaseFactory(number=1)
    phase.industries.set([industry])
    hall = HallFactory(session=phase.session, code="3.1")
    booths = services.generate_grid(hall=hall, phase=phase, rows=1, columns=3, by_user=operator)
    company = CompanyFactory(name="Block Press Co", kind="supplier", verified_at=timezone.now())
    application = services.apply(
        company=company,
        phase=phase,
        by_user=MembershipFactory(company=company).user,
        industries=[industry],
        booth_size_sqm=9,
    )
    services.approve(application=application, booth=booths[2], by_user=operator)
    return phase


def test_exhibitor_list_block_shows_live_exhibitors(exhibitor):
    block = ExhibitorListBlock()
    value = block.to_python({"session": exhibitor.session.slug, "phase": 1, "hall": "3.1", "limit": 5})
    html = block.render(value)
    assert "Block Press Co" in html and "3.1 A-03" in html
    other_hall = block.render(block.to_python({"session": exhibitor.session.slug, "hall": "9.9", "limit": 5}))
    assert "Block Press Co" not in other_hall


def test_floor_plan_block_draws_the_hall(exhibitor):
    block = FloorPlanBlock()
    html = block.render(block.to_python({"session": exhibitor.session.slug, "phase": 1, "hall": "3.1"}))
    assert "<svg" in html and "A-03" in html and "Block Press Co" in html
    assert block.render(block.to_python({"session": "no-such", "phase": 1, "hall": "3.1"})).strip() == ""


def test_both_blocks_are_offered_in_page_bodies():
    assert {"exhibitors", "floor_plan"} <= set(BodyBlock().child_blocks)
