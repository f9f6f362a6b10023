"""Reads of showcases: who may open one (everyone else gets the same 404), what buyers see, what suppliers learn."""

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from marketplace.catalog.models import ProductImage
from marketplace.companies.models import Company
from marketplace.showcases.models import (
    Interest,
    Showcase,
    ShowcaseAccess,
    ShowcaseInvitation,
    ShowcaseItem,
    ShowcaseView,
    open_showcases_q,
)


def showcase_for_buyer(*, token: str, user) -> tuple[Showcase, Company]:
    """The showcase and the viewer's company, if that company is in the open showcase's audience.

    Not signed in, no company, not in the audience, revoked, before opening, after expiry or closing,
    no such token: all the same Http404, so an outsider learns nothing, not even that it exists.
    """
    if not user.is_authenticated or user.membership is None:
        raise Http404
    company = user.membership.company
    showcase = (
        Showcase.objects.select_related("supplier")
        .filter(open_showcases_q(), token=token)
        .filter(accesses__company=company, accesses__revoked_at__isnull=True)
        .first()
    )
    if showcase is None:
        raise Http404
    return showcase, company


def shared_with(*, company: Company) -> QuerySet[Showcase]:
    """Open showcases whose audience includes the company, newest share first."""
    return (
        Showcase.objects.filter(open_showcases_q())
        .filter(accesses__company=company, accesses__revoked_at__isnull=True)
        .select_related("supplier")
        .annotate(n_items=Count("items", distinct=True), shared_at=Max("accesses__granted_at"))
        .order_by("-shared_at")
    )


def showcase_items(*, showcase: Showcase) -> QuerySet[ShowcaseItem]:
    """A showcase's products with what the buyer's page shows, thumbnails included, in a fixed number of queries."""
    first = (
        ProductImage.objects.filter(product=OuterRef("product_id"))
        .order_by("position", "pk")
        .values("pk")[:1]
    )
    return (
        showcase.items.select_related("product", "product__category")
        .defer("product__search_document", "product__search_vector")
        .annotate(thumb_id=Subquery(first))
        .order_by("position", "pk")
    )


def showcase_item(*, showcase: Showcase, item_pk: int) -> ShowcaseItem:
    item = (
        ShowcaseItem.objects.filter(showcase=showcase, pk=item_pk)
        .select_related("product", "product__category", "product__supplier")
        .prefetch_related(
            "product__price_tiers", "product__specs", "product__images", "product__certifications"
        )
        .first()
    )
    if item is None:
        raise Http404
    return item


def supplier_showcases(*, supplier: Company) -> QuerySet[Showcase]:
    return (
        Showcase.objects.filter(supplier=supplier)
        .annotate(
            n_items=Count("items", distinct=True),
            n_buyers=Count("accesses", filter=Q(accesses__revoked_at__isnull=True), distinct=True),
        )
        .order_by("-created_at")
    )


def showcase_stats(*, showcase: Showcase) -> dict:
    """Per buyer company: showcase views, product views, last seen. Per product: views, companies, last seen."""
    per_company = {
        row["company"]: row
        for row in ShowcaseView.objects.filter(showcase=showcase)
        .values("company")
        .annotate(
            page_views=Count("pk", filter=Q(item__isnull=True)),
            product_views=Count("pk", filter=Q(item__isnull=False)),
            people=Count("user", distinct=True),
            last_seen=Max("viewed_at"),
        )
    }
    per_item = {
        row["item"]: row
        for row in ShowcaseView.objects.filter(showcase=showcase, item__isnull=False)
        .values("item")
        .annotate(views=Count("pk"), companies=Count("company", distinct=True), last_seen=Max("viewed_at"))
    }
    accesses = list(showcase.accesses.select_related("company", "invitation").order_by("granted_at"))
    known = {a.company_id for a in accesses}
    extra = Company.objects.filter(pk__in=[c for c in per_company if c not in known])

    def figures(row: dict) -> dict:
        return {k: v for k, v in row.items() if k not in ("company", "item")}

    buyers = [
        {**figures(per_company.get(a.company_id, {})), "access": a, "company": a.company} for a in accesses
    ]
    buyers += [{**figures(per_company.get(c.pk, {})), "access": None, "company": c} for c in extra]
    items = [
        {**figures(per_item.get(item.pk, {})), "item": item}
        for item in showcase.items.select_related("product").order_by("position", "pk")
    ]
    return {"buyers": buyers, "items": items}


def showcase_interests(*, showcase: Showcase) -> QuerySet[Interest]:
    return showcase.interests.select_related("company", "user", "product").order_by("-created_at")


def showcase_invitations(*, showcase: Showcase) -> QuerySet[ShowcaseInvitation]:
    return showcase.invitations.select_related("claimed_by_company").order_by("-created_at")


def buyer_search(*, query: str, exclude: Company, limit: int = 20) -> QuerySet[Company]:
    """Buyer companies from the directory for the audience picker."""
    qs = Company.objects.buyers().exclude(pk=exclude.pk).select_related("industry")
    for word in query.split()[:5]:
        qs = qs.filter(Q(name__icontains=word) | Q(name_zh__icontains=word) | Q(city__icontains=word))
    return qs.order_by("name")[:limit]


def audience_ids(*, showcase: Showcase) -> set[int]:
    return set(
        ShowcaseAccess.objects.filter(showcase=showcase, revoked_at__isnull=True).values_list(
            "company_id", flat=True
        )
    )
