"""Currencies the catalog quotes in, and the static reference rates used only to compare prices.

Prices are always stored and shown in the supplier's own currency (Decimal, ISO 4217 code). To filter
and sort a catalog quoted in many currencies, each product also keeps its lowest price converted to
USD with the table below. The table is static on purpose: a search result must not reshuffle when a
market moves, and the figures shown to buyers never use it. Rates are indicative mid-market values
(January 2026); an operator updates them with a migration-free code change and `catalog_reprice`.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

# How many US dollars one unit of the currency buys. Keep it short: these are the quoting currencies
# suppliers on the fair actually use.
FX_TO_USD: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "EUR": Decimal("1.08"),
    "CNY": Decimal("0.138"),
    "GBP": Decimal("1.27"),
    "HKD": Decimal("0.128"),
    "JPY": Decimal("0.0067"),
    "INR": Decimal("0.012"),
    "VND": Decimal("0.0000395"),
    "TRY": Decimal("0.029"),
    "AUD": Decimal("0.66"),
    "CAD": Decimal("0.73"),
}

CURRENCY_CHOICES = [
    ("USD", _("US dollar (USD)")),
    ("EUR", _("Euro (EUR)")),
    ("CNY", _("Chinese yuan (CNY)")),
    ("GBP", _("Pound sterling (GBP)")),
    ("HKD", _("Hong Kong dollar (HKD)")),
    ("JPY", _("Japanese yen (JPY)")),
    ("INR", _("Indian rupee (INR)")),
    ("VND", _("Vietnamese dong (VND)")),
    ("TRY", _("Turkish lira (TRY)")),
    ("AUD", _("Australian dollar (AUD)")),
    ("CAD", _("Canadian dollar (CAD)")),
]
assert {code for code, _label in CURRENCY_CHOICES} == set(FX_TO_USD)

CENT = Decimal("0.0001")


def to_usd(amount: Decimal, currency: str) -> Decimal:
    """The amount in US dollars at the reference rate, for comparing prices only."""
    return (amount * FX_TO_USD[currency]).quantize(CENT, rounding=ROUND_HALF_UP)


def from_usd(amount: Decimal, currency: str) -> Decimal:
    return (amount / FX_TO_USD[currency]).quantize(CENT, rounding=ROUND_HALF_UP)
