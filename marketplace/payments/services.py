"""Paying a deal's milestones: starting an attempt, card payments held and released, refunds, disputes.

Every state change of an attempt goes through `transitions.transition` on ATTEMPT_TRANSITIONS (row locked,
audited, `state_changed` after commit). Calls to the provider happen OUTSIDE database transactions (no
lock is held across the network) and carry idempotency keys derived from the attempt; what the provider
answers is then applied by `apply_intent`, which only ever moves an attempt forward, from the provider's
own status — so an answer lost in a crash, a webhook delivered twice or out of order, and
`reconcile` all converge to the same state.

The protected payment: the card is authorised (manual capture) when the buyer pays. The money is captured
when the milestone's condition holds — a deposit (or a prepayment) once the order stands, the balance once
the buyer confirms delivery — and the milestone is then paid through deals' own `confirm_payment`. Captured
money is released to the supplier's connected account (a Transfer) unless a dispute holds it. An
authorisation not captured by `capture_before` is cancelled and the buyer asked to pay again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.companies.models import Membership, User
from marketplace.companies.permissions import is_owner
from marketplace.core import audit
from marketplace.core.money import Money
from marketplace.core.signals import send_after_commit
from marketplace.core.transitions import transition
from marketplace.deals import milestones as deal_milestones
from marketplace.deals import permissions
from marketplace.deals.exposure import RUNNING_STATES
from marketplace.deals.models import (
    Deal,
    DealState,
    DisputeResolution,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    PaymentTerms,
)
from marketplace.notifications.services import notify
from marketplace.payments import providers
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.models import (
    ATTEMPT_TRANSITIONS,
    OPEN_STATES,
    PAID_STATES,
    AttemptState,
    ConnectedAccount,
    PaymentAttempt,
    PaymentRefund,
    WebhookEvent,
)

log = logging.getLogger(__name__)
# A card attempt that never reached the provider is cancelled by `reconcile` after this long.
STALE_AFTER = dt.timedelta(hours=1)


class PaymentRefused(ValidationError):
    """The provider refused (a declined card): the message is the provider's, for the buyer."""


# -- who may do what ----------------------------------------------------------------------------------


def is_payer(user, deal: Deal) -> bool:
    return permissions.acting_side(user, deal) == "buyer"


def may_see(user, deal: Deal) -> bool:
    """The deal's two parties and the operators (get_deal_or_404 already hides the deal from others)."""
    return permissions.side_of(user, deal) is not None or permissions.is_platform_staff(user)


def _staff(deal: Deal):
    ids = Membership.objects.filter(company_id__in=(deal.buyer_id, deal.supplier_id)).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True)


def _tell_both(deal: Deal, title, body: str = "") -> None:
    notify(
        recipients=_staff(deal),
        title=title,
        body=body or f"{deal.number} · {deal.subject}",
        url=reverse("deals:deal_detail", kwargs={"pk": deal.pk}),
    )


def _move(attempt: PaymentAttempt, event: str, *, by_user=None, apply=None, data=None) -> PaymentAttempt:
    return transition(
        attempt,
        table=ATTEMPT_TRANSITIONS,
        event=event,
        by_user=by_user,
        apply=apply,
        data={"milestone": attempt.milestone_id, "attempt": attempt.number, **(data or {})},
    )


# -- starting an attempt ------------------------------------------------------------------------------


def payable(milestone: Milestone) -> Money:
    """What the milestone asks, rounded to the currency's minor unit (what a card or a bank can move)."""
    return Money(milestone.amount, milestone.currency).quantize()


