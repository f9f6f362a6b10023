"""Every change to a financing application: one service each, atomic, permission-checked, locked, audited.

The supplier applies (`apply`), answers a counter-offer (`accept_counter`, `decline_counter`) or
withdraws; the bank's risk officer decides (`approve`, `counter`, `decline`), records the disbursement
(`disburse`) and each repayment (`record_repayment`); the daily check moves a repayment past its due
date to overdue (`refresh_overdue`). Each change writes the audit trail (through
`core.transitions.transition`, or `audit.log` for the creation), notifies both sides and sends
`signals.application_changed` after commit.

Financing is between the supplier and its bank: nothing is written to the deal's record, which the
buyer reads, and the buyer is never told.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credit.facts import record as record_fact
from marketplace.companies.models import Company, CompanyKind, Membership, PlatformRole
from marketplace.companies.permissions import partner_of_officer
from marketplace.core import audit, fx
from marketplace.core.money import CURRENCIES, Money, validate_minor_units
from marketplace.core.signals import send_after_commit
from marketplace.core.transitions import transition
from marketplace.deals import permissions as deal_permissions
from marketplace.deals.models import Deal, DealState, Order
from marketplace.financing import policy
from marketplace.financing.models import (
    APPLICATION_TRANSITIONS,
    MAX_TERM_DAYS,
    OPEN_STATUSES,
    ApplicationStatus,
    FinancingApplication,
    FinancingKind,
    Repayment,
)
from marketplace.financing.policy import money_text
from marketplace.financing.signals import application_changed
from marketplace.insurance import selectors as insurance_selectors
from marketplace.insurance import services as insurance_services
from marketplace.insurance.models import DeclarationStatus
from marketplace.notifications.services import notify

PLATFORM_SOURCE = "platform"
# An overdue repayment this many days late is a serious delinquency (as deals' milestones count it).
SERIOUS_OVERDUE_DAYS = 90
# A receivable exists once the goods left: the deal shipped or delivered (and not yet completed or disputed).
POST_SHIPMENT_STATES = (DealState.SHIPPED, DealState.DELIVERED)


# -- who ---------------------------------------------------------------------------------------------


def bank_of(user) -> Company | None:
    """The partner bank `user` decides financing for (a risk officer of a bank), or None."""
    return partner_of_officer(user, CompanyKind.BANK)


def is_bank_officer_for(user, application: FinancingApplication) -> bool:
    bank = bank_of(user)
    return bank is not None and bank.pk == application.bank_id


def is_supplier_actor(user, application: FinancingApplication) -> bool:
    """A member of the applying supplier in an acting role."""
    return deal_permissions.can_act_for_company(user, application.supplier)


def _bank_officers(bank_id: int):
    return [
        m.user
        for m in Membership.objects.select_related("user").filter(
            company_id=bank_id, user__platform_role=PlatformRole.RISK_OFFICER, user__is_active=True
        )
    ]


def _supplier_people(supplier_id: int):
    return [m.user for m in Membership.objects.select_related("user").filter(company_id=supplier_id)]


class Later:
    """A translatable message and its values, put together in the language active when it is read —
    so `notify` words each notification in its recipient's language."""

    def __init__(self, message, params: dict):
        self.message, self.params = message, params

    def __str__(self) -> str:
        return str(self.message) % self.params


def _text(value):
    return Later(*value) if isinstance(value, tuple) else value


def _tell(application, *, to_bank: bool, to_supplier: bool, title, body=""):
    """Notify the bank's risk officers and/or the supplier's people; `title` and `body` are text, or a
    (lazy message, values) pair rendered in each recipient's language."""
    recipients = []
    if to_bank:
        recipients += _bank_officers(application.bank_id)
    if to_supplier:
        recipients += _supplier_people(application.supplier_id)
    if recipients:
        notify(
            recipients=recipients,
            title=_text(title),
            body=_text(body),
            url=reverse("financing:application_detail", kwargs={"pk": application.pk}),
        )


def _announce(application, event: str, actor) -> None:
    send_after_commit(
        application_changed, sender=FinancingApplication, application=application, event=event, actor=actor
    )


# -- input checks ------------------------------------------------------------------------------------


