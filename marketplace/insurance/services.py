"""Every state change of export credit insurance: one service each, atomic, locked, audited, signalled.

* `request_cover` — the supplier asks to insure a deal on deferred terms (D/P, D/A, open account) with an
  insurer. The first time for a buyer under the supplier's policy with that insurer this is a buyer
  credit-limit application; while a limit is in force the deal is simply covered by it.
* `decide_limit` — the insurer's risk officer approves (amount, maximum term, validity), reduces (less
  than applied for, with a reason) or refuses (with a reason). Credit facts: `insurance_limit_granted`
  with the limit, or `insurance_limit_cut` with 0 on a refusal, from the insurer's own credit source.
* `declare` — each shipment on the deal is declared under the limit: premium from the insurer's rate
  table, indemnity from the policy, a certificate PDF; the limit row is locked, so the declarations in
  cover never use more than the limit, however many are made at once.
* `report_overdue`, `file_claim`, `decide_claim` — the insured's duties and the claim (see duties.py for
  the daily checks: reminders, the reporting deadline that stops cover, the maximum extension).
* `set_rate` — an insurer's risk officer changes one cell of its premium table.

Permissions: the supplier's acting members (deals.permissions.acting_side == "supplier") apply, declare,
report and claim; only the risk officers of the insurer the application was made to decide it
(companies.permissions.partner_of_officer).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credit.facts import partner_source
from credit.facts import record as record_fact
from credit.index import current as current_assessment
from marketplace.companies.models import Company, CompanyKind, Membership
from marketplace.companies.permissions import partner_of_officer
from marketplace.core import audit, fx
from marketplace.core.money import Money
from marketplace.core.signals import send_after_commit
from marketplace.core.transitions import transition
from marketplace.deals import permissions as deal_permissions
from marketplace.deals import record as deal_record
from marketplace.deals import services as deal_services
from marketplace.deals.exposure import RUNNING_STATES
from marketplace.deals.models import (
    DEFERRED_PAYMENT_TERMS,
    Deal,
    Insurance,
    Milestone,
    MilestoneStatus,
    Order,
    Shipment,
)
from marketplace.insurance import certificates, rates, signals
from marketplace.insurance.models import (
    CLAIM_TRANSITIONS,
    DECLARATION_TRANSITIONS,
    LIMIT_TRANSITIONS,
    Claim,
    CreditLimit,
    Declaration,
    DeclarationStatus,
    LimitStatus,
    Policy,
    PremiumRate,
)
from marketplace.insurance.suggestion import suggest
from marketplace.notifications.services import notify

MAX_VALIDITY_DAYS = 730
# credit's grade for a thin file (not yet rated); the rate table has a row for it.
UNRATED = "NR"


# -- who ------------------------------------------------------------------------------------------


def is_supplier(user, deal: Deal) -> bool:
    return deal_permissions.acting_side(user, deal) == "supplier"


def officer_insurer(user) -> Company | None:
    """The insurer `user` decides for (a member risk officer of an insurer), or None."""
    return partner_of_officer(user, CompanyKind.INSURER)


def decides_for(user, insurer_id: int) -> bool:
    insurer = officer_insurer(user)
    return insurer is not None and insurer.pk == insurer_id


def may_view_insurer(user, insurer_id: int) -> bool:
    """The insurer's own risk officers, and the platform's risk officers (read only)."""
    return decides_for(user, insurer_id) or deal_permissions.is_platform_risk_officer(user)


def members_of(company_id: int):
    return [m.user for m in Membership.objects.filter(company_id=company_id).select_related("user")]


# -- the insurer's credit source and the policy ---------------------------------------------------


def insurer_source(insurer: Company):
    """The insurer's credit data source (the facts of its own decisions), created and linked on first use."""
    return partner_source(insurer, source_type="insurer")


