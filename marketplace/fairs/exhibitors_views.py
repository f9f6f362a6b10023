"""Exhibitor pages: apply to exhibit, the applicant's and the operator's views of an application, the
directory of a session's exhibitors, and a hall's floor plan."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.companies.permissions import is_member, member_required
from marketplace.core.lists import ListPage
from marketplace.deals.permissions import is_platform_staff
from marketplace.fairs import exhibitors_selectors as selectors
from marketplace.fairs import exhibitors_services as services
from marketplace.fairs.exhibitors_forms import ApplicationForm, ApproveForm, RejectForm
from marketplace.fairs.floorplan import booth_rows, hall_plan
from marketplace.fairs.models import ApplicationStatus, ExhibitorApplication, FairPhase, FairSession, Hall

DIRECTORY = ListPage(
    filterset=selectors.ExhibitorFilter, template="fairs/exhibitors/directory.html", per_page=24
)
MEMBER_DIRECTORY = ListPage(
    filterset=selectors.MemberExhibitorFilter, template="fairs/exhibitors/directory.html", per_page=24
)


def _errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)


@member_required(supplier=True)
def apply(request, slug, number):
    phase = get_object_or_404(FairPhase.objects.select_related("session"), session__slug=slug, number=number)
    form = ApplicationForm(request.POST or None, phase=phase, company=request.company)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.apply(
                company=request.company,
                phase=phase,
                by_user=request.user,
                industries=data["industries"],
                booth_size_sqm=data["booth_size_sqm"],
                products=data["products"],
                note=data["note"],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Your application is sent to the organiser."))
            return redirect("exhibitors:application_detail", pk=application.pk)
    return render(
        request,
        "fairs/exhibitors/apply.html",
        {"form": form, "phase": phase, "session": phase.session},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@member_required(supplier=True)
def my_applications(request):
    return render(
        request,
        "fairs/exhibitors/my_applications.html",
        {"applications": selectors.applications_of(company=request.company)},
    )


@login_required
def application_queue(request):
    if not is_platform_staff(request.user):
        raise PermissionDenied
    status = request.GET.get("status") or ApplicationStatus.PENDING
    rows = (
        ExhibitorApplication.objects.filter(status=status)
        .select_related("company", "phase__session", "booth__hall")
        .order_by("applied_at")
    )
    return render(
        request,
        "fairs/exhibitors/application_queue.html",
        {"applications": rows, "status": status, "statuses": ApplicationStatus.choices},
    )


def _visible_application(request, pk) -> ExhibitorApplication:
    """The applicant's members and operators see an application; anyone else gets a 404."""
    application = get_object_or_404(
        ExhibitorApplication.objects.select_related("company", "phase__session", "booth__hall", "table"),
        pk=pk,
    )
    if not (is_platform_staff(request.user) or is_member(request.user, application.company_id)):
        raise Http404
    return application


@login_required
def application_detail(request, pk):
    application = _visible_application(request, pk)
    operator = is_platform_staff(request.user)
    context = {
        "application": application,
        "operator": operator,
        "may_withdraw": application.status in (ApplicationStatus.PENDING, ApplicationStatus.APPROVED),
    }
    if operator and application.status == ApplicationStatus.PENDING:
        context["approve_form"] = ApproveForm(application=application)
        context["reject_form"] = RejectForm()
    return render(request, "fairs/exhibitors/application_detail.html", context)


@require_POST
@login_required
def application_approve(request, pk):
    application = _visible_application(request, pk)
    if not is_platform_staff(request.user):
        raise PermissionDenied
    form = ApproveForm(request.POST, application=application)
    if form.is_valid():
        try:
            services.approve(application=application, booth=form.cleaned_data["booth"], by_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Approved; the booth is assigned."))
    else:
        messages.error(request, _("Choose a free booth of this phase."))
    return redirect("exhibitors:application_detail", pk=pk)


@require_POST
@login_required
def application_reject(request, pk):
    application = _visible_application(request, pk)
    if not is_platform_staff(request.user):
        raise PermissionDenied
    form = RejectForm(request.POST)
    try:
        services.reject(
            application=application,
            reason=form.data.get("reason", ""),
            by_user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The application is rejected; the applicant is told why."))
    return redirect("exhibitors:application_detail", pk=pk)


@require_POST
@login_required
def application_withdraw(request, pk):
    application = _visible_application(request, pk)
    try:
        services.withdraw(application=application, by_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The application is withdrawn."))
    return redirect("exhibitors:application_detail", pk=pk)


def meeting_url(exhibitor: ExhibitorApplication) -> str:
    """The meeting request at the exhibitor's booth table."""
    query = {
        "with": exhibitor.company.slug,
        "subject": _("Meeting at booth %(number)s") % {"number": exhibitor.booth.number},
    }
    if exhibitor.table_id:
        query["table"] = exhibitor.table_id
    return f"{reverse('meetings:request')}?{urlencode(query)}"


def directory(request, slug):
    """The exhibitors of a session: anyone may browse; signed-in members also see and filter by grade."""
    session = get_object_or_404(FairSession, slug=slug)
    signed_in = request.user.is_authenticated
    page = MEMBER_DIRECTORY if signed_in else DIRECTORY
    context = page.context(request, selectors.exhibitors(session=session, signed_in=signed_in))
    for exhibitor in context["page_obj"]:
        exhibitor.meeting_url = meeting_url(exhibitor)
    context.update(
        session=session,
        halls=session.halls.all(),
        phases=session.phases.all(),
        signed_in=signed_in,
    )
    return render(request, page.template, context)


def floor_plan(request, slug, number, hall):
    """A hall's booths in one phase as an SVG; a booth links to its exhibitor; ?q= / ?company= light up."""
    session = get_object_or_404(FairSession, slug=slug)
    phase = get_object_or_404(FairPhase, session=session, number=number)
    hall = get_object_or_404(Hall, session=session, code=hall)
    q = request.GET.get("q", "")[:100]
    company = request.GET.get("company", "")[:100]
    svg, lit = hall_plan(session=session, phase=phase, hall=hall, q=q, company=company)
    return render(
        request,
        "fairs/exhibitors/floor_plan.html",
        {
            "session": session,
            "phase": phase,
            "hall": hall,
            "halls": session.halls.all(),
            "phases": session.phases.all(),
            "svg": svg,
            "q": q,
            "company": company,
            "lit": lit,
            "lit_ids": {b.pk for b in lit},
            "booth_rows": booth_rows(
                selectors.hall_floor(hall=hall, phase_number=phase.number), session=session
            ),
        },
    )
