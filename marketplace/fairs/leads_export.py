"""The exhibitor's leads as CSV or XLSX. A lead whose buyer withdrew consent keeps its row (it was
scanned) but without the person's contact data, and says "no follow-up"."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header():
    return [
        _("Scanned"),
        _("Session"),
        _("Name"),
        _("Email"),
        _("Company"),
        _("Country"),
        _("Rating"),
        _("Status"),
        _("Follow-up"),
        _("Notes"),
        _("Products"),
    ]


def rows(leads):
    for lead in leads.prefetch_related("products"):
        reg = lead.registration
        withdrawn = lead.consent_withdrawn
        yield [
            timezone.localtime(lead.scanned_at).strftime("%Y-%m-%d %H:%M"),
            lead.session.name,
            "" if withdrawn else reg.full_name,
            "" if withdrawn else reg.email,
            reg.company_name,
            str(reg.country),
            lead.get_rating_display(),
            lead.get_status_display(),
            _("no follow-up") if withdrawn else _("yes"),
            lead.notes,
            "; ".join(p.name for p in lead.products.all()),
        ]


def _safe(value):
    """Cells that a spreadsheet would run as a formula are quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def response(leads, *, fmt: str) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Leads"
        sheet.append(_header())
        for row in rows(leads):
            sheet.append([_safe(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        resp = HttpResponse(out.getvalue(), content_type=XLSX)
        resp["Content-Disposition"] = f'attachment; filename="leads-{stamp}.xlsx"'
        return resp
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_header())
    for row in rows(leads):
        writer.writerow([_safe(v) for v in row])
    resp = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="leads-{stamp}.csv"'
    return resp
