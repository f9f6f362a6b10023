"""What each fair session brought: every funnel step on built objects, the FX conversion of the right day,
who sees which rows, the CSV, and a query count that does not grow with the exhibitors."""

import csv
import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.companies.models import Company, CompanyKind
from marketplace.core import fx
from marketplace.core.models import FxRate
from marketplace.deals.models import DealSource, DealState
from marketplace.fairs import leads_demo, roi, roi_views
from marketplace.fairs.models import FairSession, Lead
from marketplace.matchmaking.models.meetings import AttendanceOutcome, MeetingMode, MeetingState
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory
from tests.marketplace.deals.factories import OrderFactory, agreed_deal
from tests.marketplace.fairs import test_leads_demo as leads_demo_test
from tests.marketplace.fairs.factories import (
    BadgeFactory,
    FairPhaseFactory,
    FairSessionFactory,
    HallFactory,
    RegistrationFactory,
)
from tests.marketplace.fairs.factories_exhibitors import BoothFactory, ExhibitorApplicationFactory
from tests.marketplace.fairs.factories_leads import LeadFactory
from tests.marketplace.matchmaking.factories_meetings import MeetingFactory, MeetingTableFactory
from tests.marketplace.matchmaking.factories_rfq import QuotationFactory, RfqFactory

pytestmark = pytest.mark.django_db
FAIR = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=FAIR)


@pytest.fixture
def rates():
    """CNY and USD per euro on the orders' day, and other rates later (which must not be used)."""
    FxRate.objects.all().delete()
    today = timezone.localdate()
    order_day = today - dt.timedelta(days=40)
    for day, usd, cny in ((order_day, "1.25", "8.75"), (today - dt.timedelta(days=2), "2", "20")):
        FxRate.objects.create(date=day, currency="USD", per_eur=Decimal(usd))
        FxRate.objects.create(date=day, currency="CNY", per_eur=Decimal(cny))
    fx.forget_rates()
    yield order_day
    fx.forget_rates()


def ordered_deal(*, buyer, supplier, amount, currency, placed_on, state=DealState.ORDERED, **deal_kwargs):
    deal = agreed_deal(buyer=buyer, supplier=supplier)
    for name, value in {"state": state, **deal_kwargs}.items():
        setattr(deal, name, value)
    deal.save()
    OrderFactory(deal=deal, amount=Decimal(amount), currency=currency, placed_at=at(placed_on, 11))
    return deal


