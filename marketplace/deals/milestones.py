"""Payment milestones: what the buyer owes under an order and when, proof of payment, confirmation.

The schedule follows the accepted terms (see `schedule`). The buyer uploads proof (a bank slip, an
L/C copy: checked by content, kept in private storage); the supplier, or an operator, confirms receipt
with the date the money arrived. Confirmation tells the credit engine whether the buyer paid on time
(`invoice_paid`, and `payment_late` with the days). A daily task moves milestones to due and overdue
(`refresh`), each move once, and both sides are told.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.facts import record as record_fact
from marketplace.core import files
from marketplace.core.money import Money
from marketplace.core.transitions import transition
from marketplace.deals import permissions, services
from marketplace.deals.exposure import RUNNING_STATES
from marketplace.deals.models import (
    MILESTONE_TRANSITIONS,
    Deal,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Order,
    PaymentProof,
)

# Days the buyer has to pay what falls due on the order (a prepayment, a deposit).
ON_ORDER_DAYS = 7
# A milestone counts as due this many days before its due date (both sides are told once).
DUE_SOON_DAYS = 7
# A milestone this many days overdue is a serious delinquency for the credit engine.
SERIOUS_OVERDUE_DAYS = 90
ALLOWED_PROOF_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
PLATFORM_SOURCE = "platform"


def proof_limit() -> int:
    return settings.DEALS_PROOF_MAX_BYTES


def shipment_date(offer, placed_on: dt.date) -> dt.date:
    """When the goods are expected to leave: the agreed delivery date, or the lead time after the order."""
    if offer.delivery_date:
        return offer.delivery_date
    return placed_on + dt.timedelta(days=offer.lead_time_days or 0)


def plan(offer, total: Money, placed_on: dt.date) -> list[tuple[str, Decimal, Money, dt.date]]:
    """(kind, percent, amount, due date) of each payment the terms call for, in order.

    prepayment: everything within ON_ORDER_DAYS of the order. deposit_balance: the deposit then, the
    balance against the shipping documents (the expected shipment date). L/C at sight and D/P: at the
    shipment date. D/A and open account: the term days after it.
    """
    terms = offer.payment_terms
    on_order = placed_on + dt.timedelta(days=ON_ORDER_DAYS)
    shipped = shipment_date(offer, placed_on)
    hundred = Decimal(100)
    if terms == "prepayment":
        return [(MilestoneKind.FULL, hundred, total, on_order)]
    if terms == "deposit_balance":
        percent = Decimal(offer.deposit_percent or 0)
        deposit = Money(total.amount * percent / hundred, total.currency).quantize(ROUND_HALF_UP)
        balance = total - deposit
        rows = []
        if deposit.amount > 0:
            rows.append((MilestoneKind.DEPOSIT, percent, deposit, on_order))
        rows.append((MilestoneKind.BALANCE, hundred - percent, balance, max(shipped, on_order)))
        return rows
    if terms in ("lc_sight", "dp"):
        return [(MilestoneKind.FULL, hundred, total, shipped)]
    return [(MilestoneKind.FULL, hundred, total, shipped + dt.timedelta(days=offer.term_days or 0))]


def schedule(order: Order, offer, total: Money) -> list[Milestone]:
    """Create the order's milestones (inside the caller's transaction)."""
    placed_on = timezone.localdate(order.placed_at)
    rows = [
        Milestone(
            deal_id=order.deal_id,
            order=order,
            seq=seq,
            kind=kind,
            percent=percent,
            amount=amount.amount,
            currency=amount.currency,
            due_date=due,
        )
        for seq, (kind, percent, amount, due) in enumerate(plan(offer, total, placed_on), start=1)
    ]
    return Milestone.objects.bulk_create(rows)


def status_on(milestone: Milestone, today: dt.date) -> str:
    if milestone.status == MilestoneStatus.PAID:
        return MilestoneStatus.PAID
    if today > milestone.due_date:
        return MilestoneStatus.OVERDUE
    if today >= milestone.due_date - dt.timedelta(days=DUE_SOON_DAYS):
        return MilestoneStatus.DUE
    return MilestoneStatus.SCHEDULED


def days_overdue(milestone: Milestone, today: dt.date) -> int:
    """How many days past its due date an unpaid milestone is on `today` (0 unless `status_on` says overdue):
    what the pages show beside "Overdue", whether or not the daily check has moved the stored status yet."""
    if status_on(milestone, today) != MilestoneStatus.OVERDUE:
        return 0
    return (today - milestone.due_date).days


def ref(milestone: Milestone, what: str) -> str:
    return f"deal:{milestone.deal_id}:milestone:{milestone.seq}:{what}"


def _is_payer(user, deal: Deal) -> bool:
    return permissions.acting_side(user, deal) == "buyer"


def _may_confirm(user, deal: Deal) -> bool:
    return permissions.acting_side(user, deal) == "supplier" or permissions.is_platform_staff(user)


def _running(deal: Deal) -> None:
    if deal.state not in RUNNING_STATES:
        raise ValidationError(_("Payments are recorded only while the order runs."))


def detect_proof_type(upload) -> str:
    return files.detect_type(
        upload,
        allowed=ALLOWED_PROOF_TYPES,
        limit=proof_limit(),
        wrong_type=_(
            "This file is not a PDF, JPEG or PNG (its content is %(found)s), whatever its name says."
        ),
    )


def upload_proof(*, milestone: Milestone, by_user, upload, note: str = "") -> PaymentProof:
    """The buyer's proof of payment for one milestone: checked by content and size, stored privately."""
    with transaction.atomic():
        deal = Deal.objects.select_for_update().get(pk=milestone.deal_id)
        if not _is_payer(by_user, deal):
            raise PermissionDenied
        _running(deal)
        milestone = Milestone.objects.get(pk=milestone.pk)
        if milestone.status == MilestoneStatus.PAID:
            raise ValidationError(_("This payment has already been confirmed."))
        try:
            mime = detect_proof_type(upload)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
        digest = files.sha256_of(upload)
        proof = PaymentProof(
            milestone=milestone,
            content_type=mime,
            original_name=(upload.name or "proof")[-255:],
            size=upload.size,
            sha256=digest,
            note=note.strip()[:300],
            uploaded_by=by_user,
        )
        proof.file.save(upload.name or "proof", upload, save=False)
        proof.save()
        services.side_step(
            deal,
            "payment_proof",
            by_user=by_user,
            allowed=_is_payer,
            data={"milestone": milestone.seq, "sha256": proof.sha256, "type": mime, "note": proof.note},
        )
    return proof