def policy_for(*, insurer: Company, insured: Company) -> Policy:
    policy, _created = Policy.objects.get_or_create(
        insurer=insurer, insured=insured, defaults={"number": f"ECI-{insurer.pk:04d}-{insured.pk:06d}"}
    )
    return policy


def insurer_fact(limit: CreditLimit, kind: str, payload: dict, ref: str, on) -> None:
    record_fact(
        source=insurer_source(limit.insurer),
        kind=kind,
        subject=limit.buyer,
        payload=payload,
        occurred_at=on,
        external_ref=ref,
        platform_event=f"insurance.{kind}",
    )


# -- applying for cover ---------------------------------------------------------------------------


def insurable(deal: Deal) -> bool:
    """A running order on deferred terms (the supplier has an unsecured claim on the buyer)."""
    order = Order.objects.filter(deal=deal).first()
    return (
        order is not None and deal.state in RUNNING_STATES and order.payment_terms in DEFERRED_PAYMENT_TERMS
    )


def limit_for(*, policy: Policy, buyer_id: int, today: dt.date | None = None) -> CreditLimit | None:
    """The open application or limit (pending or approved) for the buyer under the policy."""
    return (
        CreditLimit.objects.filter(
            policy=policy, buyer_id=buyer_id, status__in=[LimitStatus.PENDING, LimitStatus.APPROVED]
        )
        .order_by("-pk")
        .first()
    )


def request_cover(
    *,
    deal: Deal,
    insurer: Company,
    by_user,
    amount: Decimal | None = None,
    currency: str | None = None,
    term_days: int | None = None,
) -> CreditLimit:
    """The supplier asks `insurer` to insure `deal`: the limit in force, or a new limit application."""
    if insurer.kind != CompanyKind.INSURER:
        raise ValidationError({"insurer": _("Choose an export credit insurer.")})
    if not is_supplier(by_user, deal):
        raise PermissionDenied
    if not insurable(deal):
        raise ValidationError(_("Only a running order on D/P, D/A or open account terms can be insured."))
    order = deal.order
    amount = Decimal(amount if amount is not None else order.amount)
    currency = currency or order.currency
    term_days = int(term_days if term_days is not None else (order.term_days or 0))
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    Money.zero(currency)  # validates the code
    with transaction.atomic():
        policy = policy_for(insurer=insurer, insured=deal.supplier)
        policy = Policy.objects.select_for_update().get(pk=policy.pk)
        existing = limit_for(policy=policy, buyer_id=deal.buyer_id)
        today = timezone.localdate()
        if existing is not None and existing.status == LimitStatus.PENDING:
            raise ValidationError(
                _("A limit on this buyer is already applied for; the insurer has not decided yet.")
            )
        if existing is not None and existing.in_force_on(today):
            return existing
        if existing is not None:  # approved but expired: it closes, a new application replaces it

            def expire(row: CreditLimit):
                row.stop_reason = "expired"
                row.stopped_at = timezone.now()
                return ["stop_reason", "stopped_at"]

            transition(existing, table=LIMIT_TRANSITIONS, event="stop_cover", by_user=by_user, apply=expire)
        advice = suggest(deal, amount=amount, currency=currency, term_days=term_days)
        limit = CreditLimit.objects.create(
            policy=policy,
            insurer=insurer,
            buyer=deal.buyer,
            deal=deal,
            requested_amount=amount,
            currency=currency,
            requested_term_days=term_days,
            requested_by=by_user,
            suggestion=advice.as_dict(),
        )
        audit.log(
            actor=by_user,
            action="insurance.creditlimit.apply",
            obj=limit,
            company_id=insurer.pk,
            data={"deal": deal.pk, "amount": amount, "currency": currency, "term_days": term_days},
        )
        notify(
            recipients=[u for u in members_of(insurer.pk) if decides_for(u, insurer.pk)],
            title=gettext_lazy("A buyer credit limit is applied for"),
            body=f"{deal.supplier.name} → {deal.buyer.name}: {amount:,.2f} {currency}",
            url=limit.get_absolute_url(),
        )
        send_after_commit(signals.limit_applied, sender=CreditLimit, limit=limit, by_user=by_user)
    return limit