@transaction.atomic
def start(*, milestone: Milestone, method: str, by_user) -> PaymentAttempt:
    """The buyer starts paying `milestone` by `method`; refused while another attempt is open or it is paid."""
    deal = Deal.objects.select_for_update().get(pk=milestone.deal_id)
    if not is_payer(by_user, deal):
        raise PermissionDenied
    if deal.state not in RUNNING_STATES:
        raise ValidationError(_("Payments are made only while the order runs."))
    try:
        provider = providers.get(method)
    except KeyError:
        raise ValidationError({"method": _("Choose one of the payment methods offered.")}) from None
    if not provider.enabled:
        raise ValidationError({"method": _("Choose one of the payment methods offered.")})
    locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if locked.status == MilestoneStatus.PAID:
        raise ValidationError(_("This payment has already been made."))
    attempts = PaymentAttempt.objects.filter(milestone=locked)
    if attempts.filter(state__in=OPEN_STATES).exists():
        raise ValidationError(
            _("A payment for this milestone is already under way: finish or cancel it first."), code="open"
        )
    if attempts.filter(state__in=PAID_STATES).exists():
        raise ValidationError(_("This payment has already been made."))
    number = (attempts.aggregate(n=Max("number"))["n"] or 0) + 1
    money = payable(locked)
    try:
        with transaction.atomic():
            attempt = PaymentAttempt.objects.create(
                milestone=locked,
                deal=deal,
                number=number,
                provider=provider.code,
                amount=money.amount,
                currency=money.currency,
                amount_minor=gateway.to_minor(money),
                idempotency_key=PaymentAttempt.key_for(locked.pk, number),
                created_by=by_user,
            )
    except IntegrityError:
        # Another request opened one between our check and our write (the partial unique index).
        raise ValidationError(
            _("A payment for this milestone is already under way: finish or cancel it first."), code="open"
        ) from None
    audit.log(
        actor=by_user,
        action="payments.attempt.start",
        obj=attempt,
        company_id=deal.buyer_id,
        data={
            "milestone": locked.pk,
            "attempt": number,
            "provider": provider.code,
            "amount": money.amount,
            "currency": money.currency,
        },
    )
    if provider.initial_event:
        attempt = _move(attempt, provider.initial_event, by_user=by_user)
    return attempt


def cancel(*, attempt: PaymentAttempt, by_user) -> PaymentAttempt:
    """The buyer (or an operator) gives up an open attempt; a card authorisation is cancelled at the provider."""
    deal = Deal.objects.get(pk=attempt.deal_id)
    if not (is_payer(by_user, deal) or permissions.is_platform_staff(by_user)):
        raise PermissionDenied
    attempt.refresh_from_db()
    if attempt.state not in OPEN_STATES:
        raise ValidationError(_("Only a payment under way can be cancelled."))
    intent = _existing_intent(attempt) if attempt.provider == providers.StripeCard.code else None
    if intent is not None:
        return cancel_authorisation(attempt, intent=intent)
    with transaction.atomic():
        return _move(PaymentAttempt.objects.get(pk=attempt.pk), "cancel", by_user=by_user)


# -- the card: authorise, verify, apply the provider's answer -----------------------------------------


def pay_by_card(*, attempt: PaymentAttempt, by_user, number: str, exp_month: int, exp_year: int, cvc: str):
    """Authorise the attempt's amount on the card (held, not yet captured); then advance it.

    A retry of the same attempt first looks for the PaymentIntent a lost answer created, so a crash between
    the provider's call and our write never charges twice.
    """
    deal = Deal.objects.get(pk=attempt.deal_id)
    if not is_payer(by_user, deal):
        raise PermissionDenied
    attempt.refresh_from_db()
    if attempt.provider != providers.StripeCard.code or attempt.state != AttemptState.CREATED:
        raise ValidationError(_("This payment is not waiting for a card."))
    intent = _existing_intent(attempt)
    if intent is None:
        method = gateway.create_card_method(number=number, exp_month=exp_month, exp_year=exp_year, cvc=cvc)
        try:
            intent = gateway.create_intent(
                money=attempt.money,
                payment_method=method["id"],
                key=attempt.idempotency_key,
                metadata=_metadata(attempt),
            )
        except gateway.CardError as error:
            body = (error.json_body or {}).get("error", {})
            failed = _record_failure(
                attempt, code=error.code or "card_declined", message=body.get("message", "")
            )
            raise PaymentRefused(
                _("The card was declined: %(reason)s") % {"reason": body.get("message") or error.code},
                code=failed.failure_code,
            ) from None
    attempt = apply_intent(attempt, intent)
    return advance(attempt)


def _metadata(attempt: PaymentAttempt) -> dict:
    return {
        "tf_attempt": attempt.idempotency_key,
        "tf_deal": str(attempt.deal_id),
        "tf_milestone": str(attempt.milestone_id),
    }


