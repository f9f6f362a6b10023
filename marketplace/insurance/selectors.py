"""Reading insurance: an insurer's queue, a deal's cover, and the insured receivable financing builds on."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from marketplace.core.lists import Chained
from marketplace.deals.models import Deal
from marketplace.insurance.models import USING_LIMIT, Claim, CreditLimit, Declaration, LimitStatus


def queue(*, insurer_id: int, status: str = "") -> QuerySet[CreditLimit] | Chained:
    """The limit applications and limits made to one insurer, pending first, newest first.

    Without a status filter: the pending ones, then the rest, each part read in index order (the
    (insurer, status, -requested_at) and (insurer, -requested_at, -id) indexes), so a page costs a range
    scan at any number of applications instead of sorting them all."""
    rows = CreditLimit.objects.filter(insurer_id=insurer_id).select_related(
        "buyer", "policy__insured", "deal"
    )
    if status:
        return rows.filter(status=status).order_by("-requested_at", "-pk")
    newest = ("-requested_at", "-pk")
    return Chained(
        rows.filter(status=LimitStatus.PENDING).order_by(*newest),
        rows.exclude(status=LimitStatus.PENDING).order_by(*newest),
    )


def claims_for(*, insurer_id: int) -> QuerySet[Claim]:
    return Claim.objects.filter(declaration__limit__insurer_id=insurer_id).select_related(
        "declaration__deal__buyer", "declaration__limit__policy__insured"
    )


def declarations_of(deal: Deal) -> QuerySet[Declaration]:
    return (
        Declaration.objects.filter(deal=deal)
        .select_related("shipment", "milestone", "limit__insurer", "limit__policy", "claim")
        .order_by("pk")
    )


@dataclass(frozen=True)
class InsuredReceivable:
    """A deal's invoice insured against the buyer's non-payment: what a bank may finance after shipment,
    with the policy's indemnity assigned to it."""

    deal_id: int
    declaration_id: int
    policy_number: str
    certificate_number: str
    insurer_id: int
    insured_id: int
    buyer_id: int
    insured_amount: Decimal
    currency: str
    indemnity_percent: int
    indemnity_amount: Decimal
    due_date: object
    status: str
    assigned_to_id: int | None = None


def insured_receivable(deal: Deal) -> list[InsuredReceivable]:
    """The deal's declarations in cover (not paid by the buyer, not lapsed, not already indemnified),
    oldest first; empty when nothing on the deal is insured. Financing reads this to take the assignment
    of the indemnity (`indemnity_amount` is `insured_amount` × `indemnity_percent` / 100)."""
    rows = (
        Declaration.objects.filter(deal=deal, status__in=USING_LIMIT)
        .select_related("limit__policy")
        .order_by("pk")
    )
    return [
        InsuredReceivable(
            deal_id=d.deal_id,
            declaration_id=d.pk,
            policy_number=d.limit.policy.number,
            certificate_number=d.number,
            insurer_id=d.limit.insurer_id,
            insured_id=d.limit.policy.insured_id,
            buyer_id=d.limit.buyer_id,
            insured_amount=d.insured_amount,
            currency=d.currency,
            indemnity_percent=d.indemnity_percent,
            indemnity_amount=d.indemnity.amount,
            due_date=d.due_date,
            status=d.status,
            assigned_to_id=d.indemnity_assigned_to_id,
        )
        for d in rows
    ]
