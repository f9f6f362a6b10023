"""Supplier signals come from the real catalog, deals and credit rows, stay current through the receivers,
and the ranking over them moves suppliers the documented way (database end to end)."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace.catalog.models import ProductStatus
from marketplace.companies.models import CompanyKind
from marketplace.core.money import Money
from marketplace.deals.models import DealState
from marketplace.deals.services import Opening, open_deal
from marketplace.matchmaking import meetings_signals, ranking, ranking_signals
from marketplace.matchmaking.models import FeedbackKind, SupplierCategory, SupplierSignals
from marketplace.matchmaking.models.meetings import Meeting
from marketplace.matchmaking.ranking import Need
from tests.marketplace.catalog.factories import CertificationFactory, ProductFactory
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory
from tests.marketplace.deals.factories import DealFactory, MessageFactory
from tests.marketplace.matchmaking.factories_matches import FairPresenceFactory, MatchFeedbackFactory

pytestmark = pytest.mark.django_db

NEED = Need(text="injection moulding machine", hs_code="847710")


def supplier(**kwargs):
    return CompanyFactory(kind=CompanyKind.SUPPLIER, **kwargs)


def machine(company, **kwargs):
    defaults = {
        "name": "Injection moulding machine HT-200",
        "hs_code": "847710",
        "moq": 1,
        "monthly_capacity": 20,
    }
    return ProductFactory(supplier=company, **(defaults | kwargs))


def signals_of(company) -> SupplierSignals:
    return SupplierSignals.objects.get(supplier=company)


def test_refresh_reads_the_catalog():
    company = supplier()
    p = machine(company, moq=5, monthly_capacity=40, lead_time_days=20, price=Decimal("15000"))
    machine(company, hs_code="845811", name="CNC lathe", moq=2, lead_time_days=40, price=Decimal("30000"))
    machine(company, hs_code="940360", name="Office desk", status=ProductStatus.DRAFT)  # not public
    CertificationFactory(product=p, standard="CE")
    CertificationFactory(
        product=p, standard="ISO 9001", expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    ranking_signals.refresh_suppliers([company.pk])
    s = signals_of(company)
    assert s.chapters == ["84"] and s.headings == ["8458", "8477"]
    assert s.certifications == ["CE"]  # the expired ISO 9001 does not count
    assert (s.min_moq, s.max_capacity, s.lead_time_days) == (2, 40, 30)
    assert Decimal(s.typical_price_usd["8477"]) == Decimal("15000")
    assert Decimal(s.typical_price_usd["84"]) == Decimal("22500")
    assert "injection moulding machine" in s.search_document and "desk" not in s.search_document
    assert set(SupplierCategory.objects.filter(supplier=company).values_list("code", flat=True)) == {
        "84",
        "8458",
        "8477",
    }


def test_refresh_reads_deals_for_markets_and_response():
    company = supplier()
    machine(company)
    start = timezone.now() - dt.timedelta(days=10)
    answered = DealFactory(supplier=company, state=DealState.NEGOTIATION, created_at=start)
    MessageFactory(deal=answered, author_company=company, created_at=start + dt.timedelta(hours=4))
    MessageFactory(deal=answered, author_company=company, created_at=start + dt.timedelta(hours=30))
    unanswered = DealFactory(supplier=company, buyer=CompanyFactory(kind=CompanyKind.BUYER, country="US"))
    MessageFactory(deal=unanswered)  # the buyer's own message is no reply
    ranking_signals.refresh_suppliers([company.pk])
    s = signals_of(company)
    assert (s.inquiries, s.replied) == (2, 1)
    assert s.median_response_hours == pytest.approx(4, abs=0.01)
    assert s.markets == ["DE"]  # the US deal is still an inquiry


def test_receivers_refresh_once_the_change_commits(django_capture_on_commit_callbacks):
    company = supplier()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        p = machine(company)
        machine(company, hs_code="845811", name="CNC lathe")
    # One refresh for the whole transaction.
    assert len([c for c in callbacks if isinstance(c, ranking_signals._Batch)]) == 1
    assert signals_of(company).headings == ["8458", "8477"]
    with django_capture_on_commit_callbacks(execute=True):
        CertificationFactory(product=p, standard="RoHS")
    assert signals_of(company).certifications == ["RoHS"]
    with django_capture_on_commit_callbacks(execute=True):
        DealFactory(supplier=company)
        # A deal created by a factory records no event: the deal's own events refresh (tested through
        # event_recorded below); the verification change does here.
        company.verified_at = timezone.now()
        company.save()
    assert signals_of(company).verified is True


def test_deal_events_refresh_the_supplier(django_capture_on_commit_callbacks, buyer_owner):
    company = supplier()
    with django_capture_on_commit_callbacks(execute=True):
        product = machine(company)
    assert signals_of(company).inquiries == 0
    with django_capture_on_commit_callbacks(execute=True):
        open_deal(
            buyer=buyer_owner.membership.company,
            supplier=company,
            by_user=buyer_owner,
            opening=Opening(
                kind="product",
                reference=str(product.pk),
                subject="Two machines",
                message="Please quote.",
                product_id=product.pk,
            ),
        )
    assert signals_of(company).inquiries == 1


def test_command_refreshes_every_supplier():
    a, b = supplier(), supplier()
    machine(a)
    CompanyFactory(kind=CompanyKind.BUYER)
    call_command("refresh_match_signals", verbosity=0)
    assert set(SupplierSignals.objects.values_list("supplier_id", flat=True)) == {a.pk, b.pk}


def test_settled_meetings_count_as_kept_and_missed(django_capture_on_commit_callbacks):
    """The meetings part settles attendance; the supplier's signals follow (a missed meeting counts against
    the side that did not come)."""
    from marketplace.matchmaking.models.meetings import AttendanceOutcome
    from tests.marketplace.matchmaking.factories_meetings import MeetingFactory

    with django_capture_on_commit_callbacks(execute=True):
        company = supplier()
        machine(company)
    assert (signals_of(company).meetings_kept, signals_of(company).meetings_missed) == (0, 0)
    for _n in range(2):
        MeetingFactory(invitee_company=company, state="confirmed", outcome=AttendanceOutcome.HELD)
    missed = MeetingFactory(invitee_company=company, state="confirmed", outcome=AttendanceOutcome.MISSED)
    missed.missed_by = MembershipFactory(company=company).user
    missed.save()
    # The buyer's no-show is not the supplier's.
    buyer_missed = MeetingFactory(
        invitee_company=company, state="confirmed", outcome=AttendanceOutcome.MISSED
    )
    buyer_missed.missed_by = buyer_missed.requester
    buyer_missed.save()
    with django_capture_on_commit_callbacks(execute=True):
        meetings_signals.attendance_settled.send(sender=Meeting, meeting=missed, outcome="missed", actor=None)
    s = signals_of(company)
    assert (s.meetings_kept, s.meetings_missed) == (2, 1)
    assert set(SupplierCategory.objects.filter(supplier=company).values_list("prior", flat=True)) == {s.prior}


def _ranked(need=NEED, **kwargs):
    return [m.supplier_id for m in ranking.rank(need, **kwargs)]


def test_rank_orders_by_category_and_text():
    exact, chapter, other = supplier(), supplier(), supplier()
    machine(exact)
    machine(chapter, hs_code="845811", name="CNC lathe")
    machine(other, hs_code="940360", name="Office desk")
    ranking_signals.refresh_all()
    assert _ranked() == [exact.pk, chapter.pk]  # the desk maker is no candidate
    assert ranking.rank(Need(text="desk"))[0].supplier_id == other.pk


def test_rank_in_chinese_finds_the_bilingual_products():
    exact, other = supplier(), supplier()
    machine(exact, name_zh="注塑机 HT-200")
    machine(other, hs_code="940360", name="Office desk", name_zh="办公桌")
    ranking_signals.refresh_all()
    assert _ranked(Need(text="注塑机")) == [exact.pk]


def test_text_only_baseline_ignores_everything_but_text():
    good, poor = supplier(), supplier()
    machine(good, name="Injection moulding machine")
    machine(poor, name="Injection moulding machine")
    CertificationFactory(product=good.products.get(), standard="CE")
    ranking_signals.refresh_all()
    need = Need(text="injection moulding machine", certifications=("CE",))
    assert _ranked(need) == [good.pk, poor.pk]
    baseline = ranking.rank(need, text_only=True)
    assert [m.supplier_id for m in baseline] == sorted([good.pk, poor.pk])  # a tie, broken by id
    assert {r.signal for m in baseline for r in m.reasons} == {"text"}


def test_fair_presence_counts_only_for_the_current_or_next_session():
    today = timezone.localdate()
    past, nxt, later, none = supplier(), supplier(), supplier(), supplier()
    for company in (past, nxt, later, none):
        machine(company)
    FairPresenceFactory(
        company=past,
        session_key="139",
        starts_on=today - dt.timedelta(days=200),
        ends_on=today - dt.timedelta(days=180),
    )
    FairPresenceFactory(
        company=nxt,
        session_key="140",
        starts_on=today + dt.timedelta(days=40),
        ends_on=today + dt.timedelta(days=60),
    )
    FairPresenceFactory(
        company=later,
        session_key="141",
        starts_on=today + dt.timedelta(days=220),
        ends_on=today + dt.timedelta(days=240),
    )
    ranking_signals.refresh_all()
    matches = {m.supplier_id: m for m in ranking.rank(NEED)}
    assert "fair" in matches[nxt.pk].signals_used
    assert all("fair" not in matches[c.pk].signals_used for c in (past, later, none))
    assert matches[nxt.pk].score > matches[none.pk].score
    assert "exhibits at Hall 11.2, booth 11.2 C15, in the 140th Session" in [
        r.text for r in matches[nxt.pk].reasons
    ]
    # Once the 140th is on, it is the current session.
    on = {
        m.supplier_id
        for m in ranking.rank(NEED, today=today + dt.timedelta(days=45))
        if "fair" in m.signals_used
    }
    assert on == {nxt.pk}


def test_declined_and_met_before_drop_out_for_that_buyer_only():
    a, b, c = supplier(), supplier(), supplier()
    for company in (a, b, c):
        machine(company)
    ranking_signals.refresh_all()
    buyer = CompanyFactory(kind=CompanyKind.BUYER)
    MatchFeedbackFactory(buyer=buyer, supplier=a, kind=FeedbackKind.DECLINED)
    MatchFeedbackFactory(buyer=buyer, supplier=b, kind=FeedbackKind.MET_BEFORE)
    assert _ranked(buyer=buyer) == [c.pk]
    assert set(_ranked(buyer=CompanyFactory(kind=CompanyKind.BUYER))) == {a.pk, b.pk, c.pk}


def test_each_need_field_moves_real_suppliers():
    fits, misfits = supplier(), supplier()
    p = machine(fits, moq=1, monthly_capacity=50, lead_time_days=20, price=Decimal("15000"))
    CertificationFactory(product=p, standard="CE")
    machine(misfits, moq=100, monthly_capacity=200, lead_time_days=90, price=Decimal("40000"))
    ranking_signals.refresh_all()
    base = NEED
    for need in (
        replace(base, quantity=5),
        replace(base, target_price=Money("16000", "USD")),
        replace(base, certifications=("CE",)),
        replace(base, max_lead_time_days=30),
    ):
        matches = {m.supplier_id: m.score for m in ranking.rank(need)}
        assert matches[fits.pk] > matches[misfits.pk], need


def test_profile_need_from_past_deals_and_industry():
    company = supplier()
    product = machine(company)
    buyer = CompanyFactory(kind=CompanyKind.BUYER, country="GB")
    DealFactory(buyer=buyer, supplier=company, product=product)
    need = ranking.profile_need(buyer)
    assert need.hs_code == "8477" and need.destination_country == "GB"
    assert "Injection" in need.text
    # No deals: the chapters its industry's suppliers sell in.
    ranking_signals.refresh_all()
    newcomer = CompanyFactory(kind=CompanyKind.BUYER, industry=company.industry)
    assert ranking.profile_need(newcomer).related_codes == ("84",)
    assert _ranked(ranking.profile_need(newcomer), buyer=newcomer) == [company.pk]


def test_a_company_that_stops_selling_leaves_the_ranking(django_capture_on_commit_callbacks):
    company = supplier()
    with django_capture_on_commit_callbacks(execute=True):
        machine(company)
    assert _ranked() == [company.pk]
    with django_capture_on_commit_callbacks(execute=True):
        company.kind = CompanyKind.BUYER
        company.save()
    assert _ranked() == []
    assert not SupplierCategory.objects.filter(supplier=company).exists()
