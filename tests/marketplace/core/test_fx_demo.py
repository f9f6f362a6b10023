"""The demo's daily exchange rates end today, are the same whenever they are seeded, and never replace an
operator's rate; a conversion still takes the rate of its own date."""

import datetime as dt
from decimal import Decimal

import pytest

from marketplace.core import fx, fx_demo
from marketplace.core.models import FxRate
from marketplace.core.money import Money

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_tables():
    fx.forget_rates()
    yield
    fx.forget_rates()


def test_a_daily_series_ending_today_deterministic_and_added_once():
    today = dt.date(2026, 12, 2)
    added = fx_demo.seed_fx_rates(today=today, seed=2026, days=30)
    currencies = FxRate.objects.filter(date=dt.date(2026, 1, 1)).count()
    assert added == 30 * currencies
    assert fx.rates_on(today).dated("USD") == today
    assert fx.rates_on(today).latest_date == today
    dates = sorted(set(FxRate.objects.filter(source="demo").values_list("date", flat=True)))
    assert dates[0] == today - dt.timedelta(days=29) and len(dates) == 30
    assert fx_demo.seed_fx_rates(today=today, seed=2026, days=30) == 0
    usd = FxRate.objects.get(date=today, currency="USD").per_eur
    assert abs(usd / Decimal("1.08") - 1) <= Decimal("0.015")
    # A day's rate does not depend on when the demo was seeded.
    FxRate.objects.filter(source="demo").delete()
    fx_demo.seed_fx_rates(today=today + dt.timedelta(days=3), seed=2026, days=30)
    assert FxRate.objects.get(date=today, currency="USD").per_eur == usd


def test_an_operators_rate_is_kept_and_each_date_converts_at_its_own_rate():
    today = dt.date(2026, 12, 2)
    FxRate.objects.create(date=today, currency="USD", per_eur=Decimal("1.20000000"), source="ecb")
    fx_demo.seed_fx_rates(today=today, seed=2026, days=10)
    assert FxRate.objects.get(date=today, currency="USD").per_eur == Decimal("1.2")
    assert not FxRate.objects.filter(date=today, source="demo").exists()
    yesterday = today - dt.timedelta(days=1)
    usd_yesterday = FxRate.objects.get(date=yesterday, currency="USD").per_eur
    assert fx.convert(Money("100", "EUR"), "USD", on=today).result.amount == Decimal("120.0000")
    on_yesterday = fx.convert(Money("100", "EUR"), "USD", on=yesterday)
    assert on_yesterday.target_rate_date == yesterday
    assert on_yesterday.result.amount == (100 * usd_yesterday).quantize(Decimal("0.0001"))
    # Before the series: the reference rate of 2026-01-01.
    assert fx.convert(Money("100", "EUR"), "USD", on=dt.date(2026, 6, 1)).target_rate_date == dt.date(
        2026, 1, 1
    )
