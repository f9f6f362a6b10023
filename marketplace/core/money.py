"""Money: a `Decimal` amount with an ISO 4217 currency code, and the one list of currency codes.

The currency list, each currency's minor units and the way an amount is written in a language all come
from babel (the Unicode CLDR data), so the platform keeps no list of its own:

* `CURRENCIES` is every currency that is legal tender somewhere today (CLDR's territory data):
  withdrawn codes (DEM, HRK) and funds or metals (XAU, CLF) are not a price or an invoice currency.
  `credit.kinds` reads the same babel data by the same rule (credit imports nothing from marketplace);
  a test keeps the two equal.
* `minor_units("JPY") == 0`, `minor_units("KWD") == 3`: CLDR's digits for the currency.
* Every money column is `DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES)`:
  four places, because unit prices (USD 0.0125 a screw) go below a currency's minor unit; an amount that
  is paid or invoiced is rounded to the minor unit with `Money.quantize` and checked with
  `validate_minor_units`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.core import get_global
from babel.numbers import format_currency, get_currency_precision, get_territory_currencies
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

MONEY_MAX_DIGITS = 19
MONEY_DECIMAL_PLACES = 4


def tender_currencies(on: dt.date | None = None) -> frozenset[str]:
    """ISO 4217 codes of the currencies that are legal tender in some territory on `on` (today)."""
    day = on or dt.date.today()
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, start_date=day, end_date=day, tender=True))
    return frozenset(codes)


CURRENCIES: frozenset[str] = tender_currencies()


def minor_units(currency: str) -> int:
    """Digits after the decimal point that the currency is paid in (JPY 0, USD 2, KWD 3)."""
    return get_currency_precision(currency)


def validate_currency_code(value: str) -> None:
    """A form and model field validator: the value must be an ISO 4217 code in `CURRENCIES`."""
    if value not in CURRENCIES:
        raise ValidationError(
            _("%(code)s is not an ISO 4217 currency code."), code="currency", params={"code": value}
        )


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were added, subtracted or compared."""

    def __init__(self, left: str, right: str):
        super().__init__(
            f"cannot combine {left} with {right}: convert one of them first (marketplace.core.fx)"
        )
        self.currencies = (left, right)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of one currency. Built from a Decimal, an int or decimal text; a float is refused."""

    amount: Decimal
    currency: str

    def __post_init__(self):
        amount, currency = self.amount, self.currency
        if isinstance(amount, float | bool):
            raise TypeError(f"Money needs a Decimal, an int or decimal text, not {type(amount).__name__}")
        if not isinstance(amount, Decimal):
            if not isinstance(amount, int | str):
                raise TypeError(f"Money needs a Decimal, an int or decimal text, not {type(amount).__name__}")
            try:
                amount = Decimal(amount.strip() if isinstance(amount, str) else amount)
            except InvalidOperation:
                raise ValueError(f"not a decimal number: {self.amount!r}") from None
        if not amount.is_finite():
            raise ValueError("a money amount must be a finite number")
        code = currency.strip().upper() if isinstance(currency, str) else currency
        if code not in CURRENCIES:
            raise ValueError(f"not an ISO 4217 currency code: {currency!r}")
        object.__setattr__(self, "amount", amount)
        object.__setattr__(self, "currency", code)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @property
    def minor_units(self) -> int:
        return minor_units(self.currency)

    def quantize(self, rounding: str = ROUND_HALF_UP) -> Money:
        """The amount rounded to the currency's minor unit (half up, as invoices round, unless told)."""
        step = Decimal(1).scaleb(-self.minor_units)
        return Money(self.amount.quantize(step, rounding=rounding), self.currency)

    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)
        return other

    def __add__(self, other):
        other = self._same(other)
        if other is NotImplemented:
            return other
        return Money(self.amount + other.amount, self.currency)

    def __radd__(self, other):
        # sum() starts from 0.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other):
        other = self._same(other)
        if other is NotImplemented:
            return other
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self):
        return Money(-self.amount, self.currency)

    def __mul__(self, factor):
        if isinstance(factor, bool) or not isinstance(factor, Decimal | int):
            return NotImplemented
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def _compare(self, other, op):
        other = self._same(other)
        if other is NotImplemented:
            return other
        return op(self.amount, other.amount)

    def __lt__(self, other):
        return self._compare(other, Decimal.__lt__)

    def __le__(self, other):
        return self._compare(other, Decimal.__le__)

    def __gt__(self, other):
        return self._compare(other, Decimal.__gt__)

    def __ge__(self, other):
        return self._compare(other, Decimal.__ge__)

    def __str__(self):
        return f"{self.currency} {self.amount}"


def validate_minor_units(money: Money) -> None:
    """Refuses an amount with more decimal places than its currency is paid in (JPY 1.5, USD 0.125)."""
    exponent = money.amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > money.minor_units:
        raise ValidationError(
            _("%(currency)s amounts have at most %(places)s decimal places."),
            code="minor_units",
            params={"currency": money.currency, "places": money.minor_units},
        )


def babel_locale(language: str | None = None) -> str:
    """The babel locale for a Django language code ("zh-hans" → "zh_Hans"; the active one if none)."""
    return translation.to_locale(language or translation.get_language() or "en")


def format_money(money: Money, language: str | None = None) -> str:
    """The amount written as a reader of `language` expects it ($1,234.50, US$1,234.50, ¥1,234.50).

    Digits below the minor unit are kept (a unit price of USD 0.0125 stays visible); round with
    `Money.quantize` first where an amount is paid.
    """
    return format_currency(
        money.amount, money.currency, locale=babel_locale(language), decimal_quantization=False
    )
