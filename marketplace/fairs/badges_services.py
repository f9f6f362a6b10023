"""Every change to registrations, badges and check-ins goes through one function here: atomic, permission-
checked, row-locked, audited, and announced after commit with `badge_changed`.

- `register_buyer` — a signed-in buyer pre-registers for a session (company, name as printed, interests);
- `register_staff` — a supplier's owner registers one of its members as exhibitor staff;
- `register_walk_in` — service-point staff register a buyer on site (no account; the company's
  verification follows online: a walk-in records the company's name only, no Company row is made, because
  companies' services create a company only with an owner account);
- `reprint` (a new nonce: every older print stops working), `revoke` (with a reason);
- `check_in` — one CheckIn per badge per day; a second scan returns the first one (`created=False`).

A registration issues its badge at once. A buyer's first check-in in a session records the credit fact
`fair_attended` for the buyer's company, and each day a buyer is checked in records `fair_checked_in`
(once per company and day, whichever of its buyers came).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from credit import facts as credit_facts
from marketplace.companies.models import Company, Membership
from marketplace.companies.permissions import is_operator, is_owner
from marketplace.core import audit
from marketplace.core.signals import send_after_commit
from marketplace.fairs import badge_tokens
from marketplace.fairs.exhibitors_selectors import exhibits_in
from marketplace.fairs.models import (
    Badge,
    CheckIn,
    FairSession,
    Registration,
    RegistrationRole,
    ServicePoint,
)
from marketplace.fairs.models.badges import new_nonce

# sender=Badge, badge=..., event="registered"|"reprinted"|"revoked"|"checked_in", actor=user or None
badge_changed = Signal()

CREDIT_SOURCE = "platform"


def is_staff_of(user, service_point: ServicePoint) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return service_point.staff.filter(pk=user.pk).exists()


def _require_desk(user, service_point: ServicePoint) -> None:
    if not is_staff_of(user, service_point):
        raise PermissionDenied


def _company_of(user) -> Company | None:
    membership = Membership.objects.select_related("company").filter(user=user).first()
    return membership.company if membership else None


def _session_open(session: FairSession, today: dt.date | None = None) -> None:
    if session.ends_on < (today or timezone.localdate()):
        raise ValidationError(_("This fair session is over; registration is closed."))


def _issue(registration: Registration, *, actor) -> Badge:
    badge = Badge.objects.create(registration=registration)
    audit.log(
        actor=actor,
        action="fairs.registration.create",
        obj=registration,
        company_id=registration.company_id,
        data={"session": registration.session_id, "role": registration.role, "walk_in": registration.walk_in},
    )
    send_after_commit(badge_changed, sender=Badge, badge=badge, event="registered", actor=actor)
    return badge


def _create(fields: dict, interests, *, actor) -> Badge:
    try:
        with transaction.atomic():
            registration = Registration.objects.create(**fields)
    except IntegrityError:
        raise ValidationError(_("This person is already registered for this session.")) from None
    if interests:
        registration.interests.set(interests)
    return _issue(registration, actor=actor)


@transaction.atomic
def register_buyer(*, session: FairSession, user, full_name: str, interests=(), country: str = "") -> Badge:
    """A signed-in member of a buyer company pre-registers for `session`; their badge is issued."""
    company = _company_of(user)
    if company is None or not company.is_buyer:
        raise PermissionDenied
    FairSession.objects.select_for_update().get(pk=session.pk)
    _session_open(session)
    if Registration.objects.filter(session=session, user=user).exists():
        raise ValidationError(_("You are already registered for this session."))
    fields = {
        "session": session,
        "role": RegistrationRole.BUYER,
        "user": user,
        "company": company,
        "full_name": full_name.strip(),
        "company_name": company.name,
        "country": country or company.country,
        "email": user.email,
        "registered_by": user,
    }
    return _create(fields, interests, actor=user)


@transaction.atomic
def register_staff(*, session: FairSession, by_user, member, full_name: str) -> Badge:
    """A supplier's owner registers one of its members as exhibitor staff for `session`."""
    company = _company_of(by_user)
    if company is None or not company.is_supplier or not is_owner(by_user, company):
        raise PermissionDenied
    if not Membership.objects.filter(user=member, company=company).exists():
        raise ValidationError({"member": _("This person is not a member of your company.")})
    FairSession.objects.select_for_update().get(pk=session.pk)
    _session_open(session)
    if not exhibits_in(company, session):
        raise PermissionDenied(
            _(
                "Exhibitor staff badges are for approved exhibitors of this session; your company has none here."
            )
        )
    if Registration.objects.filter(session=session, user=member).exists():
        raise ValidationError({"member": _("This person is already registered for this session.")})
    fields = {
        "session": session,
        "role": RegistrationRole.EXHIBITOR_STAFF,
        "user": member,
        "company": company,
        "full_name": full_name.strip(),
        "company_name": company.name,
        "country": company.country,
        "email": member.email,
        "registered_by": by_user,
    }
    return _create(fields, (), actor=by_user)


@transaction.atomic
def register_walk_in(
    *,
    service_point: ServicePoint,
    by_user,
    full_name: str,
    company_name: str,
    country: str,
    email: str = "",
    interests=(),
) -> Badge:
    """Service-point staff register a buyer on site. No account and no Company row: the company's name is
    recorded as given, and its verification follows online when the buyer signs up."""
    _require_desk(by_user, service_point)
    session = service_point.session
    FairSession.objects.select_for_update().get(pk=session.pk)
    _session_open(session)
    if email and Registration.objects.filter(session=session, email__iexact=email).exists():
        raise ValidationError({"email": _("Someone with this email address is already registered.")})
    fields = {
        "session": session,
        "role": RegistrationRole.BUYER,
        "full_name": full_name.strip(),
        "company_name": company_name.strip(),
        "country": country,
        "email": email,
        "walk_in": True,
        "registered_by": by_user,
    }
    return _create(fields, interests, actor=by_user)