def _existing_intent(attempt: PaymentAttempt) -> dict | None:
    if attempt.provider_id:
        return gateway.retrieve_intent(attempt.provider_id)
    return gateway.find_intent(attempt_key=attempt.idempotency_key)


def _record_failure(attempt: PaymentAttempt, *, code: str, message: str) -> PaymentAttempt:
    def apply(locked):
        locked.failure_code, locked.failure_message = code[:60], message[:300]
        return ["failure_code", "failure_message"]

    with transaction.atomic():
        locked = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.state not in (AttemptState.CREATED, AttemptState.REQUIRES_ACTION):
            return locked
        return _move(locked, "fail", apply=apply, data={"code": code})


def authenticate(*, attempt: PaymentAttempt, by_user, success: bool) -> PaymentAttempt:
    """The 3-D Secure step on the test server (the card issuer's page in production, via Stripe.js)."""
    deal = Deal.objects.get(pk=attempt.deal_id)
    if not is_payer(by_user, deal):
        raise PermissionDenied
    attempt.refresh_from_db()
    if attempt.state != AttemptState.REQUIRES_ACTION:
        raise ValidationError(_("This payment is not waiting for the card's verification."))
    # The provider's state (retrieved below) says what happened, a refusal included.
    with contextlib.suppress(gateway.CardError):
        gateway.authenticate_on_test_server(
            attempt.provider_id, client_secret=attempt.client_secret, success=success
        )
    attempt = apply_intent(attempt, gateway.retrieve_intent(attempt.provider_id))
    return advance(attempt)


def _charge(intent: dict) -> dict:
    charge = intent.get("latest_charge")
    return charge if isinstance(charge, dict) else {"id": charge or ""}


def _capture_before(intent: dict, now: dt.datetime) -> dt.datetime:
    details = (_charge(intent).get("payment_method_details") or {}).get("card") or {}
    if details.get("capture_before"):
        return dt.datetime.fromtimestamp(int(details["capture_before"]), tz=dt.UTC)
    return now + dt.timedelta(days=settings.PAYMENTS_AUTHORISATION_DAYS)


def _captured_minor(intent: dict) -> int:
    if intent.get("amount_received") is not None:
        return int(intent["amount_received"])
    charge = _charge(intent)
    if charge.get("captured"):
        return int(charge.get("amount", intent["amount"]))
    return int(intent["amount"])


@transaction.atomic
def apply_intent(attempt: PaymentAttempt, intent: dict, *, now=None) -> PaymentAttempt:
    """Bring the attempt to what the PaymentIntent says, forward only; the same intent twice changes nothing."""
    locked = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
    if locked.provider_id and intent.get("id") != locked.provider_id:
        raise ValidationError("intent of another attempt")
    now = now or timezone.now()
    status = intent.get("status")
    charge = _charge(intent)

    def ids(obj):
        obj.provider_id = intent["id"]
        obj.charge_id = charge.get("id") or obj.charge_id
        obj.client_secret = intent.get("client_secret") or obj.client_secret
        obj.synced_at = now
        return ["provider_id", "charge_id", "client_secret", "synced_at"]

    if not locked.provider_id or charge.get("id") and not locked.charge_id:
        ids(locked)
        locked.save(update_fields=["provider_id", "charge_id", "client_secret", "synced_at"])
    state = locked.state
    if status == "requires_action" and state == AttemptState.CREATED:
        locked = _move(locked, "require_action", apply=ids)
    elif status in ("requires_capture", "succeeded") and state in (
        AttemptState.CREATED,
        AttemptState.REQUIRES_ACTION,
    ):

        def authorised(obj):
            obj.authorized_at = now
            obj.capture_before = _capture_before(intent, now)
            return [*ids(obj), "authorized_at", "capture_before"]

        locked = _move(locked, "authorize", apply=authorised)
    if status == "succeeded" and locked.state == AttemptState.AUTHORIZED:
        captured = gateway.from_minor(_captured_minor(intent), intent["currency"])

        def took(obj):
            obj.captured_amount, obj.captured_at = captured.amount, now
            return [*ids(obj), "captured_amount", "captured_at"]

        locked = _move(locked, "capture", apply=took, data={"amount": captured.amount})
        _pay_milestone(locked)
    elif status == "canceled" and locked.state in OPEN_STATES:
        lapsed = (
            locked.state == AttemptState.AUTHORIZED and locked.capture_before and now >= locked.capture_before
        )
        locked = _move(locked, "expire" if lapsed else "cancel", apply=ids)
    elif status == "requires_payment_method" and locked.state in (
        AttemptState.CREATED,
        AttemptState.REQUIRES_ACTION,
    ):
        error = intent.get("last_payment_error") or {}
        if error or locked.state == AttemptState.REQUIRES_ACTION:

            def failed(obj):
                obj.failure_code = (error.get("code") or "payment_failed")[:60]
                obj.failure_message = (error.get("message") or "")[:300]
                return [*ids(obj), "failure_code", "failure_message"]

            locked = _move(locked, "fail", apply=failed)
    return locked


