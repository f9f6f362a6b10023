from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.formats import localize, number_format
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

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


# -- the product cards in one pass -------------------------------------------------------------------

_NO_IMAGE_SVG = (
    '<svg viewBox="0 0 48 48" width="56" height="56" aria-hidden="true" focusable="false">'
    '<path d="M24 5 41 14v20L24 43 7 34V14z" fill="none" stroke="currentColor" stroke-width="2.5"'
    ' stroke-linejoin="round"/><path d="M7 14l17 9 17-9M24 23v20" fill="none" stroke="currentColor"'
    ' stroke-width="2.5" stroke-linejoin="round"/></svg>'
)
_PK, _THUMB, _SLUG = 987654321, 123456789, "slug-placeholder-0"


def _card_words() -> dict[str, str]:
    """The card's fixed words in the active language, looked up once per page, not once per card."""
    return {
        "converted": gettext("Converted at the reference rate; the supplier quotes in its own currency."),
        "on_request": gettext("Price on request"),
        "verified": gettext("Verified"),
        "from": gettext("from %(price)s / %(unit)s"),
        "moq": gettext("MOQ %(moq)s %(unit)s"),
    }


def _product_cards_html(products, display_currency: str = "", hide_supplier: bool = False) -> str:
    """The cards `catalog/includes/product_card.html` draws, for a whole page in one Python loop: the
    URLs reversed once (then the ids put in), the fixed words translated once, the unit labels from
    `Product.unit_label`. tests/marketplace/catalog/test_product_cards.py compares each card with the
    template's, in both languages."""
    words = _card_words()
    detail = reverse("catalog:product_detail", kwargs={"pk": _PK})
    image = reverse("catalog:product_image", args=[_PK, _THUMB, "thumb"])
    site = reverse("catalog:supplier_site", args=[_SLUG])
    out = []
    for product in products:
        pk = str(product.pk)
        url = escape(detail.replace(str(_PK), pk))
        if product.thumb_id:
            thumb = (
                f'<img src="{escape(image.replace(str(_PK), pk).replace(str(_THUMB), str(product.thumb_id)))}"'
                ' alt="" loading="lazy" width="240" height="180">'
            )
        else:
            label = escape(Truncator(product.category.display_name).chars(60))
            thumb = (
                f'<span class="no-image">{_NO_IMAGE_SVG}<span class="no-image-label">{label}</span></span>'
            )
        unit = escape(product.unit_label)
        if product.min_price is not None:
            price = words["from"] % {
                "price": escape(money(product.min_price, product.currency)),
                "unit": unit,
            }
            if (
                display_currency
                and display_currency != product.currency
                and product.min_price_usd is not None
            ):
                price += (
                    f' <span class="converted muted small" title="{words["converted"]}">'
                    f"≈ {escape(usd_to(product.min_price_usd, display_currency))}</span>"
                )
        else:
            price = f'<span class="muted">{words["on_request"]}</span>'
        facts = words["moq"] % {"moq": escape(localize(product.moq)), "unit": unit}
        if product.lead_time_days is not None:
            days = product.lead_time_days
            facts += " · " + (
                ngettext("%(days)s day lead time", "%(days)s days lead time", days)
                % {"days": escape(localize(days))}
            )
        supplier = ""
        if not hide_supplier:
            company = product.supplier
            badge = f'<span class="tag tag-ok">✓ {words["verified"]}</span>' if company.verified_at else ""
            supplier = (
                f'<p class="small supplier-line"><a href="{escape(site.replace(_SLUG, company.slug))}">'
                f"{escape(company.display_name)}</a>\n    {badge}\n"
                f'    <span class="muted">{escape(company.country.name)}</span></p>'
            )
        out.append(
            '<article class="card product-card">\n'
            f'  <a class="product-thumb" href="{url}" tabindex="-1" aria-hidden="true">\n'
            f"    {thumb}\n  </a>\n"
            f'  <h3><a href="{url}">{escape(product.display_name)}</a></h3>\n'
            f'  <p class="price">{price}</p>\n'
            f'  <p class="muted small">{facts}</p>\n'
            f"  {supplier}\n</article>\n"
        )
    return "".join(out)


@register.simple_tag
def product_cards(products, display_currency: str = "", hide_supplier: bool = False) -> str:
    """`{% product_cards page_obj display_currency=… hide_supplier=… %}`: every card of a page at once."""
    return mark_safe(_product_cards_html(products, display_currency, hide_supplier))  # noqa: S308 - escaped above
