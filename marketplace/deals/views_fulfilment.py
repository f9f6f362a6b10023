"""Pages of the fulfilment steps: factory visits, shipments, delivery, disputes, ratings, and their files.

Each view finds the deal as its viewer may see it (`get_deal_or_404`: the same 404 for a stranger as for
a deal that does not exist), reads a form, calls one service, and returns to the deal page. A person who
sees the deal but may not take this step (the other side, an operator on a party's step) gets 403 —
the deal is no secret to them. Files are streamed only to the two parties and operators.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marketplace.deals import disputes, permissions, ratings, shipments, visits
from marketplace.deals.forms_fulfilment import (
    DeliveryForm,
    DisputeAnswerForm,
    DisputeForm,
    DisputeResolveForm,
    RatingForm,
    ShipmentForm,
    VisitConfirmForm,
    VisitReportForm,
    VisitRequestForm,
    show_errors,
)
from marketplace.deals.models import Deal, DisputeEvidence, FactoryVisit, ShipmentDocument, VisitPhoto
from marketplace.deals.private_files import serve_deal_file


def _page(request, deal, form, *, title, button, intro="", visit=None, status=200):
    return render(
        request,
        "deals/fulfilment_form.html",
        {"deal": deal, "form": form, "title": title, "button": button, "intro": intro, "visit": visit},
        status=status,
    )


def _run(request, deal, form, action, *, title, button, success, intro="", visit=None, allowed=None):
    """The shared flow: check who asks, validate, call the service, return to the deal or show the errors."""
    if allowed is not None and not allowed(request.user):
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            action(form)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(
                deal.get_absolute_url() if permissions.can_view(request.user, deal) else "companies:role_home"
            )
    status = 400 if request.method == "POST" else 200
    return _page(request, deal, form, title=title, button=button, intro=intro, visit=visit, status=status)


def _side(side):
    return lambda deal: lambda user: permissions.acting_side(user, deal) == side


# -- factory visits ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def visit_request(request, pk):
    deal = permissions.get_deal_or_404(request.user, pk)
    form = VisitRequestForm(request.POST or None)
    return _run(
        request,
        deal,
        form,
        lambda f: visits.request_visit(
            deal=deal,
            by_user=request.user,
            mode=f.cleaned_data["mode"],
            times=f.times(),
            note=f.cleaned_data["note"],
            inspector_email=f.cleaned_data["inspector_email"],
        ),
        title=_("Request a factory visit"),
        button=_("Send the request"),
        intro=_("Propose up to three times; the supplier confirms one."),
        success=_("Visit requested: the supplier is told."),
        allowed=_side("buyer")(deal),
    )


def _visit(request, pk, visit_pk) -> tuple[Deal, FactoryVisit]:
    """The deal and its visit for a viewer of the deal or the visit's named inspector; 404 for anyone else."""
    deal = Deal.objects.select_related("buyer", "supplier", "accepted_offer").filter(pk=pk).first()
    if deal is None:
        raise Http404
    visit = visits.visit_for(request.user, deal, visit_pk)
    if visit is None:
        raise Http404
    return deal, visit


@require_http_methods(["GET", "POST"])
def visit_confirm(request, pk, visit_pk):
    deal = permissions.get_deal_or_404(request.user, pk)
    visit = get_object_or_404(FactoryVisit, pk=visit_pk, deal=deal)
    form = VisitConfirmForm(request.POST or None, visit=visit)
    return _run(
        request,
        deal,
        form,
        lambda f: visits.confirm_visit(visit=visit, by_user=request.user, time=f.chosen()),
        title=_("Confirm the factory visit"),
        button=_("Confirm this time"),
        success=_("Visit confirmed: the buyer is told."),
        visit=visit,
        allowed=_side("supplier")(deal),
    )


@require_http_methods(["GET", "POST"])
def visit_report(request, pk, visit_pk):
    deal, visit = _visit(request, pk, visit_pk)
    form = VisitReportForm(request.POST or None, request.FILES or None)
    return _run(
        request,
        deal,
        form,
        lambda f: visits.file_report(
            visit=visit,
            by_user=request.user,
            outcome=f.cleaned_data["outcome"],
            checklist=f.answers(),
            notes=f.cleaned_data["notes"],
            photos=f.cleaned_data["photos"],
        ),
        title=_("Factory visit report"),
        button=_("File the report"),
        success=_("Report filed: it is part of the deal's record."),
        visit=visit,
        allowed=lambda user: visits.may_report(user, visit),
    )


def _party_operator_or_inspector(user, deal, photo) -> bool:
    """Visit photos also go to the visit's named inspector, who need not belong to either party."""
    inspector = user.is_authenticated and photo.visit.inspector_id == user.pk
    return inspector or permissions.can_fetch_attachment(user, deal)


