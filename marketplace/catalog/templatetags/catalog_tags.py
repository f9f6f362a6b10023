from decimal import Decimal

from django import template
from django.utils.formats import number_format

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
