"""Domain signals of the shared layer. Receivers run after the transaction that caused them commits.

`state_changed` is sent by `transitions.transition` once the move is committed, with
sender=the model class, instance, event (str), source (the old state), target (the new state),
actor (the user, or None for the system), data (dict) and audit_event (the AuditEvent written).
Apps listen to it for their model (`sender=Product`) instead of importing each other.
"""

from functools import partial

from django.db import transaction
from django.dispatch import Signal

state_changed = Signal()


def send_after_commit(signal: Signal, *, sender, **kwargs) -> None:
    """Send `signal` once the current transaction commits (at once outside one); never if it rolls back.

    For the domain events that are not state changes (an invitation created, a showcase shared): the
    service writes its audit event, then announces the fact with this.
    """
    transaction.on_commit(partial(signal.send, sender=sender, **kwargs))
