"""Financing pages: thin views over services.py and selectors.py.

The supplier's list and apply form (reached from the deal page), the bank's queue, and one detail page
for everyone who may see an application, with the forms its viewer may use. A person who may not see
an application gets the same 404 as for one that does not exist.
"""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from credit.index import current as current_assessment
from marketplace.companies.permissions import member_required
from marketplace.core import fx
from marketplace.deals import permissions as deal_permissions
from marketplace.deals.models import Deal, DealState, Order
from marketplace.financing import policy, selectors, services
from marketplace.financing.forms import (
    ApplicationForm,
    DeclineForm,
    DisburseForm,
    QueueFilterForm,
    RepaymentForm,
    TermsForm,
    add_service_error,
)
from marketplace.financing.models import ApplicationStatus, FinancingKind

PER_PAGE = 25


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


@member_required(supplier=True)
def application_list(request):
    """The supplier's own applications, newest first."""
    page_obj = _page(request, selectors.supplier_applications(request.company))
    return render(request, "financing/application_list.html", {"page_obj": page_obj})


def _supplier_deal_or_404(request, pk) -> Deal:
    deal = deal_permissions.get_deal_or_404(request.user, pk)
    if deal_permissions.acting_side(request.user, deal) != "supplier":
        raise Http404
    return deal


def _kind_options(deal: Deal, order) -> dict:
    """For each kind of financing: whether the deal qualifies now, why not, and TrustFair's suggestion."""
    pre_ok = order is not None and deal.state == DealState.ORDERED
    receivable = services.insured_receivable_for(deal) if order is not None else None
    options = {
        FinancingKind.PRE_SHIPMENT: {
            "ok": pre_ok,
            "why_not": ""
            if pre_ok
            else _(
                "Pre-shipment financing is asked against a confirmed order that has not been shipped yet."
            ),
            "base": services.order_value(order) if order is not None else None,
            "max_share": None,
            "receivable": None,
        },
        FinancingKind.POST_SHIPMENT: {
            "ok": receivable is not None,
            "why_not": "" if receivable is not None else services.post_shipment_refusal(deal),
            "base": services.base_value(order, receivable) if receivable is not None else None,
            "max_share": services.receivable_share(receivable),
            "receivable": receivable,
        },
    }
    for option in options.values():
        option["suggestion"] = None
        if option["ok"]:
            with contextlib.suppress(fx.NoRate):  # no rate: the form says so when the supplier applies
                option["suggestion"] = policy.suggest(
                    supplier=deal.supplier,
                    base=option["base"],
                    currency=option["base"].currency,
                    max_share=option["max_share"],
                )
    return options


