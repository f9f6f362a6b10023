"""One way to change state: a transition table per model and one service that moves an object along it.

A model declares its table, e.g. for a product::

    PRODUCT_TRANSITIONS = TransitionTable(
        field="status",
        company=lambda product: product.supplier_id,
        moves={
            "publish": {"draft": "published", "archived": "published"},
            "archive": {"draft": "archived", "published": "archived"},
        },
    )

and a service calls `transition(product, table=PRODUCT_TRANSITIONS, event="publish", by_user=user,
allowed=lambda user, p: is_member(user, p.supplier), apply=...)`. In one transaction it locks the row
(`select_for_update`, a no-op on SQLite), checks that the event is allowed from the current state and
that the user may do it, sets the new state, lets `apply` change more fields or refuse with a
ValidationError, saves, writes the audit event; after commit it sends `signals.state_changed`.

Where the state is derived from other fields (a showcase is "closed" when `closed_at` is set), the
table takes `state=<callable>` instead of `field=`, and `apply` makes the change.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from marketplace.core import audit
from marketplace.core.signals import state_changed


class TransitionNotAllowed(ValidationError):
    """The event cannot happen from the object's current state."""


@dataclass(frozen=True)
class TransitionTable:
    """`moves` maps each event to {from_state: to_state}. Exactly one of `field` and `state` is given."""

    moves: Mapping[str, Mapping[str, str]]
    field: str | None = None
    state: Callable[[models.Model], str] | None = None
    # The company the event belongs to in the audit trail (its id), e.g. the product's supplier.
    company: Callable[[models.Model], int | None] | None = None
    # The audit action's prefix; default "<app_label>.<model_name>".
    prefix: str | None = None
    # What a person reads when an event is refused from the current state, per event (else a generic text).
    refusals: Mapping[str, str] = dataclass_field(default_factory=dict)

    def __post_init__(self):
        if (self.field is None) == (self.state is None):
            raise ValueError("A TransitionTable takes exactly one of field= and state=.")

    def current(self, obj: models.Model) -> str:
        return getattr(obj, self.field) if self.field else self.state(obj)

    def target(self, event: str, source: str) -> str:
        """The state `event` leads to from `source`; TransitionNotAllowed if it may not happen there."""
        try:
            return self.moves[event][source]
        except KeyError:
            message = self.refusals.get(event) or _(
                "This cannot be done now (%(event)s from “%(state)s”)."
            ) % {
                "event": event,
                "state": source,
            }
            raise TransitionNotAllowed(message, code="transition_not_allowed") from None

    def events_from(self, source: str) -> list[str]:
        """The events that may happen from `source`, in declaration order."""
        return [event for event, sources in self.moves.items() if source in sources]

    def action(self, obj: models.Model, event: str) -> str:
        prefix = self.prefix or f"{obj._meta.app_label}.{obj._meta.model_name}"
        return f"{prefix}.{event}"


def transition(
    obj: models.Model,
    *,
    table: TransitionTable,
    event: str,
    by_user,
    allowed: Callable[[object, models.Model], bool] | None = None,
    apply: Callable[[models.Model], Iterable[str] | None] | None = None,
    data: dict | None = None,
    lock: bool = True,
) -> models.Model:
    """Move `obj` by `event`; returns the saved object (also copied back onto `obj`).

    `allowed(user, obj)` is checked on the locked row (PermissionDenied when false). `apply(obj)` may
    set more fields and returns their names (or None to save every field); it may raise ValidationError
    to refuse, and then nothing is written. `data` goes into the audit event beside the move itself.
    """
    model = type(obj)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=obj.pk) if lock else obj
        if allowed is not None and not allowed(by_user, locked):
            raise PermissionDenied
        source = table.current(locked)
        target = table.target(event, source)
        if table.field:
            setattr(locked, table.field, target)
        changed = apply(locked) if apply is not None else ()
        if changed is None:
            locked.save()
        else:
            fields = {*changed, *([table.field] if table.field else [])}
            if fields:
                locked.save(update_fields=sorted(fields))
        event_row = audit.log(
            actor=by_user,
            action=table.action(locked, event),
            obj=locked,
            company_id=table.company(locked) if table.company else None,
            data={"event": event, "from": source, "to": target, **(data or {})},
        )
        transaction.on_commit(
            partial(
                state_changed.send,
                sender=model,
                instance=locked,
                event=event,
                source=source,
                target=target,
                actor=by_user,
                data=data or {},
                audit_event=event_row,
            )
        )
    if locked is not obj:
        for f in model._meta.concrete_fields:
            setattr(obj, f.attname, getattr(locked, f.attname))
    return locked
