"""Pages of lead capture: the phone page that scans badges, its upload API and service worker, the
exhibitor's pipeline (list, detail, export, convert) and the scanned buyer's own list (/leads/mine/)."""

import json
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.fairs import leads_export, leads_services
from marketplace.fairs.models import FairSession, Lead, LeadQuestion, LeadRating, LeadStatus


def _exhibitor(request):
    """The capturing company of the signed-in user, or a refusal (login for the anonymous)."""
    company = leads_services.capturing_company(request.user)
    if company is None:
        raise PermissionDenied
    return company


def _signed_in(view):
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_GET
@_signed_in
def capture(request, slug):
    session = get_object_or_404(FairSession, slug=slug)
    company = _exhibitor(request)
    if not leads_services.may_capture(request.user, session):
        # A supplier that does not exhibit here: say so, with the way to apply.
        return render(
            request,
            "fairs/closed.html",
            {
                "session": session,
                "heading": _("Scan badges"),
                "explanation": _("Lead capture is for the staff of approved exhibitors of this session."),
                "apply_links": True,
            },
            status=403,
        )
    questions = LeadQuestion.objects.filter(company=company, session=session)
    products = company.products.order_by("name").only("pk", "name", "name_zh")[:200]
    return render(
        request,
        "fairs/leads/capture.html",
        {
            "session": session,
            "company": company,
            "questions": questions,
            "products": products,
            "ratings": LeadRating.choices,
            "upload_url": reverse("leads:upload", kwargs={"slug": session.slug}),
            "sw_url": reverse("leads:service_worker"),
            "scope": reverse("leads:lead_list"),
        },
    )


@require_POST
def upload(request, slug):
    """JSON in: {"scans": [{client_id, code, scanned_at, notes, rating, answers, products}, ...]}.
    JSON out: {"results": [{client_id, status: created|duplicate|refused, reason?}, ...]}."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in again to upload your scans.")}, status=401)
    session = get_object_or_404(FairSession, slug=slug)
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": _("The upload is not valid JSON.")}, status=400)
    scans = body.get("scans") if isinstance(body, dict) else None
    try:
        results = leads_services.upload_scans(session=session, by_user=request.user, scans=scans)
    except PermissionDenied:
        return JsonResponse({"error": _("Only an exhibitor's staff can capture leads.")}, status=403)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"results": results})


@require_GET
def service_worker(request):
    """The service worker, served under /leads/ so that its scope covers the capture page."""
    path = finders.find("fairs/leads/sw.js") or str(Path(settings.STATIC_ROOT) / "fairs/leads/sw.js")
    body = Path(path).read_text()
    response = HttpResponse(body, content_type="application/javascript")
    response["Service-Worker-Allowed"] = reverse("leads:lead_list")
    response["Cache-Control"] = "no-cache"
    return response


def _filtered(request, company):
    leads = (
        Lead.objects.filter(company=company)
        .select_related("registration", "session")
        .order_by("-scanned_at", "-pk")
    )
    filters = {
        "session": request.GET.get("session", ""),
        "rating": request.GET.get("rating", ""),
        "status": request.GET.get("status", ""),
    }
    if filters["session"]:
        leads = leads.filter(session__slug=filters["session"])
    if filters["rating"] in LeadRating.values:
        leads = leads.filter(rating=filters["rating"])
    if filters["status"] in LeadStatus.values:
        leads = leads.filter(status=filters["status"])
    return leads, filters


@require_GET
@_signed_in
def lead_list(request):
    company = _exhibitor(request)
    leads, filters = _filtered(request, company)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return leads_export.response(leads, fmt=fmt)
    sessions = FairSession.objects.filter(leads__company=company).distinct().order_by("-starts_on")
    capture_sessions = FairSession.objects.order_by("-starts_on")[:4]
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "fairs/leads/lead_list.html",
        {
            "leads": leads[:500],
            "filters": filters,
            "sessions": sessions,
            "capture_sessions": capture_sessions,
            "ratings": LeadRating.choices,
            "statuses": LeadStatus.choices,
            "query": query,
        },
    )


def _own_lead(request, pk) -> Lead:
    company = _exhibitor(request)
    lead = (
        Lead.objects.select_related("registration__company", "session", "deal")
        .filter(company=company, pk=pk)
        .first()
    )
    if lead is None:
        raise Http404
    return lead


@_signed_in
def lead_detail(request, pk):
    lead = _own_lead(request, pk)
    error = ""
    if request.method == "POST":
        try:
            leads_services.update_lead(
                lead=lead,
                by_user=request.user,
                notes=request.POST.get("notes", lead.notes),
                rating=request.POST.get("rating", lead.rating),
                status=None if lead.status == LeadStatus.CONVERTED else (request.POST.get("status") or None),
            )
            return redirect("leads:lead_detail", pk=lead.pk)
        except ValidationError as e:
            error = " ".join(e.messages)
    questions = {
        str(q.pk): q.text for q in LeadQuestion.objects.filter(company=lead.company, session=lead.session)
    }
    answers = [(questions.get(k, "?"), v) for k, v in (lead.answers or {}).items()]
    buyer = lead.registration.company
    meeting_url = ""
    if buyer is not None and lead.may_follow_up:
        meeting_url = (
            reverse("meetings:request")
            + "?"
            + urlencode(
                {
                    "with": buyer.slug,
                    "subject": _("Follow-up from %(session)s") % {"session": lead.session.name},
                }
            )
        )
    return render(
        request,
        "fairs/leads/lead_detail.html",
        {
            "lead": lead,
            "answers": answers,
            "products": lead.products.all(),
            "ratings": LeadRating.choices,
            "statuses": [(c, label) for c, label in LeadStatus.choices if c != LeadStatus.CONVERTED],
            "meeting_url": meeting_url,
            "error": error,
        },
    )


@require_POST
@_signed_in
def convert(request, pk):
    lead = _own_lead(request, pk)
    try:
        deal = leads_services.convert_to_inquiry(lead=lead, by_user=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("leads:lead_detail", pk=lead.pk)
    return redirect(deal.get_absolute_url())


@require_GET
@_signed_in
def mine(request):
    leads = (
        leads_services.leads_of_person(request.user)
        .select_related("company", "session")
        .order_by("-scanned_at")
    )
    return render(request, "fairs/leads/mine.html", {"leads": leads})


@require_POST
@_signed_in
def withdraw(request, pk):
    lead = Lead.objects.filter(pk=pk, registration__user=request.user).first()
    if lead is None:
        raise Http404
    leads_services.withdraw_consent(lead=lead, by_user=request.user)
    return redirect("leads:mine")