@pytest.fixture
def fair(rates):
    """A past session in two phases: exhibitor A (phase 1, hall H1) with a full funnel, B (phase 2) with a scan."""
    today = timezone.localdate()
    session = FairSessionFactory(
        starts_on=today - dt.timedelta(days=60), ends_on=today - dt.timedelta(days=47)
    )
    one = FairPhaseFactory(session=session, number=1, starts_on=session.starts_on)
    two = FairPhaseFactory(session=session, number=2, starts_on=session.starts_on + dt.timedelta(days=9))
    h1, h2 = HallFactory(session=session, code="H1"), HallFactory(session=session, code="H2")
    a_member = MembershipFactory(
        company=CompanyFactory(kind=CompanyKind.SUPPLIER, name="Alpha Machines")
    ).user
    b_member = MembershipFactory(company=CompanyFactory(kind=CompanyKind.SUPPLIER, name="Beta Plastics")).user
    a, b = a_member.company, b_member.company
    booth_table, elsewhere = MeetingTableFactory(company=a), MeetingTableFactory()
    ExhibitorApplicationFactory(
        phase=one, company=a, status="approved", booth=BoothFactory(phase=one, hall=h1), table=booth_table
    )
    ExhibitorApplicationFactory(
        phase=two, company=b, status="approved", booth=BoothFactory(phase=two, hall=h2)
    )

    x_badge, y_badge = (
        BadgeFactory(registration__session=session),
        BadgeFactory(registration__session=session),
    )
    x, y = x_badge.registration.company, y_badge.registration.company
    day1 = one.starts_on + dt.timedelta(days=1)
    # A scans X twice and Y once: 3 scans, 2 leads.
    lead_x = LeadFactory(company=a, badge=x_badge, scanned_at=at(day1, 10))
    LeadFactory(company=a, badge=x_badge, scanned_at=at(day1, 15))
    lead_y = LeadFactory(company=a, badge=y_badge, scanned_at=at(day1, 11))
    # B scans W in phase 2.
    w_lead = LeadFactory(
        company=b,
        badge=BadgeFactory(registration=RegistrationFactory(session=session)),
        scanned_at=at(two.starts_on, 10),
    )

    # Inquiries: X's lead turned into a deal (ordered, 1,000.00 CNY); Y's lead into a deal that was cancelled.
    lead_x.deal = ordered_deal(
        buyer=x,
        supplier=a,
        amount="1000.00",
        currency="CNY",
        placed_on=rates,
        source_kind=DealSource.FAIR_LEAD,
    )
    lead_x.save()
    lead_y.deal = ordered_deal(
        buyer=y, supplier=a, amount="9999.00", currency="USD", placed_on=rates, state=DealState.CANCELLED
    )
    lead_y.save()
    # Meetings held: one at A's booth (with a deal opened at the fair: 500.00 USD), one online with the
    # scanned Y during the session. Not counted: a requested one at the booth, a held one with Y after the
    # session, a held one with an unscanned buyer, one at another table.
    booth_deal = ordered_deal(
        buyer=CompanyFactory(kind=CompanyKind.BUYER),
        supplier=a,
        amount="500.00",
        currency="USD",
        placed_on=rates,
    )
    booth_deal.created_at = at(day1, 9)
    booth_deal.save()
    held = {"state": MeetingState.CONFIRMED, "outcome": AttendanceOutcome.HELD}
    MeetingFactory(
        table=booth_table,
        mode=MeetingMode.IN_PERSON,
        invitee_company=a,
        deal=booth_deal,
        start=at(day1, 14),
        end=at(day1, 15),
        **held,
    )
    MeetingFactory(table=booth_table, mode=MeetingMode.IN_PERSON, invitee_company=a)
    MeetingFactory(requester_company=y, invitee_company=a, start=at(day1, 16), end=at(day1, 17), **held)
    after = session.ends_on + dt.timedelta(days=3)
    MeetingFactory(requester_company=y, invitee_company=a, start=at(after, 9), end=at(after, 10), **held)
    MeetingFactory(invitee_company=a, start=at(day1, 12), end=at(day1, 13), **held)
    MeetingFactory(
        table=elsewhere,
        mode=MeetingMode.IN_PERSON,
        invitee_company=a,
        start=at(day1, 12),
        end=at(day1, 13),
        **held,
    )
    return {
        "session": session,
        "a": a,
        "b": b,
        "a_member": a_member,
        "b_member": b_member,
        "x": x,
        "y": y,
        "w": w_lead.registration.company,
        "booth_table": booth_table,
        "day1": day1,
        "two": two,
    }


def rows_by_company(report):
    return {(row.company_name, row.phase): row for row in report.rows}


def test_every_step_of_the_funnel(fair):
    report = roi.session_roi(session=fair["session"], currency="USD")
    rows = rows_by_company(report)
    alpha = rows[("Alpha Machines", 1)].funnel
    assert (alpha.scans, alpha.leads, alpha.meetings, alpha.inquiries, alpha.deals) == (3, 2, 2, 3, 2)
    assert alpha.rfq_quotations == 0
    # 1,000 CNY at the order day's 1.25 / 8.75 = 142.86 USD, plus 500 USD; the cancelled deal counts nothing.
    assert alpha.value == Decimal("642.86")
    beta = rows[("Beta Plastics", 2)].funnel
    assert (beta.scans, beta.leads, beta.meetings, beta.inquiries, beta.deals) == (1, 1, 0, 0, 0)
    assert rows[("Alpha Machines", 1)].booth.startswith("H1 ") and rows[("Beta Plastics", 2)].hall == "H2"
    assert report.total.scans == 4 and report.total.deals == 2
    [rate] = report.rates
    assert rate.currency == "CNY" and rate.day == fair["session"].starts_on + dt.timedelta(days=20)
    assert rate.rate == Decimal("1.25") / Decimal("8.75")


def test_rates_between_steps(fair):
    report = roi.session_roi(session=fair["session"], currency="USD", company_id=fair["a"].pk)
    steps = {key: (count, rate) for key, _label, count, rate, _of in report.total.steps()}
    assert steps["scans"] == (3, None)
    assert steps["leads"] == (2, Decimal("66.7"))
    assert steps["meetings"] == (2, Decimal("100.0"))
    assert steps["inquiries"] == (3, Decimal("150.0"))
    assert steps["rfq_quotations"] == (0, Decimal("0.0"))
    assert steps["deals"] == (2, Decimal("66.7"))  # of inquiries and RFQ quotations together


def test_value_in_another_currency_and_a_phase_filter(fair):
    report = roi.session_roi(session=fair["session"], currency="CNY")
    alpha = rows_by_company(report)[("Alpha Machines", 1)].funnel
    assert alpha.value == Decimal("4500.00")  # 1,000 CNY + 500 USD × 8.75 / 1.25
    only_two = roi.session_roi(session=fair["session"], currency="USD", phase=2)
    assert [row.company_name for row in only_two.rows] == ["Beta Plastics"]