def _amount(value, currency: str, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter an amount.")}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("The amount must be greater than zero.")})
    try:
        validate_minor_units(Money(amount, currency))
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    return amount


def _term(value, field: str = "term_days") -> int:
    if value is None or int(value) != value or not 1 <= value <= MAX_TERM_DAYS:
        raise ValidationError({field: _("The term is between 1 and %(max)d days.") % {"max": MAX_TERM_DAYS}})
    return int(value)


def _rate(value) -> Decimal:
    try:
        rate = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"rate": _("Enter the interest rate.")}) from None
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(100):
        raise ValidationError({"rate": _("The interest rate is between 0 and 100 % a year.")})
    return rate.quantize(Decimal("0.001"))


def order_value(order: Order) -> Money:
    return Money(order.amount, order.currency)


def reference(order: Order) -> str:
    return f"financing:order:{order.pk}"


def insured_receivable_for(deal: Deal):
    """The deal's insured invoice a bank may finance after shipment: insured by the deal's supplier, still
    in cover (not overdue, claimed or lapsed) and its indemnity not yet assigned; None if there is none."""
    if deal.state not in POST_SHIPMENT_STATES:
        return None
    for receivable in insurance_selectors.insured_receivable(deal):
        if (
            receivable.status == DeclarationStatus.COVERED
            and receivable.insured_id == deal.supplier_id
            and receivable.assigned_to_id is None
        ):
            return receivable
    return None


def post_shipment_refusal(deal: Deal) -> str:
    """Why the deal does not qualify for post-shipment financing, in words the supplier can act on."""
    if deal.state not in POST_SHIPMENT_STATES:
        return str(
            _(
                "Post-shipment financing is asked after the goods are shipped, against an insured invoice "
                "the buyer has not paid yet."
            )
        )
    receivables = insurance_selectors.insured_receivable(deal)
    if not receivables:
        return str(
            _(
                "This deal's invoice is not insured: insure it with export credit insurance (declare the "
                "shipment) first, or ask for pre-shipment financing before shipping."
            )
        )
    if all(r.assigned_to_id is not None for r in receivables):
        return str(_("This insured invoice's indemnity is already assigned to a bank."))
    return str(
        _(
            "The insured invoice is no longer in cover (reported overdue, claimed or lapsed): it cannot be financed."
        )
    )


def base_value(order: Order, receivable) -> Money:
    """What the advance rate applies to: the order's value, or the insured amount of the receivable."""
    if receivable is None:
        return order_value(order)
    return Money(receivable.insured_amount, receivable.currency)


def receivable_share(receivable) -> Decimal | None:
    """The most of the insured amount a bank is lent against: 90 % (policy.MAX_ADVANCE), and never more
    than the share of it the insurer indemnifies."""
    if receivable is None:
        return None
    return min(policy.MAX_ADVANCE, Decimal(receivable.indemnity_percent) / 100)


def _release(application: FinancingApplication, by_user) -> None:
    """A post-shipment application that ends (declined, withdrawn, counter declined, repaid) gives the
    indemnity back to the insured."""
    if application.declaration_id:
        insurance_services.release_assignment(
            declaration_id=application.declaration_id, reference=application.number, by_user=by_user
        )


# -- the supplier applies ----------------------------------------------------------------------------


