"""What the people of a company hear when its invitations and documents change, and what credit learns.

Connected in `CompaniesConfig.ready`. Each receiver runs after the change commits and only tells
people (through `marketplace.notifications`) or records a credit fact (through credit's public
`facts.record`); the change itself is the service's.
"""

import datetime as dt

from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credit import facts as credit_facts
from credit.disputes import reviewer_company_id
from credit.gating import override_changed, policy_saved
from credit.signals import dispute_changed
from marketplace.companies.models import Company, Invitation, Membership, User, VerificationDocument
from marketplace.companies.services import company_owners
from marketplace.companies.signals import invitation_created
from marketplace.core import audit
from marketplace.core.links import absolute_url
from marketplace.core.signals import state_changed
from marketplace.notifications.services import email_address, notify


def _staff(company_id: int):
    return User.objects.filter(pk__in=Membership.objects.filter(company_id=company_id).values("user_id"))


@receiver(invitation_created, sender=Invitation, dispatch_uid="companies.invitation_created")
def tell_the_invitee(sender, invitation: Invitation, **kwargs):
    """A person with an account gets a notification; an address without one gets the link by email."""
    company = invitation.company
    invitee = User.objects.filter(email__iexact=invitation.email).first()
    if invitee:
        notify(
            recipients=[invitee],
            title=gettext_lazy("You are invited to join a company"),
            body=company.name,
            url=invitation.get_absolute_url(),
        )
        return
    # Sign-up with that address leads back to the link.
    link = absolute_url(invitation.get_absolute_url())
    email_address(
        to=invitation.email,
        subject=_("You are invited to join %(company)s") % {"company": company.name},
        message=_("Accept the invitation within %(days)d days: %(link)s")
        % {"days": Invitation.INVITATION_DAYS, "link": link},
    )


@receiver(state_changed, sender=Invitation, dispatch_uid="companies.invitation_state")
def tell_the_owners_of_an_acceptance(sender, instance: Invitation, event: str, **kwargs):
    if event != "accept":
        return
    notify(
        recipients=company_owners(instance.company),
        title=gettext_lazy("An invitation was accepted"),
        body=instance.accepted_by.email if instance.accepted_by else instance.email,
        url="/portal/company/staff/",
        email=False,
    )


_DOCUMENT_TITLES = {
    "approved": gettext_lazy("Your verification document was approved"),
    "rejected": gettext_lazy("Your verification document was rejected"),
    "expired": gettext_lazy("Your verification document has expired: upload a renewed one"),
}


@receiver(state_changed, sender=VerificationDocument, dispatch_uid="companies.document_state")
def tell_the_company_of_a_decision(sender, instance: VerificationDocument, target: str, data: dict, **kwargs):
    if target == "expired":
        body = _("%(document)s, valid until %(date)s") % {
            "document": instance.get_kind_display(),
            "date": instance.valid_until.isoformat(),
        }
    else:
        body = f"{instance.get_kind_display()}\n{data.get('reason', '')}".strip()
    notify(
        recipients=_staff(instance.company_id),
        title=_DOCUMENT_TITLES.get(target, _DOCUMENT_TITLES["rejected"]),
        body=body,
        url="/portal/company/verification/",
    )


_DISPUTE_TITLES = {
    "corrected": gettext_lazy("Your dispute was upheld: the fact was corrected"),
    "retracted": gettext_lazy("Your dispute was upheld: the fact was retracted and no longer counts"),
    "rejected": gettext_lazy("Your dispute was rejected"),
}


@receiver(dispute_changed, dispatch_uid="companies.credit_dispute")
def tell_of_a_fact_dispute(sender, dispute, action: str, **kwargs):
    """The source's reviewers hear of a new dispute; the company hears the decision."""
    url = reverse("credit:dispute_detail", args=[dispute.pk])
    if action == "opened":
        partner_id = reviewer_company_id(dispute)
        if partner_id is not None:
            notify(
                recipients=_staff(partner_id),
                title=gettext_lazy("A company disputes one of your facts"),
                body=f"{dispute.subject.name}: {dispute.fact.kind_name}",
                url=url,
            )
    elif action in _DISPUTE_TITLES:
        notify(
            recipients=_staff(dispute.subject_id),
            title=_DISPUTE_TITLES[action],
            body=dispute.decision_reason,
            url=url,
        )


# A document decision as the credit engine's identity fact (kind "verification_decision").
_DECISIONS = {"approve": "approved", "reject": "rejected", "revoke": "revoked", "expire": "expired"}


def _expiry_moment(document: VerificationDocument) -> dt.datetime:
    """A document is valid through its last day (the platform's time zone) and lapses at the next midnight."""
    return dt.datetime.combine(
        document.valid_until + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )


@receiver(state_changed, sender=VerificationDocument, dispatch_uid="companies.document_credit_fact")
def record_the_decision_for_credit(sender, instance: VerificationDocument, event: str, **kwargs):
    """The decision, whether the company is verified after it, and — on an approved business licence —
    the registration data the operator checked against it, as facts of the platform's own source.
    An expiry happened when the document's last valid day ended, whenever the daily task noticed it.
    Recording them queues the company's credit recompute (credit's own task)."""
    decision = _DECISIONS.get(event)
    if decision is None:
        return
    company = Company.objects.get(pk=instance.company_id)
    last = instance.last_decision
    when = last.decided_at if last else instance.uploaded_at
    if event == "expire" and instance.valid_until:
        when = min(when, _expiry_moment(instance))
    payload = {
        "document": instance.kind,
        "decision": decision,
        "verified": company.is_verified,
        "reference": str(last.pk if last else instance.pk),
    }
    if instance.valid_until:
        payload["valid_until"] = instance.valid_until.isoformat()
    credit_facts.record(
        source="platform",
        kind="verification_decision",
        subject=company,
        payload=payload,
        occurred_at=when,
        external_ref=f"verification:{instance.pk}:{event}",
        platform_event=f"verification.{event}",
    )
    if decision == "approved" and instance.kind == "business_licence" and company.registration_number:
        payload = {"country": company.country.code, "registration_number": company.registration_number}
        if company.founded_year:
            payload["founded_year"] = company.founded_year
        credit_facts.record(
            source="platform",
            kind="company_profile",
            subject=company,
            payload=payload,
            occurred_at=when,
            external_ref=f"profile:{instance.pk}",
            platform_event="verification.approve",
        )


# Credit keeps who/when/why on its own immutable rows; the platform's audit trail gets the same step, so
# an operator reading a company's history (or the admin's History page) sees gating changes too.
@receiver(policy_saved, dispatch_uid="companies.audit_gating_policy")
def audit_the_gating_policy(sender, policy, **kwargs):
    audit.log(
        actor=policy.created_by,
        action="credit.gating_policy.save",
        obj=policy,
        data={"version": policy.version, "base_currency": policy.base_currency, "reason": policy.reason},
    )


@receiver(override_changed, dispatch_uid="companies.audit_gating_override")
def audit_the_gating_override(sender, override, event: str, by_user=None, **kwargs):
    audit.log(
        actor=by_user,
        action=f"credit.gating_override.{event}",
        obj=override,
        company_id=override.subject_id,
        data={
            "reference": override.reference,
            "action": override.action,
            "amount": str(override.amount),
            "currency": override.currency,
            "status": override.status,
            "reason": override.reason if event == "requested" else override.decision_note,
        },
    )
