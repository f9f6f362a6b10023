"""The contract, order and payments section of the deal page: `{% load deal_orders %}{% order_section deal %}`."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from marketplace.deals import contracts, milestones, orders, permissions
from marketplace.deals.forms import (
    ContractAcceptanceForm,
    PaymentConfirmForm,
    PaymentProofForm,
    ReasonForm,
)
from marketplace.deals.models import Contract, DealState, MilestoneStatus, Order

register = template.Library()


@register.inclusion_tag("deals/includes/order_section.html", takes_context=True)
def order_section(context, deal):
    user = context["request"].user
    acting = permissions.acting_side(user, deal)
    member_side = permissions.side_of(user, deal)
    platform_staff = permissions.is_platform_staff(user)
    risk_officer = permissions.is_platform_risk_officer(user)
    # Every contract of the deal in one query: the one in force, and those voided by reopening the terms
    # (kept, and still downloadable, since the record holds their fingerprints).
    all_contracts = list(Contract.objects.filter(deal=deal).order_by("pk").prefetch_related("acceptances"))
    contract = next((c for c in all_contracts if c.voided_at is None), None)
    voided_contracts = [c for c in all_contracts if c.voided_at is not None]
    order = Order.objects.filter(deal=deal).first()
    accepted = {a.side: a for a in contract.acceptances.all()} if contract else {}
    preview = None
    both_accepted = contracts.accepted_by_both(contract)
    # From the moment the terms are agreed the parties see whether the order would pass gating, so that
    # refused terms can be reopened for secured ones before anyone signs.
    if deal.state == DealState.AGREED and deal.accepted_offer_id and order is None:
        preview = orders.check_agreed_terms(deal).as_dict()
    decision = order.decision if order else preview
    if decision is not None:
        decision = {**decision, "reasons": orders.shown_reasons(decision)}
    override_url = ""
    if risk_officer and preview and not preview["allowed"]:
        offer = deal.accepted_offer
        query = {
            "subject": deal.buyer_id,
            "action": offer.payment_terms,
            "amount": preview["amount"],
            "currency": preview["currency"],
            "reference": orders.reference(deal),
        }
        if offer.term_days:
            query["term_days"] = offer.term_days
        override_url = f"{reverse('credit:gating_override_create')}?{urlencode(query)}"
    milestone_rows = list(deal.milestones.prefetch_related("proofs")) if order else []
    # Each milestone's forms: the one that failed comes back bound (its errors at its fields), others fresh.
    failed_seq = context.get("form_seq")
    today = timezone.localdate()
    for m in milestone_rows:
        # The status as of today (the stored one waits for the daily check, so could still say "Scheduled").
        m.status_today = MilestoneStatus(milestones.status_on(m, today))
        m.days_overdue = milestones.days_overdue(m, today)
        bound_proof = context.get("proof_form") if failed_seq == m.seq else None
        bound_confirm = context.get("confirm_form") if failed_seq == m.seq else None
        m.proof_form = bound_proof or PaymentProofForm(seq=m.seq)
        m.confirm_form = bound_confirm or PaymentConfirmForm(seq=m.seq, initial={"paid_on": today})
        m.confirm_form.fields["paid_on"].widget.attrs["max"] = today.isoformat()
    contract_form = context.get("contract_form") or (
        ContractAcceptanceForm(initial={"sha256": contract.sha256}) if contract else None
    )
    return {
        "request": context["request"],
        "deal": deal,
        "contract_form": contract_form,
        "acting": acting,
        "contract": contract,
        "voided_contracts": voided_contracts,
        "accepted": accepted,
        "my_acceptance": accepted.get(acting) if acting else None,
        "order": order,
        "decision": decision,
        "refused": bool(preview and not preview["allowed"]),
        # The supplier learns the buyer's grade and the outcome, never the limit, exposure or reasons.
        "show_internals": member_side == "buyer" or platform_staff or risk_officer,
        "may_fetch": permissions.can_fetch_attachment(user, deal),
        "may_confirm": acting == "supplier" or permissions.is_platform_staff(user),
        "override_url": override_url,
        "milestones": milestone_rows,
        # A template an app above deals adds under each milestone (payments: "Pay by card"), by setting.
        "milestone_panel": settings.DEALS_MILESTONE_PANEL,
        "today": today,
        "agreed": deal.state == DealState.AGREED,
        "both_accepted": both_accepted,
        # Refused agreed terms can be reopened by either party (negotiation.reopen), before the order.
        "reopen_form": (context.get("reopen_form") or ReasonForm(prefix="reopen"))
        if acting and preview and not preview["allowed"]
        else None,
    }


@register.inclusion_tag("deals/includes/terms_check.html", takes_context=True)
def terms_check(context, deal, payment_terms, amount, currency, term_days=None):
    """The offer form's preview: `{% terms_check deal terms amount currency days %}` says, before an offer is
    sent, whether credit gating would let these terms through for this buyer, and why not."""
    user = context["request"].user
    decision = None
    if payment_terms and amount is not None and currency:
        decision = orders.check_terms(
            deal, payment_terms=payment_terms, amount=amount, currency=currency, term_days=term_days
        )
    return {
        "decision": decision,
        "show_internals": permissions.side_of(user, deal) == "buyer"
        or permissions.is_platform_staff(user)
        or permissions.is_platform_risk_officer(user),
        "acting": permissions.acting_side(user, deal),
    }
