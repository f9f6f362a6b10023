"""Deal pages: the parties' list, the deal with its one timeline, messages, offers, cancel, the chain check.

Every view that takes a deal id asks `permissions.get_deal_or_404` first: anyone who may not see the
deal gets the same 404 as for a deal that does not exist. Views read a form and call one service.
"""

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.catalog.models import Product
from marketplace.companies.models import Company
from marketplace.companies.permissions import can_view_product
from marketplace.core import audit
from marketplace.core.lists import ListPage
from marketplace.core.money import CURRENCIES
from marketplace.deals import negotiation, orders, permissions, record, selectors, services, timeline
from marketplace.deals.filters import DealFilter
from marketplace.deals.forms import InquiryForm, MessageForm, OfferForm, OfferLineFormSet, ReasonForm
from marketplace.deals.models import DEAL_TRANSITIONS, Attachment, DealSource, DealState, OfferStatus
from marketplace.deals.private_files import serve_deal_file

DEAL_LIST = ListPage(filterset=DealFilter, template="deals/deal_list.html", per_page=25)


def _refusal(request, error) -> None:
    """A refused step, told in words at the top of the deal page."""
    text = (
        " ".join(error.messages)
        if isinstance(error, ValidationError)
        else _("You cannot do this in this deal.")
    )
    messages.error(request, text)


@login_required
def deal_list(request):
    membership = request.user.membership
    company_id = membership.company_id if membership else None
    queryset = selectors.deals_for_company(company_id)
    context = DEAL_LIST.context(request, queryset)
    deals = list(context["page_obj"].object_list)
    counterparties = Company.objects.filter(
        pk__in={
            d.supplier_id if d.buyer_id == company_id else d.buyer_id
            for d in queryset.only("buyer_id", "supplier_id")
        }
    ).order_by("name")
    unread = selectors.unread_counts(user=request.user, company_id=company_id, deals=deals)
    for deal in deals:
        deal.unread = unread.get(deal.pk, 0)
    return render(
        request,
        "deals/deal_list.html",
        {**context, "deals": deals, "company_id": company_id, "counterparties": counterparties},
    )


def _detail_context(request, deal, **forms) -> dict:
    side = permissions.acting_side(request.user, deal)
    events = list(selectors.timeline(deal))
    files = defaultdict(list)
    for attachment in Attachment.objects.filter(deal=deal).only(
        "pk", "deal_id", "message_id", "original_name", "size"
    ):
        files[attachment.message_id].append(attachment)
    rows = [
        {
            "event": event,
            "entry": timeline.entry(event.action),
            "data": event.data,
            "files": files.get(event.data.get("message"), []),
        }
        for event in events
    ]
    offers = list(deal.offers.prefetch_related("lines__product").select_related("created_by"))
    offer_rows = []
    previous = None
    for offer in offers:
        offer_rows.append({"offer": offer, "changes": negotiation.diff(previous, offer)})
        previous = offer
    latest = offers[-1] if offers else None
    can_decide = bool(
        side
        and latest is not None
        and latest.status == OfferStatus.OPEN
        and latest.from_side != side
        and deal.state == DealState.NEGOTIATION
    )
    return {
        "deal": deal,
        "side": side,
        "rows": rows,
        "offer_rows": list(reversed(offer_rows)),
        "latest": latest,
        "can_offer": bool(side) and "propose" in DEAL_TRANSITIONS.events_from(deal.state),
        "can_decide": can_decide,
        "can_cancel": bool(side) and "cancel" in DEAL_TRANSITIONS.events_from(deal.state),
        "can_verify": permissions.can_verify_record(request.user, deal),
        "can_message": bool(side),
        "message_form": forms.get("message_form") or MessageForm(),
        "decline_form": forms.get("decline_form") or ReasonForm(),
        "cancel_form": forms.get("cancel_form") or ReasonForm(),
        "reopen_form": forms.get("reopen_form") or ReasonForm(prefix="reopen"),
        # The order section's forms that failed, bound (deal_orders.order_section fills in fresh ones).
        "contract_form": forms.get("contract_form"),
        "proof_form": forms.get("proof_form"),
        "confirm_form": forms.get("confirm_form"),
        "form_seq": forms.get("form_seq"),
    }


def render_detail(request, deal, *, status: int = 400, **forms):
    """The deal page again, with the bound form(s) that failed: their errors at their fields and at the top."""
    return render(request, "deals/deal_detail.html", _detail_context(request, deal, **forms), status=status)


