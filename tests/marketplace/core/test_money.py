"""Money: Decimal only, ISO 4217 codes from babel, minor units, one currency per sum, formatting per language."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from credit import kinds
from marketplace.catalog.models import PriceTier, Product
from marketplace.catalog.money import CURRENCY_CHOICES
from marketplace.core.money import (
    CURRENCIES,
    MONEY_DECIMAL_PLACES,
    MONEY_MAX_DIGITS,
    CurrencyMismatch,
    Money,
    format_money,
    minor_units,
    validate_currency_code,
    validate_minor_units,
)
from marketplace.showcases.models import Interest, ShowcaseItem


def test_an_amount_is_a_decimal_whatever_it_was_given_as():
    assert Money("12.50", "USD").amount == Decimal("12.50")
    assert Money(3, "JPY").amount == Decimal(3)
    assert Money(Decimal("0.125"), "usd").currency == "USD"


@pytest.mark.parametrize("amount", [12.5, 0.1, True])
def test_floats_and_booleans_are_refused(amount):
    with pytest.raises(TypeError, match="not (float|bool)"):
        Money(amount, "USD")


@pytest.mark.parametrize("amount", ["twelve", "NaN", "Infinity", None])
def test_amounts_that_are_not_finite_numbers_are_refused(amount):
    with pytest.raises((TypeError, ValueError)):
        Money(amount, "USD")


@pytest.mark.parametrize("code", ["XYZ", "US", "", "DEM", "XAU", None])
def test_unknown_withdrawn_and_non_tender_codes_are_refused(code):
    with pytest.raises(ValueError, match="ISO 4217"):
        Money("1", code)


def test_the_currency_list_is_babels_and_credit_uses_the_same_one():
    assert {"USD", "EUR", "CNY", "JPY", "KWD", "VND", "AED", "BRL"} <= CURRENCIES
    assert CURRENCIES == kinds.ISO_4217
    assert {code for code, _label in CURRENCY_CHOICES} <= CURRENCIES
    assert (kinds.MONEY_MAX_DIGITS, kinds.MONEY_DECIMAL_PLACES) == (MONEY_MAX_DIGITS, MONEY_DECIMAL_PLACES)


def test_minor_units_follow_the_currency():
    assert (minor_units("JPY"), minor_units("USD"), minor_units("KWD")) == (0, 2, 3)
    assert Money("1234.5", "JPY").quantize() == Money("1235", "JPY")
    assert Money("10.0049", "USD").quantize().amount == Decimal("10.00")
    assert Money("10.005", "USD").quantize().amount == Decimal("10.01")
    assert Money("1.23456", "KWD").quantize().amount == Decimal("1.235")


def test_the_minor_unit_validator_refuses_more_places_than_the_currency_has():
    validate_minor_units(Money("1200", "JPY"))
    validate_minor_units(Money("12.50", "USD"))
    validate_minor_units(Money("12.5000", "USD"))  # trailing zeros are not places
    validate_minor_units(Money("1.125", "KWD"))
    with pytest.raises(ValidationError, match="JPY amounts have at most 0 decimal places"):
        validate_minor_units(Money("1.5", "JPY"))
    with pytest.raises(ValidationError, match="USD amounts have at most 2 decimal places"):
        validate_minor_units(Money("0.125", "USD"))
    with pytest.raises(ValidationError, match="KWD amounts have at most 3"):
        validate_minor_units(Money("1.1255", "KWD"))


def test_arithmetic_and_comparison_within_one_currency():
    a, b = Money("10.25", "USD"), Money("2.75", "USD")
    assert a + b == Money("13.00", "USD")
    assert a - b == Money("7.50", "USD")
    assert -a == Money("-10.25", "USD")
    assert a * 3 == Money("30.75", "USD") == 3 * a
    assert a * Decimal("0.5") == Money("5.125", "USD")
    assert sum([a, b]) == Money("13", "USD")
    assert b < a and a > b and a >= a and b <= a
    assert max([a, b]) is a


def test_combining_two_currencies_is_a_clear_error():
    usd, eur = Money("1", "USD"), Money("1", "EUR")
    for combine in (lambda: usd + eur, lambda: usd - eur, lambda: usd < eur, lambda: usd >= eur):
        with pytest.raises(CurrencyMismatch, match="cannot combine USD with EUR: convert"):
            combine()
    assert usd != eur  # equality is not an error: they are simply different amounts
    with pytest.raises(TypeError):
        usd * 1.5
    with pytest.raises(TypeError):
        usd + 1


def test_money_is_frozen():
    money = Money("1", "USD")
    with pytest.raises(AttributeError):
        money.amount = Decimal(2)


@pytest.mark.parametrize(
    ("money", "english", "chinese"),
    [
        (Money("1234.5", "USD"), "$1,234.50", "US$1,234.50"),
        (Money("1234.5", "CNY"), "CN¥1,234.50", "¥1,234.50"),
        (Money("1234", "JPY"), "¥1,234", "JP¥1,234"),
        (Money("0.0125", "USD"), "$0.0125", "US$0.0125"),
        (Money("12.345", "KWD"), "KWD12.345", "KWD12.345"),
    ],
)
def test_formatting_per_language(money, english, chinese):
    assert format_money(money, "en") == english
    assert format_money(money, "zh-hans") == chinese


def test_formatting_follows_the_active_language():
    with translation.override("zh-hans"):
        assert format_money(Money("5", "CNY")) == "¥5.00"
    with translation.override("en"):
        assert format_money(Money("5", "CNY")) == "CN¥5.00"


def test_currency_code_validator():
    validate_currency_code("EUR")
    with pytest.raises(ValidationError, match="XYZ is not an ISO 4217 currency code"):
        validate_currency_code("XYZ")


def test_every_money_column_has_the_one_precision():
    for model, name in [
        (Product, "min_price"),
        (Product, "min_price_usd"),
        (PriceTier, "unit_price"),
        (ShowcaseItem, "price"),
        (Interest, "quoted_price"),
    ]:
        field = model._meta.get_field(name)
        assert (field.max_digits, field.decimal_places) == (MONEY_MAX_DIGITS, MONEY_DECIMAL_PLACES), name
    from credit.models import Fact

    field = Fact._meta.get_field("amount")
    assert (field.max_digits, field.decimal_places) == (MONEY_MAX_DIGITS, MONEY_DECIMAL_PLACES)


def test_currency_columns_validate_their_code():
    for model, name in [(Product, "currency"), (ShowcaseItem, "currency"), (Interest, "quoted_currency")]:
        field = model._meta.get_field(name)
        with pytest.raises(ValidationError):
            field.run_validators("XYZ")
        field.run_validators("EUR")
    from credit.models import Fact

    with pytest.raises(ValidationError, match="ISO 4217"):
        Fact._meta.get_field("currency").run_validators("XYZ")
