"""The ranking's demo seeder and the fairs-facing presence service: deterministic, idempotent, current."""

import datetime as dt

import pytest
from django.utils import timezone

from marketplace.companies.models import CompanyKind
from marketplace.matchmaking import matches_demo, ranking, ranking_signals, ranking_tasks
from marketplace.matchmaking.models import FairPresence, SupplierSignals
from tests.marketplace.catalog.factories import ProductFactory
from tests.marketplace.companies.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def _sessions():
    today = timezone.localdate()
    halls = (("A1", "Area A, Hall 1", "A区1号馆"), ("B2", "Area B, Hall 2", "B区2号馆"))
    return [
        matches_demo.SessionInfo("139th-session", "139th Session", "第139届", today - dt.timedelta(days=222), today - dt.timedelta(days=200), halls),
        matches_demo.SessionInfo("140th-session", "140th Session", "第140届", today + dt.timedelta(days=45), today + dt.timedelta(days=67), halls),
    ]  # fmt: skip


def test_seed_matches_is_deterministic_idempotent_and_places_the_demo_supplier():
    demo = CompanyFactory(kind=CompanyKind.SUPPLIER, slug="demo-supplier")
    others = [CompanyFactory(kind=CompanyKind.SUPPLIER) for _ in range(12)]
    CompanyFactory(kind=CompanyKind.BUYER)
    for company in [demo, *others]:
        ProductFactory(supplier=company)
    added = matches_demo.seed_matches(_sessions(), demo_supplier_slug="demo-supplier", seed=2026)
    rows = sorted(FairPresence.objects.values_list("company_id", "session_key", "hall", "booth"))
    assert added == len(rows) > 2
    assert {"139th-session", "140th-session"} <= {key for cid, key, _h, _b in rows if cid == demo.pk}
    assert SupplierSignals.objects.count() == 13
    assert matches_demo.seed_matches(_sessions(), demo_supplier_slug="demo-supplier", seed=2026) == 0
    assert sorted(FairPresence.objects.values_list("company_id", "session_key", "hall", "booth")) == rows
    # The demo supplier's reason names its booth in the upcoming session.
    match = next(m for m in ranking.rank(ranking.Need(hs_code="8462")) if m.supplier_id == demo.pk)
    assert any(r.signal == "fair" and "140th Session" in r.text for r in match.reasons)


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