def decide_limit(
    *,
    limit: CreditLimit,
    by_user,
    outcome: str,
    amount: Decimal | None = None,
    max_term_days: int | None = None,
    valid_until: dt.date | None = None,
    reason: str = "",
) -> CreditLimit:
    """The insurer's decision: "approve", "reduce" (less than applied for) or "refuse"."""
    today = timezone.localdate()
    reason = (reason or "").strip()
    if outcome not in ("approve", "reduce", "refuse"):
        raise ValidationError({"outcome": _("Choose approve, reduce or refuse.")})
    errors = {}
    if outcome == "refuse":
        if not reason:
            errors["reason"] = _("Say why the limit is refused.")
    else:
        if amount is None or Decimal(amount) <= 0:
            errors["amount"] = _("The limit must be more than zero.")
        elif outcome == "reduce" and Decimal(amount) >= limit.requested_amount:
            errors["amount"] = _("A reduced limit is less than the amount applied for.")
        elif outcome == "approve" and Decimal(amount) < limit.requested_amount:
            errors["amount"] = _(
                "Less than the amount applied for is a reduced limit: choose reduce, with a reason."
            )
        if outcome == "reduce" and not reason:
            errors["reason"] = _("Say why the limit is reduced.")
        if not max_term_days or not 1 <= int(max_term_days) <= 720:
            errors["max_term_days"] = _("Give the longest term, 1 to 720 days.")
        if valid_until is None or valid_until <= today:
            errors["valid_until"] = _("The limit must be valid after today.")
        elif (valid_until - today).days > MAX_VALIDITY_DAYS:
            errors["valid_until"] = _("A limit is valid for two years at most.")
    if errors:
        raise ValidationError(errors)

    def apply(locked: CreditLimit):
        locked.reason = reason
        locked.decided_by = by_user
        locked.decided_at = timezone.now()
        fields = ["reason", "decided_by", "decided_at"]
        if outcome != "refuse":
            locked.amount = Decimal(amount)
            locked.max_term_days = int(max_term_days)
            locked.valid_until = valid_until
            fields += ["amount", "max_term_days", "valid_until"]
        return fields

    with transaction.atomic():
        limit = transition(
            limit,
            table=LIMIT_TRANSITIONS,
            event="refuse" if outcome == "refuse" else "approve",
            by_user=by_user,
            allowed=lambda user, locked: decides_for(user, locked.insurer_id),
            apply=apply,
            data={
                "outcome": outcome,
                "amount": amount,
                "currency": limit.currency,
                "max_term_days": max_term_days,
                "valid_until": valid_until,
                "reason": reason,
                "suggestion": limit.suggestion.get("suggested_amount"),
            },
        )
        policy = limit.policy
        if outcome == "refuse":
            insurer_fact(
                limit,
                "insurance_limit_cut",
                {"limit": "0", "currency": limit.currency, "policy": policy.number},
                f"limit:{limit.pk}:refused",
                today,
            )
            title = gettext_lazy("The insurer refused the buyer credit limit")
        else:
            insurer_fact(
                limit,
                "insurance_limit_granted",
                {"limit": format(limit.amount, "f"), "currency": limit.currency, "policy": policy.number},
                f"limit:{limit.pk}:granted",
                today,
            )
            title = gettext_lazy("The insurer approved a buyer credit limit")
        notify(
            recipients=members_of(policy.insured_id),
            title=title,
            body=f"{limit.buyer.name}: {reason}" if reason else limit.buyer.name,
            url=deal_url(limit.deal),
        )
    return limit


def deal_url(deal: Deal) -> str:
    return reverse("insurance:deal_insurance", kwargs={"pk": deal.pk})


