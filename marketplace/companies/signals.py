"""Domain signals of companies, sent after the transaction that caused them commits.

State changes (an invitation accepted or withdrawn, a document approved, rejected or revoked) arrive
through `marketplace.core.signals.state_changed` with sender=Invitation or VerificationDocument.
The events below are not state changes.
"""

from django.dispatch import Signal

# An owner invited an email address to the company's staff: sender=Invitation, invitation, actor.
invitation_created = Signal()
# An owner changed the company's profile: sender=Company, company, fields (the changed names), actor.
company_updated = Signal()