def _credit_facts(milestone: Milestone, deal: Deal) -> None:
    """invoice_paid (due against paid date) and, when late, payment_late with the days; idempotent by ref."""
    money = {"amount": format(milestone.amount, "f"), "currency": milestone.currency}
    invoice = f"deal:{deal.pk}:milestone:{milestone.seq}"
    record_fact(
        source=PLATFORM_SOURCE,
        kind="invoice_paid",
        subject=deal.buyer,
        payload={**money, "due_date": milestone.due_date, "paid_date": milestone.paid_on, "invoice": invoice},
        occurred_at=milestone.paid_on,
        external_ref=ref(milestone, "paid"),
        platform_event="deals.payment_confirmed",
    )
    days_late = (milestone.paid_on - milestone.due_date).days
    if days_late > 0:
        record_fact(
            source=PLATFORM_SOURCE,
            kind="payment_late",
            subject=deal.buyer,
            payload={**money, "days_late": min(days_late, 3650), "invoice": invoice},
            occurred_at=milestone.paid_on,
            external_ref=ref(milestone, "late"),
            platform_event="deals.payment_confirmed",
        )


def confirm_payment(*, milestone: Milestone, by_user, paid_on: dt.date, provider: str = "") -> Milestone:
    """The supplier (or an operator) confirms the money arrived on `paid_on`.

    A payment provider that took the money itself (a captured card payment, marketplace/payments) confirms
    as the system: `by_user=None` with the provider's code in `provider`, which the record keeps.
    """
    today = timezone.localdate()
    system = by_user is None and bool(provider)

    def may_confirm(user, deal: Deal) -> bool:
        return system or _may_confirm(user, deal)

    with transaction.atomic():
        deal = Deal.objects.select_for_update().get(pk=milestone.deal_id)
        if not may_confirm(by_user, deal):
            raise PermissionDenied
        _running(deal)
        placed_on = timezone.localdate(deal.order.placed_at)
        if paid_on > today:
            raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
        if paid_on < placed_on:
            raise ValidationError(
                {
                    "paid_on": _("The payment date cannot be before the order (%(date)s).")
                    % {"date": placed_on}
                }
            )

        def apply(locked: Milestone):
            locked.paid_on = paid_on
            locked.confirmed_by = by_user
            locked.confirmed_at = timezone.now()
            return ["paid_on", "confirmed_by", "confirmed_at"]

        milestone = transition(
            Milestone.objects.get(pk=milestone.pk),
            table=MILESTONE_TRANSITIONS,
            event="confirm_payment",
            by_user=by_user,
            allowed=lambda user, m: may_confirm(user, deal),
            apply=apply,
            data={"deal": deal.pk, "seq": milestone.seq, "paid_on": paid_on.isoformat()},
        )
        data = {
            "milestone": milestone.seq,
            "amount": milestone.amount,
            "currency": milestone.currency,
            "due_date": milestone.due_date.isoformat(),
            "paid_on": paid_on.isoformat(),
            "days_late": max(0, (paid_on - milestone.due_date).days),
        }
        if system:
            data["provider"] = provider
        services.side_step(deal, "payment_confirmed", by_user=by_user, allowed=may_confirm, data=data)
        _credit_facts(milestone, deal)
    return milestone