def test_breakdowns_by_hall_and_zone(fair):
    report = roi.session_roi(session=fair["session"], currency="USD")
    halls = dict(report.by("hall"))
    assert halls["H1"].scans == 3 and halls["H2"].scans == 1


def test_query_count_does_not_grow_with_exhibitors(fair, rates):
    session = fair["session"]
    phase = session.phases.get(number=1)
    roi.session_roi(session=session, currency="USD")  # the FX table of the order day is read and kept
    with CaptureQueriesContext(connection) as few:
        roi.session_roi(session=session, currency="USD")
    for _n in range(4):
        company = CompanyFactory(kind=CompanyKind.SUPPLIER)
        hall = HallFactory(session=session)
        ExhibitorApplicationFactory(
            phase=phase, company=company, status="approved", booth=BoothFactory(phase=phase, hall=hall)
        )
        lead = LeadFactory(
            company=company,
            badge=BadgeFactory(registration__session=session),
            scanned_at=at(phase.starts_on, 10),
        )
        lead.deal = ordered_deal(
            buyer=lead.registration.company, supplier=company, amount="10.00", currency="CNY", placed_on=rates
        )
        lead.save()
        won = ordered_deal(
            buyer=lead.registration.company, supplier=company, amount="5.00", currency="CNY", placed_on=rates
        )
        quote(supplier=company, buyer=lead.registration.company, posted=lead.scanned_at, deal=won)
    with CaptureQueriesContext(connection) as many:
        report = roi.session_roi(session=session, currency="USD")
    assert len(report.rows) == 6
    assert report.total.rfq_quotations == 4 and report.total.deals == 2 + 8
    assert len(many) == len(few) <= 10


def quote(*, supplier, buyer, posted, **kwargs):
    """`supplier`'s quotation to an RFQ `buyer` posted at `posted`."""
    rfq = RfqFactory(buyer=buyer, created_at=posted)
    return QuotationFactory(rfq=rfq, supplier=supplier, submitted_at=posted + dt.timedelta(hours=2), **kwargs)


def funnel_of(session, company, phase):
    """`company`'s funnel in `phase`; what does not count for the fair must not land in another row either."""
    report = roi.session_roi(session=session, currency="USD", company_id=company.pk)
    phases = {row.phase for row in report.rows}
    assert None not in phases  # nothing "outside the phase days" in these fixtures
    return rows_by_company(report)[(company.name, phase)].funnel


def test_quotations_to_rfqs_of_scanned_buyers_count_in_the_window(fair):
    session, a, x, y = fair["session"], fair["a"], fair["x"], fair["y"]
    last_day = session.ends_on + dt.timedelta(days=roi.RFQ_WINDOW_DAYS)
    quote(supplier=a, buyer=x, posted=at(fair["day1"], 18))  # during the fair, X scanned twice: one
    quote(supplier=a, buyer=y, posted=at(last_day, 23))  # the window's last day, fair's zone: counts
    quote(supplier=a, buyer=y, posted=at(last_day + dt.timedelta(days=1), 0))  # the day after: not
    quote(supplier=a, buyer=x, posted=at(session.starts_on - dt.timedelta(days=1), 12))  # before: not
    quote(supplier=a, buyer=CompanyFactory(kind=CompanyKind.BUYER), posted=at(fair["day1"], 18))  # unscanned
    alpha = funnel_of(session, a, 1)
    assert alpha.rfq_quotations == 2
    assert alpha.inquiries == 3  # the quotations stand beside the inquiries, not among them
    steps = {key: (count, rate, of) for key, _label, count, rate, of in alpha.steps()}
    assert steps["rfq_quotations"] == (2, Decimal("100.0"), "meetings held")
    assert steps["deals"] == (2, Decimal("40.0"), "inquiries and RFQ quotations")  # 2 of 3 + 2


def test_a_buyer_met_at_the_session_counts_in_the_meetings_phase(fair):
    session, a, two = fair["session"], fair["a"], fair["two"]
    met, not_met = CompanyFactory(kind=CompanyKind.BUYER), CompanyFactory(kind=CompanyKind.BUYER)
    held = {"state": MeetingState.CONFIRMED, "outcome": AttendanceOutcome.HELD}
    day = two.starts_on + dt.timedelta(days=1)
    MeetingFactory(  # at A's booth in phase 2: a counted meeting
        table=fair["booth_table"],
        mode=MeetingMode.IN_PERSON,
        requester_company=met,
        invitee_company=a,
        start=at(day, 10),
        end=at(day, 11),
        **held,
    )
    # Requested but never held, at the booth: not a meeting of the session.
    MeetingFactory(
        table=fair["booth_table"], mode=MeetingMode.IN_PERSON, requester_company=not_met, invitee_company=a
    )
    quote(supplier=a, buyer=met, posted=at(day, 15))
    quote(supplier=a, buyer=not_met, posted=at(day, 15))
    assert funnel_of(session, a, 2).rfq_quotations == 1
    assert funnel_of(session, a, 1).rfq_quotations == 0