def _pay_milestone(attempt: PaymentAttempt) -> None:
    """The captured money pays the milestone: through deals' own confirmation, as the provider."""
    milestone = Milestone.objects.get(pk=attempt.milestone_id)
    if milestone.status == MilestoneStatus.PAID:
        return
    try:
        with transaction.atomic():
            deal_milestones.confirm_payment(
                milestone=milestone,
                by_user=None,
                paid_on=timezone.localdate(attempt.captured_at),
                provider=attempt.provider,
            )
    except ValidationError as error:
        # The money is captured whatever the deal's state; the capture must not be lost with it.
        log.warning("attempt %s captured but milestone %s not confirmed: %s", attempt.pk, milestone.pk, error)


# -- conditions: capture, release, expiry ------------------------------------------------------------


def due_on_order(milestone: Milestone, deal: Deal) -> bool:
    """A deposit, or a prepayment in full, is owed once the order stands; anything else on delivery."""
    if milestone.kind == MilestoneKind.DEPOSIT:
        return True
    return milestone.kind == MilestoneKind.FULL and deal.order.payment_terms == PaymentTerms.PREPAYMENT


def capture_condition(attempt: PaymentAttempt) -> bool:
    deal = Deal.objects.select_related("order").get(pk=attempt.deal_id)
    milestone = Milestone.objects.get(pk=attempt.milestone_id)
    if due_on_order(milestone, deal):
        return deal.state in (*RUNNING_STATES, DealState.COMPLETED)
    return deal.state in (DealState.DELIVERED, DealState.DISPUTED, DealState.COMPLETED)


def supplier_account(attempt: PaymentAttempt) -> ConnectedAccount | None:
    deal = Deal.objects.get(pk=attempt.deal_id)
    return ConnectedAccount.objects.filter(company_id=deal.supplier_id).first()


def advance(attempt: PaymentAttempt, *, now=None) -> PaymentAttempt:
    """Do what is due: expire a lapsed authorisation, capture when the condition holds, release held money."""
    now = now or timezone.now()
    attempt.refresh_from_db()
    if attempt.provider != providers.StripeCard.code:
        return attempt
    if attempt.state == AttemptState.AUTHORIZED:
        if attempt.capture_before and now >= attempt.capture_before:
            return expire(attempt, now=now)
        if not attempt.on_hold and capture_condition(attempt):
            attempt = capture(attempt)
    if attempt.state == AttemptState.CAPTURED and not attempt.on_hold:
        account = supplier_account(attempt)
        if account is not None and account.ready:
            attempt = release(attempt, account=account)
    return attempt


def capture(attempt: PaymentAttempt) -> PaymentAttempt:
    intent = gateway.capture_intent(attempt.provider_id, key=f"{attempt.idempotency_key}-capture")
    return apply_intent(attempt, intent)


def expire(attempt: PaymentAttempt, *, now) -> PaymentAttempt:
    """The authorisation lapsed uncaptured: cancel it, and ask the buyer for a new payment (both sides told)."""
    try:
        intent = gateway.cancel_intent(attempt.provider_id, key=f"{attempt.idempotency_key}-cancel")
    except gateway.InvalidRequestError:
        intent = gateway.retrieve_intent(attempt.provider_id)
    attempt = apply_intent(attempt, intent, now=now)
    if attempt.state == AttemptState.EXPIRED:
        deal = Deal.objects.get(pk=attempt.deal_id)
        transaction.on_commit(
            lambda: _tell_both(
                deal,
                gettext_lazy("A card authorisation expired: the buyer is asked to pay again"),
            )
        )
    return attempt


