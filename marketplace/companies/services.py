"""Every change to companies, staff and verification goes through these functions."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.companies.models import (
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
from marketplace.core import files
from marketplace.notifications.services import notify

# What a verification document may be, judged from its bytes, never from its name.
ALLOWED_DOCUMENT_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


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
    if Membership.objects.filter(user=owner).exists():
        raise ValidationError(_("You already belong to a company."))
    company = Company(slug=unique_slug(fields["name"]), **fields)
    company.full_clean()
    company.save()
    Membership.objects.create(user=owner, company=company, role=MemberRole.OWNER)
    return company


def _require_owner(user: User, company: Company) -> None:
    if not Membership.objects.filter(user=user, company=company, role=MemberRole.OWNER).exists():
        raise PermissionDenied


@transaction.atomic
def invitation_create(
    *, company: Company, by_user: User, email: str, role: str = MemberRole.STAFF
) -> Invitation:
    """Invite an email address to the company's staff; only owners may, and each address once at a time."""
    _require_owner(by_user, company)
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
    invitee = User.objects.filter(email__iexact=email).first()
    if invitee:
        notify(
            recipients=[invitee],
            title=gettext_lazy("You are invited to join a company"),
            body=company.name,
            url=invitation.get_absolute_url(),
        )
    else:
        # No account yet: the email carries the link, and sign-up with that address leads back to it.
        link = f"{settings.WAGTAILADMIN_BASE_URL}{invitation.get_absolute_url()}"
        subject = _("You are invited to join %(company)s") % {"company": company.name}
        transaction.on_commit(
            lambda: send_mail(
                subject=f"[TrustFair] {subject}",
                message=_("Accept the invitation within %(days)d days: %(link)s")
                % {"days": Invitation.INVITATION_DAYS, "link": link},
                from_email=None,
                recipient_list=[email],
            )
        )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by_user: User) -> Invitation:
    _require_owner(by_user, invitation.company)
    if invitation.state != Invitation.State.PENDING:
        raise ValidationError(_("Only a pending invitation can be revoked."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


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
    if Membership.objects.filter(user=user).exists():
        raise ValidationError(_("You already belong to a company; leave it before joining another."))
    membership = Membership.objects.create(user=user, company=invitation.company, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    notify(
        recipients=company_owners(invitation.company),
        title=gettext_lazy("An invitation was accepted"),
        body=user.email,
        url="/portal/company/staff/",
        email=False,
    )
    return membership


def company_owners(company: Company):
    return User.objects.filter(
        pk__in=Membership.objects.filter(company=company, role=MemberRole.OWNER).values("user_id")
    )


@transaction.atomic
def member_remove(*, membership: Membership, by_user: User) -> None:
    """An owner removes a staff member; the last owner cannot be removed."""
    _require_owner(by_user, membership.company)
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
    if not Membership.objects.filter(user=by_user, company=company).exists():
        raise PermissionDenied
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


@transaction.atomic
def document_decide(
    *, document: VerificationDocument, by_user: User, approve: bool, reason: str = ""
) -> VerificationDecision:
    """An operator approves or rejects a document; a rejection needs a reason. The company is told."""
    if not by_user.is_operator:
        raise PermissionDenied
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError(_("Say why the document is rejected: the company will read it."))
    document = VerificationDocument.objects.select_for_update().select_related("company").get(pk=document.pk)
    status = DocumentStatus.APPROVED if approve else DocumentStatus.REJECTED
    decision = VerificationDecision.objects.create(
        document=document, status=status, reason=reason, decided_by=by_user
    )
    document.status = status
    document.save(update_fields=["status"])
    company = document.company
    # A company is verified while it has an approved business licence.
    verified = company.documents.filter(
        kind=DocumentKind.BUSINESS_LICENCE, status=DocumentStatus.APPROVED
    ).exists()
    if verified and not company.verified_at:
        company.verified_at = decision.decided_at
        company.save(update_fields=["verified_at"])
    elif not verified and company.verified_at:
        company.verified_at = None
        company.save(update_fields=["verified_at"])
    members = User.objects.filter(pk__in=company.memberships.values("user_id"))
    title = (
        gettext_lazy("Your verification document was approved")
        if approve
        else gettext_lazy("Your verification document was rejected")
    )
    notify(
        recipients=members,
        title=title,
        body=f"{document.get_kind_display()}\n{reason}".strip(),
        url="/portal/company/verification/",
    )
    return decision
