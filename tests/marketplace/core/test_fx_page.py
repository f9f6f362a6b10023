"""The operator page that uploads the ECB's rates: who may open it, what an upload shows, how errors read."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from marketplace.core.models import FxRate

URL = reverse("core:fx_rates")
DAILY = b"Date, USD, JPY, \n01 December 2026, 1.0500, 160.00, \n"


def upload(client, data, name="eurofxref.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def test_a_visitor_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert upload(client, DAILY).status_code == 302
    assert not FxRate.objects.filter(date=dt.date(2026, 12, 1)).exists()


@pytest.mark.parametrize("who", ["buyer_owner", "supplier_owner", "risk_officer", "editor"])
def test_only_operators_may_open_or_upload(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert upload(client, DAILY).status_code == 403
    assert not FxRate.objects.filter(date=dt.date(2026, 12, 1)).exists()


def test_an_operator_sees_the_latest_rates_and_their_date(client, operator):
    client.force_login(operator)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Latest rate date: 2026-01-01" in page
    assert "<td>CNY</td><td>7.82608696</td>" in page


def test_an_operator_uploads_the_daily_file(client, operator):
    client.force_login(operator)
    response = upload(client, DAILY)
    assert response.status_code == 302 and response["Location"] == URL
    rate = FxRate.objects.get(date=dt.date(2026, 12, 1), currency="USD")
    assert (rate.per_eur, rate.source, rate.uploaded_by) == (Decimal("1.05"), "ecb", operator)
    page = client.get(URL).content.decode()
    assert (
        "Imported the rates of 1 date (2026-12-01 to 2026-12-01): 2 new, 0 changed, 0 already on record."
        in page
    )
    assert "Latest rate date: 2026-12-01" in page
    assert "<td>USD</td><td>1.05000000</td><td>1.000000</td><td>2026-12-01</td>" in page
    assert "<td>VND</td><td>27341.77215190</td>" in page  # not in the file: kept, with its own date


def test_a_wrong_file_is_refused_with_its_line_and_nothing_is_imported(client, operator):
    client.force_login(operator)
    before = FxRate.objects.count()
    response = upload(client, b"Date,USD,JPY\n01 December 2026,1.05,160\n02 December 2026,1.06,-3\n")
    assert response.status_code == 400
    assert "Line 3: the JPY rate -3 is not positive." in response.content.decode()
    assert "Imported" not in response.content.decode()
    assert FxRate.objects.count() == before


def test_the_page_speaks_chinese(client, operator):
    client.force_login(operator)
    client.cookies["django_language"] = "zh-hans"
    with translation.override("en"):  # the request activates Chinese in this thread: give English back after
        page = upload(client, b"Date,USD\n2026-12-01,abc\n", name="rates.csv").content.decode()
    assert "汇率" in page
    assert "第 2 行" in page
