"""Company pages: directory, profiles, onboarding, staff, verification, and each role's home."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from django_countries import countries

from credit import selectors as credit_selectors
from marketplace.companies import caching, selectors, services
from marketplace.companies.filters import CompanyFilter
from marketplace.companies.forms import CompanyForm, DecisionForm, DocumentUploadForm, InvitationForm
from marketplace.companies.models import (
    Company,
    Invitation,
    Membership,
    PlatformRole,
    VerificationDocument,
)
from marketplace.companies.permissions import can_view_document, member_required, platform_role_required
from marketplace.core import charts
from marketplace.core.files import serve_private
from marketplace.core.lists import ListPage, ResultsCache
from marketplace.core.pagecache import cache_for_visitors

DIRECTORY_PAGE_SIZE = 24

# The directory: its results (form, count, cards) are cached per language, audience and filters, and
# each filter combination's count is shared by every language, audience and page.
DIRECTORY = ListPage(
    filterset=CompanyFilter,
    template="companies/company_list.html",
    results_template="companies/includes/directory_results.html",
    per_page=DIRECTORY_PAGE_SIZE,
    cache=ResultsCache(
        generations=("directory",), seconds=caching.HTML_SECONDS, count_seconds=caching.COUNT_SECONDS
    ),
)


@cache_for_visitors
def company_list(request):
    """The directory of every company. A cache hit renders only the page around the results."""

    def companies():
        rows = selectors.company_directory()
        if request.user.is_authenticated:
            # Signed-in members see each company's credit grade (never its subscores or reasons).
            rows = credit_selectors.with_current_grade(rows)
        return rows

    return DIRECTORY.render(request, companies)


def company_detail(request, slug):
    companies = selectors.company_directory()
    if request.user.is_authenticated:
        companies = credit_selectors.with_current_grade(companies)
    company = get_object_or_404(companies, slug=slug)
    return render(request, "companies/company_detail.html", {"company": company})


@login_required
def role_home(request):
    """Send each person to the home of their role."""
    user = request.user
    if user.platform_role == PlatformRole.RISK_OFFICER:
        return redirect("companies:risk_home")
    if user.platform_role == PlatformRole.OPERATOR:
        return redirect("companies:operator_queue")
    if user.platform_role == PlatformRole.EDITOR:
        return redirect("wagtailadmin_home")
    company = user.company
    if company is None:
        return redirect("companies:onboarding")
    return redirect("companies:supplier_home" if company.is_supplier else "companies:buyer_home")


@login_required
def onboarding(request):
    """A new person creates a company, or sees the invitations waiting for their email."""
    if request.user.company is not None:
        return redirect("companies:role_home")
    if request.user.platform_role:
        return redirect("companies:role_home")
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_create(owner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your company is created. Upload its documents to get verified."))
            return redirect("companies:role_home")
    invitations = [
        i
        for i in Invitation.objects.filter(email__iexact=request.user.email).select_related("company")
        if i.state == Invitation.State.PENDING
    ]
    return render(request, "companies/onboarding.html", {"form": form, "invitations": invitations})


@login_required
def invitation_accept(request, token):
    try:
        invitation = Invitation.objects.select_related("company").get(token=token)
    except Invitation.DoesNotExist:
        raise Http404 from None
    if invitation.email.lower() != request.user.email.lower():
        raise Http404
    error = None
    if request.method == "POST":
        try:
            services.invitation_accept(token=token, user=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            # "Co., Ltd." already ends the sentence.
            messages.success(
                request, _("You joined %(company)s.") % {"company": invitation.company.name.rstrip(".")}
            )
            return redirect("companies:role_home")
    elif invitation.state != Invitation.State.PENDING:
        error = {
            Invitation.State.EXPIRED: _("This invitation has expired. Ask the company owner for a new one."),
            Invitation.State.REVOKED: _("This invitation was withdrawn by the company."),
            Invitation.State.ACCEPTED: _("This invitation has already been used."),
        }[invitation.state]
    return render(request, "companies/invitation_accept.html", {"invitation": invitation, "error": error})


def _portal_summary(company):
    return {
        "company": company,
        "members": company.memberships.select_related("user"),
        "documents": company.documents.prefetch_related("decisions")[:10],
    }


@member_required(supplier=True)
def supplier_home(request):
    return render(request, "companies/supplier_home.html", _portal_summary(request.company))


@member_required(buyer=True)
def buyer_home(request):
    context = _portal_summary(request.company)
    context["suggested"] = (
        selectors.company_directory()
        .suppliers()
        .filter(industry=request.company.industry, verified_at__isnull=False)
        .exclude(pk=request.company.pk)[:6]
    )
    return render(request, "companies/buyer_home.html", context)


@member_required()
def company_edit(request):
    if not request.membership.is_owner:
        messages.info(request, _("Only an owner can edit the company profile."))
        return redirect("companies:role_home")
    form = CompanyForm(request.POST or None, instance=request.company)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_update(
                company=request.company,
                by_user=request.user,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("companies:company_edit")
    return render(
        request, "companies/company_edit.html", {"form": form}, status=400 if form.is_bound else 200
    )


@member_required()
def staff(request):
    company = request.company
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not request.membership.is_owner:
            raise Http404
        if form.is_valid():
            try:
                services.invitation_create(company=company, by_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error("email", exc)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
                return redirect("companies:staff")
    return render(
        request,
        "companies/staff.html",
        {
            "form": form,
            "members": company.memberships.select_related("user"),
            "invitations": company.invitations.select_related("invited_by")[:50],
        },
    )


@member_required(owner=True)
@require_POST
def invitation_revoke(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk, company=request.company)
    try:
        services.invitation_revoke(invitation=invitation, by_user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("companies:staff")


@member_required(owner=True)
@require_POST
def member_remove(request, pk):
    membership = get_object_or_404(Membership, pk=pk, company=request.company)
    try:
        services.member_remove(membership=membership, by_user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request, _("%(email)s no longer works for the company.") % {"email": membership.user.email}
        )
    return redirect("companies:staff")


@member_required()
def verification(request):
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_upload(
                company=request.company,
                by_user=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("Document received. An operator will review it."))
            return redirect("companies:verification")
    documents = request.company.documents.prefetch_related("decisions__decided_by")
    return render(request, "companies/verification.html", {"form": form, "documents": documents})


@login_required
def document_file(request, pk):
    """Stream a verification document to its company's members and to operators, to nobody else."""
    document = VerificationDocument.objects.filter(pk=pk).first()
    allowed = document is not None and can_view_document(request.user, document)
    return serve_private(
        document, allowed=allowed, filename=services.document_download_name(document) if allowed else None
    )