def deal_detail(request, pk):
    with permissions.one_reading():  # who the viewer is, read once for the page (mark_read checks nothing)
        deal = permissions.get_deal_or_404(request.user, pk)
        if permissions.side_of(request.user, deal):
            services.mark_read(deal=deal, user=request.user)
        return render(request, "deals/deal_detail.html", _detail_context(request, deal))


@require_POST
def message_post(request, pk):
    deal = permissions.get_deal_or_404(request.user, pk)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.post_message(
                deal=deal,
                by_user=request.user,
                body=form.cleaned_data["body"],
                uploads=form.cleaned_data["files"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            _refusal(request, error)
            return redirect(deal)
        else:
            return redirect(f"{deal.get_absolute_url()}#thread-end")
    return render(
        request, "deals/deal_detail.html", _detail_context(request, deal, message_form=form), status=400
    )


def offer_create(request, pk):
    """The offer form: terms and lines, pre-filled from the latest offer (a counter-offer changes what it must)."""
    deal = permissions.get_deal_or_404(request.user, pk)
    side = permissions.acting_side(request.user, deal)
    if side is None or "propose" not in DEAL_TRANSITIONS.events_from(deal.state):
        raise Http404
    latest = negotiation.latest_offer(deal)
    check, confirm_refused = None, False
    if request.method == "POST":
        form = OfferForm(request.POST)
        currency = (request.POST.get("currency") or "").strip().upper()
        line_set = OfferLineFormSet(
            request.POST,
            prefix="lines",
            form_kwargs={
                "supplier_id": deal.supplier_id,
                "currency": currency,
                "product_id": deal.product_id,
            },
        )
        status = 400
        if form.is_valid() and line_set.is_valid():
            check = _terms_to_check(form.cleaned_data, line_set.lines())
            decision = _gating_preview(deal, check)
            # Terms the credit policy refuses are shown, with the policy's words, before they are sent:
            # "Check" only shows the verdict; sending refused terms asks once more.
            held = decision is not None and not decision.allowed and not request.POST.get("send_refused")
            if request.POST.get("check") or held:
                status, confirm_refused = 200, held and not request.POST.get("check")
            else:
                try:
                    offer = negotiation.propose(
                        deal=deal, by_user=request.user, terms=form.cleaned_data, lines=line_set.lines()
                    )
                except ValidationError as error:
                    known = hasattr(error, "error_dict") and set(error.error_dict) <= set(form.fields)
                    form.add_error(None, error if known else ValidationError(error.messages))
                    check = None
                except PermissionDenied:
                    raise Http404 from None
                else:
                    messages.success(request, _("Offer version %(v)d sent.") % {"v": offer.version})
                    return redirect(deal)
    else:
        initial, lines = _initial_from(deal, latest)
        check = _terms_to_check(initial, lines)
        form = OfferForm(initial=initial)
        line_set = OfferLineFormSet(
            prefix="lines",
            initial=lines,
            form_kwargs={
                "supplier_id": deal.supplier_id,
                "currency": initial["currency"],
                "product_id": deal.product_id,
            },
        )
        status = 200
    return render(
        request,
        "deals/offer_form.html",
        {
            "deal": deal,
            "form": form,
            "line_set": line_set,
            "latest": latest,
            "currencies": OfferForm.currency_choices,
            "check": check,
            "confirm_refused": confirm_refused,
        },
        status=status,
    )


def _terms_to_check(terms: dict, lines: list[dict]) -> dict | None:
    """What the credit check of an offer needs — its payment terms, total and term — or None if unknown."""
    total = Decimal(0)
    for line in lines:
        quantity, price = line.get("quantity"), line.get("unit_price")
        if quantity is None or price is None:
            return None
        total += Decimal(quantity) * Decimal(price)
    currency = (terms.get("currency") or "").upper()
    if not terms.get("payment_terms") or total <= 0 or currency not in CURRENCIES:
        return None
    return {
        "payment_terms": terms["payment_terms"],
        "amount": total,
        "currency": currency,
        "term_days": terms.get("term_days"),
    }


def _gating_preview(deal, check: dict | None):
    return orders.check_terms(deal, **check) if check else None


def _initial_from(deal, latest):
    if latest is None:
        product = deal.product
        line = (
            {
                "unit": product.unit,
                "description": product.name,
                "product": product.pk,
                "hs_code": product.hs_code,
            }
            if product
            else {}
        )
        return {"currency": deal.currency, "incoterm": "FOB", "inspection": "none"}, [line] if line else []
    initial = {name: getattr(latest, name) for name in negotiation.TERM_FIELDS}
    lines = [
        {name: getattr(line, name if name != "product" else "product_id") for name in negotiation.LINE_FIELDS}
        for line in latest.lines.all()
    ]
    return initial, lines


@require_POST
def offer_decide(request, pk, offer_pk, decision):
    deal = permissions.get_deal_or_404(request.user, pk)
    if decision not in ("accept", "decline"):
        raise Http404
    try:
        if decision == "accept":
            negotiation.accept(deal=deal, by_user=request.user, offer_id=offer_pk)
            messages.success(request, _("You accepted the offer: the terms are agreed."))
        else:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                return render(
                    request,
                    "deals/deal_detail.html",
                    _detail_context(request, deal, decline_form=form),
                    status=400,
                )
            negotiation.decline(
                deal=deal, by_user=request.user, offer_id=offer_pk, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("You declined the offer."))
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
    return redirect(deal)


@require_POST
def deal_reopen(request, pk):
    """Either party reopens agreed terms the credit policy refuses, so that secured terms can be offered."""
    deal = permissions.get_deal_or_404(request.user, pk)
    form = ReasonForm(request.POST, prefix="reopen")
    if not form.is_valid():
        return render(
            request, "deals/deal_detail.html", _detail_context(request, deal, reopen_form=form), status=400
        )
    try:
        negotiation.reopen(deal=deal, by_user=request.user, reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
        return redirect(deal)
    messages.success(request, _("The terms are open again: send an offer with secured terms."))
    return redirect(f"{deal.get_absolute_url()}#offers-h")


@require_POST
def deal_cancel(request, pk):
    deal = permissions.get_deal_or_404(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return render(
            request, "deals/deal_detail.html", _detail_context(request, deal, cancel_form=form), status=400
        )
    try:
        services.cancel(deal=deal, by_user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The deal is cancelled."))
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
    return redirect(deal)


def attachment_file(request, pk, attachment_pk):
    return serve_deal_file(request, deal_pk=pk, files=Attachment.objects.all(), file_pk=attachment_pk)


@require_POST
def deal_verify(request, pk):
    """A platform risk officer (or operator) checks this deal's chain, from its page."""
    deal = permissions.get_deal_or_404(request.user, pk)
    if not permissions.can_verify_record(request.user, deal):
        raise Http404
    broken = record.verify(deal)
    audit.log(
        actor=request.user,
        action="deals.deal.verify_record",
        obj=deal,
        data={"ok": broken is None, "break": str(broken) if broken else ""},
    )
    if broken is None:
        messages.success(
            request, _("The record is intact: %(n)d events, every hash matches.") % {"n": deal.record_length}
        )
    else:
        messages.error(request, _("The record is broken: %(where)s") % {"where": str(broken)})
    return redirect(deal)


# -- ways into a deal --------------------------------------------------------------------------------


def _start(request, *, supplier: Company, opening_for, title: str, product=None):
    """The inquiry form for a buyer's member; opens the deal and goes to it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    company = request.user.company
    if company is None or not company.is_buyer or company.pk == supplier.pk:
        messages.error(request, _("Sign in with a buyer company to contact suppliers."))
        return redirect(product.get_absolute_url() if product else supplier.get_absolute_url())
    form = InquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            deal = services.open_deal(
                buyer=company,
                supplier=supplier,
                by_user=request.user,
                opening=opening_for(form.cleaned_data["message"]),
            )
        except (ValidationError, PermissionDenied) as error:
            _refusal(request, error)
        else:
            messages.success(
                request, _("Your inquiry %(number)s is sent to the supplier.") % {"number": deal.number}
            )
            return redirect(deal)
    return render(
        request,
        "deals/inquiry_form.html",
        {"form": form, "supplier": supplier, "product": product, "title": title},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def inquiry_from_product(request, product_pk):
    product = get_object_or_404(Product.objects.select_related("supplier"), pk=product_pk)
    if not can_view_product(request.user, product) or not product.is_public:
        raise Http404
    return _start(
        request,
        supplier=product.supplier,
        product=product,
        title=product.display_name,
        opening_for=lambda text: services.Opening(
            kind=DealSource.PRODUCT,
            reference=str(product.pk),
            subject=product.name,
            message=text,
            product_id=product.pk,
            currency=product.currency,
        ),
    )


def inquiry_from_company(request, slug):
    supplier = get_object_or_404(Company.objects.suppliers(), slug=slug)
    return _start(
        request,
        supplier=supplier,
        title=supplier.display_name,
        opening_for=lambda text: services.Opening(
            kind=DealSource.COMPANY, reference=str(supplier.pk), subject=supplier.name, message=text
        ),
    )
