"""Who may open credit's pages. Credit cannot import marketplace's decorators, so it keeps its own."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def operator_required(view):
    """Anonymous visitors go to the login page; signed-in people who are not operators get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not getattr(request.user, "is_operator", False):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def risk_officer_required(view):
    """Credit internals (other companies' subscores, reasons, facts; the models) are for risk officers only."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not getattr(request.user, "is_risk_officer", False):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def operator_or_risk_officer_required(view):
    """Partner imports are read by risk officers too (they judge the data behind an index); only
    operators upload."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        user = request.user
        if not (getattr(user, "is_operator", False) or getattr(user, "is_risk_officer", False)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
