"""Domain signals of showcases, sent after the transaction that caused them commits.

State changes (a showcase closed or extended, an access revoked or restored, an invitation link
claimed or withdrawn) arrive through `marketplace.core.signals.state_changed` with sender=the model.
The events below are not state changes.
"""

from django.dispatch import Signal

# A supplier added buyer companies to a showcase's audience: sender=Showcase, showcase, company_ids, actor.
showcase_shared = Signal()
# A supplier mailed an invitation link: sender=ShowcaseInvitation, invitation, actor.
invitation_created = Signal()
# A buyer asked for a quote on a showcase product: sender=Interest, interest, actor.
interest_created = Signal()
