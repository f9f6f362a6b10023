"""What the people of a company hear when its invitations and documents change.

Connected in `CompaniesConfig.ready`. Each receiver runs after the change commits and only tells
people (through `marketplace.notifications`); the change itself is the service's.
"""

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credit.disputes import reviewer_company_id
from credit.signals import dispute_changed
from marketplace.companies.models import Invitation, Membership, User, VerificationDocument
from marketplace.companies.services import company_owners
from marketplace.companies.signals import invitation_created
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


@receiver(state_changed, sender=VerificationDocument, dispatch_uid="companies.document_state")
def tell_the_company_of_a_decision(sender, instance: VerificationDocument, target: str, data: dict, **kwargs):
    approved = target == "approved"
    title = (
        gettext_lazy("Your verification document was approved")
        if approved
        else gettext_lazy("Your verification document was rejected")
    )
    notify(
        recipients=_staff(instance.company_id),
        title=title,
        body=f"{instance.get_kind_display()}\n{data.get('reason', '')}".strip(),
        url="/portal/company/verification/",
    )


_DISPUTE_TITLES = {
    "corrected": gettext_lazy("Your dispute was upheld: the fact was corrected"),
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
