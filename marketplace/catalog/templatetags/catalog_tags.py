from decimal import Decimal

from django import template
from django.utils.formats import number_format

from marketplace.catalog.money import from_usd

register = template.Library()


@register.filter
def money(value, currency: str = "") -> str:
    """1234.5 → "1,234.50 USD": two decimals, or up to four when the price has them."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    places = 2 if value == value.quantize(Decimal("0.01")) else 4
    text = number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{text} {currency}".strip()


@register.filter
def usd_to(value, currency: str) -> str:
    """A price already converted to USD (a product's `min_price_usd`), shown in `currency` at the same
    reference rates the price filters use."""
    if value is None or value == "" or not currency:
        return ""
    return money(from_usd(Decimal(value), currency).quantize(Decimal("0.01")), currency)