def apply(
    *,
    deal: Deal,
    by_user,
    bank: Company,
    amount,
    currency: str,
    term_days: int,
    kind: str = FinancingKind.PRE_SHIPMENT,
    note: str = "",
) -> FinancingApplication:
    """The supplier asks `bank` to finance its deal: pre-shipment against the confirmed order, or
    post-shipment against the deal's insured invoice, whose indemnity is then assigned to the bank.

    Refused (ValidationError by field, nothing written) unless: pre-shipment, the order is confirmed and
    not yet shipped; post-shipment, the goods are shipped and the invoice is insured by the supplier,
    still in cover and its indemnity not yet assigned; the bank is a partner bank, the currency is
    ISO 4217 with an FX rate, the term is 1–180 days, the amount is at most TrustFair's ceiling (advance
    rate by grade × the order's value, or × the insured amount capped at 90 % of it) and within the
    supplier's credit limit (its row locked: concurrent applications are decided one at a time), and no
    other application for the order is open.
    """
    currency = (currency or "").strip().upper()
    with transaction.atomic():
        locked = (
            Deal.objects.select_for_update(of=("self",)).select_related("supplier", "buyer").get(pk=deal.pk)
        )
        if deal_permissions.acting_side(by_user, locked) != "supplier":
            raise PermissionDenied
        errors: dict[str, list[str]] = {}
        order = Order.objects.filter(deal=locked).first()
        receivable = None
        if kind == FinancingKind.PRE_SHIPMENT:
            if order is None or locked.state != DealState.ORDERED:
                raise ValidationError(
                    _(
                        "Pre-shipment financing is asked against a confirmed order that has not been shipped yet."
                    )
                )
        elif kind == FinancingKind.POST_SHIPMENT:
            receivable = insured_receivable_for(locked)
            if order is None or receivable is None:
                raise ValidationError({"kind": post_shipment_refusal(locked)})
        else:
            errors["kind"] = [str(_("Choose pre-shipment or post-shipment financing."))]
        if bank is None or bank.kind != CompanyKind.BANK:
            errors["bank"] = [str(_("Choose one of TrustFair's partner banks."))]
        if currency not in CURRENCIES:
            errors["currency"] = [str(_("Choose an ISO 4217 currency."))]
        try:
            term_days = _term(term_days)
        except (ValidationError, TypeError, ValueError) as error:
            errors.update(getattr(error, "message_dict", {"term_days": [str(_("Enter the term in days."))]}))
        if "currency" not in errors:
            try:
                amount = _amount(amount, currency)
            except ValidationError as error:
                errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)
        if FinancingApplication.objects.filter(order=order, status__in=OPEN_STATUSES).exists():
            raise ValidationError(_("This order already has an open financing application."))
        try:
            # Locks the supplier's company row: the supplier's applications are decided one at a time.
            suggestion = policy.suggest(
                supplier=locked.supplier,
                base=base_value(order, receivable),
                currency=currency,
                amount=amount,
                reference=reference(order),
                lock=True,
                max_share=receivable_share(receivable),
            )
        except fx.NoRate as exc:
            raise ValidationError(
                {"currency": _("No exchange rate for %(code)s on record.") % {"code": exc.currency}}
            ) from None
        if suggestion.advance_rate <= 0:
            raise ValidationError(
                _("TrustFair suggests no financing for grade %(grade)s.") % {"grade": suggestion.grade}
            )
        if amount > suggestion.ceiling.amount:
            raise ValidationError(
                {
                    "amount": (
                        _("At most %(ceiling)s: %(rate)s %% of the insured amount for grade %(grade)s.")
                        if receivable is not None
                        else _("At most %(ceiling)s: %(rate)s %% of the order's value for grade %(grade)s.")
                    )
                    % {
                        "ceiling": money_text(suggestion.ceiling.amount, currency),
                        "rate": format((suggestion.share * 100).normalize(), "f"),
                        "grade": suggestion.grade,
                    }
                }
            )
        if not suggestion.within_limit:
            raise ValidationError({"amount": suggestion.limit_reason()})
        try:
            with transaction.atomic():
                application = FinancingApplication.objects.create(
                    kind=kind,
                    deal=locked,
                    order=order,
                    supplier=locked.supplier,
                    buyer=locked.buyer,
                    bank=bank,
                    amount=amount,
                    currency=currency,
                    term_days=term_days,
                    note=(note or "").strip()[:2000],
                    declaration_id=receivable.declaration_id if receivable else None,
                    insured_amount=receivable.insured_amount if receivable else None,
                    insurance_reference=receivable.policy_number if receivable else "",
                    advance_rate=suggestion.advance_rate,
                    ceiling=suggestion.ceiling.amount,
                    fx_rate=suggestion.fx_rate,
                    fx_date=suggestion.fx_date,
                    suggestion=suggestion.as_dict(),
                    created_by=by_user,
                )
        except IntegrityError:
            raise ValidationError(_("This order already has an open financing application.")) from None
        if receivable is not None:
            # The policy's indemnity is assigned to the bank, in the same transaction: the insurer sees it.
            insurance_services.assign_indemnity(
                declaration_id=receivable.declaration_id,
                bank=bank,
                by_user=by_user,
                reference=application.number,
            )
        audit.log(
            actor=by_user,
            action="financing.application.submit",
            obj=application,
            company_id=application.supplier_id,
            data={
                "deal": locked.pk,
                "order": order.pk,
                "bank": bank.pk,
                "amount": amount,
                "currency": currency,
                "term_days": term_days,
                "ceiling": suggestion.ceiling.amount,
                "advance_rate": suggestion.advance_rate,
                "kind": kind,
                "declaration": receivable.declaration_id if receivable else None,
            },
        )
        _tell(
            application,
            to_bank=True,
            to_supplier=False,
            title=(_("New financing application %(number)s"), {"number": application.number}),
            body=(
                _("%(supplier)s asks for %(amount)s %(currency)s for %(days)d days."),
                {"supplier": locked.supplier.name, "amount": amount, "currency": currency, "days": term_days},
            ),
        )
        _announce(application, "submit", by_user)
    return application