# -- declarations ---------------------------------------------------------------------------------


def insured_milestone(deal: Deal) -> Milestone | None:
    """The payment the insured invoice is paid by: the order's last milestone (the one deferred terms defer)."""
    return Milestone.objects.filter(deal=deal).order_by("-seq").first()


def past_extension(policy: Policy, buyer_id: int, today: dt.date) -> bool:
    """Does the buyer owe an insured invoice under the policy unpaid past the maximum extension period?"""
    horizon = today - dt.timedelta(days=policy.max_extension_days)
    return (
        Declaration.objects.filter(limit__policy=policy, limit__buyer_id=buyer_id, due_date__lt=horizon)
        .exclude(milestone__status=MilestoneStatus.PAID)
        .exclude(status__in=[DeclarationStatus.SETTLED])
        .exists()
    )


def declare(*, deal: Deal, shipment: Shipment, by_user, insured_amount: Decimal | None = None) -> Declaration:
    """Declare one shipment under the buyer's limit in force; see the module docstring."""
    today = timezone.localdate()
    holder: dict = {}
    data: dict = {}

    def write(locked_deal: Deal):
        if shipment.deal_id != locked_deal.pk:
            raise ValidationError({"shipment": _("This shipment belongs to another deal.")})
        if Declaration.objects.filter(shipment=shipment).exists():
            raise ValidationError({"shipment": _("This shipment is already declared.")})
        order = locked_deal.order
        if order.payment_terms not in DEFERRED_PAYMENT_TERMS:
            raise ValidationError(_("Only a running order on D/P, D/A or open account terms can be insured."))
        limits = CreditLimit.objects.filter(
            policy__insured_id=locked_deal.supplier_id,
            buyer_id=locked_deal.buyer_id,
            status=LimitStatus.APPROVED,
        )
        # The limit row is locked: concurrent declarations under it serialise here.
        limit = limits.select_for_update().order_by("-pk").first()
        if limit is None or not limit.in_force_on(today):
            raise ValidationError(_("There is no credit limit in force on this buyer."))
        policy = limit.policy
        if past_extension(policy, locked_deal.buyer_id, today):
            raise ValidationError(
                _(
                    "This buyer has an insured invoice unpaid past the maximum extension period: "
                    "shipments to it are not covered."
                )
            )
        milestone = insured_milestone(locked_deal)
        if milestone is None or milestone.status == MilestoneStatus.PAID:
            raise ValidationError(_("There is no unpaid invoice on this order to insure."))
        declared = (
            Declaration.objects.filter(deal=locked_deal).aggregate(total=Sum("insured_amount"))["total"] or 0
        )
        remaining = order.amount - declared
        amount = Decimal(insured_amount) if insured_amount is not None else remaining
        if amount <= 0:
            raise ValidationError({"insured_amount": _("The insured amount must be more than zero.")})
        if amount > remaining:
            raise ValidationError(
                {
                    "insured_amount": _("Only %(left)s %(currency)s of the order is left to declare.")
                    % {"left": f"{remaining:,.2f}", "currency": order.currency}
                }
            )
        term_days = max(0, (milestone.due_date - shipment.shipped_on).days)
        if term_days > limit.max_term_days:
            raise ValidationError(
                _("The term of %(days)d days is longer than the limit's %(max)d days.")
                % {"days": term_days, "max": limit.max_term_days}
            )
        try:
            conversion = fx.convert(Money(amount, order.currency), limit.currency, on=today)
        except fx.NoRate:
            raise ValidationError(_("No exchange rate to count this shipment against the limit.")) from None
        in_limit = conversion.result.amount
        if limit.used + in_limit > limit.amount:
            raise ValidationError(
                {
                    "insured_amount": _(
                        "This shipment would use %(need)s %(currency)s of the limit; %(left)s are left."
                    )
                    % {
                        "need": f"{in_limit:,.2f}",
                        "left": f"{limit.available:,.2f}",
                        "currency": limit.currency,
                    }
                }
            )
        assessment = current_assessment(locked_deal.buyer)
        grade = assessment.grade if assessment is not None else UNRATED
        rate = rates.rate_for(limit.insurer, grade, term_days)
        if rate is None:
            raise ValidationError(_("The insurer's premium table has no rate for this grade and term."))
        premium = Money(amount * rate / Decimal(100), order.currency).quantize(ROUND_HALF_UP)
        declaration = Declaration(
            limit=limit,
            deal=locked_deal,
            shipment=shipment,
            milestone=milestone,
            number=f"{policy.number}-S{shipment.pk:06d}",
            insured_amount=amount,
            currency=order.currency,
            limit_amount=in_limit,
            fx_rate=conversion.rate,
            fx_rate_dates=[d.isoformat() for d in conversion.rate_dates],
            term_days=term_days,
            due_date=milestone.due_date,
            buyer_grade=grade,
            premium_rate=rate,
            premium=premium.amount,
            indemnity_percent=policy.indemnity_percent,
            declared_by=by_user,
        )
        pdf = certificates.render(declaration)
        declaration.certificate_sha256 = hashlib.sha256(pdf).hexdigest()
        declaration.certificate.save(f"{declaration.number}.pdf", ContentFile(pdf), save=False)
        declaration.save()
        CreditLimit.objects.filter(pk=limit.pk).update(used=limit.used + in_limit)
        Order.objects.filter(pk=order.pk).update(insurance=Insurance.INSURED, insurance_policy=policy.number)
        audit.log(
            actor=by_user,
            action="insurance.declaration.declare",
            obj=declaration,
            company_id=policy.insured_id,
            data={"limit": limit.pk, "amount": amount, "premium": premium.amount, "rate": rate},
        )
        holder["declaration"] = declaration
        data.update(
            insured=True,
            policy=policy.number,
            certificate=declaration.number,
            sha256=declaration.certificate_sha256,
            shipment=shipment.number,
            insured_amount=amount,
            currency=order.currency,
            indemnity_percent=policy.indemnity_percent,
            due_date=milestone.due_date.isoformat(),
        )

    deal_services.side_step(
        deal, "insurance_recorded", by_user, is_supplier, data, states=RUNNING_STATES, apply=write
    )
    declaration = holder["declaration"]
    send_after_commit(signals.shipment_declared, sender=Declaration, declaration=declaration, by_user=by_user)
    return declaration


