"""Showcase pages: the supplier's builder and statistics, and the buyer's private view with "Interested"."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from marketplace.catalog.models import ProductImage
from marketplace.companies.models import Company
from marketplace.companies.permissions import member_required
from marketplace.core.error_views import page_not_found
from marketplace.core.files import serve
from marketplace.showcases import selectors, services
from marketplace.showcases.forms import (
    ExtendForm,
    InterestForm,
    InviteForm,
    ItemTermsFormSet,
    ShowcaseForm,
    ShowcaseTextForm,
)
from marketplace.showcases.models import Showcase, ShowcaseAccess, ShowcaseInvitation, ShowcaseItem

# -- supplier ------------------------------------------------------------------------------------


@member_required(supplier=True)
def showcase_list(request):
    return render(
        request,
        "showcases/portal/showcase_list.html",
        {"showcases": selectors.supplier_showcases(supplier=request.company)},
    )


@member_required(supplier=True)
def showcase_create(request):
    form = ShowcaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            showcase = services.showcase_create(
                supplier=request.company, by_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Showcase created. Add products, then choose who sees it."))
            return redirect(showcase.get_portal_url())
    return render(request, "showcases/portal/showcase_form.html", {"form": form})


def _own(request, pk) -> Showcase:
    return get_object_or_404(Showcase.objects.select_related("supplier"), pk=pk, supplier=request.company)


@member_required(supplier=True)
def showcase_manage(request, pk):
    """Build and watch one showcase: products and prices, audience, links, dates, views and interest."""
    showcase = _own(request, pk)
    items = list(selectors.showcase_items(showcase=showcase))
    item_set = ItemTermsFormSet(
        initial=[
            {
                "item": i.pk,
                "position": place,
                "price": i.price,
                "currency": i.currency,
                "min_quantity": i.min_quantity,
                "unit": i.unit,
                "terms": i.terms,
            }
            for place, i in enumerate(items, start=1)
        ],
        prefix="items",
    )
    product_q = request.GET.get("product_q", "")
    present = {i.product_id for i in items}
    candidates = services.offerable_products(request.company).exclude(pk__in=present).order_by("-updated_at")
    if product_q:
        for word in product_q.split()[:5]:
            candidates = candidates.filter(
                Q(name__icontains=word) | Q(name_zh__icontains=word) | Q(sku__icontains=word)
            )
    buyer_q = request.GET.get("buyer_q", "")
    audience = selectors.audience_ids(showcase=showcase)
    buyers = (
        [c for c in selectors.buyer_search(query=buyer_q, exclude=request.company) if c.pk not in audience]
        if buyer_q
        else []
    )
    return render(
        request,
        "showcases/portal/showcase_manage.html",
        {
            "showcase": showcase,
            "rows": list(zip(items, item_set.forms, strict=True)),
            "item_set": item_set,
            "candidates": candidates.select_related("category")[:30],
            "product_q": product_q,
            "buyer_q": buyer_q,
            "buyers": buyers,
            "stats": selectors.showcase_stats(showcase=showcase),
            "interests": selectors.showcase_interests(showcase=showcase),
            "invitations": selectors.showcase_invitations(showcase=showcase),
            "text_form": ShowcaseTextForm(initial={"title": showcase.title, "message": showcase.message}),
            "invite_form": InviteForm(),
            "extend_form": ExtendForm(initial={"valid_until": showcase.valid_until}),
        },
    )


def _back(showcase: Showcase, anchor: str = ""):
    return redirect(showcase.get_portal_url() + (f"#{anchor}" if anchor else ""))


@member_required(supplier=True)
@require_POST
def showcase_action(request, pk, action):
    """The builder's POST actions; each calls one service and returns to the builder."""
    showcase = _own(request, pk)
    anchor = ""
    try:
        if action == "text":
            form = ShowcaseTextForm(request.POST)
            if form.is_valid():
                services.showcase_update(showcase=showcase, by_user=request.user, **form.cleaned_data)
                messages.success(request, _("Saved."))
        elif action == "add":
            ids = [int(v) for v in request.POST.getlist("product") if v.isdigit()]
            added = services.showcase_items_add(showcase=showcase, by_user=request.user, product_ids=ids)
            messages.success(
                request, ngettext("%(n)d product added.", "%(n)d products added.", added) % {"n": added}
            )
            anchor = "products"
        elif action == "items":
            item_set = ItemTermsFormSet(request.POST, prefix="items")
            if not item_set.is_valid():
                messages.error(
                    request,
                    _(
                        "Check the prices and the order: prices must be positive numbers, places whole numbers from 1."
                    ),
                )
            else:
                rows = [f.cleaned_data for f in item_set.forms if f.cleaned_data]
                services.showcase_items_update(
                    showcase=showcase,
                    by_user=request.user,
                    terms=[
                        services.ItemTerms(
                            product_id=r["item"],
                            price=r["price"],
                            currency=r["currency"],
                            min_quantity=r["min_quantity"],
                            unit=r["unit"],
                            terms=r["terms"],
                            position=r["position"],
                        )
                        for r in rows
                        if not r.get("remove")
                    ],
                    remove=[r["item"] for r in rows if r.get("remove")],
                )
                messages.success(request, _("Showcase prices and order saved."))
            anchor = "products"
        elif action == "share":
            ids = [int(v) for v in request.POST.getlist("company") if v.isdigit()]
            companies = list(Company.objects.buyers().filter(pk__in=ids))
            granted = services.showcase_share(showcase=showcase, by_user=request.user, companies=companies)
            messages.success(
                request,
                ngettext(
                    "Shared with %(n)d buyer company; its staff are notified.",
                    "Shared with %(n)d buyer companies; their staff are notified.",
                    len(granted),
                )
                % {"n": len(granted)},
            )
            anchor = "audience"
        elif action == "invite":
            form = InviteForm(request.POST)
            if form.is_valid():
                invitation = services.showcase_invite(
                    showcase=showcase,
                    by_user=request.user,
                    email=form.cleaned_data["email"],
                    days=form.cleaned_data["days"],
                )
                messages.success(
                    request, _("Invitation link sent to %(email)s.") % {"email": invitation.email}
                )
            else:
                messages.error(request, _("Give a valid email address."))
            anchor = "audience"
        elif action == "revoke":
            access = get_object_or_404(ShowcaseAccess, pk=request.POST.get("access"), showcase=showcase)
            services.access_revoke(access=access, by_user=request.user)
            messages.success(
                request, _("%(name)s can no longer open this showcase.") % {"name": access.company.name}
            )
            anchor = "audience"
        elif action == "uninvite":
            invitation = get_object_or_404(
                ShowcaseInvitation, pk=request.POST.get("invitation"), showcase=showcase
            )
            services.invitation_revoke(invitation=invitation, by_user=request.user)
            messages.success(request, _("Invitation link withdrawn."))
            anchor = "audience"
        elif action == "extend":
            form = ExtendForm(request.POST)
            if form.is_valid():
                services.showcase_extend(showcase=showcase, by_user=request.user, **form.cleaned_data)
                messages.success(request, _("Showcase extended."))
            else:
                messages.error(request, _("Give the new closing date."))
        elif action == "close":
            services.showcase_close(showcase=showcase, by_user=request.user)
            messages.success(request, _("Showcase closed: buyers can no longer open it."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return _back(showcase, anchor)


# -- buyers --------------------------------------------------------------------------------------


@member_required(buyer=True)
def shared_list(request):
    return render(
        request, "showcases/shared_list.html", {"showcases": selectors.shared_with(company=request.company)}
    )


def showcase_detail(request, token):
    showcase, company = selectors.showcase_for_buyer(token=token, user=request.user)
    items = list(selectors.showcase_items(showcase=showcase))
    services.record_view(showcase=showcase, company=company, user=request.user)
    interested = _attach_interests(showcase, company, items)
    return render(
        request,
        "showcases/showcase_detail.html",
        {"showcase": showcase, "items": items, "interested": interested, "interest_form": InterestForm()},
    )


def showcase_item(request, token, item_pk):
    showcase, company = selectors.showcase_for_buyer(token=token, user=request.user)
    item = selectors.showcase_item(showcase=showcase, item_pk=item_pk)
    services.record_view(showcase=showcase, company=company, user=request.user, item=item)
    _attach_interests(showcase, company, [item])
    return render(
        request,
        "showcases/showcase_item.html",
        {
            "showcase": showcase,
            "item": item,
            "product": item.product,
            "interest_form": InterestForm(),
            "interested": showcase.interests.filter(company=company, item=item).exists(),
        },
    )


def _attach_interests(showcase, company, items) -> set[int]:
    """Each item gets `my_interest`: the company's latest request on it (a converted one first), for the
    "Start an inquiry" / "Open the inquiry" button."""
    latest = {}
    for interest in showcase.interests.filter(company=company).order_by("created_at"):
        if interest.item_id not in latest or latest[interest.item_id].deal_id is None:
            latest[interest.item_id] = interest
    for item in items:
        item.my_interest = latest.get(item.pk)
    return set(latest)  # the items the company asked about, in one query with the above


@require_POST
def interest_convert(request, token, item_pk):
    """The buyer turns its request on this item into an inquiry and goes to the deal."""
    showcase, company = selectors.showcase_for_buyer(token=token, user=request.user)
    item = get_object_or_404(ShowcaseItem, pk=item_pk, showcase=showcase)
    interest = (
        showcase.interests.filter(company=company, item=item).order_by("deal_id", "-created_at").first()
    )
    if interest is None:
        raise Http404
    try:
        deal = services.interest_convert(interest=interest, by_user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(
            request, " ".join(getattr(error, "messages", [])) or _("You cannot start an inquiry here.")
        )
        return redirect(showcase.get_absolute_url())
    return redirect(deal)


@require_POST
def interest_create(request, token, item_pk):
    showcase, company = selectors.showcase_for_buyer(token=token, user=request.user)
    item = get_object_or_404(ShowcaseItem.objects.select_related("product"), pk=item_pk, showcase=showcase)
    form = InterestForm(request.POST)
    if form.is_valid():
        services.interest_create(
            showcase=showcase, item=item, company=company, user=request.user, **form.cleaned_data
        )
        messages.success(
            request,
            _("The supplier is told you are interested in %(product)s and will send a quote.")
            % {"product": item.product.display_name},
        )
        quantity, moq = form.cleaned_data.get("quantity"), item.effective_moq
        if quantity is not None and quantity < moq:
            messages.warning(
                request,
                _(
                    "%(quantity)d is below this offer's minimum order of %(moq)d %(unit)s: the supplier may "
                    "decline or quote a different price."
                )
                % {"quantity": quantity, "moq": moq, "unit": item.product.get_unit_display()},
            )
    else:
        messages.error(request, _("Check the quantity."))
    return redirect(showcase.get_absolute_url())


def showcase_image(request, token, item_pk, image_pk, size):
    showcase, _company = selectors.showcase_for_buyer(token=token, user=request.user)
    item = get_object_or_404(ShowcaseItem, pk=item_pk, showcase=showcase)
    image = get_object_or_404(ProductImage, pk=image_pk, product_id=item.product_id)
    if size == "thumb":
        return serve(image.thumbnail, "image/webp", private=True)
    return serve(image.file, image.content_type, private=True)


def invitation_open(request, token):
    """An emailed link: sign in first (any token, so a login page says nothing), then join or 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        showcase = services.invitation_claim(token=token, user=request.user)
    except ShowcaseInvitation.DoesNotExist:
        # One page for every dead or unknown link, so that it tells nothing about any showcase.
        return page_not_found(request, template_name="showcases/invitation_dead.html")
    return redirect(showcase.get_absolute_url())
