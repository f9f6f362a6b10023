"""The exhibitors' demo seeder: booths in every hall, verified suppliers on booths of their zone through the
services (presence, tables, facts follow), the demo supplier at B-07; deterministic and idempotent."""

import datetime as dt

import pytest
from django.utils import timezone

from credit.models import Fact
from marketplace.companies.models import PlatformRole
from marketplace.fairs.exhibitors_demo import seed_exhibitors
from marketplace.fairs.models import ApplicationStatus, Booth, ExhibitorApplication
from marketplace.matchmaking.models import FairPresence
from tests.marketplace.catalog.factories import ProductFactory
from tests.marketplace.companies.factories import CompanyFactory, IndustryFactory, UserFactory
from tests.marketplace.fairs.factories import FairPhaseFactory, FairSessionFactory, HallFactory

pytestmark = pytest.mark.django_db


def _world():
    UserFactory(platform_role=PlatformRole.OPERATOR)
    machinery = IndustryFactory(slug="machinery")
    today = timezone.localdate()
    for slug, start in (
        ("139th-session", today - dt.timedelta(days=200)),
        ("140th-session", today + dt.timedelta(days=45)),
    ):
        session = FairSessionFactory(slug=slug, starts_on=start, ends_on=start + dt.timedelta(days=4))
        FairPhaseFactory(session=session, number=1, starts_on=start).industries.set([machinery])
        HallFactory(session=session, code="A1")
        HallFactory(session=session, code="A2")
    demo = CompanyFactory(
        slug="demo-supplier", kind="supplier", industry=machinery, verified_at=timezone.now()
    )
    ProductFactory(supplier=demo)
    for _n in range(6):
        CompanyFactory(kind="supplier", industry=machinery, verified_at=timezone.now())
    CompanyFactory(slug="unverified", kind="supplier", industry=machinery, verified_at=None)
    return demo


def test_seed_exhibitors_places_verified_suppliers_and_the_demo_supplier_at_b07():
    demo = _world()
    added = seed_exhibitors(demo_supplier_slug="demo-supplier", seed=2026)
    assert Booth.objects.count() == 2 * 2 * 24
    exhibitors = ExhibitorApplication.objects.filter(status=ApplicationStatus.APPROVED)
    assert added == exhibitors.count() >= 2
    assert not exhibitors.filter(company__slug="unverified").exists()
    mine = exhibitors.filter(company=demo).select_related("booth__hall")
    assert sorted(a.booth.number for a in mine) == ["A1 B-07", "A1 B-07"]
    assert mine.first().products.count() == 1
    # Presence, booth tables and credit facts follow from the assignments, for the past session too.
    assert FairPresence.objects.filter(company=demo).count() == 2
    assert Fact.objects.filter(kind="fair_exhibited").count() == added
    assert all(a.table_id for a in exhibitors)
    placed = sorted(exhibitors.values_list("company__slug", "booth__row", "booth__column"))
    assert seed_exhibitors(demo_supplier_slug="demo-supplier", seed=2026) == 0
    assert sorted(exhibitors.values_list("company__slug", "booth__row", "booth__column")) == placed