def release(attempt: PaymentAttempt, *, account: ConnectedAccount) -> PaymentAttempt:
    """Transfer the held money (captured less refunded) to the supplier's connected account."""
    money = Money(
        attempt.captured_amount - attempt.refunded_amount - attempt.released_amount, attempt.currency
    )
    if money.amount <= 0:
        return attempt
    done = gateway.find_transfer(group=attempt.idempotency_key)
    if done is None:
        done = gateway.transfer(
            money=money,
            destination=account.provider_account_id,
            source_charge=attempt.charge_id,
            key=f"{attempt.idempotency_key}-transfer",
            metadata=_metadata(attempt),
        )
    sent = gateway.from_minor(int(done["amount"]), done["currency"])

    def apply(obj):
        obj.transfer_id, obj.released_amount, obj.released_at = done["id"], sent.amount, timezone.now()
        return ["transfer_id", "released_amount", "released_at"]

    with transaction.atomic():
        locked = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.state != AttemptState.CAPTURED:
            return locked
        locked = _move(locked, "release", apply=apply, data={"transfer": done["id"], "amount": sent.amount})
    deal = Deal.objects.get(pk=attempt.deal_id)
    transaction.on_commit(lambda: _tell_both(deal, gettext_lazy("Payment released to the supplier")))
    return locked


def release_held_for(company_id: int) -> int:
    """Release what waited for the supplier's payout account (called once the account can take transfers)."""
    released = 0
    held = PaymentAttempt.objects.filter(
        deal__supplier_id=company_id, state=AttemptState.CAPTURED, on_hold=False
    ).order_by("pk")
    for attempt in held:
        released += advance(attempt).state == AttemptState.RELEASED
    return released


# -- refunds -----------------------------------------------------------------------------------------


def refund(*, attempt: PaymentAttempt, amount: Money, by_user, reason: str = "") -> PaymentRefund:
    """Give money back to the buyer from a captured card payment; never more than captured less refunded.

    The amount is reserved under the row lock before the provider is called (two refunds at once cannot
    both pass the check); released money is first reversed from the supplier's account.
    """
    if by_user is not None and not permissions.is_platform_staff(by_user):
        raise PermissionDenied
    with transaction.atomic():
        locked = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
        if not providers.get(locked.provider).supports_refund or locked.state not in (
            AttemptState.CAPTURED,
            AttemptState.RELEASED,
        ):
            raise ValidationError({"amount": _("Only money TrustFair took by card can be refunded.")})
        if amount.currency != locked.currency:
            raise ValidationError(
                {"amount": _("Refund in the payment's currency (%(c)s).") % {"c": locked.currency}}
            )
        amount = amount.quantize()
        if amount.amount <= 0:
            raise ValidationError({"amount": _("Give an amount above zero.")})
        if amount.amount > locked.captured_amount - locked.refunded_amount:
            raise ValidationError(
                {
                    "amount": _("At most %(left)s %(c)s can still be refunded.")
                    % {
                        "left": Money(locked.captured_amount - locked.refunded_amount, locked.currency)
                        .quantize()
                        .amount,
                        "c": locked.currency,
                    }
                }
            )
        held = locked.captured_amount - locked.refunded_amount - locked.released_amount
        reverse_amount = max(Decimal(0), amount.amount - held)
        number = locked.refunds.count() + 1
        row = PaymentRefund.objects.create(
            attempt=locked,
            number=number,
            amount=amount.amount,
            currency=amount.currency,
            reason=reason.strip()[:300],
            idempotency_key=f"{locked.idempotency_key}-refund-{number}",
            created_by=by_user,
        )
        PaymentAttempt.objects.filter(pk=locked.pk).update(
            refunded_amount=F("refunded_amount") + amount.amount,
            released_amount=F("released_amount") - reverse_amount,
        )
    try:
        if reverse_amount > 0:
            reversal = gateway.reverse_transfer(
                transfer_id=locked.transfer_id,
                money=Money(reverse_amount, amount.currency),
                key=f"{row.idempotency_key}-reversal",
            )
            row.reversal_id = reversal["id"]
        done = gateway.refund(intent_id=locked.provider_id, money=amount, key=row.idempotency_key)
    except gateway.StripeError:
        with transaction.atomic():
            PaymentAttempt.objects.filter(pk=locked.pk).update(
                refunded_amount=F("refunded_amount") - amount.amount,
                released_amount=F("released_amount") + (reverse_amount if not row.reversal_id else 0),
            )
            row.delete()
        raise
    with transaction.atomic():
        row.provider_id = done["id"]
        row.save(update_fields=["provider_id", "reversal_id"])
        locked = PaymentAttempt.objects.select_for_update().get(pk=locked.pk)
        audit.log(
            actor=by_user,
            action="payments.attempt.refund",
            obj=locked,
            company_id=locked.deal.buyer_id,
            data={
                "amount": amount.amount,
                "currency": amount.currency,
                "refund": done["id"],
                "reversed": reverse_amount,
                "reason": row.reason,
            },
        )
        if locked.refunded_amount >= locked.captured_amount:
            locked = _move(locked, "refund", by_user=by_user)
            _unpay_milestone(locked, by_user)
    return row