def test_each_exhibitor_counts_only_its_own_quotation_once_per_rfq(fair):
    session, a, b, x = fair["session"], fair["a"], fair["b"], fair["x"]
    # B scans a person of X too, in phase 2, and A also held a meeting with X: both quote X's one RFQ.
    LeadFactory(
        company=b,
        badge=BadgeFactory(registration=RegistrationFactory(session=session, company=x)),
        scanned_at=at(fair["two"].starts_on, 12),
    )
    MeetingFactory(
        requester_company=x,
        invitee_company=a,
        state=MeetingState.CONFIRMED,
        outcome=AttendanceOutcome.HELD,
        start=at(fair["day1"], 17),
        end=at(fair["day1"], 18),
    )
    rfq = RfqFactory(buyer=x, created_at=at(fair["day1"], 19))
    for supplier in (a, b, CompanyFactory(kind=CompanyKind.SUPPLIER)):
        QuotationFactory(rfq=rfq, supplier=supplier)
    # Another exhibitor's quotation to the RFQ of a buyer only B scanned is not A's.
    quote(supplier=b, buyer=fair["w"], posted=at(fair["day1"], 19))
    report = roi.session_roi(session=session, currency="USD")
    rows = rows_by_company(report)
    assert rows[("Alpha Machines", 1)].funnel.rfq_quotations == 1  # two ways to X, one RFQ, once
    assert rows[("Beta Plastics", 2)].funnel.rfq_quotations == 2
    assert report.total.rfq_quotations == 3  # the third supplier met nobody at the fair
    assert {phase for _name, phase in rows} == {1, 2}


def test_the_deal_of_an_accepted_quotation_counts_as_a_deal_from_the_fair(fair, rates):
    session, a, x, y = fair["session"], fair["a"], fair["x"], fair["y"]
    posted = at(fair["day1"], 18)
    won = ordered_deal(
        buyer=x, supplier=a, amount="2000.00", currency="USD", placed_on=rates, source_kind=DealSource.RFQ
    )
    quote(supplier=a, buyer=x, posted=posted, status="accepted", deal=won)
    cancelled = ordered_deal(
        buyer=y, supplier=a, amount="7.00", currency="USD", placed_on=rates, state=DealState.CANCELLED
    )
    quote(supplier=a, buyer=y, posted=posted, status="accepted", deal=cancelled)
    # Accepted from a buyer A never met: its deal is not the fair's.
    stranger = CompanyFactory(kind=CompanyKind.BUYER)
    elsewhere = ordered_deal(buyer=stranger, supplier=a, amount="50.00", currency="USD", placed_on=rates)
    quote(supplier=a, buyer=stranger, posted=posted, status="accepted", deal=elsewhere)
    alpha = funnel_of(session, a, 1)
    assert (alpha.inquiries, alpha.rfq_quotations, alpha.deals) == (3, 2, 3)
    assert alpha.value == Decimal("2642.86")


def test_a_deal_reached_by_a_lead_and_a_quotation_counts_once(fair):
    session, a, x = fair["session"], fair["a"], fair["x"]
    lead = Lead.objects.filter(company=a, registration__company=x).exclude(deal=None).get()
    quote(supplier=a, buyer=x, posted=at(fair["day1"], 18), status="accepted", deal=lead.deal)
    alpha = funnel_of(session, a, 1)
    assert (alpha.inquiries, alpha.rfq_quotations, alpha.deals) == (3, 1, 2)
    assert alpha.value == Decimal("642.86")


def test_operator_page_shows_every_exhibitor_by_hall(client, fair, operator):
    quote(supplier=fair["a"], buyer=fair["x"], posted=at(fair["day1"], 18))
    client.force_login(operator)
    url = reverse("fair_roi:session_roi", kwargs={"slug": fair["session"].slug})
    page = client.get(url, {"currency": "USD"}).content.decode()
    assert "Alpha Machines" in page and "Beta Plastics" in page
    assert "By hall" in page and "642.86 USD" in page and "<svg" in page
    assert "1 CNY = 0.142857 USD" in page
    # RFQ quotations: a step of their own beside the inquiries, a column in every table, a bar in the chart.
    assert '<li class="roi-step-rfq_quotations">RFQ quotations<b>1</b>' in page
    assert "50.0 % of inquiries and RFQ quotations" in page  # 2 deals of 3 inquiries + 1 quotation
    assert page.count('<th scope="col">RFQ quotations</th>') == 3
    assert ">RFQ quotations</text>" in page


