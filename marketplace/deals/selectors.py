"""Reading deals: the deals a person's company takes part in, a deal's timeline rows, unread counts."""

from collections.abc import Iterable

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from marketplace.deals.models import Deal, DealEvent, DealReadState, Message, Offer, shown_offer_status


def deals_for_company(company_id: int | None) -> QuerySet[Deal]:
    """Every deal in which the company is buyer or supplier, newest activity first."""
    if company_id is None:
        return Deal.objects.none()
    return with_latest_offer(
        Deal.objects.filter(Q(buyer_id=company_id) | Q(supplier_id=company_id))
        .select_related("buyer", "supplier")
        .order_by("-last_event_at", "-pk")
    )


def with_latest_offer(queryset: QuerySet[Deal]) -> QuerySet[Deal]:
    """Each deal with its latest offer's version and status as shown (an open offer past its date: expired)."""
    latest = Offer.objects.filter(deal=OuterRef("pk")).order_by("-version")
    return queryset.annotate(
        latest_offer_version=Subquery(latest.values("version")[:1]),
        latest_offer_status=Subquery(latest.annotate(shown=shown_offer_status()).values("shown")[:1]),
    )


def timeline(deal: Deal) -> QuerySet[DealEvent]:
    """The deal's record in order, with who did each step."""
    return deal.events.order_by("seq").select_related("actor_user", "actor_company")


def unread_counts(*, user, company_id: int | None, deals: Iterable[Deal]) -> dict[int, int]:
    """Messages from the other party that `user` has not read yet, per deal id."""
    ids = [d.pk for d in deals]
    if not ids or company_id is None:
        return {}
    last_read = DealReadState.objects.filter(deal=OuterRef("deal_id"), user=user).values("last_read_at")[:1]
    rows = (
        Message.objects.filter(deal_id__in=ids)
        .exclude(author_company_id=company_id)
        .annotate(read_until=Subquery(last_read))
        .filter(Q(read_until__isnull=True) | Q(created_at__gt=F("read_until")))
        .values("deal_id")
        .annotate(n=Count("pk"))
    )
    return {row["deal_id"]: row["n"] for row in rows}