def release_limit(declaration: Declaration) -> None:
    """The declaration stops using its limit (paid, lapsed, indemnified or rejected)."""
    limit = CreditLimit.objects.select_for_update().get(pk=declaration.limit_id)
    CreditLimit.objects.filter(pk=limit.pk).update(
        used=max(Decimal(0), limit.used - declaration.limit_amount)
    )


# -- the insured's duties and the claim ------------------------------------------------------------


def report_deadline(declaration: Declaration) -> dt.date:
    return declaration.due_date + dt.timedelta(days=declaration.limit.policy.report_days)


def report_overdue(*, declaration: Declaration, by_user) -> Declaration:
    """The supplier reports the insured invoice unpaid, within the policy's days after its due date."""
    today = timezone.localdate()

    def apply(locked: Declaration):
        milestone = Milestone.objects.get(pk=locked.milestone_id)
        if milestone.status == MilestoneStatus.PAID:
            raise ValidationError(_("The buyer has paid this invoice."))
        if today <= locked.due_date:
            raise ValidationError(
                _("The invoice is not overdue yet (due %(date)s).") % {"date": locked.due_date}
            )
        if today > report_deadline(locked):
            raise ValidationError(_("The deadline for the overdue report has passed."))
        locked.overdue_reported_at = timezone.now()
        locked.overdue_reported_by = by_user
        return ["overdue_reported_at", "overdue_reported_by"]

    with transaction.atomic():
        declaration = transition(
            declaration,
            table=DECLARATION_TRANSITIONS,
            event="report_overdue",
            by_user=by_user,
            allowed=lambda user, locked: is_supplier(user, locked.deal),
            apply=apply,
            data={"due_date": declaration.due_date},
        )
        notify(
            recipients=[
                u
                for u in members_of(declaration.limit.insurer_id)
                if decides_for(u, declaration.limit.insurer_id)
            ],
            title=gettext_lazy("An insured invoice is reported overdue"),
            body=f"{declaration.number} · {declaration.deal.buyer.name}",
            url=declaration.limit.get_absolute_url(),
        )
    return declaration


