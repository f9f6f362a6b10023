"""Who sees which financing application: the supplier's members, the bank it was made to, platform risk officers.

Everyone else — another supplier, the buyer of the deal, another bank's or an insurer's risk officer —
gets the same None (the view's 404) as for an application that does not exist.
"""

from marketplace.companies.models import Membership
from marketplace.deals.permissions import is_platform_risk_officer
from marketplace.financing.models import PENDING_STATUSES, FinancingApplication
from marketplace.financing.services import bank_of

SUPPLIER, BANK, RISK = "supplier", "bank", "risk"


def _base():
    return FinancingApplication.objects.select_related("deal", "order", "supplier", "buyer", "bank")


def viewer_role(user, application: FinancingApplication) -> str | None:
    """ "supplier", "bank" (the bank's risk officer), "risk" (platform, read-only) or None."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return None
    bank = bank_of(user)
    if bank is not None:
        return BANK if bank.pk == application.bank_id else None
    if Membership.objects.filter(user=user, company_id=application.supplier_id).exists():
        return SUPPLIER
    if is_platform_risk_officer(user):
        return RISK
    return None


def application_for(user, pk) -> tuple[FinancingApplication, str] | None:
    application = _base().filter(pk=pk).first()
    if application is None:
        return None
    role = viewer_role(user, application)
    return (application, role) if role else None


def supplier_applications(company):
    return _base().filter(supplier=company)


def bank_queue(bank, *, status: str = ""):
    """The applications made to `bank`: those waiting for it first, then the newest."""
    qs = _base().filter(bank=bank)
    if status == "pending":
        qs = qs.filter(status__in=PENDING_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def all_applications(*, status: str = ""):
    qs = _base()
    return qs.filter(status=status) if status else qs
