"""How the sourcing pages write quantities and reply times (`{% load rfq_tags %}`); money goes through
`core.money.format_money` (`{% load money_tags %}`), and quantities are grouped by the same CLDR rules."""

import datetime as dt
from decimal import Decimal

from babel.numbers import format_decimal
from django import template
from django.utils.translation import gettext, ngettext

from marketplace.core.money import babel_locale
from marketplace.matchmaking.rfq_forms import plain_number

register = template.Library()


@register.filter
def quantity(value) -> str:
    """3.000 → "3", 12000.500 → "12,000.5": no padding zeros, no exponent, grouped as the language groups."""
    if value is None or value == "":
        return ""
    return format_decimal(
        Decimal(plain_number(Decimal(value))), locale=babel_locale(), decimal_quantization=False
    )


@register.filter
def reply_time(value: dt.timedelta | None) -> str:
    """How long a reply took, as a reader wants it: "under 1 h", "5 h", "3 days"; "no reply yet" for none."""
    if value is None:
        return gettext("no reply yet")
    hours = value.total_seconds() / 3600
    if hours < 1:
        return gettext("under 1 h")
    if hours < 48:
        n = round(hours)
        return ngettext("%(n)d h", "%(n)d h", n) % {"n": n}
    days = round(hours / 24)
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