# -- the bank decides --------------------------------------------------------------------------------


def _check_room(application: FinancingApplication, amount: Decimal) -> None:
    """The bank may lend up to the ceiling; above what was asked, the extra must fit the supplier's limit."""
    if amount > application.ceiling:
        raise ValidationError(
            {
                "amount": _("At most TrustFair's ceiling of %(ceiling)s.")
                % {"ceiling": money_text(application.ceiling, application.currency)}
            }
        )
    extra = amount - application.amount
    if extra > 0:
        suggestion = policy.suggest(
            supplier=application.supplier,
            base=_suggested_base(application),
            currency=application.currency,
            amount=extra,
            reference=reference(application.order),
            lock=True,
            max_share=application.suggestion.get("max_share")
            and Decimal(application.suggestion["max_share"]),
        )
        if not suggestion.within_limit:
            raise ValidationError({"amount": suggestion.limit_reason()})


def _suggested_base(application: FinancingApplication) -> Money:
    """The base the application's ceiling was computed on (the order's value or the insured amount)."""
    base = application.suggestion.get("base")
    if base:
        return Money(Decimal(base["amount"]), base["currency"])
    return order_value(application.order)


def _bank_terms(application, by_user, event: str, *, amount, rate, term_days) -> FinancingApplication:
    def allowed(user, locked):
        return is_bank_officer_for(user, locked)

    def apply_terms(locked):
        offer = _amount(amount, locked.currency)
        _check_room(locked, offer)
        locked.offer_amount = offer
        locked.offer_rate = _rate(rate)
        locked.offer_term_days = _term(term_days)
        locked.decided_by = by_user
        locked.decided_at = timezone.now()
        return ["offer_amount", "offer_rate", "offer_term_days", "decided_by", "decided_at"]

    with transaction.atomic():
        moved = transition(
            application,
            table=APPLICATION_TRANSITIONS,
            event=event,
            by_user=by_user,
            allowed=allowed,
            apply=apply_terms,
            data={"amount": str(amount), "rate": str(rate), "term_days": term_days},
        )
        if event == "approve":
            title = (_("Financing %(number)s approved"), {"number": moved.number})
        else:
            title = (_("Counter-offer on financing %(number)s"), {"number": moved.number})
        _tell(
            moved,
            to_bank=True,
            to_supplier=True,
            title=title,
            body=(
                _("%(amount)s %(currency)s for %(days)d days at %(rate)s %% a year."),
                {
                    "amount": moved.offer_amount,
                    "currency": moved.currency,
                    "days": moved.offer_term_days,
                    "rate": moved.offer_rate,
                },
            ),
        )
        _announce(moved, event, by_user)
    return moved


def approve(*, application: FinancingApplication, by_user, amount, rate, term_days) -> FinancingApplication:
    """The bank approves: amount (at most the ceiling), interest rate (% a year), term (at most 180 days)."""
    return _bank_terms(application, by_user, "approve", amount=amount, rate=rate, term_days=term_days)


def counter(*, application: FinancingApplication, by_user, amount, rate, term_days) -> FinancingApplication:
    """The bank offers other terms; the supplier accepts or declines them."""
    return _bank_terms(application, by_user, "counter", amount=amount, rate=rate, term_days=term_days)