@platform_role_required(PlatformRole.OPERATOR)
def operator_queue(request):
    page = Paginator(selectors.verification_queue(), 50).get_page(request.GET.get("page"))
    recent = (
        VerificationDocument.objects.exclude(status="pending")
        .select_related("company")
        .prefetch_related("decisions__decided_by")
        .order_by("-uploaded_at")[:20]
    )
    return render(request, "companies/operator_queue.html", {"page_obj": page, "recent": recent})


@platform_role_required(PlatformRole.OPERATOR)
def operator_review(request, pk):
    document = get_object_or_404(VerificationDocument.objects.select_related("company", "uploaded_by"), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_decide(
                document=document,
                by_user=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except ValidationError as exc:
            form.add_error(None if hasattr(exc, "error_dict") else "reason", exc)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("companies:operator_queue")
    decisions = document.decisions.select_related("decided_by")
    return render(
        request,
        "companies/operator_review.html",
        {"document": document, "form": form, "decisions": decisions},
    )


@member_required()
def company_credit(request):
    """A company's own credit index, grade, subscores and reasons, so it knows what to improve."""
    from django.utils.safestring import mark_safe

    from credit import disputes, index, recourse
    from credit.grading import GRADES

    explanation = index.explain(index.current(request.company))
    history = [(a.as_of, a.index) for a in index.history(request.company.pk)]
    bands = [charts.Band(g.low, min(g.high + 1, 1000), g.code) for g in GRADES]
    subscores = charts.bar_chart_svg(explanation.subscores, title=_("Subscores"), maximum=100, reference=50)
    history_svg = charts.line_chart_svg(
        history, title=_("Credit index history"), y_min=0, y_max=1000, bands=bands
    )
    return render(
        request,
        "companies/company_credit.html",
        # core.charts escapes every label; the rest is numbers.
        {
            "x": explanation,
            "subscores_svg": mark_safe(subscores),  # noqa: S308
            "history_svg": mark_safe(history_svg),  # noqa: S308
            "recourse": recourse.suggest(request.company),
            "disputes": disputes.for_subject(subject=request.company),
        },
    )


@platform_role_required(PlatformRole.RISK_OFFICER)
def risk_home(request):
    """The risk officers' start page: the portfolio at a glance until the credit engine's dashboards arrive."""
    totals = Company.objects.aggregate(
        companies=Count("pk"),
        verified=Count("pk", filter=Q(verified_at__isnull=False)),
        suppliers=Count("pk", filter=Q(kind__in=["supplier", "both"])),
        buyers=Count("pk", filter=Q(kind__in=["buyer", "both"])),
    )
    by_country = [
        {"country": countries.name(row["country"]), "n": row["n"]}
        for row in Company.objects.values("country").annotate(n=Count("pk")).order_by("-n")[:10]
    ]
    q = request.GET.get("q", "").strip()
    # The directory's own search (English and Chinese names, city, industry), not a second one.
    found = (
        credit_selectors.with_current_grade(
            CompanyFilter({"q": q}, queryset=Company.objects.all()).qs
        ).order_by("name")[:20]
        if q
        else []
    )
    return render(
        request,
        "companies/risk_home.html",
        {
            "totals": totals,
            "by_country": by_country,
            "grades": credit_selectors.grade_distribution(),
            "weakest": credit_selectors.weakest(),
            "q": q,
            "found": found,
        },
    )


@csrf_exempt
@require_POST
def language_switch(request):
    """Switch the interface language; a signed-in person keeps the choice on every device.

    The language cookie alone is harmless for a forged request to flip, so it needs no CSRF token:
    pages for signed-out visitors then carry none and can be shared from the cache
    (`marketplace.core.pagecache`). Saving the choice to a signed-in person's account does need a valid
    token; without one (a page opened before signing in, or a forged request) only the cookie changes.
    """
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES) and _csrf_ok(request):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
        request.session["preferred_language"] = language
    return response


def _csrf_ok(request) -> bool:
    """Would CsrfViewMiddleware accept this request? (The view itself is exempt; see language_switch.)"""
    return CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is None
