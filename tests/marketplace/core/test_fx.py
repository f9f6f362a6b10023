"""The one FX table: reference rates from the migration, dated lookups, conversion, the ECB CSV import."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.db import transaction

from credit.features import fx_rates
from marketplace.catalog import money as catalog_money
from marketplace.core import fx
from marketplace.core.models import FxRate
from marketplace.core.money import Money
from tests.marketplace.catalog.factories import ProductFactory

DAILY = b"Date, USD, JPY, CNY, GBP, \n01 December 2026, 1.0500, 160.00, 7.5000, 0.8400, \n"
HIST = (
    b"Date,USD,JPY,CYP,CNY,\n"
    b"2026-11-30,1.0400,159.00,N/A,7.4000,\n"
    b"2026-11-27,1.0300,158.00,N/A,7.3000,\n"
    b"2001-01-02,0.9423,108.50,0.5780,7.8000,\n"
)


def rows():
    return set(FxRate.objects.values_list("date", "currency", "per_eur", "source"))


@pytest.fixture
def reference(db):
    return rows()


def test_the_migration_seeds_the_reference_rates_so_a_fresh_install_converts(reference):
    table = fx.rates_on()
    assert table.latest_date == dt.date(2026, 1, 1)
    assert table.per_eur("USD") == Decimal("1.08") and table.per_eur("CNY") == Decimal("7.82608696")
    assert {"VND", "AED", "KRW"} <= table.currencies  # what the catalog and credit convert
    assert {source for *_rest, source in reference} == {"reference"}
    conversion = fx.convert(Money("1000", "EUR"), "USD")
    assert conversion.result == Money("1080.0000", "USD")


def test_conversion_is_decimal_and_says_which_rates_it_used(reference):
    conversion = fx.convert(Money("100", "CNY"), "JPY")
    # 100 × 161.19402985 / 7.82608696 = 2059.70149..., rounded half up to 4 places
    assert conversion.result == Money("2059.7015", "JPY")
    assert isinstance(conversion.result.amount, Decimal)
    assert conversion.rate == Decimal("161.19402985") / Decimal("7.82608696")
    assert conversion.source_rate_date == conversion.target_rate_date == dt.date(2026, 1, 1)
    assert conversion.rate_dates == (dt.date(2026, 1, 1),)
    same = fx.convert(Money("5", "USD"), "USD")
    assert same.result == Money("5", "USD") and same.rate == 1 and same.rate_dates == ()
    with pytest.raises(ValueError, match="ISO 4217"):
        fx.convert(Money("5", "USD"), "XYZ")


def test_a_currency_without_any_rate_is_a_clear_error(reference):
    with pytest.raises(fx.NoRate, match="no exchange rate on record for CLP"):
        fx.convert(Money("5", "CLP"), "USD")


def test_importing_the_daily_file(reference):
    result = fx.import_ecb_csv(DAILY)
    assert (result.created, result.updated, result.dates) == (4, 0, (dt.date(2026, 12, 1),))
    assert result.currencies == ("CNY", "GBP", "JPY", "USD")
    assert FxRate.objects.get(date=dt.date(2026, 12, 1), currency="JPY").per_eur == Decimal("160")
    latest = fx.rates_on()
    assert latest.per_eur("USD") == Decimal("1.05") and latest.dated("USD") == dt.date(2026, 12, 1)
    # A currency the ECB does not publish keeps its reference rate, with its own date.
    assert latest.dated("VND") == dt.date(2026, 1, 1)
    conversion = fx.convert(Money("1000", "EUR"), "USD")
    assert conversion.result == Money("1050.0000", "USD") and conversion.target_rate_date == dt.date(
        2026, 12, 1
    )


def test_importing_the_history_file_and_reading_rates_as_of_a_date(reference):
    result = fx.import_ecb_csv(HIST)
    assert result.created == 3 * 3 + 1  # N/A cells are skipped
    assert (result.first_date, result.last_date) == (dt.date(2001, 1, 2), dt.date(2026, 11, 30))
    assert FxRate.objects.get(currency="CYP").per_eur == Decimal("0.578")
    # The latest rate on or before the date, per currency.
    assert fx.rates_on(dt.date(2026, 11, 29)).per_eur("USD") == Decimal("1.03")
    assert fx.rates_on(dt.date(2026, 11, 30)).per_eur("USD") == Decimal("1.04")
    assert fx.rates_on(dt.date(2026, 6, 1)).per_eur("USD") == Decimal("1.08")  # the reference rate
    assert fx.rates_on(dt.date(2010, 5, 5)).per_eur("USD") == Decimal("0.9423")
    # Before its first rate a currency takes that first rate.
    assert fx.rates_on(dt.date(2000, 1, 1)).per_eur("USD") == Decimal("0.9423")
    old = fx.convert(Money("100", "EUR"), "USD", on=dt.date(2015, 3, 3))
    assert old.result == Money("94.2300", "USD") and old.target_rate_date == dt.date(2001, 1, 2)
    assert fx.convert(Money("100", "EUR"), "USD").result == Money("104.0000", "USD")


def test_importing_again_changes_nothing_and_a_corrected_rate_replaces_the_old_one(reference):
    fx.import_ecb_csv(DAILY)
    again = fx.import_ecb_csv(DAILY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    corrected = fx.import_ecb_csv(b"Date,USD\n01 December 2026,1.0600\n")
    assert (corrected.created, corrected.updated) == (0, 1)
    assert fx.rates_on().per_eur("USD") == Decimal("1.06")
    assert FxRate.objects.filter(date=dt.date(2026, 12, 1)).count() == 4


def test_the_zip_the_ecb_serves_is_read_too(reference):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("eurofxref.csv", DAILY)
    assert fx.import_ecb_csv(buffer.getvalue()).created == 4


def _zip(**members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


WRONG_FILES = [
    (b"", None, "The file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "not a CSV file: it holds binary data"),
    ("Date,USD\n01 December 2026,1,05\n".encode("utf-16"), None, "not a CSV file"),
    (b"%PDF-1.7\nnot a csv\n", 1, "the first column must be Date"),
    (b"Day,USD\n2026-12-01,1.05\n", 1, "the first column must be Date"),
    (b"Date\n2026-12-01\n", 1, "no currency columns"),
    (b"Date,USD,XYZ\n2026-12-01,1.05,2\n", 1, "'XYZ' is not an ISO 4217 currency code"),
    (b"Date,USD,EUR\n2026-12-01,1.05,1\n", 1, "EUR cannot have a rate"),
    (b"Date,USD,USD\n2026-12-01,1.05,1.05\n", 1, "a currency appears twice"),
    (b"Date,USD,JPY\n2026-12-01,1.05,160\n2026-12-02,-1.05,160\n", 3, "the USD rate -1.05 is not positive"),
    (b"Date,USD\n2026-12-01,0\n", 2, "the USD rate 0 is not positive"),
    (b"Date,USD,JPY\n2026-12-01,1.05,abc\n", 2, "the JPY rate 'abc' is not a number"),
    (b"Date,USD\n2026-12-01,Infinity\n", 2, "is not a number"),
    (b"Date,USD\n2026-12-01,123456789012\n", 2, "out of range"),
    (b"Date,USD\n2026-12-01,1.05\n31 February 2026,1.05\n", 3, "'31 February 2026' is not a date"),
    (b"Date,USD\n1/12/2026,1.05\n", 2, "'1/12/2026' is not a date"),
    (b"Date,USD\n2026-12-01,1.05\n2026-12-01,1.06\n", 3, "the date 2026-12-01 appears twice"),
    (b"Date,USD,JPY\n2026-12-01,1.05\n", 2, "2 cells where the header has 3"),
    (b'Date,USD\n"2026-12-01,1.05\n', None, "not a CSV file"),
    (b"Date,USD\n2026-12-01,N/A\n", None, "The file has no rates"),
    (_zip(**{"a.csv": DAILY, "b.csv": DAILY}), None, "exactly one CSV file"),
    (b"PK\x03\x04 not really a zip", None, "zip file cannot be read"),
]


@pytest.mark.parametrize(("data", "line", "message"), WRONG_FILES)
def test_a_wrong_file_gets_a_clear_error_with_its_line_and_writes_nothing(reference, data, line, message):
    with pytest.raises(fx.RateFileError) as caught:
        fx.import_ecb_csv(data)
    assert caught.value.line == line
    assert message in str(caught.value)
    if line is not None:
        assert str(caught.value).startswith(f"Line {line}: ")
    assert rows() == reference


def test_a_failure_while_writing_rolls_the_whole_file_back(reference, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    fx.import_ecb_csv(DAILY)
    before = rows()
    monkeypatch.setattr(FxRate.objects, "bulk_update", boom)
    with pytest.raises(RuntimeError):
        fx.import_ecb_csv(b"Date,USD,THB\n01 December 2026,1.07,\n02 December 2026,1.08,38\n")
    assert rows() == before


def test_the_cache_is_kept_between_reads_and_dropped_by_an_upload(reference, django_assert_num_queries):
    fx.rates_on()
    with django_assert_num_queries(0):
        assert fx.rates_on().per_eur("USD") == Decimal("1.08")
    fx.import_ecb_csv(DAILY)
    assert fx.rates_on().per_eur("USD") == Decimal("1.05")


def test_rates_read_inside_an_import_that_is_rolled_back_are_not_kept(reference):
    assert fx.rates_on().per_eur("USD") == Decimal("1.08")
    with pytest.raises(RuntimeError), transaction.atomic():
        fx.import_ecb_csv(DAILY)
        assert fx.rates_on().per_eur("USD") == Decimal("1.05")
        raise RuntimeError("the request failed after the upload")
    assert fx.rates_on().per_eur("USD") == Decimal("1.08")


def test_an_upload_in_another_process_is_seen_through_the_generation(reference):
    assert fx.rates_on().per_eur("USD") == Decimal("1.08")
    # Another process wrote rates and bumped the shared generation; this one's memo has run out.
    FxRate.objects.create(date=dt.date(2026, 12, 1), currency="USD", per_eur=Decimal("1.01"))
    fx._generation._incr()
    assert fx.rates_on().per_eur("USD") == Decimal("1.01")


@pytest.mark.django_db(transaction=True)
def test_the_reference_rates_come_back_after_a_flush():
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert FxRate.objects.filter(source="reference").count() == 29
    assert fx.rates_on().per_eur("USD") == Decimal("1.08")


def test_catalog_and_credit_convert_with_the_same_rate(reference):
    fx.import_ecb_csv(DAILY)
    usd_per_cny = Decimal("1.05") / Decimal("7.5")
    assert catalog_money.to_usd(Decimal("1000"), "CNY") == Decimal("140.0000") == (1000 * usd_per_cny)
    assert fx_rates(dt.date(2026, 12, 1))["CNY"] == float(usd_per_cny)
    assert fx.usd_rates()["CNY"] == usd_per_cny
    # Credit reads the rates of its as-of date: before the upload, the reference ones.
    assert fx_rates(dt.date(2026, 6, 30))["CNY"] == float(Decimal("1.08") / Decimal("7.82608696"))
    assert fx_rates(dt.date(2026, 6, 30))["EUR"] == 1.08


def test_an_upload_reprices_the_catalog_after_it_commits(reference, django_capture_on_commit_callbacks):
    product = ProductFactory(currency="EUR")
    product.refresh_from_db()
    before = product.min_price_usd
    assert before == catalog_money.to_usd(product.min_price, "EUR")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        fx.import_ecb_csv(b"Date,USD\n01 December 2026,1.2000\n")
    product.refresh_from_db()
    assert product.min_price_usd == (product.min_price * Decimal("1.2")).quantize(Decimal("0.0001"))
    assert product.min_price_usd != before
