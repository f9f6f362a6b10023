"""Currencies the catalog quotes in, and the conversion to US dollars used only to compare prices.

Prices are always stored and shown in the supplier's own currency (Decimal, ISO 4217 code). To filter
and sort a catalog quoted in many currencies, each product also keeps its lowest price converted to
USD (`Product.min_price_usd`). The conversion uses the platform's one FX table (`marketplace.core.fx`)
at its **latest rates on record**: those change only when an operator uploads the ECB's rates, so a
search result does not reshuffle between uploads; after an upload `catalog_reprice` brings every
stored `min_price_usd` to the new rates (run on the upload's `fx_rates_changed` signal). The figures
shown to buyers never use it.
"""

from decimal import Decimal

from django.apps import apps
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from marketplace.core import fx
from marketplace.core.money import CURRENCIES, Money

# The quoting currencies suppliers on the fair actually use: a choice of codes from the one list.
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
CURRENCY_CODES = tuple(code for code, _label in CURRENCY_CHOICES)
assert set(CURRENCY_CODES) <= CURRENCIES

CENT = Decimal("0.0001")  # min_price_usd's places
PLACES = 4


def to_usd(amount: Decimal, currency: str) -> Decimal:
    """The amount in US dollars at the latest reference rates, for comparing prices only."""
    return fx.convert(Money(amount, currency), "USD", places=PLACES).result.amount


def from_usd(amount: Decimal, currency: str) -> Decimal:
    """US dollars in `currency` at the latest reference rates (the price filter's bounds)."""
    return fx.convert(Money(amount, "USD"), currency, places=PLACES).result.amount


def catalog_reprice() -> int:
    """Recompute every product's `min_price_usd` at the latest rates; returns how many changed.

    Cached catalog pages keep their entry for up to a minute (`catalog.caching.HTML_SECONDS`), as
    after any change made around the save signals.
    """
    product_model = apps.get_model("catalog", "Product")
    table = fx.rates_on()
    changed = []
    products = product_model.objects.filter(min_price__isnull=False).only(
        "pk", "currency", "min_price", "min_price_usd"
    )
    for product in products.iterator(chunk_size=2000):
        if product.currency not in table.currencies:
            continue
        usd = to_usd(product.min_price, product.currency)
        if usd != product.min_price_usd:
            product.min_price_usd = usd
            changed.append(product)
    product_model.objects.bulk_update(changed, ["min_price_usd"], batch_size=1000)
    return len(changed)


@receiver(fx.fx_rates_changed, dispatch_uid="catalog_reprice_on_new_rates")
def _reprice_on_new_rates(sender, **kwargs):
    catalog_reprice()
