"""Booth tables: bookable only inside the fair's daily opening hours, on the phase's days; the request page
offers only tables still open, each named unambiguously with its hours; a request link without a company
explains itself."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from marketplace.matchmaking import meetings_services as svc
from marketplace.matchmaking.models.meetings import Booking, Meeting, MeetingMode, TableKind
from tests.marketplace.matchmaking.factories_meetings import meeting_parties

pytestmark = pytest.mark.django_db

FAIR = zoneinfo.ZoneInfo("Asia/Shanghai")


def _fair_day(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.now().astimezone(FAIR).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=FAIR)


def _booth(company, *, first_day: int = 2, last_day: int = 4, label: str = "Autumn · Phase 1 · A1 B-07"):
    return svc.create_table(
        label=label,
        kind=TableKind.BOOTH,
        company=company,
        time_zone="Asia/Shanghai",
        available_from=_fair_day(first_day, 9, 30),
        available_until=_fair_day(last_day, 18),
        opens_daily=dt.time(9, 30),
        closes_daily=dt.time(18),
    )


@pytest.fixture
def p():
    return meeting_parties()


def _request(p, table, start, minutes=30):
    return svc.request_meeting(
        by_user=p["buyer"],
        with_company=p["supplier_company"],
        subject="At the booth",
        mode=MeetingMode.IN_PERSON,
        table=table,
        slots=[(start, start + dt.timedelta(minutes=minutes))],
    )


@pytest.mark.parametrize(
    ("hour", "minute", "minutes"),
    [(20, 0, 30), (7, 0, 30), (17, 45, 30), (9, 0, 45)],
    ids=["evening", "before-opening", "runs-past-closing", "starts-before-opening"],
)
def test_a_booth_is_not_bookable_outside_its_daily_hours(p, hour, minute, minutes):
    table = _booth(p["supplier_company"])
    with pytest.raises(ValidationError) as error:
        _request(p, table, _fair_day(3, hour, minute), minutes)
    message = error.value.message_dict["slots"][0]
    assert "not open" in message and "09:30–18:00" in message
    assert not Meeting.objects.exists() and not Booking.objects.exists()


def test_a_booth_is_bookable_inside_one_days_hours(p):
    table = _booth(p["supplier_company"])
    meeting = _request(p, table, _fair_day(3, 17, 30))
    assert Booking.objects.filter(meeting=meeting, table=table).count() == 1


def test_daily_hours_must_close_after_they_open(p):
    with pytest.raises(ValidationError):
        svc.create_table(
            label="x", kind=TableKind.BOOTH, opens_daily=dt.time(18), closes_daily=dt.time(9, 30)
        )


def _local(moment: dt.datetime, zone: str = "Europe/Berlin") -> str:
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def test_the_request_form_refuses_a_time_outside_the_hours_at_the_slot(client, p):
    table = _booth(p["supplier_company"])
    client.force_login(p["buyer"])
    url = reverse("meetings:request") + f"?with={p['supplier_company'].slug}&table={table.pk}"
    page = client.get(url).content.decode()
    # Only the table's dates are offered by the date pickers, and its hours are said.
    assert f'min="{_local(_fair_day(2, 9, 30))}"' in page
    assert f'max="{_local(_fair_day(4, 18))}"' in page
    assert "09:30–18:00" in page
    response = client.post(
        url,
        {
            "subject": "Samples",
            "mode": MeetingMode.IN_PERSON,
            "table": table.pk,
            "slot_1": _local(_fair_day(3, 21)),
            "duration": 30,
        },
    )
    assert response.status_code == 400
    assert "not open at this time" in str(response.context["form"].errors["slot_1"])
    assert not Meeting.objects.exists()


def test_the_request_page_lists_only_open_tables_each_with_its_hours(client, p):
    past = _booth(p["supplier_company"], first_day=-30, last_day=-28, label="Spring · Phase 1 · A1 B-07")
    upcoming = _booth(p["supplier_company"], label="Autumn · Phase 1 · A1 B-07")
    client.force_login(p["buyer"])
    form = client.get(reverse("meetings:request") + f"?with={p['supplier_company'].slug}").context["form"]
    choices = {value.value: label for value, label in form.fields["table"].choices if value}
    assert past.pk not in choices
    assert choices[upcoming.pk].startswith("Autumn · Phase 1 · A1 B-07 — ")
    assert "09:30–18:00" in choices[upcoming.pk] and "Asia/Shanghai" in choices[upcoming.pk]


def test_a_request_link_without_a_company_explains_itself(client, p):
    client.force_login(p["buyer"])
    response = client.get(reverse("meetings:request"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "does not say whom to meet" in body
    assert reverse("companies:company_list") in body
