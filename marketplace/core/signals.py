"""Domain signals of the shared layer. Receivers run after the transaction that caused them commits.

`state_changed` is sent by `transitions.transition` once the move is committed, with
sender=the model class, instance, event (str), source (the old state), target (the new state),
actor (the user, or None for the system), data (dict) and audit_event (the AuditEvent written).
Apps listen to it for their model (`sender=Product`) instead of importing each other.
"""

from django.dispatch import Signal

state_changed = Signal()
