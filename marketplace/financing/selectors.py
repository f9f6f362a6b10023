"""Who sees which financing application: the supplier's members, the bank it was made to, platform risk officers.

Everyone else — another supplier, the buyer of the deal, another bank's or an insurer's risk officer —
gets the same None (the view's 404) as for an application that does not exist.
"""

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


def with_supplier_grades(applications) -> list[FinancingApplication]:
    """The applications (a page of them) as a list, each with `supplier_grade`, its supplier's current
    grade (None: never scored) — one query for the page. Read after the page is cut: as a subquery in the
    queue's select list PostgreSQL computed it for every row an OFFSET skipped as well (73 ms at page 60)."""
    rows = list(applications)
    ids = {row.supplier_id for row in rows}
    grades = dict(
        with_current_grade(Company.objects.filter(pk__in=ids)).values_list("pk", "credit_grade")
        if ids
        else ()
    )
    for row in rows:
        row.supplier_grade = grades.get(row.supplier_id)
    return rows


def in_order(ids) -> list[FinancingApplication]:
    """The applications of these ids, in that order, with what a list row shows (one query).

    A queue pages over ids alone (its index gives them in order, OFFSET and all) and loads the page's
    rows after: paged with every join, PostgreSQL joined the bank's whole queue before it could skip
    1,475 rows (80 ms at page 60 of 3,200 applications)."""
    ids = list(ids)
    found = _base().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def bank_queue(bank, *, status: str = ""):
    """The applications made to `bank`, newest first (`with_supplier_grades` for the page shown)."""
    qs = FinancingApplication.objects.filter(bank=bank)
    if status == "pending":
        qs = qs.filter(status__in=PENDING_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def all_applications(*, status: str = ""):
    qs = FinancingApplication.objects.order_by("-created_at", "-pk")
    if status == "pending":
        return qs.filter(status__in=PENDING_STATUSES)
    return qs.filter(status=status) if status else qs
