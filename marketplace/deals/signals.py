"""Domain signals of deals, sent after the transaction that caused them commits.

State changes of a deal also arrive through `marketplace.core.signals.state_changed` (sender=Deal).
`event_recorded` is sent for EVERY event appended to a deal's record — state changes and side steps
alike (a message, a visit report, a payment proof) — so receivers that tell people what happened
listen to this one signal: sender=Deal, deal, event (the DealEvent), actor (the user or None).
"""

from django.dispatch import Signal

event_recorded = Signal()