EVENT_FOR = {MilestoneStatus.DUE: "fall_due", MilestoneStatus.OVERDUE: "go_overdue"}
ACTION_FOR = {MilestoneStatus.DUE: "milestone_due", MilestoneStatus.OVERDUE: "milestone_overdue"}


def refresh(today: dt.date | None = None) -> dict[str, int]:
    """Move every unpaid milestone of a running order to due or overdue as `today` says; once per move.

    Returns how many moved to each status. Run daily by deals.tasks.check_milestones; running it twice
    on a day changes nothing the second time.
    """
    today = today or timezone.localdate()
    moved = {MilestoneStatus.DUE: 0, MilestoneStatus.OVERDUE: 0, "serious": 0}
    horizon = today + dt.timedelta(days=DUE_SOON_DAYS)
    candidates = (
        Milestone.objects.filter(deal__state__in=RUNNING_STATES, due_date__lte=horizon)
        .exclude(status=MilestoneStatus.PAID)
        .select_related("deal", "deal__buyer")
        .order_by("due_date", "pk")
    )
    for milestone in candidates:
        target = status_on(milestone, today)
        if target != milestone.status:
            with transaction.atomic():
                deal = Deal.objects.select_for_update().get(pk=milestone.deal_id)
                locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
                if locked.status == MilestoneStatus.PAID or status_on(locked, today) == locked.status:
                    continue
                transition(
                    locked,
                    table=MILESTONE_TRANSITIONS,
                    event=EVENT_FOR[target],
                    by_user=None,
                    data={"deal": deal.pk, "seq": locked.seq, "due_date": locked.due_date.isoformat()},
                )
                services.side_step(
                    deal,
                    ACTION_FOR[target],
                    by_user=None,
                    allowed=None,
                    data={
                        "milestone": locked.seq,
                        "amount": locked.amount,
                        "currency": locked.currency,
                        "due_date": locked.due_date.isoformat(),
                    },
                )
                moved[target] += 1
        days_overdue = (today - milestone.due_date).days
        if days_overdue >= SERIOUS_OVERDUE_DAYS:
            _fact, created = record_fact(
                source=PLATFORM_SOURCE,
                kind="payment_late",
                subject=milestone.deal.buyer,
                payload={
                    "amount": format(milestone.amount, "f"),
                    "currency": milestone.currency,
                    "days_late": days_overdue,
                    "invoice": f"deal:{milestone.deal_id}:milestone:{milestone.seq}",
                },
                occurred_at=milestone.due_date + dt.timedelta(days=SERIOUS_OVERDUE_DAYS),
                external_ref=ref(milestone, f"overdue{SERIOUS_OVERDUE_DAYS}"),
                platform_event="deals.milestone_overdue",
            )
            moved["serious"] += int(created)
    return moved
