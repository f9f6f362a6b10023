"""Sourcing request pages: the buyer's requests, the supplier's inbox, a request, quoting, comparing.

Every view that takes an RFQ id asks `rfq_permissions.get_rfq_or_404` first: anyone who may not see the
request (another supplier, another buyer, a partner, a visitor) gets the same 404 as for a missing id.
Views read a form and call one service.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.catalog.money import CURRENCY_CHOICES, CURRENCY_CODES
from marketplace.companies.permissions import member_required
from marketplace.core.files import serve_private
from marketplace.matchmaking import rfq_permissions as perms
from marketplace.matchmaking import rfq_selectors as selectors
from marketplace.matchmaking import rfq_services as services
from marketplace.matchmaking.models import Quotation, QuotationAttachment, RfqAttachment, SourcingProfile
from marketplace.matchmaking.rfq_forms import (
    TIER_ROWS,
    DeclineForm,
    MarketsForm,
    QuotationForm,
    RfqForm,
    _apply_errors,
    plain_number,
)


def _refusal(request, error) -> None:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else _("You cannot do this.")
    messages.error(request, text)


@member_required(buyer=True)
def rfq_list(request):
    return render(request, "matchmaking/rfq/rfq_list.html", {"rfqs": selectors.buyer_rfqs(request.company)})


@member_required(supplier=True)
def inbox(request):
    company = request.company
    return render(
        request,
        "matchmaking/rfq/inbox.html",
        {
            "rows": selectors.inbox(company),
            "quota": services.quota_of(company),
            "used": services.used_this_month(company),
        },
    )


@member_required(supplier=True)
def sourcing_profile(request):
    """The supplier's markets (what its inbox shows) and its monthly quota of quotations (operators set it)."""
    company = request.company
    profile = SourcingProfile.objects.filter(company=company).first()
    form = MarketsForm(request.POST or None, initial={"markets": profile.markets if profile else []})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_markets(company=company, by_user=request.user, markets=form.cleaned_data["markets"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your markets are saved."))
            return redirect("rfq:profile")
    return render(
        request,
        "matchmaking/rfq/profile.html",
        {"form": form, "quota": services.quota_of(company), "used": services.used_this_month(company)},
        status=400 if request.method == "POST" else 200,
    )


def _rfq_initial(rfq) -> dict:
    return {
        "title": rfq.title,
        "description": rfq.description,
        "category": rfq.category_id,
        "quantity": plain_number(rfq.quantity),
        "unit": rfq.unit,
        "target_price": plain_number(rfq.target_price) if rfq.target_price is not None else "",
        "target_currency": rfq.target_currency,
        "destination_country": str(rfq.destination_country),
        "destination_port": rfq.destination_port,
        "incoterm": rfq.incoterm,
        "certifications": list(rfq.certifications),
        "sample_needs": rfq.sample_needs,
        "closes_on": rfq.closes_on,
        "visibility": rfq.visibility,
        "invited": list(rfq.invited.values_list("pk", flat=True)),
        "quotations_wanted": rfq.quotations_wanted,
    }


@member_required(buyer=True)
def rfq_create(request):
    form = RfqForm(request.POST or None, request.FILES or None, buyer=request.company)
    if request.method == "POST" and form.is_valid():
        try:
            rfq = services.post_rfq(
                buyer=request.company,
                by_user=request.user,
                data=form.cleaned_data,
                uploads=form.cleaned_data.get("files") or [],
                invited=form.cleaned_data.get("invited") or [],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your sourcing request is posted."))
            return redirect(rfq)
    status = 400 if request.method == "POST" else 200
    return render(request, "matchmaking/rfq/rfq_form.html", {"form": form, "rfq": None}, status=status)


def rfq_edit(request, pk):
    rfq = perms.get_rfq_or_404(request.user, pk)
    if not perms.is_buyer_of(request.user, rfq):
        raise Http404
    form = RfqForm(request.POST or None, request.FILES or None, buyer=rfq.buyer, initial=_rfq_initial(rfq))
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_rfq(
                rfq=rfq,
                by_user=request.user,
                data=form.cleaned_data,
                uploads=form.cleaned_data.get("files") or [],
                invited=form.cleaned_data.get("invited") or [],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your sourcing request is updated."))
            return redirect(rfq)
    status = 400 if request.method == "POST" else 200
    return render(request, "matchmaking/rfq/rfq_form.html", {"form": form, "rfq": rfq}, status=status)


@require_POST
def rfq_cancel(request, pk):
    rfq = perms.get_rfq_or_404(request.user, pk)
    if not perms.is_buyer_of(request.user, rfq):
        raise Http404
    try:
        services.cancel_rfq(rfq=rfq, by_user=request.user)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("Your sourcing request is withdrawn."))
    return redirect(rfq)


def rfq_detail(request, pk):
    rfq = perms.get_rfq_or_404(request.user, pk)
    company = perms.company_of(request.user)
    is_buyer = company.pk == rfq.buyer_id
    buyer = selectors.with_grade(rfq.buyer) if not is_buyer else rfq.buyer
    own = None if is_buyer else Quotation.objects.filter(rfq=rfq, supplier=company).first()
    return render(
        request,
        "matchmaking/rfq/rfq_detail.html",
        {
            "rfq": rfq,
            "buyer": buyer,
            "is_buyer": is_buyer,
            "own": own,
            "quotation_count": rfq.quotations.count(),
            "attachments": rfq.attachments.all(),
            "invited": rfq.invited.all() if is_buyer else [],
        },
    )


def rfq_file(request, pk, attachment_pk):
    rfq = perms.get_rfq_or_404(request.user, pk)
    return serve_private(RfqAttachment.objects.filter(rfq=rfq, pk=attachment_pk).first(), allowed=True)


def _quotation_initial(quotation) -> dict:
    initial = {
        name: getattr(quotation, name)
        for name in services.QUOTATION_FIELDS
        if getattr(quotation, name) not in (None, "")
    }
    for i, tier in enumerate(quotation.tiers.all(), start=1):
        if i > TIER_ROWS:
            break
        initial[f"tier_qty_{i}"] = plain_number(tier.min_quantity)
        initial[f"tier_price_{i}"] = plain_number(tier.unit_price)
    initial["certificates"] = list(quotation.certificates.values_list("pk", flat=True))
    return initial


def _rfq_initial_quote(rfq) -> dict:
    return {
        "incoterm": rfq.incoterm,
        "currency": rfq.target_currency or "USD",
        "moq": plain_number(rfq.quantity),
        "tier_qty_1": plain_number(rfq.quantity),
    }


def quotation_create(request, pk):
    rfq = perms.get_rfq_or_404(request.user, pk)
    company = perms.company_of(request.user)
    if company.pk == rfq.buyer_id:
        raise Http404
    existing = Quotation.objects.filter(rfq=rfq, supplier=company).first()
    if existing is not None:
        return redirect(existing)
    if not rfq.is_open:
        messages.error(request, _("This sourcing request is closed: no more quotations are taken."))
        return redirect(rfq)
    form = QuotationForm(
        request.POST or None, request.FILES or None, supplier=company, initial=_rfq_initial_quote(rfq)
    )
    if request.method == "POST" and form.is_valid():
        try:
            quotation = services.submit_quotation(
                rfq=rfq,
                by_user=request.user,
                data=form.cleaned_data,
                tiers=form.tiers(),
                certificate_ids=form.certificate_ids(),
                uploads=form.cleaned_data.get("files") or [],
            )
        except ValidationError as error:
            _apply_errors(form, error, fallback=None)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Your quotation is sent to the buyer."))
            return redirect(quotation)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "matchmaking/rfq/quotation_form.html",
        {"form": form, "rfq": rfq, "quotation": None, "tier_rows": _tier_rows(form)},
        status=status,
    )


def _tier_rows(form):
    return [(form[f"tier_qty_{i}"], form[f"tier_price_{i}"]) for i in range(1, TIER_ROWS + 1)]


def _quotation_or_404(request, pk, quotation_pk) -> Quotation:
    quotation = (
        Quotation.objects.select_related("rfq__buyer", "rfq__category", "supplier", "deal")
        .filter(pk=quotation_pk, rfq_id=pk)
        .first()
    )
    if quotation is None or not perms.can_view_quotation(request.user, quotation):
        raise Http404
    return quotation


def quotation_detail(request, pk, quotation_pk):
    quotation = _quotation_or_404(request, pk, quotation_pk)
    rfq = quotation.rfq
    is_buyer = perms.is_buyer_of(request.user, rfq)
    return render(
        request,
        "matchmaking/rfq/quotation_detail.html",
        {
            "quotation": quotation,
            "rfq": rfq,
            "is_buyer": is_buyer,
            "tier": services.tier_for(list(quotation.tiers.all()), rfq.quantity),
            "can_revise": not is_buyer
            and quotation.revision == 0
            and quotation.status == "submitted"
            and rfq.is_open,
            "decline_form": DeclineForm(),
        },
    )


def quotation_revise(request, pk, quotation_pk):
    quotation = _quotation_or_404(request, pk, quotation_pk)
    company = perms.company_of(request.user)
    if company.pk != quotation.supplier_id:
        raise Http404
    form = QuotationForm(
        request.POST or None, request.FILES or None, supplier=company, initial=_quotation_initial(quotation)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.revise_quotation(
                quotation=quotation,
                by_user=request.user,
                data=form.cleaned_data,
                tiers=form.tiers(),
                certificate_ids=form.certificate_ids(),
                uploads=form.cleaned_data.get("files") or [],
            )
        except ValidationError as error:
            _apply_errors(form, error, fallback=None)
        else:
            messages.success(request, _("Your revised quotation is sent to the buyer."))
            return redirect(quotation)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "matchmaking/rfq/quotation_form.html",
        {"form": form, "rfq": quotation.rfq, "quotation": quotation, "tier_rows": _tier_rows(form)},
        status=status,
    )


def quotation_file(request, pk, quotation_pk, attachment_pk):
    quotation = _quotation_or_404(request, pk, quotation_pk)
    return serve_private(
        QuotationAttachment.objects.filter(quotation=quotation, pk=attachment_pk).first(), allowed=True
    )


def _currency(request, rfq) -> str:
    chosen = (request.GET.get("currency") or request.POST.get("currency") or "").upper()
    if chosen in CURRENCY_CODES:
        return chosen
    return rfq.target_currency if rfq.target_currency in CURRENCY_CODES else "USD"


def compare(request, pk):
    rfq = perms.get_rfq_or_404(request.user, pk)
    if not perms.is_buyer_of(request.user, rfq):
        raise Http404
    sort = request.GET.get("sort", "price")
    if sort not in selectors.SORTS:
        sort = "price"
    comparison = selectors.compare(rfq, currency=_currency(request, rfq), sort=sort)
    return render(
        request,
        "matchmaking/rfq/compare.html",
        {
            "rfq": rfq,
            "comparison": comparison,
            "sort": sort,
            "sorts": selectors.sort_labels(),
            "currencies": CURRENCY_CHOICES,
            "decline_form": DeclineForm(),
        },
    )


@require_POST
def quotation_decide(request, pk, quotation_pk, decision):
    quotation = _quotation_or_404(request, pk, quotation_pk)
    if not perms.is_buyer_of(request.user, quotation.rfq):
        raise Http404
    try:
        if decision == "shortlist":
            services.shortlist(quotation=quotation, by_user=request.user)
            messages.success(request, _("Shortlisted."))
        elif decision == "decline":
            form = DeclineForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Say why you decline the quotation."))
            services.decline(quotation=quotation, by_user=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Declined; the supplier sees your reason."))
        elif decision == "accept":
            currency = _currency(request, quotation.rfq)
            conversion = selectors.conversion_of(quotation, currency)
            deal = services.accept(quotation=quotation, by_user=request.user, conversion=conversion)
            messages.success(
                request, _("Quotation accepted: the deal is open with its terms as the first offer.")
            )
            return redirect(deal)
        else:
            raise Http404
    except ValidationError as error:
        _refusal(request, error)
    except PermissionDenied:
        raise Http404 from None
    return redirect("rfq:compare", pk=quotation.rfq_id)