def claim_evidence(deal: Deal) -> dict:
    """The deal's record as the claim's evidence: its verified head and length, shipments and payments."""
    broken = deal_record.verify(deal)
    deal.refresh_from_db(fields=["record_length", "record_head"])
    return {
        "deal": deal.number or str(deal.pk),
        "record_length": deal.record_length,
        "record_head": deal.record_head,
        "record_verified": broken is None,
        "shipments": [
            {"number": s.number, "shipped_on": s.shipped_on.isoformat(), "tracking": s.tracking_reference}
            for s in deal.shipments.all()
        ],
        "milestones": [
            {
                "seq": m.seq,
                "amount": format(m.amount, "f"),
                "currency": m.currency,
                "due_date": m.due_date.isoformat(),
                "status": m.status,
            }
            for m in deal.milestones.all()
        ],
    }


def file_claim(*, declaration: Declaration, by_user) -> Claim:
    """The supplier claims the unpaid insured invoice (reported overdue) with the deal's record as evidence."""
    holder: dict = {}

    def apply(locked: Declaration):
        if Milestone.objects.get(pk=locked.milestone_id).status == MilestoneStatus.PAID:
            raise ValidationError(_("The buyer has paid this invoice."))
        waiting = locked.limit.policy.waiting_days
        holder["claim"] = Claim.objects.create(
            declaration=locked,
            number=f"{locked.number}-C",
            amount=locked.insured_amount,
            currency=locked.currency,
            evidence=claim_evidence(locked.deal),
            filed_by=by_user,
            decidable_from=locked.due_date + dt.timedelta(days=waiting),
        )
        return []

    with transaction.atomic():
        declaration = transition(
            declaration,
            table=DECLARATION_TRANSITIONS,
            event="file_claim",
            by_user=by_user,
            allowed=lambda user, locked: is_supplier(user, locked.deal),
            apply=apply,
        )
        claim = holder["claim"]
        limit = declaration.limit
        insurer_fact(
            limit,
            "insurance_claim_filed",
            {"amount": format(claim.amount, "f"), "currency": claim.currency, "claim": claim.number},
            f"claim:{claim.pk}:filed",
            timezone.localdate(),
        )
        deal_services.side_step(
            declaration.deal,
            "insurance_claim_filed",
            by_user,
            is_supplier,
            {
                "claim": claim.number,
                "amount": claim.amount,
                "currency": claim.currency,
                "record_head": claim.evidence["record_head"],
                "decidable_from": claim.decidable_from.isoformat(),
            },
        )
        notify(
            recipients=[u for u in members_of(limit.insurer_id) if decides_for(u, limit.insurer_id)],
            title=gettext_lazy("A claim is filed"),
            body=f"{claim.number} · {declaration.deal.buyer.name}",
            url=claim.get_absolute_url(),
        )
        send_after_commit(signals.claim_filed, sender=Claim, claim=claim, by_user=by_user)
    return claim


