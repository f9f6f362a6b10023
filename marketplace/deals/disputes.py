"""Disputes after delivery, completion after the claim window.

Within the claim window (`Deal.claim_window_days`, 30 by default, counted from the buyer's delivery
confirmation) the buyer may open a dispute with evidence (delivered → disputed); the supplier answers
once, with its own evidence; an operator decides — full refund, partial refund or claim rejected — with
a reason (disputed → completed). A delivered deal nobody disputed completes when its window closes
(`complete_due_deals`, run daily by the task in `tasks_fulfilment.py`).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.money import Money
from marketplace.core.transitions import TransitionNotAllowed
from marketplace.deals import evidence, permissions
from marketplace.deals.models import (
    Deal,
    DealState,
    Delivery,
    Dispute,
    DisputeEvidence,
    DisputeReason,
    DisputeResolution,
)
from marketplace.deals.services import side_step, step


def deal_value(deal: Deal) -> Money | None:
    """The agreed order value: the accepted offer's total."""
    return deal.accepted_offer.total if deal.accepted_offer_id else None


def parse_amount(raw, *, currency: str, field: str, required: bool) -> Decimal | None:
    """A positive amount in `currency`'s minor units from form text, or a ValidationError on `field`."""
    text = str(raw or "").strip().replace(",", "")
    if not text:
        if required:
            raise ValidationError({field: _("Give the amount.")})
        return None
    try:
        amount = Money(Decimal(text), currency)
    except (InvalidOperation, ValueError, ValidationError):
        raise ValidationError({field: _("Enter an amount such as 1250.00.")}) from None
    if amount.amount <= 0:
        raise ValidationError({field: _("The amount must be more than zero.")})
    if amount.quantize().amount != amount.amount:
        raise ValidationError(
            {field: _("Too many decimal places for %(currency)s.") % {"currency": currency}}
        )
    return amount.amount


def claim_open(deal: Deal, now=None) -> bool:
    delivery = Delivery.objects.filter(deal=deal).first()
    return delivery is not None and (now or timezone.now()) <= delivery.claim_until


def open_dispute(
    *, deal: Deal, by_user, reason: str, description: str, claimed_amount="", files=()
) -> Dispute:
    """The buyer disputes the delivery within the claim window, saying what is wrong, with evidence."""
    errors = {}
    if reason not in DisputeReason.values:
        errors["reason"] = _("Choose what is wrong.")
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Describe the problem: the supplier and the operator read it.")
    if errors:
        raise ValidationError(errors)
    currency = deal.accepted_offer.currency if deal.accepted_offer_id else deal.currency
    amount = parse_amount(claimed_amount, currency=currency, field="claimed_amount", required=False)
    value = deal_value(deal)
    if amount is not None and value is not None and amount > value.amount:
        raise ValidationError({"claimed_amount": _("The claim cannot exceed the order value.")})
    checked = evidence.check_all(files, evidence.check_document, field="files")
    holder = {}
    data: dict = {
        "reason": reason,
        "description": description,
        "claimed_amount": amount,
        "currency": currency,
    }

    def write(locked: Deal):
        delivery = Delivery.objects.filter(deal=locked).first()
        if delivery is None or timezone.now() > delivery.claim_until:
            raise TransitionNotAllowed(
                _("The claim window closed: a dispute can be opened only within %(days)d days of delivery.")
                % {"days": locked.claim_window_days},
                code="claim_window_closed",
            )
        dispute = Dispute.objects.create(
            deal=locked,
            reason=reason,
            description=description,
            claimed_amount=amount,
            currency=currency,
            opened_by=by_user,
        )
        stored = [
            evidence.store(
                DisputeEvidence, deal=locked, by_user=by_user, checked=c, dispute=dispute, side="buyer"
            )
            for c in checked
        ]
        holder["dispute"] = dispute
        data.update(dispute=dispute.pk, files=[f.as_record() for f in stored])
        return ()

    step(
        deal,
        "open_dispute",
        by_user=by_user,
        allowed=permissions.may_act_for("buyer"),
        apply=write,
        data=data,
    )
    return holder["dispute"]