def _locked(badge: Badge) -> Badge:
    return (
        Badge.objects.select_for_update(of=("self",)).select_related("registration__session").get(pk=badge.pk)
    )


@transaction.atomic
def reprint(*, badge: Badge, by_user, service_point: ServicePoint) -> Badge:
    """A new print: a new nonce, so every older print of this badge is refused from now on."""
    _require_desk(by_user, service_point)
    locked = _locked(badge)
    if locked.registration.session_id != service_point.session_id:
        raise PermissionDenied
    if locked.is_revoked:
        raise ValidationError(_("A revoked badge is not reprinted."))
    locked.nonce = new_nonce()
    locked.printed += 1
    locked.save(update_fields=["nonce", "printed"])
    audit.log(
        actor=by_user, action="fairs.badge.reprint", obj=locked, company_id=locked.registration.company_id
    )
    send_after_commit(badge_changed, sender=Badge, badge=locked, event="reprinted", actor=by_user)
    return locked


@transaction.atomic
def revoke(*, badge: Badge, by_user, reason: str, service_point: ServicePoint | None = None) -> Badge:
    """Stop every print of the badge, with the reason (service-point staff of its session, or an operator)."""
    reason = (reason or "").strip()
    if service_point is not None:
        _require_desk(by_user, service_point)
    elif not is_operator(by_user):
        raise PermissionDenied
    if not reason:
        raise ValidationError({"reason": _("Say why the badge is revoked.")})
    locked = _locked(badge)
    if service_point is not None and locked.registration.session_id != service_point.session_id:
        raise PermissionDenied
    if locked.is_revoked:
        raise ValidationError(_("This badge is already revoked."))
    locked.revoked_at = timezone.now()
    locked.revoked_reason = reason[:300]
    locked.save(update_fields=["revoked_at", "revoked_reason"])
    audit.log(
        actor=by_user,
        action="fairs.badge.revoke",
        obj=locked,
        company_id=locked.registration.company_id,
        data={"reason": locked.revoked_reason},
    )
    send_after_commit(badge_changed, sender=Badge, badge=locked, event="revoked", actor=by_user)
    return locked


def mark_printed(badge: Badge) -> None:
    """Count a download of the holder's own badge (no audit: not a state change of the badge's validity)."""
    Badge.objects.filter(pk=badge.pk).update(printed=F("printed") + 1)


@dataclass(frozen=True)
class CheckInResult:
    check_in: CheckIn
    created: bool


def _buyer_fact(registration: Registration, *, kind: str, at: dt.datetime, extra: dict, ref: str, event: str):
    """A credit fact about a buyer registration's company (none for exhibitor staff or a walk-in without
    a company); `ref` makes it once per company and session (and day)."""
    if registration.role != RegistrationRole.BUYER or registration.company_id is None:
        return
    credit_facts.record(
        source=CREDIT_SOURCE,
        kind=kind,
        subject=registration.company,
        payload={"session": registration.session.slug, **extra},
        occurred_at=at,
        external_ref=f"fair:{registration.session_id}:{ref}:{registration.company_id}",
        platform_event=event,
    )


def record_attendance_fact(registration: Registration, at: dt.datetime) -> None:
    """The credit fact of a buyer's attendance at a session (once per company and session)."""
    _buyer_fact(
        registration, kind="fair_attended", at=at, extra={}, ref="attended", event="fairs.fair_attended"
    )


def record_check_in_fact(registration: Registration, day: dt.date, at: dt.datetime) -> None:
    """The credit fact of a day a buyer's badge was checked in (once per company, session and day: two
    buyers of one company on the same day are one fact)."""
    _buyer_fact(
        registration,
        kind="fair_checked_in",
        at=at,
        extra={"day": day},
        ref=f"checked_in:{day.isoformat()}",
        event="fairs.badge.check_in",
    )


@transaction.atomic
def check_in(
    *, code: str, service_point: ServicePoint, by_user, now: dt.datetime | None = None
) -> CheckInResult:
    """Check the holder of the badge `code` in today. Raises BadgeRefused (with the reason) for a code that
    admits nobody here, or on a day outside the session; a second scan on the same day returns the first
    check-in, unchanged."""
    _require_desk(by_user, service_point)
    now = now or timezone.now()
    day = timezone.localdate(now)
    badge = badge_tokens.read(code, session=service_point.session)
    session = service_point.session
    if not session.starts_on <= day <= session.ends_on:
        raise badge_tokens.BadgeRefused(_("The fair session is not open today: nobody is checked in."))
    locked = _locked(badge)
    existing = CheckIn.objects.filter(badge=locked, day=day).first()
    if existing is not None:
        return CheckInResult(existing, False)
    first_in_session = not CheckIn.objects.filter(badge__registration=locked.registration).exists()
    row = CheckIn.objects.create(badge=locked, day=day, at=now, service_point=service_point, by_user=by_user)
    audit.log(
        actor=by_user,
        action="fairs.badge.check_in",
        obj=locked,
        company_id=locked.registration.company_id,
        data={"day": day, "service_point": service_point.pk},
    )
    registration = Registration.objects.select_related("company", "session").get(pk=locked.registration_id)
    if first_in_session:
        transaction.on_commit(lambda: record_attendance_fact(registration, now))
    transaction.on_commit(lambda: record_check_in_fact(registration, day, now))
    send_after_commit(badge_changed, sender=Badge, badge=locked, event="checked_in", actor=by_user)
    return CheckInResult(row, True)