def decline(*, application: FinancingApplication, by_user, reason: str) -> FinancingApplication:
    """The bank declines, with a reason the supplier reads."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the application is declined.")})

    def apply_reason(locked):
        locked.decline_reason = reason[:2000]
        locked.decided_by = by_user
        locked.decided_at = timezone.now()
        return ["decline_reason", "decided_by", "decided_at"]

    with transaction.atomic():
        moved = transition(
            application,
            table=APPLICATION_TRANSITIONS,
            event="decline",
            by_user=by_user,
            allowed=is_bank_officer_for,
            apply=apply_reason,
            data={"reason": reason},
        )
        _tell(
            moved,
            to_bank=True,
            to_supplier=True,
            title=(_("Financing %(number)s declined"), {"number": moved.number}),
            body=reason,
        )
        _release(moved, by_user)
        _announce(moved, "decline", by_user)
    return moved


# -- the supplier answers ----------------------------------------------------------------------------


def _supplier_answer(application, by_user, event: str, title, data=None) -> FinancingApplication:
    def apply_answer(locked):
        locked.answered_by = by_user
        locked.answered_at = timezone.now()
        return ["answered_by", "answered_at"]

    with transaction.atomic():
        moved = transition(
            application,
            table=APPLICATION_TRANSITIONS,
            event=event,
            by_user=by_user,
            allowed=is_supplier_actor,
            apply=apply_answer,
            data=data or {},
        )
        _tell(moved, to_bank=True, to_supplier=True, title=(title, {"number": moved.number}))
        if moved.status in (ApplicationStatus.WITHDRAWN, ApplicationStatus.COUNTER_DECLINED):
            _release(moved, by_user)
        _announce(moved, event, by_user)
    return moved


def accept_counter(*, application: FinancingApplication, by_user) -> FinancingApplication:
    return _supplier_answer(
        application, by_user, "accept_counter", _("Counter-offer on financing %(number)s accepted")
    )


def decline_counter(*, application: FinancingApplication, by_user) -> FinancingApplication:
    return _supplier_answer(
        application, by_user, "decline_counter", _("Counter-offer on financing %(number)s declined")
    )


def withdraw(*, application: FinancingApplication, by_user) -> FinancingApplication:
    return _supplier_answer(application, by_user, "withdraw", _("Financing application %(number)s withdrawn"))


# -- money out and back ------------------------------------------------------------------------------


def _date(value, field: str, *, not_before: dt.date | None = None) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationError({field: _("Enter a date.")})
    if value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if not_before is not None and value < not_before:
        raise ValidationError({field: _("The date cannot be before %(date)s.") % {"date": not_before}})
    return value


def disburse(
    *, application: FinancingApplication, by_user, amount, disbursed_on: dt.date
) -> FinancingApplication:
    """The bank paid out `amount` (at most the approved amount) on `disbursed_on`; repayment falls due
    the approved term's days later."""

    def apply_disbursement(locked):
        paid = _amount(amount, locked.currency)
        if paid > locked.offer_amount:
            raise ValidationError(
                {
                    "amount": _("At most the approved %(amount)s.")
                    % {"amount": money_text(locked.offer_amount, locked.currency)}
                }
            )
        day = _date(disbursed_on, "disbursed_on", not_before=timezone.localdate(locked.created_at))
        locked.disbursed_amount = paid
        locked.disbursed_on = day
        locked.due_date = day + dt.timedelta(days=locked.offer_term_days)
        return ["disbursed_amount", "disbursed_on", "due_date"]

    with transaction.atomic():
        moved = transition(
            application,
            table=APPLICATION_TRANSITIONS,
            event="disburse",
            by_user=by_user,
            allowed=is_bank_officer_for,
            apply=apply_disbursement,
            data={"amount": str(amount), "disbursed_on": str(disbursed_on)},
        )
        _tell(
            moved,
            to_bank=True,
            to_supplier=True,
            title=(_("Financing %(number)s disbursed"), {"number": moved.number}),
            body=(
                _("%(amount)s %(currency)s paid out on %(date)s; repayment due on %(due)s."),
                {
                    "amount": moved.disbursed_amount,
                    "currency": moved.currency,
                    "date": moved.disbursed_on,
                    "due": moved.due_date,
                },
            ),
        )
        _announce(moved, "disburse", by_user)
    return moved


def _late_fact(application, *, days_late: int, occurred_at: dt.date, what: str, event: str, amount) -> bool:
    """A repayment past its due date is a late payment of the supplier: a `payment_late` credit fact.

    credit/kinds.py has no kind of its own for a loan; `payment_late` (sources platform, bank, insurer)
    carries days late and amount, and its `invoice` names the financing.
    """
    _fact, created = record_fact(
        source=PLATFORM_SOURCE,
        kind="payment_late",
        subject=application.supplier,
        payload={
            "amount": format(Decimal(amount), "f"),
            "currency": application.currency,
            "days_late": max(1, min(days_late, 3650)),
            "invoice": f"financing:{application.pk}",
        },
        occurred_at=occurred_at,
        external_ref=f"financing:{application.pk}:{what}",
        platform_event=event,
    )
    return created


