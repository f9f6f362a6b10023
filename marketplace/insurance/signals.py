"""Domain signals of export credit insurance, sent after the transaction that caused them commits.

State moves (a limit decided, a declaration reported overdue or lapsed, a claim paid) also send
`marketplace.core.signals.state_changed` through `core.transitions`; these announce the rows created.

limit_applied: limit, by_user. shipment_declared: declaration, by_user. claim_filed: claim, by_user.
claim_decided: claim, by_user, paid (bool). rate_changed: rate, by_user.
indemnity_assigned: declaration, by_user, assigned (bool: False when the assignment is released).
"""

from django.dispatch import Signal

limit_applied = Signal()
shipment_declared = Signal()
claim_filed = Signal()
claim_decided = Signal()
rate_changed = Signal()
indemnity_assigned = Signal()
