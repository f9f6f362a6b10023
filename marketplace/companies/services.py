"""Every change to companies, staff and verification goes through these functions."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.companies import signals
from marketplace.companies.models import (
    DOCUMENT_TRANSITIONS,
    INVITATION_TRANSITIONS,
    PARTNER_KINDS,
    Company,
    DocumentKind,
    DocumentStatus,
    Invitation,
    MemberRole,
    Membership,
    User,
    VerificationDecision,
    VerificationDocument,
)
from marketplace.companies.permissions import (
    can_decide_document,
    has_company,
    is_owner,
    require,
    require_member,
    require_owner,
)
from marketplace.core import audit, files
from marketplace.core.signals import send_after_commit
from marketplace.core.transitions import TransitionNotAllowed, transition

# What a verification document may be, judged from its bytes, never from its name.
ALLOWED_DOCUMENT_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
# The extension a downloaded document gets, from the type its content was checked to be.
DOCUMENT_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def document_download_name(document: VerificationDocument) -> str:
    """E.g. "business-licence-11.pdf": the kind, the id, and the extension of its checked type."""
    extension = DOCUMENT_EXTENSIONS.get(document.content_type, "bin")
    return f"{document.kind.replace('_', '-')}-{document.pk}.{extension}"


def unique_slug(name: str, model=Company) -> str:
    base = (slugify(name, allow_unicode=False) or "company")[:200]
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def company_create(*, owner: User, **fields) -> Company:
    """Create a company with `owner` as its first owner. A person belongs to one company."""
    if has_company(owner):
        raise ValidationError(_("You already belong to a company."))
    if fields.get("kind") in PARTNER_KINDS:
        raise ValidationError(
            {"kind": _("Only an operator makes a company a bank, an insurer or a chamber.")}
        )
    company = Company(slug=unique_slug(fields["name"]), **fields)
    company.full_clean()
    company.save()
    Membership.objects.create(user=owner, company=company, role=MemberRole.OWNER)
    return company


# The profile fields an owner edits; the slug, the verification and the dates are the platform's.
PROFILE_FIELDS = (
    "name",
    "name_zh",
    "kind",
    "country",
    "city",
    "street_line1",
    "street_line2",
    "postal_code",
    "address_zh",
    "industry",
    "registration_number",
    "website",
    "founded_year",
    "employees",
    "description",
    "description_zh",
)


@transaction.atomic
def company_update(*, company: Company, by_user: User, **fields) -> Company:
    """An owner edits the company's profile (its registered address among it); audited, then announced.

    Only PROFILE_FIELDS may change. The audit event names each changed field with its old and new value,
    so a registered address printed in a contract can be traced to who set it and when.
    """
    require_owner(by_user, company)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {', '.join(sorted(unknown))}")
    locked = Company.objects.select_for_update().get(pk=company.pk)
    changes = {}
    for name, value in fields.items():
        before = getattr(locked, name)
        if before != value:
            changes[name] = [_plain(before), _plain(value)]
            setattr(locked, name, value)
    if not changes:
        return locked
    if "kind" in changes and (changes["kind"][0] in PARTNER_KINDS or locked.kind in PARTNER_KINDS):
        raise ValidationError(
            {"kind": _("Only an operator makes a company a bank, an insurer or a chamber.")}
        )
    if "street_line1" in changes and locked.is_verified and not locked.street_line1.strip():
        # Contracts print the registered address: a verified company may change it, not blank it.
        raise ValidationError(
            {
                "street_line1": _(
                    "A verified company keeps a registered street address: its contracts print it."
                )
            }
        )
    locked.full_clean()
    locked.save(update_fields=list(changes))
    audit.log(
        actor=by_user, action="companies.company.update", obj=locked, company_id=locked.pk, data=changes
    )
    send_after_commit(
        signals.company_updated, sender=Company, company=locked, fields=sorted(changes), actor=by_user
    )
    return locked


def _plain(value):
    """A field's value as the audit trail keeps it: a model by its id, anything else as text."""
    if value is None or isinstance(value, int | str):
        return value
    return getattr(value, "pk", None) or str(value)