def decide_claim(
    *, claim: Claim, by_user, pay: bool, paid_on: dt.date | None = None, reason: str = ""
) -> Claim:
    """The insurer pays the indemnity (the debt is assigned to it) or rejects the claim, after the waiting period."""
    today = timezone.localdate()
    reason = (reason or "").strip()
    if not pay and not reason:
        raise ValidationError({"reason": _("Say why the claim is rejected.")})
    if pay and (paid_on is None or paid_on > today):
        raise ValidationError({"paid_on": _("Give the day the indemnity was paid (not in the future).")})

    def apply(locked: Claim):
        if today < locked.decidable_from:
            raise ValidationError(
                _("The waiting period runs until %(date)s; the claim is decided after it.")
                % {"date": locked.decidable_from}
            )
        locked.decided_by = by_user
        locked.decided_at = timezone.now()
        locked.decision_reason = reason
        fields = ["decided_by", "decided_at", "decision_reason"]
        if pay:
            declaration = locked.declaration
            locked.indemnity_amount = declaration.indemnity.amount
            locked.paid_on = paid_on
            locked.debt_assigned_at = timezone.now()
            fields += ["indemnity_amount", "paid_on", "debt_assigned_at"]
        return fields

    with transaction.atomic():
        claim = transition(
            claim,
            table=CLAIM_TRANSITIONS,
            event="pay" if pay else "reject",
            by_user=by_user,
            allowed=lambda user, locked: decides_for(user, locked.declaration.limit.insurer_id),
            apply=apply,
            data={"paid_on": paid_on, "reason": reason},
        )
        declaration = transition(
            claim.declaration,
            table=DECLARATION_TRANSITIONS,
            event="pay_claim" if pay else "reject_claim",
            by_user=by_user,
        )
        release_limit(declaration)
        limit = declaration.limit
        deal = declaration.deal
        if pay:
            insurer_fact(
                limit,
                "insurance_claim_paid",
                {
                    "amount": format(claim.indemnity_amount, "f"),
                    "currency": claim.currency,
                    "claim": claim.number,
                },
                f"claim:{claim.pk}:paid",
                paid_on,
            )
            deal_services.side_step(
                deal,
                "insurance_claim_paid",
                by_user,
                None,
                {
                    "claim": claim.number,
                    "indemnity": claim.indemnity_amount,
                    "currency": claim.currency,
                    "paid_on": paid_on.isoformat(),
                    "debt_assigned_to": limit.insurer.name,
                },
                actor_company=limit.insurer_id,
            )
        notify(
            recipients=members_of(limit.policy.insured_id),
            title=gettext_lazy("The insurer paid the claim")
            if pay
            else gettext_lazy("The insurer rejected the claim"),
            body=claim.number + (f": {reason}" if reason else ""),
            url=deal_url(deal),
        )
        send_after_commit(signals.claim_decided, sender=Claim, claim=claim, by_user=by_user, paid=pay)
    return claim


# -- the rate table ---------------------------------------------------------------------------------


def set_rate(
    *, insurer: Company, by_user, grade: str, max_term_days: int, rate_percent: Decimal
) -> PremiumRate:
    """One cell of the insurer's premium table, set by one of its risk officers."""
    if not decides_for(by_user, insurer.pk):
        raise PermissionDenied
    if rate_percent is None or not Decimal(0) <= Decimal(rate_percent) <= Decimal(100):
        raise ValidationError({"rate_percent": _("A rate is between 0 and 100 %.")})
    rates.ensure_table(insurer)
    with transaction.atomic():
        row = (
            PremiumRate.objects.select_for_update()
            .filter(insurer=insurer, grade=grade, max_term_days=max_term_days)
            .first()
        )
        before = str(row.rate_percent) if row else None
        if row is None:
            row = PremiumRate(insurer=insurer, grade=grade, max_term_days=max_term_days)
        row.rate_percent = Decimal(rate_percent)
        row.updated_by = by_user
        row.updated_at = timezone.now()
        row.full_clean(exclude=["insurer", "updated_by"])
        row.save()
        audit.log(
            actor=by_user,
            action="insurance.premiumrate.set",
            obj=row,
            company_id=insurer.pk,
            data={
                "grade": grade,
                "max_term_days": max_term_days,
                "from": before,
                "to": str(row.rate_percent),
            },
        )
        send_after_commit(signals.rate_changed, sender=PremiumRate, rate=row, by_user=by_user)
    return row