def _unpay_milestone(attempt: PaymentAttempt, by_user) -> None:
    """A fully refunded card payment no longer pays its milestone: it is owed again (scheduled, due or
    overdue by its due date), so the deal's exposure and the buyer's pay button reflect it. Called under the
    attempt's lock, inside refund()'s transaction."""
    milestone = Milestone.objects.select_for_update().select_related("deal").get(pk=attempt.milestone_id)
    if milestone.status != MilestoneStatus.PAID:
        return
    was_paid_on = milestone.paid_on
    milestone.status = MilestoneStatus.SCHEDULED  # status_on() reads PAID first; reset, then recompute
    milestone.status = deal_milestones.status_on(milestone, timezone.localdate())
    milestone.paid_on = None
    milestone.confirmed_by = None
    milestone.confirmed_at = None
    milestone.save(update_fields=["status", "paid_on", "confirmed_by", "confirmed_at"])
    audit.log(
        actor=by_user,
        action="payments.milestone.unpaid",
        obj=milestone,
        company_id=milestone.deal.buyer_id,
        data={
            "attempt": attempt.pk,
            "refunded": attempt.refunded_amount,
            "currency": attempt.currency,
            "was_paid_on": was_paid_on.isoformat() if was_paid_on else None,
            "status": milestone.status,
        },
    )


# -- disputes ---------------------------------------------------------------------------------------


def hold_for_dispute(deal: Deal) -> int:
    """A dispute opened: money not yet released stays with TrustFair until the operator decides."""
    with transaction.atomic():
        rows = list(
            PaymentAttempt.objects.select_for_update().filter(
                deal=deal, state__in=(AttemptState.AUTHORIZED, AttemptState.CAPTURED), on_hold=False
            )
        )
        for attempt in rows:
            attempt.on_hold = True
            attempt.save(update_fields=["on_hold", "updated_at"])
            audit.log(
                actor=None,
                action="payments.attempt.hold",
                obj=attempt,
                company_id=deal.buyer_id,
                data={"reason": "dispute"},
            )
    return len(rows)


def follow_dispute_outcome(deal: Deal, *, resolution: str, refund_amount: Decimal | None) -> None:
    """The decision of the dispute moves the held money: refunded (all or part), the rest released."""
    left = Decimal(refund_amount or 0) if resolution != DisputeResolution.REJECTED else Decimal(0)
    card = PaymentAttempt.objects.filter(
        deal=deal, state__in=(AttemptState.AUTHORIZED, AttemptState.CAPTURED, AttemptState.RELEASED)
    ).order_by("-pk")
    for attempt in card:
        if resolution == DisputeResolution.REFUND:
            if attempt.state == AttemptState.AUTHORIZED:
                cancel_authorisation(attempt)
                continue
            part = attempt.captured_amount - attempt.refunded_amount
        else:
            part = min(left, attempt.captured_amount - attempt.refunded_amount)
        if part > 0 and attempt.state != AttemptState.AUTHORIZED:
            refund(
                attempt=attempt,
                amount=Money(part, attempt.currency),
                by_user=None,
                reason=f"dispute: {resolution}",
            )
            left -= part
    with transaction.atomic():
        for attempt in PaymentAttempt.objects.select_for_update().filter(deal=deal, on_hold=True):
            attempt.on_hold = False
            attempt.save(update_fields=["on_hold", "updated_at"])
            audit.log(
                actor=None,
                action="payments.attempt.unhold",
                obj=attempt,
                company_id=deal.buyer_id,
                data={"resolution": resolution},
            )
    for attempt in PaymentAttempt.objects.filter(
        deal=deal, state__in=(AttemptState.AUTHORIZED, AttemptState.CAPTURED)
    ):
        advance(attempt)