@transaction.atomic
def invitation_create(
    *, company: Company, by_user: User, email: str, role: str = MemberRole.STAFF
) -> Invitation:
    """Invite an email address to the company's staff; only owners may, and each address once at a time.

    The invitee hears of it after commit (`signals.invitation_created`, see `receivers`).
    """
    require_owner(by_user, company)
    email = User.objects.normalize_email(email).strip()
    if Membership.objects.filter(company=company, user__email__iexact=email).exists():
        raise ValidationError(_("%(email)s already works for this company.") % {"email": email})
    if Invitation.objects.filter(
        company=company,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists():
        raise ValidationError(_("%(email)s already has an open invitation.") % {"email": email})
    invitation = Invitation.objects.create(
        company=company,
        email=email,
        role=role,
        invited_by=by_user,
        expires_at=timezone.now() + timedelta(days=Invitation.INVITATION_DAYS),
    )
    audit.log(
        actor=by_user,
        action="companies.invitation.create",
        obj=invitation,
        company_id=company.pk,
        data={"email": email, "role": role},
    )
    send_after_commit(signals.invitation_created, sender=Invitation, invitation=invitation, actor=by_user)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by_user: User) -> Invitation:
    """An owner withdraws a pending invitation; its link stops working."""

    def withdraw(locked: Invitation):
        locked.revoked_at = timezone.now()
        return ["revoked_at"]

    return transition(
        invitation,
        table=INVITATION_TRANSITIONS,
        event="revoke",
        by_user=by_user,
        allowed=lambda user, locked: is_owner(user, locked.company_id),
        apply=withdraw,
    )


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """Join the company that invited the signed-in user's email address."""
    invitation = Invitation.objects.select_for_update().select_related("company").filter(token=token).first()
    if invitation is None or invitation.email.lower() != user.email.lower():
        # Another person's link says nothing about the invitation.
        raise Invitation.DoesNotExist
    state = invitation.state
    if state == Invitation.State.EXPIRED:
        raise ValidationError(_("This invitation has expired. Ask the company owner for a new one."))
    if state == Invitation.State.REVOKED:
        raise ValidationError(_("This invitation was withdrawn by the company."))
    if state == Invitation.State.ACCEPTED:
        raise ValidationError(_("This invitation has already been used."))
    if has_company(user):
        raise ValidationError(_("You already belong to a company; leave it before joining another."))
    membership = Membership.objects.create(user=user, company=invitation.company, role=invitation.role)

    def accept(locked: Invitation):
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        return ["accepted_at", "accepted_by"]

    # The owners hear of it after commit (`receivers`).
    transition(
        invitation, table=INVITATION_TRANSITIONS, event="accept", by_user=user, apply=accept, lock=False
    )
    return membership


def company_owners(company: Company):
    return User.objects.filter(
        pk__in=Membership.objects.filter(company=company, role=MemberRole.OWNER).values("user_id")
    )