# -- assignment of the indemnity (post-shipment financing) -----------------------------------------


def assign_indemnity(*, declaration_id: int, bank: Company, by_user, reference: str) -> Declaration:
    """The insured assigns a covered declaration's indemnity to `bank` (post-shipment financing): the
    insurer's officers are told and see it on the limit; a claim's indemnity is then owed to the bank.

    Refused unless the declaration is in cover, unassigned, and `by_user` acts for the insured supplier.
    Called inside the financing application's transaction, so a refused application assigns nothing.
    """
    with transaction.atomic():
        declaration = (
            Declaration.objects.select_for_update(of=("self",))
            .select_related("deal", "limit__policy")
            .get(pk=declaration_id)
        )
        if deal_permissions.acting_side(by_user, declaration.deal) != "supplier":
            raise PermissionDenied
        if declaration.status != DeclarationStatus.COVERED:
            raise ValidationError(
                _("Only an insured invoice still in cover can be financed; this one is: %(status)s.")
                % {"status": declaration.get_status_display()}
            )
        if declaration.indemnity_assigned_to_id is not None:
            raise ValidationError(_("This insured invoice's indemnity is already assigned to a bank."))
        if bank is None or bank.kind != CompanyKind.BANK:
            raise ValidationError({"bank": _("Choose one of TrustFair's partner banks.")})
        declaration.indemnity_assigned_to = bank
        declaration.indemnity_assigned_at = timezone.now()
        declaration.assignment_reference = reference[:100]
        declaration.save(
            update_fields=["indemnity_assigned_to", "indemnity_assigned_at", "assignment_reference"]
        )
        audit.log(
            actor=by_user,
            action="insurance.declaration.assign_indemnity",
            obj=declaration,
            company_id=declaration.limit.insurer_id,
            data={"bank": bank.pk, "reference": reference, "certificate": declaration.number},
        )
        notify(
            recipients=members_of(declaration.limit.insurer_id),
            title=gettext_lazy("Indemnity assigned to a bank"),
            body=_("%(certificate)s: the indemnity is assigned to %(bank)s (%(reference)s).")
            % {"certificate": declaration.number, "bank": bank.name, "reference": reference},
            url=declaration.limit.get_absolute_url(),
        )
        send_after_commit(
            signals.indemnity_assigned,
            sender=Declaration,
            declaration=declaration,
            by_user=by_user,
            assigned=True,
        )
    return declaration


def release_assignment(*, declaration_id: int, reference: str, by_user) -> bool:
    """The financing `reference` ended without money owed to the bank (declined, withdrawn) or was repaid:
    the indemnity is the insured's again. Returns whether an assignment was released."""
    with transaction.atomic():
        declaration = Declaration.objects.select_for_update(of=("self",)).get(pk=declaration_id)
        if declaration.assignment_reference != reference or declaration.indemnity_assigned_to_id is None:
            return False
        bank_id = declaration.indemnity_assigned_to_id
        declaration.indemnity_assigned_to = None
        declaration.indemnity_assigned_at = None
        declaration.assignment_reference = ""
        declaration.save(
            update_fields=["indemnity_assigned_to", "indemnity_assigned_at", "assignment_reference"]
        )
        audit.log(
            actor=by_user,
            action="insurance.declaration.release_assignment",
            obj=declaration,
            company_id=declaration.limit.insurer_id,
            data={"bank": bank_id, "reference": reference},
        )
        send_after_commit(
            signals.indemnity_assigned,
            sender=Declaration,
            declaration=declaration,
            by_user=by_user,
            assigned=False,
        )
    return True
