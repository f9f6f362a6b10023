"""Hosted buyer meeting pages: who sees what (operator, partner chamber, participant, another buyer, anonymous)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from marketplace.companies.models import CompanyKind
from marketplace.fairs import badge_tokens
from marketplace.fairs import hosted_services as hs
from marketplace.fairs.models import HostedEvent, HostedPair
from marketplace.matchmaking import meetings_services
from tests.marketplace.companies.factories import CompanyFactory, IndustryFactory, MembershipFactory
from tests.marketplace.fairs.factories import BadgeFactory, FairSessionFactory, RegistrationFactory
from tests.marketplace.fairs.factories_hosted import HostedEventFactory

pytestmark = pytest.mark.django_db


def person(kind, **company):
    return MembershipFactory(company=CompanyFactory(kind=kind, **company)).user


@pytest.fixture
def scheduled(operator):
    industry = IndustryFactory(slug="appliances")
    chamber = CompanyFactory(kind=CompanyKind.CHAMBER, country="DE")
    day = dt.date.today() + dt.timedelta(days=20)
    event = hs.create_event(
        by_user=operator,
        session=FairSessionFactory(),
        title="EU buyers, household appliances",
        title_zh="欧盟采购商·家用电器",
        region="EU",
        countries=["DE"],
        industry=industry,
        partner=chamber,
        date=day,
        starts_at=dt.time(9),
        ends_at=dt.time(10),
        time_zone="Asia/Shanghai",
        table_count=1,
        slot_minutes=30,
        max_meetings=2,
        apply_by=day,
    )
    event = hs.move_event(event, by_user=operator, to="open")
    buyer = person(CompanyKind.BUYER, country="DE")
    supplier = person(CompanyKind.SUPPLIER, industry=industry)
    for user, side in ((buyer, "buyer"), (supplier, "supplier")):
        hs.decide(
            hs.apply(event=event, by_user=user, side=side, need="dishwashers"), by_user=operator, accept=True
        )
    hs.propose_pairs(event, by_user=operator)
    pair = HostedPair.objects.get(event=event)
    hs.answer_pair(pair, by_user=buyer, accept=True)
    hs.answer_pair(pair, by_user=supplier, accept=True)
    event = hs.move_event(event, by_user=operator, to="close")
    hs.schedule(event, by_user=operator)
    chamber_member = MembershipFactory(company=chamber).user
    return {"event": event, "buyer": buyer, "supplier": supplier, "chamber": chamber_member}


def test_operator_creates_an_event_from_the_page(client, operator):
    industry = IndustryFactory()
    session = FairSessionFactory()
    client.force_login(operator)
    day = (dt.date.today() + dt.timedelta(days=9)).isoformat()
    response = client.post(
        reverse("buyer_meetings:event_create"),
        {
            "session": session.pk,
            "title": "ASEAN buyers, furniture",
            "region": "ASEAN",
            "industry": industry.pk,
            "date": day,
            "starts_at": "09:00",
            "ends_at": "12:00",
            "time_zone": "Asia/Shanghai",
            "table_count": 3,
            "slot_minutes": 20,
            "max_meetings": 5,
            "apply_by": day,
        },
    )
    event = HostedEvent.objects.get(title="ASEAN buyers, furniture")
    assert response.status_code == 302 and event.tables.count() == 3


def test_buyer_cannot_create_or_manage(client, scheduled):
    client.force_login(scheduled["buyer"])
    assert client.get(reverse("buyer_meetings:event_create")).status_code == 403
    assert client.get(reverse("buyer_meetings:manage", args=[scheduled["event"].pk])).status_code == 404


def test_partner_chamber_sees_the_event_read_only(client, scheduled):
    client.force_login(scheduled["chamber"])
    event = scheduled["event"]
    page = client.get(reverse("buyer_meetings:manage", args=[event.pk]))
    assert page.status_code == 200 and "Propose pairs" not in page.content.decode()
    assert (
        client.post(reverse("buyer_meetings:action", args=[event.pk]), {"action": "publish"}).status_code
        == 403
    )


def test_participant_sees_own_agenda_ics_and_pdf(client, scheduled):
    event = scheduled["event"]
    client.force_login(scheduled["buyer"])
    page = client.get(reverse("buyer_meetings:agenda", args=[event.pk])).content.decode()
    supplier_name = scheduled["supplier"].company.name
    assert supplier_name in page and "09:00" in page
    ics = client.get(reverse("buyer_meetings:agenda_ics", args=[event.pk]))
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in ics.content
    pdf = client.get(reverse("buyer_meetings:agenda_pdf", args=[event.pk]))
    assert pdf.content.startswith(b"%PDF")


def test_agenda_page_in_chinese(client, scheduled):
    client.force_login(scheduled["supplier"])
    try:
        page = client.get(
            reverse("buyer_meetings:agenda", args=[scheduled["event"].pk]),
            headers={"accept-language": "zh-hans"},
        )
        assert "欧盟采购商·家用电器" in page.content.decode()
    finally:
        translation.activate("en")


def test_another_buyer_gets_404_and_anonymous_goes_to_login(client, scheduled):
    event = scheduled["event"]
    other = person(CompanyKind.BUYER, country="DE")
    client.force_login(other)
    for name in ("agenda", "agenda_ics", "agenda_pdf"):
        assert client.get(reverse(f"buyer_meetings:{name}", args=[event.pk])).status_code == 404
    pair = HostedPair.objects.get(event=event)
    url = reverse("buyer_meetings:answer", args=[event.pk, pair.pk])
    assert client.post(url, {"answer": "decline"}).status_code == 404
    client.logout()
    response = client.get(reverse("buyer_meetings:agenda", args=[event.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def _badge(user, event):
    registration = RegistrationFactory(
        session=event.session, user=user, company=user.company, full_name="Anna Weber"
    )
    return badge_tokens.token_for(BadgeFactory(registration=registration))


def test_badge_scan_at_the_table_then_no_show_by_matchmaking_rules(client, scheduled, operator):
    event, buyer, supplier = scheduled["event"], scheduled["buyer"], scheduled["supplier"]
    pair = HostedPair.objects.select_related("meeting").get(event=event)
    meeting = pair.meeting
    # Only the buyer comes to table 1.
    row = hs.scan_at_table(
        event, by_user=scheduled["chamber"], table_number=1, code=_badge(buyer, event), now=meeting.start
    )
    assert row.company == buyer.company
    with pytest.raises(ValidationError, match="not a TrustFair badge"):
        hs.scan_at_table(event, by_user=operator, table_number=1, code="B1.forged:xx", now=meeting.start)
    stranger = person(CompanyKind.BUYER, country="DE")
    with pytest.raises(ValidationError, match="not in the meeting"):
        hs.scan_at_table(
            event, by_user=operator, table_number=1, code=_badge(stranger, event), now=meeting.start
        )
    other_session = _badge(person(CompanyKind.BUYER, country="DE"), HostedEventFactory())
    with pytest.raises(ValidationError, match="another fair session"):
        hs.scan_at_table(event, by_user=operator, table_number=1, code=other_session, now=meeting.start)
    with pytest.raises(PermissionDenied):
        hs.scan_at_table(
            event, by_user=buyer, table_number=1, code=_badge(supplier, event), now=meeting.start
        )
    assert hs.settle_attendance(event, by_user=operator, now=meeting.end) == 1
    assert hs.settle_attendance(event, by_user=operator, now=meeting.end) == 0
    # The present buyer's claim and the check-in record settle it as matchmaking decides: missed by the supplier.
    with freeze_time(meeting.end + dt.timedelta(minutes=5)):
        meetings_services.record_attendance(meeting, by_user=buyer, mark="no_show")
    meeting.refresh_from_db()
    assert meeting.outcome == "missed" and meeting.missed_by == supplier


def test_attendance_page_for_hosts_only(client, scheduled):
    url = reverse("buyer_meetings:attendance", args=[scheduled["event"].pk])
    client.force_login(scheduled["buyer"])
    assert client.get(url).status_code == 404
    client.force_login(scheduled["chamber"])
    page = client.get(url)
    assert page.status_code == 200 and scheduled["supplier"].company.name in page.content.decode()
    response = client.post(url, {"table": "1", "code": "nonsense"}, follow=True)
    assert "not a TrustFair badge" in response.content.decode()


def test_editing_after_booking_keeps_the_day_and_tables(client, scheduled, operator):
    event = scheduled["event"]
    with pytest.raises(ValidationError, match="already booked"):
        hs.update_event(event, by_user=operator, table_count=3)
    renamed = hs.update_event(event, by_user=operator, title="EU buyers, appliances")
    assert renamed.title == "EU buyers, appliances" and renamed.tables.count() == 1
    client.force_login(operator)
    page = client.get(reverse("buyer_meetings:event_edit", args=[event.pk]))
    assert page.status_code == 200 and "EU buyers, appliances" in page.content.decode()
    client.force_login(scheduled["chamber"])
    assert client.get(reverse("buyer_meetings:event_edit", args=[event.pk])).status_code == 403


def test_hosted_attendance_is_credit_evidence_once_per_meeting_and_company(scheduled, operator):
    from credit.models import Fact

    event, buyer, supplier = scheduled["event"], scheduled["buyer"], scheduled["supplier"]
    pair = HostedPair.objects.select_related("meeting").get(event=event)
    meeting = pair.meeting
    code = _badge(buyer, event)
    for minutes in (1, 5):  # scanned twice: one attendance
        with freeze_time(meeting.start + dt.timedelta(minutes=minutes)):
            hs.scan_at_table(event, by_user=scheduled["chamber"], table_number=1, code=code)
    with freeze_time(meeting.end):
        hs.settle_attendance(event, by_user=operator)
        hs.settle_attendance(event, by_user=operator)
    attended = Fact.objects.get(kind="hosted_meeting_attended")
    no_show = Fact.objects.get(kind="hosted_meeting_no_show")
    assert attended.subject_id == buyer.company.pk and no_show.subject_id == supplier.company.pk
    for fact in (attended, no_show):
        assert fact.payload == {"event": str(event.pk), "meeting": f"meeting:{meeting.pk}"}
        assert fact.occurred_at == meeting.start

    from credit.features import build_feature_matrix

    matrix = build_feature_matrix(as_of=meeting.end, subject_ids=[buyer.company.pk, supplier.company.pk])
    assert matrix.row(buyer.company.pk)["hosted_meetings_attended_2y"] == 1.0
    assert matrix.row(supplier.company.pk)["hosted_no_shows_2y"] == 1.0
    assert matrix.row(buyer.company.pk)["hosted_no_shows_2y"] == 0.0
