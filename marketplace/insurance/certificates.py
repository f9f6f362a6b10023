"""The policy certificate of one declared shipment, as PDF: English and Simplified Chinese side by side.

Like the sales contract (deals/contracts.py), the two texts are parts of one document whatever the
reader's language, so the labels are in the template in both languages and the values are prepared
here; the PDF is stored privately with its SHA-256, which the deal's record keeps.
"""

from __future__ import annotations

from django.utils import timezone

from marketplace.core import pdf
from marketplace.deals.contracts import party_addresses
from marketplace.insurance.models import Declaration

TEMPLATE = "insurance/pdf/certificate.html"


def _date_zh(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _party(company) -> dict:
    address_en, address_zh = party_addresses(company)
    return {
        "name": company.name,
        "name_zh": company.name_zh or company.name,
        "address_en": address_en,
        "address_zh": address_zh,
    }


def context(declaration: Declaration) -> dict:
    limit = declaration.limit
    policy = limit.policy
    shipment = declaration.shipment
    issued = timezone.localdate(declaration.declared_at)
    indemnity = declaration.indemnity
    return {
        "number": declaration.number,
        "policy": policy.number,
        "issued_en": issued.isoformat(),
        "issued_zh": _date_zh(issued),
        "insurer": _party(limit.insurer),
        "insured": _party(policy.insured),
        "buyer": _party(limit.buyer),
        "deal": declaration.deal.number or str(declaration.deal_id),
        "shipment_number": shipment.number,
        "shipped_en": shipment.shipped_on.isoformat(),
        "shipped_zh": _date_zh(shipment.shipped_on),
        "tracking": shipment.tracking_reference,
        "carrier": shipment.carrier,
        "due_en": declaration.due_date.isoformat(),
        "due_zh": _date_zh(declaration.due_date),
        "term_days": declaration.term_days,
        "currency": declaration.currency,
        "insured_amount": f"{declaration.insured_amount:,.2f}",
        "premium_rate": f"{declaration.premium_rate.normalize():f}",
        "premium": f"{declaration.premium:,.2f}",
        "indemnity_percent": declaration.indemnity_percent,
        "indemnity": f"{indemnity.amount:,.2f}",
        "grade": declaration.buyer_grade,
        "limit_amount": f"{limit.amount:,.2f}",
        "limit_currency": limit.currency,
        "limit_valid_en": limit.valid_until.isoformat(),
        "limit_valid_zh": _date_zh(limit.valid_until),
        "report_days": policy.report_days,
        "max_extension_days": policy.max_extension_days,
        "waiting_days": policy.waiting_days,
    }


def render(declaration: Declaration) -> bytes:
    # zh-CN on <html> makes WeasyPrint choose the Simplified Chinese face for the shared characters.
    return pdf.render_pdf(TEMPLATE, context(declaration), language="zh-hans")
