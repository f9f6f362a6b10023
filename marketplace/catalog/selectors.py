"""Reads of the catalog for pages: the public search, a supplier's own list, one product with what it shows."""

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from marketplace.catalog.models import (
    Category,
    CategoryLevel,
    Product,
    ProductImage,
    ProductStatus,
)
from marketplace.companies.models import Company
from marketplace.companies.permissions import can_view_product

# Columns a product card never needs: keep the search text out of list queries.
HEAVY = ("search_document", "search_vector", "description", "description_zh")


def with_thumbnail(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """Each product with the id of its first image, in the same query."""
    first = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "pk").values("pk")[:1]
    return queryset.annotate(thumb_id=Subquery(first))


def public_products() -> QuerySet[Product]:
    """Products anyone may see, with what a card shows joined in."""
    return with_thumbnail(
        Product.objects.public()
        .select_related("supplier", "category")
        .defer(*HEAVY, "supplier__description", "supplier__description_zh")
    )


def product_search(*, filters, viewer=None):
    """The public catalog's FilterSet bound to `filters` (a QueryDict); `.qs` is the page's queryset."""
    from marketplace.catalog.filters import ProductFilter

    return ProductFilter(filters, queryset=public_products())


def supplier_products(*, supplier: Company) -> QuerySet[Product]:
    """All of a supplier's products, whatever their status, for its own portal."""
    return with_thumbnail(Product.objects.filter(supplier=supplier).select_related("category").defer(*HEAVY))


def product_detail_queryset() -> QuerySet[Product]:
    return (
        Product.objects.select_related("supplier", "supplier__industry", "category", "category__parent")
        .prefetch_related("price_tiers", "specs", "images", "certifications")
        .defer("search_document", "search_vector")
    )


def product_for_viewer(*, pk: int, user, queryset: QuerySet[Product] | None = None) -> Product | None:
    """A product page's product if `user` may see it (`permissions.can_view_product`), else None.

    Public products for everyone, any status for its own supplier's staff. Showcase-only products are
    None here even to buyers who have them in a showcase: the showcase page is their only door, so the
    showcase price never sits next to a public address. `queryset` narrows what is loaded (a file
    download needs only the product's status and supplier); the default loads what the page shows.
    """
    queryset = product_detail_queryset() if queryset is None else queryset
    product = queryset.filter(pk=pk).first()
    if product is None or not can_view_product(user, product):
        return None
    return product


def category_choices() -> QuerySet[Category]:
    return Category.objects.select_related("parent").order_by("position")


def supplier_site(*, slug: str) -> Company | None:
    """The supplier whose mini-site lives at `slug` (None: no such supplier)."""
    return Company.objects.suppliers().select_related("industry").filter(slug=slug).first()


def status_counts(*, supplier: Company) -> dict[str, int]:
    from django.db.models import Count

    rows = Product.objects.filter(supplier=supplier).values("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(ProductStatus.values, 0)
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


def sections_with_chapters() -> list[Category]:
    return list(
        Category.objects.filter(level=CategoryLevel.SECTION).prefetch_related(
            Prefetch("children", queryset=Category.objects.order_by("position"))
        )
    )