def record_repayment(*, application: FinancingApplication, by_user, amount, paid_on: dt.date) -> Repayment:
    """The bank received `amount` on `paid_on`; when nothing is left outstanding the financing is repaid."""
    with transaction.atomic():
        locked = FinancingApplication.objects.select_for_update().get(pk=application.pk)
        if not is_bank_officer_for(by_user, locked):
            raise PermissionDenied
        if locked.status not in (ApplicationStatus.DISBURSED, ApplicationStatus.OVERDUE):
            APPLICATION_TRANSITIONS.target("repay", locked.status)  # raises the table's refusal
        paid = _amount(amount, locked.currency)
        if paid > locked.outstanding:
            raise ValidationError(
                {
                    "amount": _("Only %(amount)s is outstanding.")
                    % {"amount": money_text(locked.outstanding, locked.currency)}
                }
            )
        day = _date(paid_on, "paid_on", not_before=locked.disbursed_on)
        repayment = Repayment.objects.create(
            application=locked, amount=paid, currency=locked.currency, paid_on=day, recorded_by=by_user
        )
        settles = paid == locked.outstanding

        def apply_repayment(moving):
            moving.repaid_amount = moving.repaid_amount + paid
            if settles:
                moving.repaid_on = day
            return ["repaid_amount", "repaid_on"]

        event = "settle" if settles else "repay"
        moved = transition(
            locked,
            table=APPLICATION_TRANSITIONS,
            event=event,
            by_user=by_user,
            allowed=is_bank_officer_for,
            apply=apply_repayment,
            data={"amount": str(paid), "paid_on": day.isoformat(), "repayment": repayment.pk},
            lock=False,
        )
        if day > moved.due_date:
            _late_fact(
                moved,
                days_late=(day - moved.due_date).days,
                occurred_at=day,
                what=f"repayment:{repayment.pk}:late",
                event="financing.repayment_late",
                amount=paid,
            )
        _tell(
            moved,
            to_bank=True,
            to_supplier=True,
            title=(
                _("Financing %(number)s repaid") if settles else _("Repayment on financing %(number)s"),
                {"number": moved.number},
            ),
            body=(
                _("%(amount)s %(currency)s received on %(date)s; %(left)s %(currency)s outstanding."),
                {"amount": paid, "currency": moved.currency, "date": day, "left": moved.outstanding},
            ),
        )
        if settles:
            _release(moved, by_user)
        _announce(moved, event, by_user)
    return repayment


def refresh_overdue(today: dt.date | None = None) -> dict[str, int]:
    """Every disbursed financing past its due date becomes overdue (once), both sides are told, and the
    credit engine learns of it; at 90 days late once more, as a serious delinquency. Run daily."""
    today = today or timezone.localdate()
    moved = {"overdue": 0, "serious": 0}
    candidates = FinancingApplication.objects.filter(
        status__in=(ApplicationStatus.DISBURSED, ApplicationStatus.OVERDUE), due_date__lt=today
    ).order_by("due_date", "pk")
    for candidate in candidates:
        with transaction.atomic():
            locked = (
                FinancingApplication.objects.select_for_update()
                .select_related("supplier")
                .get(pk=candidate.pk)
            )
            if locked.status not in (ApplicationStatus.DISBURSED, ApplicationStatus.OVERDUE):
                continue
            days = (today - locked.due_date).days
            if locked.status == ApplicationStatus.DISBURSED:
                transition(
                    locked,
                    table=APPLICATION_TRANSITIONS,
                    event="go_overdue",
                    by_user=None,
                    data={"due_date": locked.due_date.isoformat(), "outstanding": str(locked.outstanding)},
                    lock=False,
                )
                _late_fact(
                    locked,
                    days_late=days,
                    occurred_at=locked.due_date + dt.timedelta(days=1),
                    what="overdue",
                    event="financing.repayment_overdue",
                    amount=locked.outstanding,
                )
                _tell(
                    locked,
                    to_bank=True,
                    to_supplier=True,
                    title=(_("Repayment of financing %(number)s is overdue"), {"number": locked.number}),
                    body=(
                        _("%(amount)s %(currency)s was due on %(date)s."),
                        {"amount": locked.outstanding, "currency": locked.currency, "date": locked.due_date},
                    ),
                )
                _announce(locked, "go_overdue", None)
                moved["overdue"] += 1
            if days >= SERIOUS_OVERDUE_DAYS:
                moved["serious"] += int(
                    _late_fact(
                        locked,
                        days_late=days,
                        occurred_at=locked.due_date + dt.timedelta(days=SERIOUS_OVERDUE_DAYS),
                        what=f"overdue{SERIOUS_OVERDUE_DAYS}",
                        event="financing.repayment_overdue",
                        amount=locked.outstanding,
                    )
                )
    return moved
