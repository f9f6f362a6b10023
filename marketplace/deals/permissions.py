"""Who may see a deal and who may act in it.

- The two parties: any member of the buyer or the supplier company sees the deal; members in an acting
  role (owner, staff — every company role today) act for their side.
- Platform operators and platform risk officers (staff with that platform role and no company of their
  own) read every deal; they never act for a side.
- Everyone else — a third company, a visitor, a partner institution's risk officer (a risk officer who
  belongs to a company that is not a party) — is told the deal does not exist (`get_deal_or_404`).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.http import Http404

from marketplace.companies.models import MemberRole, Membership, PlatformRole
from marketplace.deals.models import Deal

# Company roles that act for their side. A read-only company role would be left out of this set.
ACTING_ROLES = frozenset({MemberRole.OWNER, MemberRole.STAFF})


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# Inside `one_reading()`: (user id, buyer id, supplier id) -> the membership read once for that block.
_readings: ContextVar[dict | None] = ContextVar("deal_membership_readings", default=None)


@contextmanager
def one_reading():
    """While a page is drawn (it changes nothing), each person's membership in a deal is read once.

    The deal page asks who the viewer is in several places (its view, the order and fulfilment panels,
    the terms check); without this each asks the database again. Services never run inside it: a
    transition reads the membership afresh, in its own transaction.
    """
    token = _readings.set({})
    try:
        yield
    finally:
        _readings.reset(token)


def _membership(user, deal: Deal) -> Membership | None:
    """The user's membership in one of the deal's two companies, read afresh (a person has one company)."""
    if not _signed_in(user):
        return None
    readings = _readings.get()
    key = (user.pk, deal.buyer_id, deal.supplier_id)
    if readings is not None and key in readings:
        return readings[key]
    membership = (
        Membership.objects.filter(user=user, company_id__in=(deal.buyer_id, deal.supplier_id))
        .only("company_id", "role")
        .first()
    )
    if readings is not None:
        readings[key] = membership
    return membership


def is_platform_staff(user) -> bool:
    """Operators of the platform (and Django superusers who are staff)."""
    return _signed_in(user) and (user.platform_role == PlatformRole.OPERATOR or user.is_superuser)


def is_platform_risk_officer(user) -> bool:
    """A risk officer of the platform itself, not of a partner bank or insurer (those belong to a company)."""
    return (
        _signed_in(user)
        and user.platform_role == PlatformRole.RISK_OFFICER
        and not Membership.objects.filter(user=user).exists()
    )


def side_of(user, deal: Deal) -> str | None:
    """ "buyer" or "supplier" when the user belongs to that party's company (any role), else None."""
    membership = _membership(user, deal)
    if membership is None:
        return None
    return "buyer" if membership.company_id == deal.buyer_id else "supplier"


def acting_side(user, deal: Deal) -> str | None:
    """The side the user may act for ("buyer" / "supplier"), or None when they may only look, or not at all."""
    membership = _membership(user, deal)
    if membership is None or membership.role not in ACTING_ROLES:
        return None
    return "buyer" if membership.company_id == deal.buyer_id else "supplier"


def can_act_for_company(user, company) -> bool:
    """May `user` act for `company` (open a deal for it): a member in an acting role."""
    return (
        _signed_in(user)
        and Membership.objects.filter(user=user, company_id=company.pk, role__in=ACTING_ROLES).exists()
    )


def can_view(user, deal: Deal) -> bool:
    return side_of(user, deal) is not None or is_platform_staff(user) or is_platform_risk_officer(user)


def can_verify_record(user, deal: Deal) -> bool:
    """Running the chain check from the deal page: platform risk officers and operators."""
    return is_platform_risk_officer(user) or is_platform_staff(user)


def can_fetch_attachment(user, deal: Deal) -> bool:
    """Files sent in a deal: the two parties and the operators (not risk officers: they read the record)."""
    return side_of(user, deal) is not None or is_platform_staff(user)


def may_act_for(side: str):
    """An `allowed(user, deal)` predicate for a step only `side` may take."""

    def allowed(user, deal: Deal) -> bool:
        return acting_side(user, deal) == side

    return allowed


def may_act(user, deal: Deal) -> bool:
    """An `allowed` predicate for a step either party may take."""
    return acting_side(user, deal) is not None


def get_deal_or_404(user, pk, queryset=None) -> Deal:
    """The deal if `user` may see it; the same 404 as for a deal that does not exist otherwise."""
    qs = queryset if queryset is not None else Deal.objects.select_related("buyer", "supplier")
    deal = qs.filter(pk=pk).first()
    if deal is None or not can_view(user, deal):
        raise Http404
    return deal
