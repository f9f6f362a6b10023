"""Pages of the contract, the order and the payments: thin views over contracts.py, orders.py, milestones.py.

Every view starts from `permissions.get_deal_or_404` (someone who may not see the deal gets the same
404 as for a missing one); files (the contract PDF, payment proofs) are served only to the two parties
and operators, with the same 404 for everybody else.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.core.files import serve
from marketplace.deals import contracts, milestones, orders, permissions
from marketplace.deals.models import Contract, Milestone, PaymentProof


def _client_ip(request) -> str | None:
    # Behind the proxy the settings trust (SECURE_PROXY_SSL_HEADER), REMOTE_ADDR is the proxy's address;
    # the first X-Forwarded-For hop is the person's.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    candidate = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")
    return candidate or None


def _back(deal):
    return redirect(f"{deal.get_absolute_url()}#order")


def _say(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _deal_for_file(request, pk):
    deal = permissions.get_deal_or_404(request.user, pk)
    if not permissions.can_fetch_attachment(request.user, deal):
        raise Http404
    return deal


@login_required
def contract_pdf(request, pk):
    deal = _deal_for_file(request, pk)
    contract = get_object_or_404(Contract, deal=deal)
    return serve(contract.pdf, "application/pdf", filename=f"{contract.number}.pdf", private=True)


@login_required
def proof_file(request, pk, proof_pk):
    deal = _deal_for_file(request, pk)
    proof = get_object_or_404(PaymentProof, pk=proof_pk, milestone__deal=deal)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        proof.content_type, "bin"
    )
    name = f"{deal.number}-payment-{proof.milestone.seq}-{proof.pk}.{extension}"
    return serve(proof.file, proof.content_type, filename=name, private=True)


def _acting(request, pk):
    """The deal for a POST: 404 for whoever may not see it; the service refuses a reader who may not act (403)."""
    return permissions.get_deal_or_404(request.user, pk)


@login_required
@require_POST
def contract_issue(request, pk):
    deal = _acting(request, pk)
    try:
        contracts.issue_contract(deal=deal, by_user=request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("The sales contract is ready: read it, then accept it."))
    return _back(deal)


@login_required
@require_POST
def contract_accept(request, pk):
    deal = _acting(request, pk)
    contract = get_object_or_404(Contract, deal=deal)
    try:
        _acceptance, order, decision = orders.accept_and_order(
            contract=contract,
            by_user=request.user,
            name=request.POST.get("name", ""),
            title=request.POST.get("title", ""),
            ip=_client_ip(request),
            sha256=request.POST.get("sha256", ""),
        )
    except ValidationError as error:
        _say(request, error)
        return _back(deal)
    messages.success(request, _("You accepted the sales contract."))
    if order is not None:
        messages.success(request, _("Both parties accepted: the order is placed."))
    elif decision is not None:
        messages.error(request, _("The order was not placed: the credit policy refuses these terms."))
    return _back(deal)


@login_required
@require_POST
def order_place(request, pk):
    deal = _acting(request, pk)
    try:
        orders.place_order(deal=deal, by_user=request.user)
    except orders.OrderRefused:
        messages.error(request, _("The order was not placed: the credit policy refuses these terms."))
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("The order is placed."))
    return _back(deal)


def _milestone(deal, seq) -> Milestone:
    return get_object_or_404(Milestone, deal=deal, seq=seq)


@login_required
@require_POST
def milestone_proof(request, pk, seq):
    deal = _acting(request, pk)
    milestone = _milestone(deal, seq)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the file of the bank slip or L/C copy."))
        return _back(deal)
    try:
        milestones.upload_proof(
            milestone=milestone, by_user=request.user, upload=upload, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("Proof of payment uploaded; the supplier confirms receipt."))
    return _back(deal)


@login_required
@require_POST
def milestone_confirm(request, pk, seq):
    deal = _acting(request, pk)
    milestone = _milestone(deal, seq)
    try:
        paid_on = dt.date.fromisoformat(request.POST.get("paid_on", ""))
    except ValueError:
        messages.error(request, _("Enter the date the money arrived as YYYY-MM-DD."))
        return _back(deal)
    try:
        milestones.confirm_payment(milestone=milestone, by_user=request.user, paid_on=paid_on)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("Payment confirmed."))
    return _back(deal)
