"""Who may see a sourcing request, quote on it, and decide its quotations.

- The buyer's members see their RFQ, its quotations and the comparison; they decide the quotations.
- A supplier company may see (and quote on) an RFQ when it is invited, or — for an RFQ open to the
  category — when it is verified and lists a published product in the RFQ's HS chapter.
- Everyone else (another supplier, another buyer, a partner's staff, a visitor, an operator) is told
  the RFQ does not exist: `get_rfq_or_404` gives the same 404 as for a missing id.
- A quotation is seen by the buyer's members and by the members of the supplier who wrote it.
"""

from django.http import Http404

from marketplace.catalog.models import Product
from marketplace.companies.models import Company, Membership
from marketplace.companies.permissions import is_member as is_member_of  # noqa: F401  (for services)
from marketplace.companies.permissions import is_operator  # noqa: F401
from marketplace.matchmaking.models import Quotation, Rfq, RfqVisibility


def company_of(user) -> Company | None:
    """The user's company, read afresh (a person belongs to one at most)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    membership = Membership.objects.select_related("company").filter(user=user).first()
    return membership.company if membership else None


def in_category(company: Company, category_id: int) -> bool:
    return Product.objects.public().filter(supplier=company, category_id=category_id).exists()


def company_may_quote(company: Company | None, rfq: Rfq) -> bool:
    """May this supplier company see and answer `rfq` (whatever the RFQ's state)?"""
    if company is None or not company.is_supplier or company.pk == rfq.buyer_id:
        return False
    if rfq.invited.filter(pk=company.pk).exists():
        return True
    return (
        rfq.visibility == RfqVisibility.CATEGORY
        and company.is_verified
        and in_category(company, rfq.category_id)
    )


def is_buyer_of(user, rfq: Rfq) -> bool:
    company = company_of(user)
    return company is not None and company.pk == rfq.buyer_id


def can_view(user, rfq: Rfq) -> bool:
    company = company_of(user)
    if company is None:
        return False
    return company.pk == rfq.buyer_id or company_may_quote(company, rfq)


def get_rfq_or_404(user, pk: int) -> Rfq:
    rfq = Rfq.objects.select_related("buyer", "category").filter(pk=pk).first()
    if rfq is None or not can_view(user, rfq):
        raise Http404
    return rfq


def can_view_quotation(user, quotation: Quotation) -> bool:
    company = company_of(user)
    return company is not None and company.pk in (quotation.supplier_id, quotation.rfq.buyer_id)