def visit_photo(request, pk, file_pk):
    return serve_deal_file(
        request,
        deal_pk=pk,
        files=VisitPhoto.objects.select_related("visit"),
        file_pk=file_pk,
        may_fetch=_party_operator_or_inspector,
    )


# -- shipment and delivery -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def shipment_create(request, pk):
    deal = permissions.get_deal_or_404(request.user, pk)
    form = ShipmentForm(request.POST or None, request.FILES or None)
    return _run(
        request,
        deal,
        form,
        lambda f: shipments.record_shipment(
            deal=deal,
            by_user=request.user,
            mode=f.cleaned_data["mode"],
            carrier=f.cleaned_data["carrier"],
            tracking_reference=f.cleaned_data["tracking_reference"],
            shipped_on=f.cleaned_data["shipped_on"],
            documents=f.uploads(),
            notes=f.cleaned_data["notes"],
        ),
        title=_("Record a shipment"),
        button=_("Record the shipment"),
        intro=_(
            "Attach the commercial invoice, the packing list and the transport document (PDF, JPEG or PNG)."
        ),
        success=_("Shipment recorded: the buyer is told."),
        allowed=_side("supplier")(deal),
    )


def shipment_document(request, pk, file_pk):
    return serve_deal_file(request, deal_pk=pk, files=ShipmentDocument.objects.all(), file_pk=file_pk)


@require_http_methods(["GET", "POST"])
def delivery_confirm(request, pk):
    deal = permissions.get_deal_or_404(request.user, pk)
    form = DeliveryForm(request.POST or None)
    return _run(
        request,
        deal,
        form,
        lambda f: shipments.confirm_delivery(
            deal=deal,
            by_user=request.user,
            delivered_on=f.cleaned_data["delivered_on"],
            note=f.cleaned_data["note"],
        ),
        title=_("Confirm delivery"),
        button=_("Confirm delivery"),
        intro=_("After you confirm, you have %(days)d days to open a dispute if something is wrong.")
        % {"days": deal.claim_window_days},
        success=_("Delivery confirmed."),
        allowed=_side("buyer")(deal),
    )


# -- disputes ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def dispute_open(request, pk):
    deal = permissions.get_deal_or_404(request.user, pk)
    form = DisputeForm(request.POST or None, request.FILES or None)
    return _run(
        request,
        deal,
        form,
        lambda f: disputes.open_dispute(
            deal=deal,
            by_user=request.user,
            reason=f.cleaned_data["reason"],
            description=f.cleaned_data["description"],
            claimed_amount=f.cleaned_data["claimed_amount"],
            files=f.cleaned_data["files"],
        ),
        title=_("Open a dispute"),
        button=_("Open the dispute"),
        intro=_("The supplier answers, then an operator decides."),
        success=_("Dispute opened: the supplier and the operators are told."),
        allowed=_side("buyer")(deal),
    )


@require_http_methods(["GET", "POST"])
def dispute_answer(request, pk):
    deal = permissions.get_deal_or_404(request.user, pk)
    form = DisputeAnswerForm(request.POST or None, request.FILES or None)
    return _run(
        request,
        deal,
        form,
        lambda f: disputes.answer_dispute(
            deal=deal, by_user=request.user, answer=f.cleaned_data["answer"], files=f.cleaned_data["files"]
        ),
        title=_("Answer the dispute"),
        button=_("Send the answer"),
        success=_("Answer sent: the buyer and the operators are told."),
        allowed=_side("supplier")(deal),
    )


@require_http_methods(["GET", "POST"])
def dispute_resolve(request, pk):
    deal = permissions.get_deal_or_404(request.user, pk)
    form = DisputeResolveForm(request.POST or None)
    return _run(
        request,
        deal,
        form,
        lambda f: disputes.resolve_dispute(
            deal=deal,
            by_user=request.user,
            resolution=f.cleaned_data["resolution"],
            reason=f.cleaned_data["reason"],
            refund_amount=f.cleaned_data["refund_amount"],
        ),
        title=_("Decide the dispute"),
        button=_("Record the decision"),
        success=_("Decision recorded: the deal is completed."),
        allowed=lambda user: disputes.may_resolve(user, deal),
    )


def dispute_evidence(request, pk, file_pk):
    return serve_deal_file(request, deal_pk=pk, files=DisputeEvidence.objects.all(), file_pk=file_pk)


# -- ratings ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def rating_create(request, pk):
    deal = permissions.get_deal_or_404(request.user, pk)
    form = RatingForm(request.POST or None)
    return _run(
        request,
        deal,
        form,
        lambda f: ratings.rate(
            deal=deal, by_user=request.user, score=f.cleaned_data["score"], comment=f.cleaned_data["comment"]
        ),
        title=_("Rate the other party"),
        button=_("Send the rating"),
        success=_("Thank you: your rating is recorded."),
        allowed=lambda user: permissions.acting_side(user, deal) is not None,
    )
