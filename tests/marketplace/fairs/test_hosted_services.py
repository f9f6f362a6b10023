"""Hosted buyer meetings: the event, applications, proposals, answers and the schedule, through the services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from marketplace.companies.models import CompanyKind
from marketplace.fairs import hosted_services as hs
from marketplace.fairs.models import HostedEventStatus, HostedPair, PairAnswer
from marketplace.matchmaking import meetings_services
from marketplace.matchmaking.models.matching import SupplierSignals
from marketplace.matchmaking.models.meetings import Booking, MeetingState
from tests.marketplace.companies.factories import CompanyFactory, IndustryFactory, MembershipFactory
from tests.marketplace.fairs.factories import FairSessionFactory

pytestmark = pytest.mark.django_db


def person(kind, **company):
    return MembershipFactory(company=CompanyFactory(kind=kind, **company)).user


@pytest.fixture
def industry():
    return IndustryFactory(slug="household-appliances", name="Household appliances")


@pytest.fixture
def event(operator, industry, django_capture_on_commit_callbacks):
    chamber = CompanyFactory(kind=CompanyKind.CHAMBER, country="DE", slug="chamber-x")
    day = dt.date.today() + dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        event = hs.create_event(
            by_user=operator,
            session=FairSessionFactory(),
            title="EU buyers, household appliances",
            title_zh="欧盟采购商·家用电器",
            region="EU",
            countries=["DE", "FR"],
            industry=industry,
            partner=chamber,
            date=day,
            starts_at=dt.time(9, 0),
            ends_at=dt.time(10, 0),
            time_zone="Europe/Berlin",
            table_count=1,
            slot_minutes=20,
            max_meetings=3,
            apply_by=day - dt.timedelta(days=3),
        )
        return hs.move_event(event, by_user=operator, to="open")


def applied(event, operator, user, side, need="dishwashers"):
    app = hs.apply(event=event, by_user=user, side=side, need=need)
    return hs.decide(app, by_user=operator, accept=True)


def test_create_event_makes_one_bookable_table_per_table(event):
    assert event.status == HostedEventStatus.OPEN
    tables = list(event.tables.select_related("table"))
    assert [t.number for t in tables] == [1]
    assert tables[0].table.available_from == event.opens_at
    assert len(event.slots()) == 3


def test_only_an_operator_creates_events(buyer_owner, industry):
    with pytest.raises(PermissionDenied):
        hs.create_event(
            by_user=buyer_owner,
            session=FairSessionFactory(),
            title="x",
            region="EU",
            industry=industry,
            date=dt.date.today(),
            starts_at=dt.time(9),
            ends_at=dt.time(10),
            table_count=1,
            apply_by=dt.date.today(),
        )


def test_buyer_outside_the_region_is_refused_supplier_outside_the_industry_flagged(event):
    us_buyer = person(CompanyKind.BUYER, country="US")
    with pytest.raises(ValidationError, match="buyers from EU"):
        hs.apply(event=event, by_user=us_buyer, side="buyer", need="kettles")
    other = person(CompanyKind.SUPPLIER)
    flagged = hs.apply(event=event, by_user=other, side="supplier", need="kettle parts")
    assert flagged.outside_industry
    in_industry = person(CompanyKind.SUPPLIER, industry=event.industry)
    assert not hs.apply(event=event, by_user=in_industry, side="supplier", need="kettles").outside_industry
    with pytest.raises(ValidationError, match="Only a buyer"):
        hs.apply(event=event, by_user=person(CompanyKind.SUPPLIER), side="buyer", need="kettles")
    de_buyer = person(CompanyKind.BUYER, country="DE")
    hs.apply(event=event, by_user=de_buyer, side="buyer", need="kettles")
    with pytest.raises(ValidationError, match="already applied"):
        hs.apply(event=event, by_user=de_buyer, side="buyer", need="kettles")


def test_declining_needs_a_reason_and_is_for_operators(event, operator, industry):
    buyer = person(CompanyKind.BUYER, country="DE")
    app = hs.apply(event=event, by_user=buyer, side="buyer", need="kettles")
    with pytest.raises(PermissionDenied):
        hs.decide(app, by_user=buyer, accept=True)
    with pytest.raises(ValidationError):
        hs.decide(app, by_user=operator, accept=False)
    assert hs.decide(app, by_user=operator, accept=False, reason="not an importer").status == "declined"


def test_full_flow_propose_answer_schedule(event, operator, industry, django_capture_on_commit_callbacks):
    buyers = [person(CompanyKind.BUYER, country="DE") for _ in range(2)]
    suppliers = [person(CompanyKind.SUPPLIER, industry=industry) for _ in range(2)]
    for b in buyers:
        applied(event, operator, b, "buyer", need="dishwashers, energy class A")
    for s in suppliers:
        applied(event, operator, s, "supplier", need="dishwashers")
    with django_capture_on_commit_callbacks(execute=True):
        assert hs.propose_pairs(event, by_user=operator) == 3  # capacity: 1 table × 3 slots
    assert hs.propose_pairs(event, by_user=operator) == 0
    pairs = list(HostedPair.objects.filter(event=event))
    # an outsider cannot answer a pair
    with pytest.raises(PermissionDenied):
        hs.answer_pair(pairs[0], by_user=person(CompanyKind.BUYER, country="DE"), accept=True)
    for pair in pairs:
        hs.answer_pair(pair, by_user=pair.buyer.applicant, accept=True)
        hs.answer_pair(pair, by_user=pair.supplier.applicant, accept=pair is not pairs[-1])
    event = hs.move_event(event, by_user=operator, to="close")
    with django_capture_on_commit_callbacks(execute=True):
        result = hs.schedule(event, by_user=operator)
    assert len(result["placed"]) == 2 and result["unplaced"] == []
    placed = HostedPair.objects.filter(event=event, meeting__isnull=False).select_related("meeting")
    assert {p.meeting.state for p in placed} == {MeetingState.CONFIRMED}
    starts = sorted(p.meeting.start for p in placed)
    assert starts[0] != starts[1]  # one table: one meeting per slot
    declined = HostedPair.objects.get(pk=pairs[-1].pk)
    assert declined.supplier_answer == PairAnswer.DECLINED and declined.meeting is None
    # scheduling again places nothing twice
    again = hs.schedule(event, by_user=operator)
    assert again == {"placed": [], "unplaced": []}
    assert Booking.objects.filter(table__hosted_table__event=event).count() == 2
    published = hs.move_event(event, by_user=operator, to="publish")
    assert published.status == HostedEventStatus.PUBLISHED
    agenda = hs.agenda(event, buyers[0].company)
    assert all(p.buyer.company == buyers[0].company for p in agenda)


def test_schedule_reports_pairs_that_do_not_fit(event, operator, industry):
    buyer = person(CompanyKind.BUYER, country="DE")
    suppliers = [person(CompanyKind.SUPPLIER, industry=industry) for _ in range(3)]
    applied(event, operator, buyer, "buyer")
    for s in suppliers:
        applied(event, operator, s, "supplier")
    hs.propose_pairs(event, by_user=operator)
    pairs = list(HostedPair.objects.filter(event=event))
    assert len(pairs) == 3
    for pair in pairs:
        hs.answer_pair(pair, by_user=pair.buyer.applicant, accept=True)
        hs.answer_pair(pair, by_user=pair.supplier.applicant, accept=True)
    # The buyer already has a meeting elsewhere in the first two slots.
    other_table = meetings_services.create_table(label="Booth 1", kind="booth", time_zone="Europe/Berlin")
    slots = event.slots()
    elsewhere = person(CompanyKind.SUPPLIER, industry=industry)
    for start, end in slots[:2]:
        m = meetings_services.request_meeting(
            by_user=buyer,
            with_company=elsewhere.company,
            subject="booth",
            slots=[(start, end)],
            mode="in_person",
            table=other_table,
        )
        meetings_services.accept(m, by_user=elsewhere, slot=m.slots.get())
    event = hs.move_event(event, by_user=operator, to="close")
    result = hs.schedule(event, by_user=operator)
    assert len(result["placed"]) == 1
    assert len(result["unplaced"]) == 2
    assert all(p.unplaced for p in HostedPair.objects.filter(pk__in=[p.pk for p in result["unplaced"]]))
    only = HostedPair.objects.get(pk=result["placed"][0].pk)
    assert only.meeting.start == slots[2][0]


def test_operator_adjusts_pairs(event, operator, industry):
    buyer = person(CompanyKind.BUYER, country="DE")
    supplier = person(CompanyKind.SUPPLIER, industry=industry)
    b = applied(event, operator, buyer, "buyer")
    s = applied(event, operator, supplier, "supplier")
    hs.propose_pairs(event, by_user=operator)
    pair = HostedPair.objects.get(event=event)
    with pytest.raises(PermissionDenied):
        hs.remove_pair(pair, by_user=buyer)
    hs.remove_pair(pair, by_user=operator)
    with pytest.raises(ValidationError):
        hs.answer_pair(pair, by_user=buyer, accept=True)
    back = hs.add_pair(event, by_user=operator, buyer=b, supplier=s)
    assert back.pk == pair.pk and not back.removed
    with pytest.raises(ValidationError):
        hs.add_pair(event, by_user=operator, buyer=s, supplier=b)


def test_proposals_carry_the_rankings_reasons_in_both_languages(event, operator, industry):
    buyer = person(CompanyKind.BUYER, country="DE")
    supplier = person(CompanyKind.SUPPLIER, industry=industry)
    SupplierSignals.objects.update_or_create(
        supplier=supplier.company, defaults={"verified": True, "grade": "A", "inquiries": 10, "replied": 10}
    )
    applied(event, operator, buyer, "buyer")
    applied(event, operator, supplier, "supplier")
    hs.propose_pairs(event, by_user=operator)
    pair = HostedPair.objects.get(event=event)
    assert pair.score > 0 and pair.reasons
    assert all(r["en"] and r["zh"] for r in pair.reasons)
    with translation.override("zh-hans"):
        assert hs.reason_texts(pair) == [r["zh"] for r in pair.reasons]
