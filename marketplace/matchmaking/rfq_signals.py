"""Domain signals of sourcing requests, sent after the transaction that caused them commits.

- `rfq_posted`: sender=Rfq, rfq, actor.
- `quotation_submitted`: sender=Quotation, quotation, actor.
- `quotation_accepted`: sender=Quotation, quotation, deal (the deal it opened), actor.

State changes (close, award, shortlist, decline, expire…) also send `core.signals.state_changed`.
"""

from django.dispatch import Signal

rfq_posted = Signal()
quotation_submitted = Signal()
quotation_accepted = Signal()
