"""Writing to deals: opening one, moving it along its table, side steps, messages and read state.

Every event goes through `step` (a state change) or `side_step` (a record event that keeps the state):
one transaction that locks the deal row, checks who asks and from which state, changes what it must,
appends the event to the hash-chained record (`record.append`), and — after commit — sends
`signals.event_recorded` (and, for steps, `core.signals.state_changed`) for the receivers to tell people.
Negotiation (offers) lives in `negotiation.py` on top of these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.companies.models import Company
from marketplace.core import audit, files
from marketplace.core.signals import send_after_commit
from marketplace.core.transitions import TransitionNotAllowed, transition
from marketplace.deals import permissions, record, signals
from marketplace.deals.models import (
    DEAL_TRANSITIONS,
    Attachment,
    Deal,
    DealEvent,
    DealReadState,
    DealSource,
    DealState,
    Message,
)


def _actor_company_id(user, deal: Deal) -> int | None:
    side = permissions.acting_side(user, deal)
    return deal.party_company_id(side) if side else None


def _announce(deal: Deal, event: DealEvent, actor) -> None:
    send_after_commit(signals.event_recorded, sender=Deal, deal=deal, event=event, actor=actor)


def step(
    deal: Deal,
    event: str,
    *,
    by_user,
    allowed: Callable[[object, Deal], bool] | None,
    apply: Callable[[Deal], Iterable[str] | None] | None = None,
    data: dict | None = None,
    actor_company: Company | int | None = None,
) -> DealEvent:
    """Move `deal` by `event` (DEAL_TRANSITIONS) and append the event to its record, in one transaction.

    `allowed(user, locked_deal)` is checked on the locked row (PermissionDenied when false); `apply(locked)`
    may change more fields (return their names) or refuse with ValidationError — then nothing is written.
    `locked.state_before` holds the state before the move. `data` is read after `apply` ran, so `apply` may add to it (e.g. the id of a row it created); the
    record gets {"from", "to", **data}. The actor's company is the side they act for unless given.
    Returns the DealEvent; `deal` is refreshed in place.
    """
    data = {} if data is None else data
    seen = {}

    def check(user, locked: Deal) -> bool:
        # `apply` runs after the table set the new state; it reads the old one here.
        seen["from"] = locked.state_before = locked.state
        return allowed is None or allowed(user, locked)

    holder = {}

    def apply_and_keep(locked: Deal):
        holder["deal"] = locked
        return apply(locked) if apply is not None else ()

    with transaction.atomic():
        transition(
            deal, table=DEAL_TRANSITIONS, event=event, by_user=by_user, allowed=check, apply=apply_and_keep
        )
        locked = holder["deal"]
        company = actor_company if actor_company is not None else _actor_company_id(by_user, locked)
        row = record.append(
            locked,
            event,
            actor_user=by_user,
            actor_company=company,
            data={"from": seen["from"], "to": locked.state, **data},
        )
        deal.record_length, deal.record_head, deal.last_event_at = (
            locked.record_length,
            locked.record_head,
            locked.last_event_at,
        )
        _announce(locked, row, by_user)
    return row


def side_step(
    deal: Deal,
    action: str,
    by_user,
    allowed: Callable[[object, Deal], bool] | None,
    data: dict | None = None,
    *,
    states: Iterable[str] | None = None,
    apply: Callable[[Deal], None] | None = None,
    actor_company: Company | int | None = None,
) -> DealEvent:
    """Append a record event that keeps the deal's state (a message, a payment proof), under the row lock.

    `states`, when given, are the deal states the action may happen in (TransitionNotAllowed otherwise);
    `apply(locked)` writes the action's own rows and may add to `data` before the event is appended.
    """
    data = {} if data is None else data
    with transaction.atomic():
        locked = Deal.objects.select_for_update().get(pk=deal.pk)
        if allowed is not None and not allowed(by_user, locked):
            raise PermissionDenied
        if states is not None and locked.state not in set(states):
            raise TransitionNotAllowed(
                _("This cannot be done while the deal is “%(state)s”.")
                % {"state": locked.get_state_display()},
                code="transition_not_allowed",
            )
        if apply is not None:
            apply(locked)
        company = actor_company if actor_company is not None else _actor_company_id(by_user, locked)
        row = record.append(locked, action, actor_user=by_user, actor_company=company, data=data)
        for name in ("record_length", "record_head", "last_event_at", "state"):
            setattr(deal, name, getattr(locked, name))
        _announce(locked, row, by_user)
    return row


# -- opening a deal ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    """What a way into a deal passes to `open_deal`: its kind, its object's reference, what the buyer asked."""

    kind: str  # a DealSource
    reference: str = ""
    subject: str = ""
    message: str = ""
    product_id: int | None = None
    currency: str = ""
    # Extra facts of the source kept in the record's first event (the showcase price seen, a quantity…).
    details: dict | None = None