def cancel_authorisation(attempt: PaymentAttempt, *, intent: dict | None = None) -> PaymentAttempt:
    """Cancel the PaymentIntent (an authorisation not wanted any more); the provider's answer is applied."""
    intent_id = (intent or {}).get("id") or attempt.provider_id
    try:
        intent = gateway.cancel_intent(intent_id, key=f"{attempt.idempotency_key}-cancel")
    except gateway.InvalidRequestError:
        intent = gateway.retrieve_intent(intent_id)
    return apply_intent(attempt, intent)


# -- manual methods: the deals flow confirms them ----------------------------------------------------


def milestone_paid(milestone: Milestone) -> None:
    """The milestone was confirmed paid: a manual attempt under way is settled; a card one is cancelled."""
    for attempt in PaymentAttempt.objects.filter(milestone=milestone, state__in=OPEN_STATES):
        if providers.get(attempt.provider).manual:
            with transaction.atomic():
                _move(PaymentAttempt.objects.get(pk=attempt.pk), "settle")
        elif attempt.provider_id:
            cancel_authorisation(attempt)
        else:
            with transaction.atomic():
                _move(attempt, "cancel")


# -- the supplier's payout account -------------------------------------------------------------------


def onboarding_link(*, company, by_user, refresh_url: str, return_url: str) -> str:
    """Create (once) the supplier's connected account and return the provider's onboarding address."""
    if not is_owner(by_user, company):
        raise PermissionDenied
    account = ConnectedAccount.objects.filter(company=company).first()
    if account is None:
        created = gateway.create_account(
            email=by_user.email,
            country=str(company.country or "US"),
            name=company.name,
            company_id=company.pk,
        )
        account, _created = ConnectedAccount.objects.get_or_create(
            company=company, defaults={"provider_account_id": created["id"]}
        )
        audit.log(
            actor=by_user,
            action="payments.account.create",
            obj=account,
            company_id=company.pk,
            data={"account": account.provider_account_id},
        )
    link = gateway.account_link(
        account_id=account.provider_account_id, refresh_url=refresh_url, return_url=return_url
    )
    return link["url"]


def refresh_account(account: ConnectedAccount, data: dict | None = None) -> ConnectedAccount:
    """Copy the provider's view of the account (from a webhook's object, or fetched); release what waited."""
    data = data or gateway.retrieve_account(account.provider_account_id)
    was_ready = account.ready
    account.details_submitted = bool(data.get("details_submitted"))
    account.payouts_enabled = bool(data.get("payouts_enabled"))
    account.transfers_active = (data.get("capabilities") or {}).get("transfers") == "active"
    account.save(update_fields=["details_submitted", "payouts_enabled", "transfers_active", "updated_at"])
    if account.ready and not was_ready:
        audit.log(
            actor=None,
            action="payments.account.ready",
            obj=account,
            company_id=account.company_id,
            data={"account": account.provider_account_id},
        )
        release_held_for(account.company_id)
    return account


# -- webhooks and reconciliation ----------------------------------------------------------------------


# Sent once an event the provider delivered is stored and not yet applied (the receiver queues `apply_event`).
event_stored = Signal()