@login_required
def application_create(request, pk):
    """Apply for financing on the deal (its supplier only): pre-shipment against the confirmed order, or
    post-shipment against the insured invoice, whose indemnity is then assigned to the bank."""
    deal = _supplier_deal_or_404(request, pk)
    order = Order.objects.filter(deal=deal).first()
    options = _kind_options(deal, order)
    available = [kind for kind, option in options.items() if option["ok"]]
    default_kind = available[-1] if available else FinancingKind.PRE_SHIPMENT
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                application = services.apply(
                    deal=deal,
                    by_user=request.user,
                    bank=data["bank"],
                    amount=data["amount"],
                    currency=data["currency"],
                    term_days=data["term_days"],
                    kind=data["kind"],
                    note=data["note"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request, _("Your application was sent to %(bank)s.") % {"bank": data["bank"]}
                )
                return redirect(application.get_absolute_url())
    else:
        base = options[default_kind]["base"]
        form = ApplicationForm(
            initial={
                "kind": default_kind,
                "currency": base.currency if base else (order.currency if order else deal.currency),
                "term_days": 90,
            }
        )
    return render(
        request,
        "financing/application_form.html",
        {
            "deal": deal,
            "order": order,
            "form": form,
            "options": [(kind, FinancingKind(kind).label, option) for kind, option in options.items()],
            "can_apply": bool(available),
        },
    )


@login_required
def bank_queue(request):
    """A partner bank's applications; a platform risk officer reads every bank's."""
    bank = services.bank_of(request.user)
    if bank is None and not deal_permissions.is_platform_risk_officer(request.user):
        raise Http404
    filters = QueueFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    qs = selectors.bank_queue(bank, status=status) if bank else selectors.all_applications(status=status)
    page_obj = _page(request, qs.values_list("pk", flat=True))
    page_obj.object_list = selectors.with_supplier_grades(selectors.in_order(page_obj.object_list))
    return render(
        request,
        "financing/bank_queue.html",
        {
            "bank": bank,
            "filters": filters,
            "page_obj": page_obj,
            "querystring": f"status={status}" if status else "",
        },
    )


def _application_or_404(request, pk):
    found = selectors.application_for(request.user, pk)
    if found is None:
        raise Http404
    return found


def _record_summary(deal: Deal) -> dict:
    """What a bank reads of the deal's record: its length and head, the order, payments and shipments —
    not the parties' messages or files."""
    milestones = list(
        deal.milestones.order_by("seq").values("seq", "kind", "amount", "currency", "due_date", "status")
    )
    return {
        "length": deal.record_length,
        "head": deal.record_head,
        "last_event_at": deal.last_event_at,
        "milestones": milestones,
        "shipments": deal.shipments.count(),
    }


def _insurance_in_force(application):
    """Post-shipment: the insured invoice the financing stands on, as it is now (cover may lapse later)."""
    declaration = application.declaration
    if declaration is None:
        return None
    return {
        "certificate": declaration.number,
        "policy": declaration.limit.policy.number,
        "insurer": declaration.limit.insurer.name,
        "status": declaration.get_status_display(),
        "in_force": declaration.status in ("covered", "overdue", "claimed"),
        "insured_amount": declaration.insured_amount,
        "currency": declaration.currency,
        "indemnity_percent": declaration.indemnity_percent,
        "indemnity_amount": declaration.indemnity.amount,
        "due_date": declaration.due_date,
        "assigned_to_bank": declaration.indemnity_assigned_to_id == application.bank_id,
    }


def _detail(request, application, role, *, status=200, **forms):
    supplier_grade = current_assessment(application.supplier)
    buyer_grade = current_assessment(application.buyer)
    status_ = application.status
    is_bank = role == selectors.BANK
    is_supplier = role == selectors.SUPPLIER and services.is_supplier_actor(request.user, application)
    context = {
        "application": application,
        "role": role,
        "supplier_assessment": supplier_grade,
        "buyer_assessment": buyer_grade,
        "record": _record_summary(application.deal),
        "deal_url": application.deal.get_absolute_url()
        if deal_permissions.can_view(request.user, application.deal)
        else "",
        "gating": application.suggestion.get("gating", {}),
        "insurance": _insurance_in_force(application),
        "repayments": application.repayments.all(),
        "today": timezone.localdate(),
    }
    if is_bank and status_ == ApplicationStatus.SUBMITTED:
        context["terms_form"] = forms.get("terms_form") or TermsForm(
            initial={
                "amount": min(application.amount, application.ceiling),
                "term_days": application.term_days,
            }
        )
        context["decline_form"] = forms.get("decline_form") or DeclineForm()
    if is_bank and status_ == ApplicationStatus.APPROVED:
        context["disburse_form"] = forms.get("disburse_form") or DisburseForm(
            initial={"amount": application.offer_amount, "disbursed_on": timezone.localdate()}
        )
    if is_bank and status_ in (ApplicationStatus.DISBURSED, ApplicationStatus.OVERDUE):
        context["repayment_form"] = forms.get("repayment_form") or RepaymentForm(
            initial={"amount": application.outstanding, "paid_on": timezone.localdate()}
        )
    if is_supplier:
        context["can_answer_counter"] = status_ == ApplicationStatus.COUNTERED
        context["can_withdraw"] = status_ in (ApplicationStatus.SUBMITTED, ApplicationStatus.COUNTERED)
    return render(request, "financing/application_detail.html", context, status=status)


@login_required
def application_detail(request, pk):
    application, role = _application_or_404(request, pk)
    return _detail(request, application, role)


def _refused(request, error: ValidationError):
    for text in error.messages:
        messages.error(request, text)


@login_required
@require_POST
def application_decide(request, pk, decision):
    """The bank's decision: approve or counter (TermsForm), or decline (DeclineForm)."""
    application, role = _application_or_404(request, pk)
    if role != selectors.BANK:
        raise Http404
    if decision in ("approve", "counter"):
        form, key = TermsForm(request.POST), "terms_form"
    elif decision == "decline":
        form, key = DeclineForm(request.POST), "decline_form"
    else:
        raise Http404
    if form.is_valid():
        try:
            if decision == "decline":
                services.decline(
                    application=application, by_user=request.user, reason=form.cleaned_data["reason"]
                )
            else:
                service = services.approve if decision == "approve" else services.counter
                service(
                    application=application,
                    by_user=request.user,
                    amount=form.cleaned_data["amount"],
                    rate=form.cleaned_data["rate"],
                    term_days=form.cleaned_data["term_days"],
                )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your decision was sent to the supplier."))
            return redirect(application.get_absolute_url())
    application.refresh_from_db()
    return _detail(request, application, role, status=400, **{key: form})


@login_required
@require_POST
def application_answer(request, pk, answer):
    """The supplier accepts or declines the bank's counter-offer, or withdraws the application."""
    application, role = _application_or_404(request, pk)
    if role != selectors.SUPPLIER:
        raise Http404
    service = {
        "accept": services.accept_counter,
        "decline": services.decline_counter,
        "withdraw": services.withdraw,
    }.get(answer)
    if service is None:
        raise Http404
    try:
        service(application=application, by_user=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Your answer was sent to the bank."))
    return redirect(application.get_absolute_url())


@login_required
@require_POST
def application_disburse(request, pk):
    application, role = _application_or_404(request, pk)
    if role != selectors.BANK:
        raise Http404
    form = DisburseForm(request.POST)
    if form.is_valid():
        try:
            services.disburse(application=application, by_user=request.user, **form.cleaned_data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The disbursement is recorded."))
            return redirect(application.get_absolute_url())
    application.refresh_from_db()
    return _detail(request, application, role, status=400, disburse_form=form)


@login_required
@require_POST
def repayment_create(request, pk):
    application, role = _application_or_404(request, pk)
    if role != selectors.BANK:
        raise Http404
    form = RepaymentForm(request.POST)
    if form.is_valid():
        try:
            services.record_repayment(application=application, by_user=request.user, **form.cleaned_data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The repayment is recorded."))
            return redirect(application.get_absolute_url())
    application.refresh_from_db()
    return _detail(request, application, role, status=400, repayment_form=form)
