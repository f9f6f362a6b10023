"""What buyers and suppliers hear when a showcase is shared, a link is mailed or opened, or a buyer asks.

Connected in `ShowcasesConfig.ready`. Each receiver runs after the change commits and only tells
people (through `marketplace.notifications`); the change itself is the service's.
"""

from collections.abc import Iterable

from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.companies.models import Membership, User
from marketplace.core.links import absolute_url
from marketplace.core.signals import state_changed
from marketplace.notifications.services import email_address, notify
from marketplace.showcases import signals
from marketplace.showcases.models import Interest, Showcase, ShowcaseInvitation


def _staff(company_ids: Iterable[int]):
    return User.objects.filter(
        pk__in=Membership.objects.filter(company_id__in=list(company_ids)).values("user_id"), is_active=True
    )


@receiver(signals.showcase_shared, sender=Showcase, dispatch_uid="showcases.showcase_shared")
def tell_the_buyers(sender, showcase: Showcase, company_ids: list[int], **kwargs):
    notify(
        recipients=_staff(company_ids),
        title=gettext_lazy("A supplier shared a private showcase with you"),
        body=f"{showcase.supplier.name}: {showcase.title}",
        url=showcase.get_absolute_url(),
    )


@receiver(signals.invitation_created, sender=ShowcaseInvitation, dispatch_uid="showcases.invitation_created")
def mail_the_link(sender, invitation: ShowcaseInvitation, **kwargs):
    showcase = invitation.showcase
    supplier_name = showcase.supplier.name
    link = absolute_url(invitation.get_absolute_url())
    email_address(
        to=invitation.email,
        subject=_("%(supplier)s invites you to a private showcase") % {"supplier": supplier_name},
        message=_(
            "%(supplier)s shared “%(title)s” with you on TrustFair.\n\nOpen it (sign in or join as a buyer "
            "first) before %(date)s: %(link)s\n\nThe link works for the first company that opens it."
        )
        % {
            "supplier": supplier_name,
            "title": showcase.title,
            "date": f"{invitation.expires_at:%Y-%m-%d}",
            "link": link,
        },
    )


@receiver(state_changed, sender=ShowcaseInvitation, dispatch_uid="showcases.invitation_state")
def tell_the_supplier_a_link_was_opened(sender, instance: ShowcaseInvitation, event: str, **kwargs):
    if event != "claim":
        return
    showcase = instance.showcase
    notify(
        recipients=_staff([showcase.supplier_id]),
        title=gettext_lazy("A buyer opened your showcase invitation"),
        body=f"{instance.claimed_by_company.name} ({instance.email}): {showcase.title}",
        url=showcase.get_portal_url(),
        email=False,
    )


@receiver(signals.interest_created, sender=Interest, dispatch_uid="showcases.interest_created")
def tell_the_supplier_of_an_interest(sender, interest: Interest, **kwargs):
    showcase = interest.showcase
    quantity = interest.quantity
    notify(
        recipients=_staff([showcase.supplier_id]),
        title=gettext_lazy("A buyer is interested in a showcase product"),
        body=f"{interest.company.name}: {interest.product.name}" + (f" × {quantity}" if quantity else ""),
        url=showcase.get_portal_url() + "#interests",
    )
