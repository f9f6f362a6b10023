"""Placing the order (agreed → ordered): both parties accepted the contract, and credit gating agrees.

The gating check runs again inside the transaction that writes the order, with `lock=True`: the buyer's
row is locked before its exposure is read, so concurrent orders of one buyer serialise and the limit
can never be over-committed. A refusal changes nothing (the transaction rolls back) and says why; a
risk officer may lift it for this deal with an override keyed by `reference(deal)`.

The order keeps the decision (`Decision.as_dict()`), writes the payment milestones, records the
insurance step as "not insured" (the insurance issue fills it in), and tells the credit engine
(`order_placed`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from credit.facts import record as record_fact
from credit.gating import DEFERRED_TERMS, decide
from marketplace.deals import contracts, milestones, permissions, services
from marketplace.deals.models import Contract, Deal, DealState, Insurance, Order


class OrderRefused(ValidationError):
    """Gating refused the agreed terms; `decision` says why."""

    def __init__(self, decision):
        super().__init__(
            decision.reasons or [_("The credit policy refuses these terms.")], code="gating_refused"
        )
        self.decision = decision


def reference(deal: Deal) -> str:
    """The key credit's overrides use for this deal."""
    return f"deal:{deal.pk}"


def check_terms(
    deal: Deal, *, payment_terms: str, amount, currency: str, term_days: int | None, lock: bool = False
):
    """credit.gating's decision on these terms for this deal's buyer (a preview unless `lock`)."""
    return decide(
        deal.buyer,
        payment_terms,
        amount,
        currency,
        counterparty=deal.supplier,
        term_days=term_days if payment_terms in DEFERRED_TERMS else None,
        reference=reference(deal),
        lock=lock,
    )


def check_agreed_terms(deal: Deal, *, lock: bool = False):
    offer = deal.accepted_offer
    total = offer.total
    return check_terms(
        deal,
        payment_terms=offer.payment_terms,
        amount=total.amount,
        currency=total.currency,
        term_days=offer.term_days,
        lock=lock,
    )


def reasons_in_both(deal: Deal, decision) -> dict[str, list[str]]:
    """The decision's reasons in each UI language, for the order to show every reader in their own.

    Called inside the order's transaction, after the locked decision: the buyer's row is held, so the
    second decision (another language, no lock needed) reads the same exposure, policy and assessment.
    """
    current = translation.get_language() or settings.LANGUAGE_CODE
    texts = {}
    for code, _name in settings.LANGUAGES:
        if translation.get_supported_language_variant(code) == translation.get_supported_language_variant(
            current
        ):
            texts[code] = [str(r) for r in decision.reasons]
            continue
        with translation.override(code):
            texts[code] = [str(r) for r in check_agreed_terms(deal).reasons]
    return texts


def shown_reasons(decision: dict) -> list[str]:
    """A stored decision's reasons in the active language (orders placed before both were kept: as stored)."""
    by_language = decision.get("reasons_by_language") or {}
    code = translation.get_language() or settings.LANGUAGE_CODE
    for key, reasons in by_language.items():
        if translation.get_supported_language_variant(key) == translation.get_supported_language_variant(
            code
        ):
            return reasons
    return decision.get("reasons", [])


def place_order(*, deal: Deal, by_user) -> Order:
    """agreed → ordered, for a party acting for its side, once both sides accepted the contract.

    Raises PermissionDenied (not a party), TransitionNotAllowed (not agreed), ValidationError (contract
    not accepted by both) or OrderRefused (gating): in every case nothing is written.
    """
    with transaction.atomic():
        locked = (
            Deal.objects.select_for_update(of=("self",))
            .select_related("buyer", "supplier", "accepted_offer")
            .get(pk=deal.pk)
        )
        if not permissions.may_act(by_user, locked):
            raise PermissionDenied
        if locked.state == DealState.AGREED:
            contract = Contract.objects.current().filter(deal=locked).prefetch_related("acceptances").first()
            if not contracts.accepted_by_both(contract):
                raise ValidationError(
                    _("Both parties must accept the sales contract before the order is placed.")
                )
        else:
            # Let the table give its own refusal for the wrong state.
            contract = None
        offer = locked.accepted_offer
        decision = None
        if locked.state == DealState.AGREED:
            decision = check_agreed_terms(locked, lock=True)
            if not decision.allowed:
                raise OrderRefused(decision)
        total = offer.total if offer else None
        holder = {}
        data = {}

        def apply(moving: Deal):
            now = timezone.now()
            order = Order.objects.create(
                deal=moving,
                offer=offer,
                amount=total.amount,
                currency=total.currency,
                payment_terms=offer.payment_terms,
                term_days=offer.term_days,
                decision={**decision.as_dict(), "reasons_by_language": reasons_in_both(locked, decision)},
                insurance=Insurance.NOT_INSURED,
                placed_by=by_user,
                placed_at=now,
            )
            holder["order"] = order
            schedule = milestones.schedule(order, offer, total)
            data.update(
                milestones=[
                    {
                        "seq": m.seq,
                        "kind": m.kind,
                        "amount": m.amount,
                        "currency": m.currency,
                        "due_date": m.due_date,
                    }
                    for m in schedule
                ],
                order=order.pk,
                contract=contract.number,
                sha256=contract.sha256,
                amount=total.amount,
                currency=total.currency,
                payment_terms=offer.payment_terms,
                term_days=offer.term_days,
                gating={
                    "allowed": decision.allowed,
                    "grade": decision.grade,
                    "policy_version": decision.policy_version,
                    "assessment_id": decision.assessment_id,
                    "override_id": decision.override_id,
                    "exposure_before": decision.exposure_before,
                    "exposure_after": decision.exposure_after,
                    "limit": decision.limit,
                    "base_currency": decision.base_currency,
                },
            )
            return []

        services.step(
            locked, "place_order", by_user=by_user, allowed=permissions.may_act, apply=apply, data=data
        )
        order = holder["order"]
        services.side_step(
            locked, "insurance_recorded", by_user, permissions.may_act, {"insured": False, "policy": ""}
        )
        record_fact(
            source=milestones.PLATFORM_SOURCE,
            kind="order_placed",
            subject=locked.buyer,
            payload={
                "amount": format(total.amount, "f"),
                "currency": total.currency,
                "terms": offer.payment_terms,
                "days": offer.term_days if offer.payment_terms in DEFERRED_TERMS else 0,
                "order": reference(locked),
            },
            occurred_at=order.placed_at,
            external_ref=f"{reference(locked)}:order",
            platform_event="deals.place_order",
        )
    deal.refresh_from_db()
    return order


def accept_and_order(*, contract: Contract, by_user, name: str, title: str, ip: str | None, sha256: str):
    """Accept the contract; when that makes both sides, try to place the order at once.

    Returns (acceptance, order or None, refusal decision or None). A refused order leaves the
    acceptance standing: the parties see why, and the order can be placed once the terms pass
    (an override) — or the deal cancelled.
    """
    acceptance = contracts.accept_contract(
        contract=contract, by_user=by_user, name=name, title=title, ip=ip, sha256=sha256
    )
    contract = Contract.objects.prefetch_related("acceptances").get(pk=contract.pk)
    if not contracts.accepted_by_both(contract):
        return acceptance, None, None
    try:
        return acceptance, place_order(deal=contract.deal, by_user=by_user), None
    except OrderRefused as refusal:
        return acceptance, None, refusal.decision