@transaction.atomic
def open_deal(*, buyer: Company, supplier: Company, by_user, opening: Opening) -> Deal:
    """Open a deal as an inquiry from `buyer` to `supplier`, asked by `by_user`: a member of the buyer, or —
    for a fair lead only, a visitor who let the exhibitor follow up — a member of the supplier.

    The first record event ("open") holds the source and the opener's words; the words also start the
    thread as its first message. Showcases, the catalog, RFQ quotations and fair leads all call this.
    """
    if not buyer.is_buyer:
        raise ValidationError(_("Only a buyer company can open an inquiry."))
    if not supplier.is_supplier:
        raise ValidationError(_("Inquiries go to supplier companies only."))
    if buyer.pk == supplier.pk:
        raise ValidationError(_("A company cannot open a deal with itself."))
    if opening.kind not in DealSource.values:
        raise ValidationError(_("Unknown source of a deal."))
    if permissions.can_act_for_company(by_user, buyer):
        opener = buyer
    elif opening.kind == DealSource.FAIR_LEAD and permissions.can_act_for_company(by_user, supplier):
        opener = supplier  # the exhibitor follows up a badge it scanned at its booth
    else:
        raise PermissionDenied
    now = timezone.now()
    deal = Deal(
        buyer=buyer,
        supplier=supplier,
        subject=(opening.subject or _("Inquiry"))[:200],
        state=DEAL_TRANSITIONS.target("open", ""),
        source_kind=opening.kind,
        source_reference=str(opening.reference)[:64],
        product_id=opening.product_id,
        currency=opening.currency or settings.DEALS_DEFAULT_CURRENCY,
        created_by=by_user,
        created_at=now,
        last_event_at=now,
    )
    deal.full_clean(exclude=["number", "record_head"])
    deal.save()
    deal.number = Deal.number_for(deal.pk, now.year)
    Deal.objects.filter(pk=deal.pk).update(number=deal.number)
    # Taken before anyone else can see it; the lock keeps the record's first seq ours.
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    event = record.append(
        deal,
        "open",
        actor_user=by_user,
        actor_company=opener.pk,
        data={
            "from": "",
            "to": deal.state,
            "number": deal.number,
            "buyer": buyer.pk,
            "supplier": supplier.pk,
            "source": opening.kind,
            "reference": deal.source_reference,
            "subject": deal.subject,
            "product": opening.product_id,
            "currency": deal.currency,
            "message": opening.message.strip(),
            **(opening.details or {}),
        },
    )
    audit.log(
        actor=by_user,
        action="deals.deal.open",
        obj=deal,
        company_id=opener.pk,
        data={"event": "open", "from": "", "to": deal.state, "source": opening.kind},
    )
    if opening.message.strip():
        message = Message.objects.create(
            deal=deal, author=by_user, author_company=opener, body=opening.message.strip(), created_at=now
        )
        Message.objects.filter(pk=message.pk).update(event=event)
    DealReadState.objects.update_or_create(deal=deal, user=by_user, defaults={"last_read_at": timezone.now()})
    _announce(deal, event, by_user)
    return deal


