"""The fair ROI pages: what a session brought, as a funnel per phase and exhibitor, and its CSV.

Operators see the whole session (by hall, zone, phase and exhibitor; `?company=` narrows to one exhibitor);
a supplier's members see their own company's rows only — asking for another company's is a 404. Buyers and
other signed-in people get a 404; the anonymous are sent to sign in.
"""

import csv

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from marketplace.catalog.money import CURRENCY_CHOICES, CURRENCY_CODES
from marketplace.companies.permissions import is_member, is_operator
from marketplace.fairs import roi
from marketplace.fairs.models import FairSession

DEFAULT_CURRENCY = "USD"


def _scope(request, session) -> int | None:
    """The company whose rows the viewer may see (None: every company, for operators), or a 404."""
    wanted = request.GET.get("company") or ""
    wanted = int(wanted) if wanted.isdigit() else None
    if is_operator(request.user):
        return wanted
    company = request.user.company
    if company is None or not company.is_supplier or not is_member(request.user, company):
        raise Http404
    if wanted is not None and wanted != company.pk:
        raise Http404
    return company.pk


def _choices(request, session):
    currency = (request.GET.get("currency") or "").upper()
    if currency not in CURRENCY_CODES:
        currency = DEFAULT_CURRENCY
    numbers = list(session.phases.order_by("number").values_list("number", flat=True))
    phase = request.GET.get("phase") or ""
    phase = int(phase) if phase.isdigit() and int(phase) in numbers else None
    return currency, phase, numbers


def _report(request, slug):
    if not request.user.is_authenticated:
        return None, None
    session = get_object_or_404(FairSession, slug=slug)
    company_id = _scope(request, session)
    currency, phase, numbers = _choices(request, session)
    report = roi.session_roi(session=session, currency=currency, company_id=company_id, phase=phase)
    return report, {"phase": phase, "phases": numbers, "company_id": company_id}


def session_roi(request, slug):
    report, extra = _report(request, slug)
    if report is None:
        return redirect_to_login(request.get_full_path())
    operator = is_operator(request.user)
    chart = roi.funnel_chart(report.total, title=_("What the session brought"))
    return render(
        request,
        "fairs/roi/session_roi.html",
        {
            "session": report.session,
            "report": report,
            "chart": mark_safe(chart),  # noqa: S308 - charts escape every label themselves
            "operator": operator,
            "by_hall": report.by("hall") if operator else [],
            "by_zone": report.by("zone") if operator else [],
            "currencies": CURRENCY_CHOICES,
            "query": request.GET.urlencode(),
            "rfq_window_days": roi.RFQ_WINDOW_DAYS,
            **extra,
        },
    )


CSV_HEADER = (
    "session",
    "phase",
    "company",
    "booth",
    "hall",
    "zone",
    "badge_scans",
    "leads",
    "meetings_held",
    "inquiries",
    "rfq_quotations",
    "deals",
    "deal_value",
    "currency",
    "leads_per_scan_pct",
    "meetings_per_lead_pct",
    "inquiries_per_meeting_pct",
    "rfq_quotations_per_meeting_pct",
    "deals_per_inquiry_or_quotation_pct",
)


def session_roi_csv(request, slug):
    report, _extra = _report(request, slug)
    if report is None:
        return redirect_to_login(request.get_full_path())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fair-roi-{report.session.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in report.rows:
        funnel = row.funnel
        rates = [rate for _k, _label, _count, rate, _of in funnel.steps()[1:]]
        writer.writerow(
            [
                report.session.slug,
                "" if row.phase is None else row.phase,
                row.company_name,
                row.booth,
                row.hall,
                row.zone,
                funnel.scans,
                funnel.leads,
                funnel.meetings,
                funnel.inquiries,
                funnel.rfq_quotations,
                funnel.deals,
                str(funnel.money.quantize().amount),
                report.currency,
                *("" if rate is None else str(rate) for rate in rates),
            ]
        )
    return response
