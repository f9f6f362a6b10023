"""Read-only questions about registrations, badges and check-ins, for this app and for others (leads,
hosted meetings, the ROI funnel)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from marketplace.companies.models import Company
from marketplace.fairs import badge_tokens
from marketplace.fairs.models import Badge, CheckIn, Registration


def checked_in(user_or_company, day: dt.date) -> bool:
    """Whether a person (a user) or anyone of a company had a badge checked in on `day`."""
    rows = CheckIn.objects.filter(day=day)
    if isinstance(user_or_company, Company):
        rows = rows.filter(badge__registration__company=user_or_company)
    else:
        rows = rows.filter(badge__registration__user=user_or_company)
    return rows.exists()


def registration_of(user, session) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Registration.objects.select_related("badge", "company").filter(session=session, user=user).first()


def search(session, query: str, *, limit: int = 50) -> QuerySet[Registration]:
    """Registrations of `session` matching a name, company, email or a badge code (pasted whole)."""
    query = (query or "").strip()
    rows = Registration.objects.filter(session=session).select_related("badge", "company")
    if not query:
        return rows.none()
    match = Q(full_name__icontains=query) | Q(company_name__icontains=query) | Q(email__icontains=query)
    try:
        badge = badge_tokens.read(query)
    except badge_tokens.BadgeRefused:
        badge = _badge_by_code_prefix(query)
    if badge is not None:
        match |= Q(pk=badge.registration_id)
    return rows.filter(match)[:limit]


def _badge_by_code_prefix(query: str) -> Badge | None:
    """A reprinted or revoked badge's code still finds its holder at the desk (the id before the dot)."""
    ident = query.split(":", 1)[0].split(".", 1)[0]
    if ident.startswith("B") and ident[1:].isdigit():
        return Badge.objects.filter(pk=int(ident[1:])).first()
    return None


def check_ins_of(registration: Registration) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(badge__registration=registration).order_by("day")
