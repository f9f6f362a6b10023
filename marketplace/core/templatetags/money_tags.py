"""`{% load money_tags %}`: money written as `core.money.format_money` writes it, in the active language.

    {{ row.total|format_money }}                 a Money
    {{ tier.unit_price|format_money:"USD" }}     an amount and its ISO 4217 code

CLDR's patterns through babel: "$27,000.00" in English, "US$27,000.00" in Chinese (whose grouping
Django's own zh-hans number format leaves out), the currency's minor units at least and any finer
digits kept (a unit price of USD 0.0125).
"""

from decimal import Decimal

from django import template

from marketplace.core.money import Money
from marketplace.core.money import format_money as _format_money

register = template.Library()


@register.filter
def format_money(value, currency: str = "") -> str:
    if value is None or value == "":
        return ""
    money = value if isinstance(value, Money) else Money(Decimal(value), currency)
    return _format_money(money)