def answer_dispute(*, deal: Deal, by_user, answer: str, files=()) -> Dispute:
    """The supplier's answer to the dispute, once, with its own evidence."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the supplier's answer.")})
    checked = evidence.check_all(files, evidence.check_document, field="files")
    data: dict = {"answer": answer}

    def write(locked: Deal):
        dispute = Dispute.objects.select_for_update().get(deal=locked)
        if dispute.answered_at is not None:
            raise ValidationError(_("The supplier has already answered this dispute."))
        stored = [
            evidence.store(
                DisputeEvidence, deal=locked, by_user=by_user, checked=c, dispute=dispute, side="supplier"
            )
            for c in checked
        ]
        dispute.answer, dispute.answered_by, dispute.answered_at = answer, by_user, timezone.now()
        dispute.save(update_fields=["answer", "answered_by", "answered_at"])
        data.update(dispute=dispute.pk, files=[f.as_record() for f in stored])

    side_step(
        deal,
        "dispute_answer",
        by_user,
        permissions.may_act_for("supplier"),
        data,
        states=(DealState.DISPUTED,),
        apply=write,
    )
    return Dispute.objects.get(deal=deal)


def may_resolve(user, deal: Deal) -> bool:
    return permissions.is_platform_staff(user)


def resolve_dispute(*, deal: Deal, by_user, resolution: str, reason: str, refund_amount="") -> Dispute:
    """An operator decides the dispute with a reason; a partial refund names its amount (below the order value)."""
    errors = {}
    if resolution not in DisputeResolution.values:
        errors["resolution"] = _("Choose full refund, partial refund or claim rejected.")
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Give the reason for the decision: both parties read it.")
    if errors:
        raise ValidationError(errors)
    currency = deal.accepted_offer.currency if deal.accepted_offer_id else deal.currency
    value = deal_value(deal)
    amount = None
    if resolution == DisputeResolution.PARTIAL:
        amount = parse_amount(refund_amount, currency=currency, field="refund_amount", required=True)
        if value is not None and amount >= value.amount:
            raise ValidationError({"refund_amount": _("A partial refund is less than the order value.")})
    elif resolution == DisputeResolution.REFUND:
        amount = value.amount if value is not None else None
    data: dict = {"resolution": resolution, "reason": reason, "refund_amount": amount, "currency": currency}

    def write(locked: Deal):
        dispute = Dispute.objects.select_for_update().get(deal=locked)
        dispute.resolution, dispute.refund_amount, dispute.resolution_reason = resolution, amount, reason
        dispute.resolved_by, dispute.resolved_at = by_user, timezone.now()
        dispute.save(
            update_fields=["resolution", "refund_amount", "resolution_reason", "resolved_by", "resolved_at"]
        )
        data["dispute"] = dispute.pk
        return ()

    step(
        deal,
        "resolve_dispute",
        by_user=by_user,
        allowed=may_resolve,
        apply=write,
        data=data,
        actor_company=None,
    )
    return Dispute.objects.get(deal=deal)


def complete_after_window(*, deal: Deal, now=None) -> bool:
    """Complete one delivered deal whose claim window has closed (the system acts); False if not due."""
    now = now or timezone.now()

    def apply(locked: Deal):
        delivery = Delivery.objects.filter(deal=locked).first()
        if delivery is None or delivery.claim_until > now:
            raise ValidationError(_("The claim window is still open."), code="claim_window_open")
        return ()

    try:
        step(
            deal, "complete", by_user=None, allowed=None, apply=apply, data={"reason": "claim_window_closed"}
        )
    except ValidationError:
        return False
    return True


def complete_due_deals(*, now=None) -> int:
    """Complete every delivered, undisputed deal whose claim window has closed; returns how many."""
    now = now or timezone.now()
    due = Deal.objects.filter(state=DealState.DELIVERED, delivery__claim_until__lt=now).order_by("pk")
    done = 0
    for deal in due.iterator():
        done += complete_after_window(deal=deal, now=now)
    return done