def receive_event(event: dict) -> tuple[WebhookEvent, bool]:
    """Store a verified event once by id; (row, created). Applying it is queued (`event_stored` after commit).

    Stripe wants a 2xx quickly and retries for days otherwise, so the endpoint only stores: one INSERT,
    which also makes a redelivery harmless (a duplicate changes nothing). A redelivery of an event that
    was stored but not applied yet (a worker that failed, a provider that did not answer) is queued again;
    `reconcile` applies what is left unapplied too."""
    obj = (event.get("data") or {}).get("object") or {}
    created_at = dt.datetime.fromtimestamp(int(event["created"]), tz=dt.UTC) if event.get("created") else None
    try:
        with transaction.atomic():
            row = WebhookEvent.objects.create(
                provider=providers.StripeCard.code,
                event_id=event["id"],
                type=event.get("type", "")[:100],
                object_id=str(obj.get("id", ""))[:100],
                created=created_at,
                payload=event,
            )
    except IntegrityError:
        row = WebhookEvent.objects.get(event_id=event["id"])
        created = False
    else:
        created = True
    if row.processed_at is None:
        send_after_commit(event_stored, sender=WebhookEvent, event_pk=row.pk)
    return row, created


def apply_event(event_pk: int) -> bool:
    """Apply a stored event's object to TrustFair's state; False if it was applied already.

    The object's own status is applied forward only, so events applied twice, concurrently or in any
    order converge. Raises gateway.StripeError when applying needed the provider and it did not answer:
    the event stays unapplied, for the next redelivery or `reconcile`."""
    row = WebhookEvent.objects.filter(pk=event_pk, processed_at__isnull=True).first()
    if row is None:
        return False
    obj = (row.payload.get("data") or {}).get("object") or {}
    kind = obj.get("object")
    attempt = None
    if kind == "payment_intent":
        attempt = _attempt_for_intent(obj)
        if attempt is not None:
            advance(apply_intent(attempt, obj))
    elif kind == "account":
        account = ConnectedAccount.objects.filter(provider_account_id=obj.get("id", "")).first()
        if account is not None:
            refresh_account(account, obj)
    WebhookEvent.objects.filter(pk=row.pk).update(processed_at=timezone.now(), attempt=attempt)
    return True


def apply_unprocessed(*, older_than: dt.timedelta = dt.timedelta(minutes=1), now=None) -> dict[str, int]:
    """Apply the stored events a worker has not applied (lost task, provider down); counts."""
    cutoff = (now or timezone.now()) - older_than
    counts = {"applied": 0, "errors": 0}
    pending = WebhookEvent.objects.filter(processed_at__isnull=True, received_at__lt=cutoff)
    for pk in pending.order_by("received_at", "pk").values_list("pk", flat=True):
        try:
            counts["applied"] += apply_event(pk)
        except gateway.StripeError as error:
            counts["errors"] += 1
            log.warning("reconcile: webhook event %s not applied: %s", pk, error)
    return counts


def _attempt_for_intent(obj: dict) -> PaymentAttempt | None:
    attempt = PaymentAttempt.objects.filter(provider_id=obj.get("id", "")).first()
    if attempt is None:
        key = (obj.get("metadata") or {}).get("tf_attempt")
        attempt = PaymentAttempt.objects.filter(idempotency_key=key, provider_id="").first() if key else None
    return attempt


def reconcile(*, now=None) -> dict[str, int]:
    """Apply the stored events left unapplied, then fetch the provider's state of every open card attempt
    (and held money) and repair what was missed."""
    events = apply_unprocessed(now=now)
    counts = {"checked": 0, "changed": 0, "errors": events["errors"], "events": events["applied"]}
    rows = PaymentAttempt.objects.filter(
        provider=providers.StripeCard.code, state__in=(*OPEN_STATES, AttemptState.CAPTURED)
    ).order_by("pk")
    for attempt in rows:
        counts["checked"] += 1
        before = (attempt.state, attempt.provider_id)
        try:
            intent = _existing_intent(attempt)
            if intent is not None:
                attempt = apply_intent(attempt, intent)
            elif (
                attempt.state == AttemptState.CREATED
                and attempt.created_at < (now or timezone.now()) - STALE_AFTER
            ):
                # Nothing reached the provider (the buyer left, or we crashed before the call): free the milestone.
                with transaction.atomic():
                    attempt = _move(
                        PaymentAttempt.objects.get(pk=attempt.pk), "cancel", data={"reason": "stale"}
                    )
            attempt = advance(attempt, now=now)
        except gateway.StripeError as error:
            counts["errors"] += 1
            log.warning("reconcile: attempt %s: %s", attempt.pk, error)
            continue
        counts["changed"] += (attempt.state, attempt.provider_id) != before
    return counts