def test_exhibitor_sees_its_own_funnel_only(client, fair):
    client.force_login(fair["b_member"])
    url = reverse("fair_roi:session_roi", kwargs={"slug": fair["session"].slug})
    page = client.get(url).content.decode()
    assert "Beta Plastics" in page and "Alpha Machines" not in page and "By hall" not in page
    # Another exhibitor's funnel, asked for by id: not found, page and CSV.
    assert client.get(url, {"company": fair["a"].pk}).status_code == 404
    csv_url = reverse("fair_roi:session_roi_csv", kwargs={"slug": fair["session"].slug})
    assert client.get(csv_url, {"company": fair["a"].pk}).status_code == 404
    rows = list(csv.reader(io.StringIO(client.get(csv_url).content.decode())))
    assert [r[2] for r in rows[1:]] == ["Beta Plastics"]


def test_buyers_and_the_anonymous_are_refused(client, fair, buyer_owner):
    url = reverse("fair_roi:session_roi", kwargs={"slug": fair["session"].slug})
    csv_url = reverse("fair_roi:session_roi_csv", kwargs={"slug": fair["session"].slug})
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response["Location"]
    assert client.get(csv_url).status_code == 302
    client.force_login(buyer_owner)
    assert client.get(url).status_code == 404 and client.get(csv_url).status_code == 404


def test_csv_has_one_row_per_exhibitor_with_decimal_strings(client, fair, operator):
    client.force_login(operator)
    url = reverse("fair_roi:session_roi_csv", kwargs={"slug": fair["session"].slug})
    response = client.get(url, {"currency": "USD"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == list(roi_views.CSV_HEADER)
    alpha = next(r for r in rows if r["company"] == "Alpha Machines")
    assert alpha["phase"] == "1" and alpha["hall"] == "H1"
    assert (alpha["badge_scans"], alpha["leads"], alpha["meetings_held"]) == ("3", "2", "2")
    assert (alpha["inquiries"], alpha["deals"], alpha["deal_value"], alpha["currency"]) == (
        "3",
        "2",
        "642.86",
        "USD",
    )
    assert alpha["rfq_quotations"] == "0" and alpha["rfq_quotations_per_meeting_pct"] == "0.0"
    assert alpha["leads_per_scan_pct"] == "66.7" and alpha["deals_per_inquiry_or_quotation_pct"] == "66.7"
    assert len(rows) == 2


def test_the_demo_session_funnel_follows_from_the_demo_leads():
    leads_demo_test.test_seed_leads_is_idempotent()
    session = FairSession.objects.get(slug=leads_demo.PAST_SESSION)
    supplier = Company.objects.get(slug="demo-supplier")
    report = roi.session_roi(session=session, currency="CNY", company_id=supplier.pk)
    assert (report.total.scans, report.total.leads, report.total.inquiries) == (4, 4, 1)
    lead = Lead.objects.get(company=supplier, registration__user__email=f"buyer@{leads_demo_test.DOMAIN}")
    assert lead.deal.source_kind == DealSource.FAIR_LEAD and lead.status == "converted"
    # The inquiry went on to an order after the session, counted with its value.
    assert report.total.deals == 1 and report.total.value > 0
    assert lead.scanned_at < lead.deal.created_at < lead.deal.order.placed_at


def test_the_session_page_links_operators_and_exhibitors_to_it(client, fair, operator, buyer_owner):
    url = reverse("fairs:session_detail", kwargs={"slug": fair["session"].slug})
    roi_url = reverse("fair_roi:session_roi", kwargs={"slug": fair["session"].slug})
    for user, shown in ((operator, True), (fair["a_member"], True), (buyer_owner, False)):
        client.force_login(user)
        assert (roi_url in client.get(url).content.decode()) is shown


def test_the_page_reads_in_chinese(client, fair, operator):
    client.force_login(operator)
    url = reverse("fair_roi:session_roi", kwargs={"slug": fair["session"].slug})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "胸卡扫描" in page and "按展馆" in page and "所用汇率" in page
    assert "采购需求报价" in page and "为询盘与采购需求报价的 66.7 %" in page
    assert f"闭幕后 {roi.RFQ_WINDOW_DAYS} 天内" in page
