"""The meeting pages: request form (prefill, errors at the field), meeting page actions, who sees what,
both languages, and times in the viewer's zone with the other side's beside it around a DST change."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from marketplace.matchmaking import meetings_services as svc
from marketplace.matchmaking.models.meetings import Booking, Meeting, MeetingMode, MeetingState
from tests.marketplace.companies.factories import UserFactory, buyer_member
from tests.marketplace.deals.factories import DealFactory
from tests.marketplace.matchmaking.factories_meetings import MeetingTableFactory, meeting_parties, slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def p():
    return meeting_parties()


def _local(moment: dt.datetime, zone: str) -> str:
    import zoneinfo

    return moment.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def test_request_form_is_prefilled_from_the_link_of_a_deal(client, p):
    deal = DealFactory(buyer=p["buyer_company"], supplier=p["supplier_company"], subject="Pumps")
    client.force_login(p["buyer"])
    url = reverse("meetings:request") + f"?with={p['supplier_company'].slug}&deal={deal.pk}&subject=Samples"
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Samples"' in body and deal.number in body
    start, _end = slot(10)
    response = client.post(
        url,
        {"subject": "Samples", "mode": "online", "slot_1": _local(start, "Europe/Berlin"), "duration": "45"},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "meetings:detail", args=[meeting.pk]
    )
    assert meeting.deal == deal and meeting.invitee_company == p["supplier_company"]
    # Typed in the buyer's zone, stored in UTC.
    assert meeting.slots.get().start == start and meeting.slots.get().end == start + dt.timedelta(minutes=45)


def test_request_form_errors_stand_at_their_field_and_nothing_is_written(client, p):
    client.force_login(p["buyer"])
    url = reverse("meetings:request") + f"?with={p['supplier_company'].slug}"
    response = client.post(url, {"subject": "", "mode": "in_person", "slot_1": "", "duration": "30"})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) >= {"subject", "table", "slot_1"}
    # A slot in the past: refused by the service, shown at the first slot.
    response = client.post(
        url, {"subject": "x", "mode": "online", "slot_1": "2020-01-01T10:00", "duration": "30"}
    )
    assert response.status_code == 400
    assert "slot_1" in response.context["form"].errors
    assert not Meeting.objects.exists() and not Booking.objects.exists()


def test_request_for_someone_elses_deal_or_an_unknown_company_is_a_404(client, p):
    other_deal = DealFactory()
    client.force_login(p["buyer"])
    assert client.get(reverse("meetings:request") + f"?deal={other_deal.pk}").status_code == 404
    assert client.get(reverse("meetings:request") + "?with=no-such-company").status_code == 404
    assert client.get(reverse("meetings:request") + f"?with={p['buyer_company'].slug}").status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("meetings:request") + f"?with={p['supplier_company'].slug}").status_code == 403


def test_the_supplier_accepts_on_the_meeting_page_and_strangers_see_nothing(client, p):
    table = MeetingTableFactory(label="Matchmaking table 5")
    meeting = svc.request_meeting(
        by_user=p["buyer"],
        with_company=p["supplier_company"],
        subject="Booth talk",
        mode=MeetingMode.IN_PERSON,
        table=table,
        slots=[slot(10), slot(15)],
    )
    client.force_login(buyer_member())
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    assert (
        client.post(
            reverse("meetings:accept", args=[meeting.pk]), {"slot": meeting.slots.first().pk}
        ).status_code
        == 404
    )
    client.force_login(p["buyer"])
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Accept this time" not in page and "Matchmaking table 5" in page
    client.force_login(p["supplier"])
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Accept this time" in page
    chosen = meeting.slots.last()
    client.post(reverse("meetings:accept", args=[meeting.pk]), {"slot": chosen.pk})
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CONFIRMED and meeting.start == chosen.start


def test_decline_without_a_reason_is_refused_with_a_message(client, p):
    meeting = svc.request_meeting(
        by_user=p["buyer"], with_company=p["supplier_company"], subject="x", slots=[slot(9)]
    )
    client.force_login(p["supplier"])
    response = client.post(reverse("meetings:decline", args=[meeting.pk]), {"reason": ""}, follow=True)
    assert "Give a reason" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PENDING
    client.post(reverse("meetings:decline", args=[meeting.pk]), {"reason": "Not our range"})
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.DECLINED


def test_reschedule_and_cancel_pages(client, p):
    meeting = svc.request_meeting(
        by_user=p["buyer"], with_company=p["supplier_company"], subject="x", slots=[slot(9)]
    )
    svc.accept(meeting, by_user=p["supplier"], slot=meeting.slots.get())
    client.force_login(p["supplier"])
    new_start, _e = slot(16, days=5)
    response = client.post(
        reverse("meetings:reschedule", args=[meeting.pk]),
        {"slot_1": _local(new_start, "Asia/Shanghai"), "duration": "30"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PENDING and meeting.slots.get().start == new_start
    client.force_login(p["buyer"])
    client.post(reverse("meetings:cancel", args=[meeting.pk]), {"reason": "Changed plans"})
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CANCELLED and meeting.cancel_reason == "Changed plans"


def test_my_meetings_lists_upcoming_and_past_for_my_company_only(client, p):
    mine = svc.request_meeting(
        by_user=p["buyer"], with_company=p["supplier_company"], subject="Ours", slots=[slot(9)]
    )
    others = meeting_parties()
    svc.request_meeting(
        by_user=others["buyer"], with_company=others["supplier_company"], subject="Theirs", slots=[slot(9)]
    )
    svc.decline(mine, by_user=p["supplier"], reason="No")
    svc.request_meeting(
        by_user=p["buyer"], with_company=p["supplier_company"], subject="Again", slots=[slot(11)]
    )
    client.force_login(p["colleague"])
    body = client.get(reverse("meetings:list")).content.decode()
    assert "Again" in body and "Ours" in body and "Theirs" not in body
    assert body.index("Again") < body.index("Ours")  # upcoming first, declined under past


def test_times_show_in_my_zone_with_theirs_beside_it_across_a_dst_change(client, p):
    """Berlin moves to summer time on 2027-03-28 (UTC+1 → UTC+2); Shanghai stays at UTC+8."""
    before = dt.datetime(2027, 3, 27, 9, 0, tzinfo=dt.UTC)
    after = dt.datetime(2027, 3, 29, 9, 0, tzinfo=dt.UTC)
    now = dt.datetime(2027, 3, 20, 9, 0, tzinfo=dt.UTC)
    meeting = svc.request_meeting(
        by_user=p["buyer"],
        with_company=p["supplier_company"],
        subject="DST",
        slots=[(before, before + dt.timedelta(minutes=30)), (after, after + dt.timedelta(minutes=30))],
        now=now,
    )
    meeting.invitee = p["supplier"]  # the supplier person answers (as if on the page)
    meeting.save(update_fields=["invitee"])
    client.force_login(p["buyer"])
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "2027-03-27 10:00 CET" in body and "2027-03-29 11:00 CEST" in body
    assert "17:00 CST for them, Asia/Shanghai" in body
    client.force_login(p["supplier"])
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "2027-03-27 17:00 CST" in body and "2027-03-29 17:00 CST" in body
    assert "10:00 CET for them, Europe/Berlin" in body and "11:00 CEST for them, Europe/Berlin" in body


def test_pages_render_in_chinese(client, p):
    meeting = svc.request_meeting(
        by_user=p["buyer"], with_company=p["supplier_company"], subject="x", slots=[slot(9)]
    )
    client.force_login(p["supplier"])
    try:
        for url in (
            reverse("meetings:list"),
            reverse("meetings:detail", args=[meeting.pk]),
            reverse("meetings:settings"),
            reverse("meetings:request") + f"?with={p['buyer_company'].slug}",
        ):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
            assert response.status_code == 200, url
            assert 'lang="zh-CN"' in response.content.decode()
        body = client.get(
            reverse("meetings:detail", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
        assert "接受这个时间" in body
    finally:
        translation.activate("en")


def test_statistics_are_for_operators_only(client, p, operator):
    meeting = svc.request_meeting(
        by_user=p["buyer"], with_company=p["supplier_company"], subject="x", slots=[slot(9)]
    )
    svc.accept(meeting, by_user=p["supplier"], slot=meeting.slots.get())
    client.force_login(p["buyer"])
    assert client.get(reverse("meetings:statistics")).status_code == 404
    client.force_login(operator)
    response = client.get(reverse("meetings:statistics"))
    assert response.status_code == 200
    assert response.context["stats"]["total"] == {"requested": 1, "accepted": 1, "held": 0, "no_shows": 0}


def test_settings_saves_the_time_zone(client, p):
    client.force_login(p["buyer"])
    response = client.post(reverse("meetings:settings"), {"time_zone": "Not/AZone"})
    assert response.status_code == 400 and "time_zone" in response.context["form"].errors
    client.post(reverse("meetings:settings"), {"time_zone": "America/Sao_Paulo"})
    assert str(svc.zone_of(type(p["buyer"]).objects.get(pk=p["buyer"].pk))) == "America/Sao_Paulo"


def test_the_supplier_page_and_the_deal_page_link_to_the_request(client, p):
    deal = DealFactory(buyer=p["buyer_company"], supplier=p["supplier_company"])
    client.force_login(p["buyer"])
    company_page = client.get(p["supplier_company"].get_absolute_url()).content.decode()
    assert f"{reverse('meetings:request')}?with={p['supplier_company'].slug}" in company_page
    deal_page = client.get(reverse("deals:deal_detail", args=[deal.pk])).content.decode()
    assert f"{reverse('meetings:request')}?deal={deal.pk}" in deal_page
    client.force_login(buyer_member())
    assert client.get(reverse("meetings:request") + f"?deal={deal.pk}").status_code == 404


def test_meeting_pages_in_chinese_have_no_english_ui_text(client, p, operator):
    from tests.test_chinese_pages import english_words

    table = MeetingTableFactory(label="洽谈桌 5")
    meeting = svc.request_meeting(
        by_user=p["buyer"],
        with_company=p["supplier_company"],
        subject="样品洽谈",
        mode=MeetingMode.IN_PERSON,
        table=table,
        message="请带上目录。",
        slots=[slot(9), slot(13)],
    )
    data = {
        p["buyer_company"].display_name,
        p["supplier_company"].display_name,
        "Europe/Berlin",
        "Asia/Shanghai",
        "CET",
        "CEST",
        "CST",
        "UTC",
        "ics",
    }
    pages = {
        p["supplier"]: [
            reverse("meetings:list"),
            reverse("meetings:detail", args=[meeting.pk]),
            reverse("meetings:settings"),
            reverse("meetings:request") + f"?with={p['buyer_company'].slug}",
            reverse("meetings:reschedule", args=[meeting.pk]),
        ],
        operator: [reverse("meetings:statistics")],
    }
    found = {}
    try:
        for user, paths in pages.items():
            client.force_login(user)
            client.cookies["django_language"] = "zh-hans"
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, path
                html = response.content.decode()
                # The time-zone menu lists zone names (data); the feed address is data too.
                html = re.sub(r"<select name=\"time_zone\".*?</select>", "", html, flags=re.S)
                html = re.sub(r'value="http[^"]*"', "", html)
                words = english_words(html, data)
                if words:
                    found[path] = sorted(words)
    finally:
        translation.activate("en")
    assert not found, found
