"""Who may open which page. Views declare it with these decorators; each rule has a test that tries to break it."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from marketplace.companies.models import PlatformRole


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
