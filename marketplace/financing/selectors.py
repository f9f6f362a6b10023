"""Who sees which financing application: the supplier's members, the bank it was made to, platform risk officers.

Everyone else — another supplier, the buyer of the deal, another bank's or an insurer's risk officer —
gets the same None (the view's 404) as for an application that does not exist.
"""

from django.db.models import OuterRef, Subquery

from credit.selectors import with_current_grade
from marketplace.companies.models import Company, Membership
from marketplace.deals.permissions import is_platform_risk_officer
from marketplace.financing.models import PENDING_STATUSES, FinancingApplication
from marketplace.financing.services import bank_of

SUPPLIER, BANK, RISK = "supplier", "bank", "risk"


def _base():
    return FinancingApplication.objects.select_related(
        "deal",
        "order",
        "supplier",
        "buyer",
        "bank",
        "declaration__limit__policy",
        "declaration__limit__insurer",
    )


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


def _with_supplier_grade(qs):
    """Each application annotated with `supplier_grade`, the supplier's current grade (None: never scored)."""
    grades = with_current_grade(Company.objects.filter(pk=OuterRef("supplier_id"))).values("credit_grade")[:1]
    return qs.annotate(supplier_grade=Subquery(grades))


def bank_queue(bank, *, status: str = ""):
    """The applications made to `bank`, newest first, with the supplier's current grade."""
    qs = _with_supplier_grade(_base().filter(bank=bank))
    if status == "pending":
        qs = qs.filter(status__in=PENDING_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def all_applications(*, status: str = ""):
    qs = _with_supplier_grade(_base())
    if status == "pending":
        return qs.filter(status__in=PENDING_STATUSES)
    return qs.filter(status=status) if status else qs
