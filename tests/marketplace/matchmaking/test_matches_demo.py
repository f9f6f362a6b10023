"""The ranking's demo seeder and the fairs-facing presence service: deterministic, idempotent, current."""

import datetime as dt
from collections import namedtuple

import pytest
from django.utils import timezone

from marketplace.companies.models import CompanyKind
from marketplace.matchmaking import matches_demo, ranking, ranking_signals, ranking_tasks
from marketplace.matchmaking.models import FairPresence, SupplierSignals
from tests.marketplace.catalog.factories import ProductFactory
from tests.marketplace.companies.factories import CompanyFactory

pytestmark = pytest.mark.django_db


SessionInfo = namedtuple("SessionInfo", "key name name_zh starts_on ends_on")


def _sessions():
    today = timezone.localdate()
    return [
        SessionInfo("139th-session", "139th Session", "第139届", today - dt.timedelta(days=222), today - dt.timedelta(days=200)),
        SessionInfo("140th-session", "140th Session", "第140届", today + dt.timedelta(days=45), today + dt.timedelta(days=67)),
    ]  # fmt: skip


def test_seed_matches_builds_every_suppliers_signals_and_invents_no_presence():
    """Presence is the fairs' to record (exhibitors_demo, through the booth assignment), never invented here."""
    for company in [CompanyFactory(kind=CompanyKind.SUPPLIER) for _ in range(3)]:
        ProductFactory(supplier=company)
    CompanyFactory(kind=CompanyKind.BUYER)
    assert matches_demo.seed_matches() == 3
    assert SupplierSignals.objects.count() == 3
    assert not FairPresence.objects.exists()
    assert matches_demo.seed_matches() == 3


def test_record_presence_moves_the_booth_and_withdraw_removes_it():
    company = CompanyFactory(kind=CompanyKind.SUPPLIER)
    ProductFactory(supplier=company)
    ranking_signals.refresh_all()
    info = _sessions()[1]
    kwargs = {"company": company, "session_key": info.key, "session_name": info.name, "starts_on": info.starts_on, "ends_on": info.ends_on}  # fmt: skip
    ranking_signals.record_presence(**kwargs, hall="Hall 3", booth="3.1 A01")
    ranking_signals.record_presence(**kwargs, hall="Hall 11.2", booth="11.2 C15")
    assert FairPresence.objects.get().booth == "11.2 C15"
    [match] = ranking.rank(ranking.Need(hs_code="8462"))
    assert "exhibits at Hall 11.2, booth 11.2 C15, in the 140th Session" in [r.text for r in match.reasons]
    assert ranking_signals.withdraw_presence(company=company, session_key=info.key) == 1
    [match] = ranking.rank(ranking.Need(hs_code="8462"))
    assert "fair" not in match.signals_used


def test_the_daily_task_refreshes_every_supplier():
    company = CompanyFactory(kind=CompanyKind.SUPPLIER)
    ProductFactory(supplier=company)
    assert ranking_tasks.refresh_match_signals.call() == 1
    assert SupplierSignals.objects.get().headings == ["8462"]
