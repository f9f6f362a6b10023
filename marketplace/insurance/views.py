"""Insurance pages: the supplier's insurance of a deal, the insurer's queue, an application, a claim, the
premium table and the certificate. Views read a form, call one service or selector, render.

Who sees what: a deal's insurance page is the supplier's (the buyer and strangers get the deal's 404);
an insurer's applications and claims are seen by that insurer's risk officers and the platform's risk
officers only (anyone else: 404 for a row, 403 for the queue); only the insurer's officers decide.
"""

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from credit.index import current as current_assessment
from credit.index import explain
from marketplace.companies.models import Company
from marketplace.core.files import serve
from marketplace.core.lists import querystring_without_page
from marketplace.deals import permissions as deal_permissions
from marketplace.deals.exposure import outstanding
from marketplace.deals.models import Order
from marketplace.insurance import rates, selectors, services
from marketplace.insurance.exposure import limits_in_force
from marketplace.insurance.forms import (
    ClaimDecisionForm,
    CoverRequestForm,
    DeclarationForm,
    LimitDecisionForm,
    RateForm,
)
from marketplace.insurance.models import Claim, CreditLimit, Declaration, DeclarationStatus, LimitStatus

QUEUE_PER_PAGE = 50  # applications a page of the insurer's queue


def _say(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict") and set(error.error_dict) <= set(form.fields):
        form.add_error(None, error)
    else:
        form.add_error(None, ValidationError(error.messages))


def _supplier_deal(request, pk):
    """The deal, for the supplier's members (and platform staff, read only); the deal's 404 for anyone else."""
    deal = deal_permissions.get_deal_or_404(request.user, pk)
    if deal_permissions.side_of(request.user, deal) != "supplier" and not deal_permissions.is_platform_staff(
        request.user
    ):
        raise Http404
    return deal


def _totals(items) -> list[tuple[str, Decimal]]:
    sums = defaultdict(Decimal)
    for amount, currency in items:
        sums[currency] += Decimal(amount)
    return sorted(sums.items())


# -- the supplier's side ------------------------------------------------------------------------------


def _deal_context(request, deal, *, request_form=None, declare_form=None) -> dict:
    order = Order.objects.filter(deal=deal).first()
    limits = list(
        CreditLimit.objects.filter(policy__insured=deal.supplier, buyer=deal.buyer)
        .select_related("insurer", "policy")
        .order_by("-pk")
    )
    today = timezone.localdate()
    in_force = next((limit for limit in limits if limit.in_force_on(today)), None)
    pending = next((limit for limit in limits if limit.status == LimitStatus.PENDING), None)
    declarations = list(selectors.declarations_of(deal))
    declared = {d.shipment_id for d in declarations}
    open_shipments = [s for s in deal.shipments.all() if s.pk not in declared]
    may_act = services.is_supplier(request.user, deal)
    insurable = services.insurable(deal)
    if request_form is None and order is not None:
        request_form = CoverRequestForm(initial={"amount": order.amount, "term_days": order.term_days or 0})
    if declare_form is None and in_force and open_shipments:
        declared_total = sum((d.insured_amount for d in declarations), Decimal(0))
        declare_form = DeclarationForm(
            shipments=open_shipments, initial={"insured_amount": order.amount - declared_total}
        )
    for declaration in declarations:
        declaration.report_deadline = services.report_deadline(declaration)
        declaration.may_report = (
            may_act
            and declaration.status == DeclarationStatus.COVERED
            and declaration.due_date < today <= declaration.report_deadline
            and not declaration.milestone.is_paid
        )
        declaration.may_claim = may_act and declaration.status == DeclarationStatus.OVERDUE
    return {
        "deal": deal,
        "order": order,
        "insurable": insurable,
        "may_act": may_act,
        "limits": limits,
        "in_force": in_force,
        "pending": pending,
        "declarations": declarations,
        "request_form": request_form if (may_act and insurable and not in_force and not pending) else None,
        "declare_form": declare_form if (may_act and in_force and open_shipments) else None,
        "waiting_shipment": may_act and in_force and not open_shipments,
    }


@login_required
def deal_insurance(request, pk):
    deal = _supplier_deal(request, pk)
    return render(request, "insurance/deal_insurance.html", _deal_context(request, deal))


@login_required
@require_POST
def request_cover(request, pk):
    deal = _supplier_deal(request, pk)
    form = CoverRequestForm(request.POST)
    if form.is_valid():
        try:
            limit = services.request_cover(
                deal=deal,
                insurer=form.cleaned_data["insurer"],
                by_user=request.user,
                amount=form.cleaned_data["amount"],
                term_days=form.cleaned_data["term_days"],
            )
        except ValidationError as error:
            _to_form(form, error)
        else:
            if limit.status == LimitStatus.PENDING:
                messages.success(request, _("The limit application was sent to the insurer."))
            else:
                messages.success(
                    request, _("A limit on this buyer is in force: declare the shipments under it.")
                )
            return redirect("insurance:deal_insurance", pk=deal.pk)
    return render(
        request, "insurance/deal_insurance.html", _deal_context(request, deal, request_form=form), status=400
    )


@login_required
@require_POST
def declare(request, pk):
    deal = _supplier_deal(request, pk)
    form = DeclarationForm(request.POST, shipments=deal.shipments.all())
    if form.is_valid():
        shipment = deal.shipments.filter(pk=form.cleaned_data["shipment"]).first()
        try:
            declaration = services.declare(
                deal=deal,
                shipment=shipment,
                by_user=request.user,
                insured_amount=form.cleaned_data["insured_amount"],
            )
        except ValidationError as error:
            _to_form(form, error)
        else:
            messages.success(
                request, _("Shipment declared: certificate %(number)s.") % {"number": declaration.number}
            )
            return redirect("insurance:deal_insurance", pk=deal.pk)
    return render(
        request, "insurance/deal_insurance.html", _deal_context(request, deal, declare_form=form), status=400
    )


def _own_declaration(request, pk) -> Declaration:
    declaration = get_object_or_404(Declaration.objects.select_related("deal", "limit__policy"), pk=pk)
    _supplier_deal(request, declaration.deal_id)
    return declaration


@login_required
@require_POST
def report_overdue(request, pk):
    declaration = _own_declaration(request, pk)
    try:
        services.report_overdue(declaration=declaration, by_user=request.user)
        messages.success(request, _("The overdue invoice was reported to the insurer."))
    except ValidationError as error:
        _say(request, error)
    return redirect("insurance:deal_insurance", pk=declaration.deal_id)


@login_required
@require_POST
def file_claim(request, pk):
    declaration = _own_declaration(request, pk)
    try:
        claim = services.file_claim(declaration=declaration, by_user=request.user)
        messages.success(
            request,
            _("Claim %(number)s filed with the deal's record as evidence.") % {"number": claim.number},
        )
    except ValidationError as error:
        _say(request, error)
    return redirect("insurance:deal_insurance", pk=declaration.deal_id)


@login_required
def certificate(request, pk):
    declaration = get_object_or_404(Declaration.objects.select_related("limit__policy"), pk=pk)
    user = request.user
    allowed = services.may_view_insurer(user, declaration.limit.insurer_id) or (
        deal_permissions.side_of(user, declaration.deal) == "supplier"
    )
    if not allowed:
        raise Http404
    return serve(
        declaration.certificate, "application/pdf", filename=f"{declaration.number}.pdf", private=True
    )


# -- the insurer's side -------------------------------------------------------------------------------


def _insurer_for_queue(request) -> Company:
    own = services.officer_insurer(request.user)
    if own is not None:
        return own
    if not deal_permissions.is_platform_risk_officer(request.user):
        raise PermissionDenied
    chosen = request.GET.get("insurer")
    insurers = Company.objects.insurers().order_by("name")
    insurer = insurers.filter(pk=chosen).first() if chosen and chosen.isdigit() else insurers.first()
    if insurer is None:
        raise Http404
    return insurer


@login_required
def queue(request):
    insurer = _insurer_for_queue(request)
    status = request.GET.get("status", "")
    if status not in LimitStatus.values:
        status = ""
    page_obj = Paginator(selectors.queue(insurer_id=insurer.pk, status=status), QUEUE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "insurance/queue.html",
        {
            "insurer": insurer,
            "page_obj": page_obj,
            "rows": page_obj.object_list,
            "querystring": querystring_without_page(request),
            "status": status,
            "statuses": LimitStatus.choices,
            "claims": selectors.claims_for(insurer_id=insurer.pk)[:50],
            "insurers": Company.objects.insurers().order_by("name")
            if deal_permissions.is_platform_risk_officer(request.user)
            else None,
            "may_decide": services.decides_for(request.user, insurer.pk),
        },
    )


def _visible_limit(request, pk) -> CreditLimit:
    limit = get_object_or_404(
        CreditLimit.objects.select_related("buyer", "insurer", "policy__insured", "deal"), pk=pk
    )
    if not services.may_view_insurer(request.user, limit.insurer_id):
        raise Http404
    return limit


def _limit_context(request, limit, form=None) -> dict:
    assessment = current_assessment(limit.buyer)
    may_decide = services.decides_for(request.user, limit.insurer_id) and limit.status == LimitStatus.PENDING
    if form is None and may_decide:
        form = LimitDecisionForm(initial=LimitDecisionForm.initial_for(limit))
    return {
        "limit": limit,
        "assessment": assessment,
        "explanation": explain(assessment) if assessment is not None else None,
        "exposure": _totals(outstanding(limit.buyer)),
        "insured_exposure": _totals(limits_in_force(limit.buyer)),
        "suggestion": limit.suggestion,
        "form": form if may_decide else None,
        "declarations": limit.declarations.select_related("deal", "indemnity_assigned_to").order_by("-pk")[
            :50
        ],
    }


@login_required
def limit_detail(request, pk):
    limit = _visible_limit(request, pk)
    if request.method == "POST":
        if not services.decides_for(request.user, limit.insurer_id):
            raise Http404
        form = LimitDecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.decide_limit(
                    limit=limit,
                    by_user=request.user,
                    outcome=data["outcome"],
                    amount=data["amount"],
                    max_term_days=data["max_term_days"],
                    valid_until=data["valid_until"],
                    reason=data["reason"],
                )
            except ValidationError as error:
                _to_form(form, error)
            else:
                messages.success(request, _("Decision recorded."))
                return redirect(limit.get_absolute_url())
        return render(
            request, "insurance/limit_detail.html", _limit_context(request, limit, form), status=400
        )
    return render(request, "insurance/limit_detail.html", _limit_context(request, limit))


@login_required
def claim_detail(request, pk):
    claim = get_object_or_404(
        Claim.objects.select_related("declaration__limit__insurer", "declaration__deal__buyer"), pk=pk
    )
    insurer_id = claim.declaration.limit.insurer_id
    if not services.may_view_insurer(request.user, insurer_id):
        raise Http404
    may_decide = services.decides_for(request.user, insurer_id) and claim.status == "filed"
    form = None
    status = 200
    if may_decide:
        form = ClaimDecisionForm(
            request.POST or None, initial={"outcome": "pay", "paid_on": timezone.localdate()}
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.decide_claim(
                    claim=claim,
                    by_user=request.user,
                    pay=form.cleaned_data["outcome"] == "pay",
                    paid_on=form.cleaned_data["paid_on"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                _to_form(form, error)
            else:
                messages.success(request, _("Decision recorded."))
                return redirect(claim.get_absolute_url())
        if request.method == "POST":
            status = 400
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "insurance/claim_detail.html",
        {"claim": claim, "declaration": claim.declaration, "form": form, "today": timezone.localdate()},
        status=status,
    )


@login_required
def rate_table(request):
    insurer = _insurer_for_queue(request)
    may_edit = services.decides_for(request.user, insurer.pk)
    form = RateForm(request.POST or None) if may_edit else None
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.set_rate(insurer=insurer, by_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _to_form(form, error)
            else:
                messages.success(request, _("Premium rate saved."))
                return redirect("insurance:rates")
        status = 400
    table = rates.table(insurer)
    return render(
        request,
        "insurance/rates.html",
        {"insurer": insurer, "bands": rates.TERM_BANDS, "table": table, "form": form},
        status=status,
    )
