"""Who may do what: the object permission predicates, and the view decorators built on them.

Views and services ask the same questions here (`is_member(user, company)`, `can_manage_product(user,
product)`), so a rule is written once. Predicates take the objects of higher apps (products,
showcases) by their attributes only, so this module imports nothing above companies. Each reads the
database afresh rather than `user.membership` (cached per user object), because a service may run
right after someone joined or left.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from marketplace.companies.models import Company, MemberRole, Membership, PlatformRole


def _company_id(company: Company | int | None) -> int | None:
    return company if company is None or isinstance(company, int) else company.pk


def _signed_in_person(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# -- predicates ----------------------------------------------------------------------------------


def has_company(user) -> bool:
    """Does `user` already work for a company (a person belongs to one at most)?"""
    return _signed_in_person(user) and Membership.objects.filter(user=user).exists()


def is_member(user, company: Company | int | None) -> bool:
    """Does `user` work for `company` (a company or its id), in any role?"""
    company_id = _company_id(company)
    return (
        company_id is not None
        and _signed_in_person(user)
        and Membership.objects.filter(user=user, company_id=company_id).exists()
    )


def is_owner(user, company: Company | int | None) -> bool:
    """Is `user` an owner of `company`: may they manage its staff and profile?"""
    company_id = _company_id(company)
    return (
        company_id is not None
        and _signed_in_person(user)
        and Membership.objects.filter(user=user, company_id=company_id, role=MemberRole.OWNER).exists()
    )


def partner_of_officer(user, kind: str) -> Company | None:
    """The partner company of `kind` (bank, insurer) for which `user` is a risk officer, or None.

    A partner's risk officer is a member of the partner company with the risk-officer role; they decide
    only the applications made to that company (the platform's own risk officers belong to no company).
    """
    if not _signed_in_person(user) or user.platform_role != PlatformRole.RISK_OFFICER:
        return None
    membership = Membership.objects.select_related("company").filter(user=user, company__kind=kind).first()
    return membership.company if membership else None


def is_operator(user) -> bool:
    """Platform staff who verify companies."""
    return _signed_in_person(user) and user.platform_role == PlatformRole.OPERATOR


def can_view_product(user, product) -> bool:
    """Public products for everyone; any status (draft, archived, showcase-only) for the supplier's staff.

    Showcase-only products are not viewable by buyers here even when a showcase holds them: the
    showcase page is their only door, so the showcase price never sits next to a public address.
    """
    return product.is_public or is_member(user, product.supplier_id)


def can_manage_product(user, product) -> bool:
    """Edit, publish, archive, copy: the supplier's staff, any role."""
    return is_member(user, product.supplier_id)


def can_view_document(user, document) -> bool:
    """A verification document: its company's staff and the operators, nobody else."""
    return is_operator(user) or is_member(user, document.company_id)


def can_decide_document(user, document) -> bool:
    """Approving or rejecting a verification document: operators only."""
    return is_operator(user)


def can_manage_showcase(user, showcase) -> bool:
    """Build, share, extend, close a showcase: the supplier's staff."""
    return is_member(user, showcase.supplier_id)


def require(allowed: bool) -> None:
    """For services: PermissionDenied unless `allowed`."""
    if not allowed:
        raise PermissionDenied


def require_member(user, company: Company | int | None) -> None:
    require(is_member(user, company))


def require_owner(user, company: Company | int | None) -> None:
    require(is_owner(user, company))


# -- view decorators -----------------------------------------------------------------------------


def _signed_in(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def member_required(*, supplier: bool = False, buyer: bool = False, owner: bool = False):
    """The view runs for a member of a company (of the given side, as owner if asked) with `request.company`."""

    def decorator(view):
        @_signed_in
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            membership = request.user.membership
            if membership is None:
                if request.user.platform_role:
                    raise PermissionDenied
                return redirect("companies:onboarding")
            company = membership.company
            if (supplier and not company.is_supplier) or (buyer and not company.is_buyer):
                raise PermissionDenied
            if owner and not membership.is_owner:
                raise PermissionDenied
            request.company = company
            request.membership = membership
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def platform_role_required(*roles: PlatformRole):
    """The view runs only for platform staff holding one of `roles`."""

    def decorator(view):
        @_signed_in
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.user.platform_role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