# -- messages -----------------------------------------------------------------------------------------

ATTACHMENT_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "application/zip": "ZIP",  # also XLSX and DOCX, which are ZIP archives
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
}
MAX_ATTACHMENTS = 5


def check_attachment(upload) -> str:
    """The attachment's MIME type judged by its bytes, or a ValidationError that names the file."""
    try:
        return files.detect_type(
            upload,
            allowed=ATTACHMENT_TYPES,
            limit=settings.DEALS_MAX_ATTACHMENT_BYTES,
            wrong_type=_("Attach PDF, JPEG, PNG, WEBP, XLSX or DOCX files; this file is %(found)s."),
        )
    except ValidationError as error:
        raise ValidationError(f"{upload.name}: {' '.join(error.messages)}") from None


def post_message(*, deal: Deal, by_user, body: str, uploads: Iterable = ()) -> Message:
    """A message from one party in the deal's thread, with its attachments (checked by content first).

    The record keeps the text and each file's name, size and SHA-256; the files live in private storage.
    """
    body = (body or "").strip()
    uploads = list(uploads)
    if not body and not uploads:
        raise ValidationError({"body": _("Write a message or attach a file.")})
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"files": _("Attach at most %(n)d files to one message.") % {"n": MAX_ATTACHMENTS}}
        )
    checked = [(upload, check_attachment(upload), files.sha256_of(upload)) for upload in uploads]
    holder = {}
    data: dict = {}

    def write(locked: Deal):
        side = permissions.acting_side(by_user, locked)
        message = Message.objects.create(
            deal=locked, author=by_user, author_company_id=locked.party_company_id(side), body=body
        )
        attachments = []
        for upload, content_type, digest in checked:
            attachments.append(
                Attachment.objects.create(
                    deal=locked,
                    message=message,
                    file=upload,
                    original_name=upload.name[:255],
                    content_type=content_type,
                    size=upload.size,
                    sha256=digest,
                    uploaded_by=by_user,
                )
            )
        holder["message"] = message
        data.update(
            message=message.pk,
            body=body,
            files=[{"name": a.original_name, "size": a.size, "sha256": a.sha256} for a in attachments],
        )

    with transaction.atomic():
        event = side_step(deal, "message", by_user, permissions.may_act, data, apply=write)
        message = holder["message"]
        Message.objects.filter(pk=message.pk).update(event=event)
        message.event = event
        mark_read(deal=deal, user=by_user)
    return message


def mark_read(*, deal: Deal, user) -> None:
    """The user has seen the thread up to now."""
    if getattr(user, "is_authenticated", False):
        now = timezone.now()
        # One UPDATE on every visit after the first (update_or_create would take a savepoint and read first).
        if not DealReadState.objects.filter(deal=deal, user=user).update(last_read_at=now):
            DealReadState.objects.update_or_create(deal=deal, user=user, defaults={"last_read_at": now})


# -- cancelling -----------------------------------------------------------------------------------------


def cancel(*, deal: Deal, by_user, reason: str) -> DealEvent:
    """Either party calls the deal off, with a reason; from "ordered" only while nothing has shipped."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the deal is cancelled.")})

    def apply(locked: Deal):
        if locked.state_before == DealState.ORDERED and locked.events.filter(action="ship").exists():
            raise ValidationError(_("Goods have been shipped: open a dispute instead of cancelling."))
        side = permissions.acting_side(by_user, locked)
        locked.cancelled_at_state = locked.state_before
        locked.cancelled_by = by_user
        locked.cancelled_by_company_id = locked.party_company_id(side)
        locked.cancelled_at = timezone.now()
        locked.cancel_reason = reason
        return ["cancelled_at_state", "cancelled_by", "cancelled_by_company", "cancelled_at", "cancel_reason"]

    return step(
        deal,
        "cancel",
        by_user=by_user,
        allowed=permissions.may_act,
        apply=apply,
        data={"reason": reason},
    )
