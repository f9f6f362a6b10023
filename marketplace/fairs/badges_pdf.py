"""The badge as a PDF (A6, through the shared PDF service): name, company, country, role, session, and a
QR code (segno, inline SVG) that carries only the badge's token — no personal data in the code.

The role and the session are printed in English and Simplified Chinese, so one print serves every desk;
the other labels follow `language`. Names print in the Noto CJK face the PDF base template sets.
"""

from __future__ import annotations

import io
import zipfile

import segno
from django.utils import translation
from django.utils.safestring import mark_safe

from marketplace.core import pdf
from marketplace.fairs import badge_tokens
from marketplace.fairs.models import Badge

TEMPLATE = "fairs/badges/pdf/badge.html"


def qr_svg(code: str) -> str:
    """The code as an inline SVG QR code (error correction M, a quiet zone of 4 modules)."""
    return segno.make(code, error="m", micro=False).svg_inline(scale=4, border=4, omitsize=False)


def _both(label_callable) -> tuple[str, str]:
    with translation.override("en"):
        en = str(label_callable())
    with translation.override("zh-hans"):
        zh = str(label_callable())
    return en, zh


def context(badge: Badge) -> dict:
    registration = badge.registration
    session = registration.session
    code = badge_tokens.token_for(badge)
    role_en, role_zh = _both(registration.get_role_display)
    return {
        "badge": badge,
        "registration": registration,
        "session": session,
        "code": code,
        "qr": mark_safe(qr_svg(code)),  # noqa: S308 - segno's own SVG, the code is signed text
        "role_en": role_en,
        "role_zh": role_zh if role_zh != role_en else "",
    }


def render(badge: Badge, *, language: str = "en") -> bytes:
    return pdf.render_pdf(TEMPLATE, context(badge), language=language)


def render_many(badges, *, language: str = "en") -> bytes:
    """Many badges in one PDF, one A6 page each (a desk prints a stack at once)."""
    return pdf.render_pdf(
        "fairs/badges/pdf/badges.html", {"pages": [context(b) for b in badges]}, language=language
    )


def zip_of(badges, *, language: str = "en") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for badge in badges:
            archive.writestr(f"badge-{badge.pk}.pdf", render(badge, language=language))
    return buffer.getvalue()


def filename(badge: Badge) -> str:
    return f"badge-{badge.registration.session.slug}-{badge.pk}.pdf"
