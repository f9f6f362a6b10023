"""Pages of the contract, the order and the payments: thin views over contracts.py, orders.py, milestones.py.

Every view starts from `permissions.get_deal_or_404` (someone who may not see the deal gets the same
404 as for a missing one); files (the contract PDF, payment proofs) are served only to the two parties
and operators, with the same 404 for everybody else.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.core.files import serve
from marketplace.deals import contracts, milestones, orders, permissions, views
from marketplace.deals.forms import ContractAcceptanceForm, PaymentConfirmForm, PaymentProofForm
from marketplace.deals.models import Contract, Milestone, PaymentProof
from marketplace.deals.private_files import serve_deal_file


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
    contract = get_object_or_404(Contract.objects.current(), deal=deal)
    return serve(contract.pdf, "application/pdf", filename=f"{contract.number}.pdf", private=True)


@login_required
def voided_contract_pdf(request, pk, contract_pk):
    """A contract voided by reopening the terms: kept, its fingerprint in the record, so still readable."""
    deal = _deal_for_file(request, pk)
    contract = get_object_or_404(Contract.objects.filter(voided_at__isnull=False), deal=deal, pk=contract_pk)
    return serve(contract.pdf, "application/pdf", filename=f"{contract.number}-void.pdf", private=True)


def _proof_name(deal, proof) -> str:
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        proof.content_type, "bin"
    )
    return f"{deal.number}-payment-{proof.milestone.seq}-{proof.pk}.{extension}"


@login_required
def proof_file(request, pk, proof_pk):
    return serve_deal_file(
        request,
        deal_pk=pk,
        files=PaymentProof.objects.select_related("milestone"),
        file_pk=proof_pk,
        deal_field="milestone__deal_id",
        filename=_proof_name,
    )


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
    contract = get_object_or_404(Contract.objects.current(), deal=deal)
    form = ContractAcceptanceForm(request.POST)
    if form.is_valid():
        try:
            _acceptance, order, decision = orders.accept_and_order(
                contract=contract,
                by_user=request.user,
                name=form.cleaned_data["name"],
                title=form.cleaned_data["title"],
                ip=_client_ip(request),
                sha256=form.cleaned_data["sha256"],
            )
        except ValidationError as error:
            _to_form(form, error)
        else:
            messages.success(request, _("You accepted the sales contract."))
            if order is not None:
                messages.success(request, _("Both parties accepted: the order is placed."))
            elif decision is not None:
                messages.error(request, _("The order was not placed: the credit policy refuses these terms."))
            return _back(deal)
    return views.render_detail(request, deal, contract_form=form)


def _to_form(form, error: ValidationError) -> None:
    """A service's refusal onto the form: keyed errors at their fields, the rest at the top of it."""
    if hasattr(error, "error_dict") and set(error.error_dict) <= set(form.fields):
        form.add_error(None, error)
    else:
        form.add_error(None, ValidationError(error.messages))


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
    form = PaymentProofForm(request.POST, request.FILES, seq=seq)
    if form.is_valid():
        try:
            milestones.upload_proof(
                milestone=milestone,
                by_user=request.user,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _to_form(form, error)
        else:
            messages.success(request, _("Proof of payment uploaded; the supplier confirms receipt."))
            return _back(deal)
    return views.render_detail(request, deal, proof_form=form, form_seq=seq)


@login_required
@require_POST
def milestone_confirm(request, pk, seq):
    deal = _acting(request, pk)
    milestone = _milestone(deal, seq)
    form = PaymentConfirmForm(request.POST, seq=seq)
    if form.is_valid():
        try:
            milestones.confirm_payment(
                milestone=milestone, by_user=request.user, paid_on=form.cleaned_data["paid_on"]
            )
        except ValidationError as error:
            _to_form(form, error)
        else:
            messages.success(request, _("Payment confirmed."))
            return _back(deal)
    return views.render_detail(request, deal, confirm_form=form, form_seq=seq)