@transaction.atomic
def member_remove(*, membership: Membership, by_user: User) -> None:
    """An owner removes a staff member; the last owner cannot be removed."""
    require_owner(by_user, membership.company)
    if (
        membership.is_owner
        and not Membership.objects.filter(company=membership.company, role=MemberRole.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(_("A company needs at least one owner."))
    membership.delete()


def detect_document_type(upload: UploadedFile) -> str:
    """The MIME type the file's bytes show, or a ValidationError saying what is wrong with it."""
    return files.detect_type(
        upload,
        allowed=ALLOWED_DOCUMENT_TYPES,
        limit=settings.VERIFICATION_MAX_UPLOAD_BYTES,
        wrong_type=_(
            "This file is not a PDF, JPEG or PNG (its content is %(found)s), whatever its name says."
        ),
    )


@transaction.atomic
def document_upload(
    *, company: Company, by_user: User, kind: str, upload: UploadedFile
) -> VerificationDocument:
    """Store a verification document after checking its type by content and its size."""
    require_member(by_user, company)
    if kind not in DocumentKind.values:
        raise ValidationError(_("Unknown document kind."))
    mime = detect_document_type(upload)
    document = VerificationDocument(
        company=company,
        kind=kind,
        original_name=upload.name[:255],
        content_type=mime,
        size=upload.size,
        uploaded_by=by_user,
    )
    document.file.save(upload.name, upload, save=False)
    document.save()
    return document


def expiry_problem(valid_until) -> str | None:
    """Why a document valid until `valid_until` cannot be approved today, or None (None: no end date)."""
    if valid_until is None:
        return None
    today = timezone.localdate()
    if valid_until < today:
        return _("This document expired on %(date)s: ask the company for a current one.") % {
            "date": date_format(valid_until, "Y-m-d")
        }
    if valid_until == today:
        return _("This document expires today: ask the company for a current one.")
    return None


def document_decide(
    *,
    document: VerificationDocument,
    by_user: User,
    approve: bool,
    reason: str = "",
    valid_until: date | None = None,
) -> VerificationDecision:
    """An operator approves or rejects a pending document, or revokes an approval; a rejection needs a
    reason. An approval takes the last day the document is valid (`valid_until`, after today; None: the
    document states no end date). The decision is kept, the company's verified mark follows its business
    licence, and the company's staff hear of it after commit (`receivers`)."""
    require(can_decide_document(by_user, document))
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError(_("Say why the document is rejected: the company will read it."))
    problem = expiry_problem(valid_until) if approve else None
    if problem:
        raise ValidationError({"valid_until": problem})
    # Rejecting an approved document revokes the approval.
    event = "approve" if approve else ("revoke" if document.status == DocumentStatus.APPROVED else "reject")
    decisions = []

    def decide(locked: VerificationDocument):
        decision = VerificationDecision.objects.create(
            document=locked, status=locked.status, reason=reason, decided_by=by_user
        )
        decisions.append(decision)
        _follow_licence(locked, decision.decided_at)
        if approve:
            locked.valid_until = valid_until
            return ["valid_until"]
        return []

    data = {"reason": reason}
    if approve:
        data["valid_until"] = valid_until.isoformat() if valid_until else None
    transition(document, table=DOCUMENT_TRANSITIONS, event=event, by_user=by_user, apply=decide, data=data)
    return decisions[0]


def documents_expire(*, today: date | None = None) -> list[VerificationDocument]:
    """The platform's daily step: every approved document whose last valid day is before `today` expires.

    Each expiry is a decision without an operator (decided_by empty), moves the document to "expired"
    through its transition table (so only an approved one can, and a second run finds nothing), drops
    the company's verified mark when it was its only approved business licence, and after commit tells
    the company and records the credit fact (`receivers`)."""
    today = today or timezone.localdate()
    due = VerificationDocument.objects.filter(status=DocumentStatus.APPROVED, valid_until__lt=today)
    expired = []
    for document in due.select_related("company").order_by("valid_until", "pk"):

        def lapse(locked: VerificationDocument):
            decision = VerificationDecision.objects.create(
                document=locked, status=locked.status, decided_by=None
            )
            _follow_licence(locked, decision.decided_at)
            return []

        try:
            transition(
                document,
                table=DOCUMENT_TRANSITIONS,
                event="expire",
                by_user=None,
                apply=lapse,
                data={"valid_until": document.valid_until.isoformat()},
            )
        except TransitionNotAllowed:
            continue  # an operator revoked it in the meantime
        expired.append(document)
    return expired


def _follow_licence(document: VerificationDocument, when) -> None:
    """A company is verified while it has an approved business licence (`document` is not saved yet)."""
    company = document.company
    verified = (
        document.kind == DocumentKind.BUSINESS_LICENCE and document.status == DocumentStatus.APPROVED
    ) or company.documents.filter(kind=DocumentKind.BUSINESS_LICENCE, status=DocumentStatus.APPROVED).exclude(
        pk=document.pk
    ).exists()
    if verified and not company.verified_at:
        company.verified_at = when
        company.save(update_fields=["verified_at"])
    elif not verified and company.verified_at:
        company.verified_at = None
        company.save(update_fields=["verified_at"])
