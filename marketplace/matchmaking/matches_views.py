"""The matches pages: "suppliers for you" from the buyer's profile, or a ranked list for a need given by
query parameters (the small form on the page; an RFQ page links here with its need)."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.companies.models import Company
from marketplace.companies.permissions import member_required
from marketplace.matchmaking import matches_services, ranking
from marketplace.matchmaking.matches_forms import FeedbackForm, NeedForm, asks_for_need
from marketplace.matchmaking.models import MatchFeedback, Rfq
from marketplace.matchmaking.rfq_selectors import need_of


def need_from_rfq(rfq: Rfq) -> ranking.Need:
    """The ranking's need for an RFQ (its fields as `rfq_selectors.need_of` reads them)."""
    fields = need_of(rfq)
    return ranking.Need(**{**fields, "certifications": tuple(fields["certifications"])})


PAGE = 20


@member_required(buyer=True)
def match_list(request):
    buyer = request.company
    rfq = None
    form = NeedForm(request.GET if asks_for_need(request.GET) else None)
    if "rfq" in request.GET:
        # An RFQ of this buyer's own (anyone else's, or an id that is no id, is a 404): rank suppliers for
        # what it asks. A malformed id is not quietly dropped for "suppliers for you".
        wanted = request.GET["rfq"]
        if not wanted.isdigit():
            raise Http404
        rfq = get_object_or_404(Rfq.objects.select_related("category"), pk=wanted, buyer=buyer)
        need = need_from_rfq(rfq)
        form = NeedForm()
        for_you = False
    elif form.is_bound:
        need = form.need() if form.is_valid() else None
        for_you = False
    else:
        need = ranking.profile_need(buyer)
        for_you = True
    matches = ranking.rank(need, buyer=buyer, limit=PAGE) if need is not None else []
    hidden = MatchFeedback.objects.filter(buyer=buyer).select_related("supplier").order_by("-created_at")[:50]
    return render(
        request,
        "matchmaking/matches/match_list.html",
        {
            "form": form if form.is_bound else NeedForm(),
            "rfq": rfq,
            "for_you": for_you,
            "need": need,
            "matches": matches,
            "hidden": hidden,
            "here": request.get_full_path(),
        },
    )


@require_POST
@member_required(buyer=True)
def match_feedback(request):
    form = FeedbackForm(request.POST)
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    back = back or "/matches/"
    if not form.is_valid():
        messages.error(request, _("That did not work; try again."))
        return HttpResponseRedirect(back)
    supplier = get_object_or_404(Company.objects.suppliers(), slug=form.cleaned_data["supplier"])
    if form.cleaned_data["kind"] == "restore":
        matches_services.feedback_withdraw(buyer=request.company, supplier=supplier, by_user=request.user)
        messages.success(
            request, _("%(name)s shows in your matches again.") % {"name": supplier.display_name}
        )
    else:
        matches_services.feedback_give(
            buyer=request.company, supplier=supplier, kind=form.cleaned_data["kind"], by_user=request.user
        )
        messages.success(
            request, _("%(name)s no longer shows in your matches.") % {"name": supplier.display_name}
        )
    return HttpResponseRedirect(back)
