"""Operator pages of the shared layer: the FX-rate table and its ECB upload."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.core import fx
from marketplace.core.forms import FxRateUploadForm


def operator_required(view):
    """Anonymous visitors go to the login page; signed-in people who are not operators get 403.

    core imports no app, so it reads the user's `is_operator` (companies.User: platform_role operator)
    rather than companies' decorators.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not getattr(request.user, "is_operator", False):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _summary(result: fx.RateImport) -> str:
    days = ngettext("%(n)s date", "%(n)s dates", len(result.dates)) % {"n": len(result.dates)}
    return _(
        "Imported the rates of %(days)s (%(first)s to %(last)s): %(created)s new, %(updated)s changed, "
        "%(unchanged)s already on record."
    ) % {
        "days": days,
        "first": result.first_date.isoformat(),
        "last": result.last_date.isoformat(),
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }


@operator_required
def fx_rates(request):
    """The latest rate of every currency with its date, and the form that uploads the ECB's CSV."""
    form = FxRateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = fx.import_ecb_csv(form.cleaned_data["file"].read(), by_user=request.user)
        except fx.RateFileError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _summary(result))
            return redirect("core:fx_rates")
    table = fx.rates_on()
    usd = fx.usd_rates()
    rows = [
        {"currency": code, "per_eur": per_eur, "date": date, "usd": usd.get(code)}
        for code, (per_eur, date) in sorted(table.rates.items())
    ]
    status = 400 if form.errors else 200
    return render(
        request,
        "core/fx_rates.html",
        {"form": form, "rows": rows, "latest_date": table.latest_date},
        status=status,
    )
