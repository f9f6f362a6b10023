"""Pages of badges: a buyer's pre-registration and badge download, a supplier owner's staff registration,
and the service-point desk (look-up, walk-ins, reprint, revoke, check-in) for that point's staff only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.companies.permissions import member_required
from marketplace.core.pdf import pdf_response
from marketplace.fairs import badge_tokens, badges_pdf, badges_selectors, badges_services
from marketplace.fairs.badges_forms import (
    BuyerRegistrationForm,
    CheckInForm,
    RevokeForm,
    StaffRegistrationForm,
    WalkInForm,
)
from marketplace.fairs.exhibitors_selectors import exhibits_in
from marketplace.fairs.models import Badge, FairSession, Registration, ServicePoint


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def my_badges(request):
    registrations = (
        Registration.objects.filter(user=request.user)
        .select_related("session", "badge")
        .order_by("-session__starts_on")
    )
    return render(request, "fairs/badges/my_badges.html", {"registrations": registrations})


@member_required(buyer=True)
def register(request, slug):
    session = get_object_or_404(FairSession, slug=slug)
    existing = badges_selectors.registration_of(request.user, session)
    if existing is not None:
        messages.info(request, _("You are already registered for this session: your badge is below."))
        return redirect("badges:my_badges")
    if session.ends_on < timezone.localdate():
        return _closed(request, session)
    form = BuyerRegistrationForm(request.POST or None, initial={"full_name": request.user.get_full_name()})
    if request.method == "POST" and form.is_valid():
        try:
            badges_services.register_buyer(
                session=session,
                user=request.user,
                full_name=form.cleaned_data["full_name"],
                interests=form.cleaned_data["interests"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("You are registered. Download your badge and bring it to the fair."))
            return redirect("badges:my_badges")
    return render(
        request, "fairs/badges/register.html", {"session": session, "form": form, "company": request.company}
    )


def _closed(request, session, *, not_exhibiting: bool = False):
    """Why registration is not open here, on its own page (never a silent redirect)."""
    if not_exhibiting:
        heading = _("Exhibitor staff badges")
        explanation = _(
            "Exhibitor staff badges are for approved exhibitors of this session; your company has none here."
        )
    else:
        heading = _("Registration is closed")
        explanation = _("This fair session is over; registration is closed.")
    return render(
        request,
        "fairs/closed.html",
        {"session": session, "heading": heading, "explanation": explanation, "apply_links": not_exhibiting},
        status=403 if not_exhibiting else 410,
    )


@member_required(supplier=True, owner=True)
def register_staff(request, slug):
    session = get_object_or_404(FairSession, slug=slug)
    if session.ends_on < timezone.localdate():
        return _closed(request, session)
    if not exhibits_in(request.company, session):
        return _closed(request, session, not_exhibiting=True)
    form = StaffRegistrationForm(request.POST or None, company=request.company)
    if request.method == "POST" and form.is_valid():
        try:
            badges_services.register_staff(
                session=session,
                by_user=request.user,
                member=form.cleaned_data["member"].user,
                full_name=form.cleaned_data["full_name"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("The badge is issued; the staff member downloads it from their badges.")
            )
            return redirect("badges:register_staff", slug=session.slug)
    staff = Registration.objects.filter(session=session, company=request.company).select_related("badge")
    return render(
        request, "fairs/badges/register_staff.html", {"session": session, "form": form, "staff": staff}
    )


@login_required
def badge_pdf(request, pk):
    """The holder's own badge; anyone else gets 404 (not even whether the badge exists)."""
    badge = get_object_or_404(
        Badge.objects.select_related("registration__session"), pk=pk, registration__user=request.user
    )
    if badge.is_revoked:
        raise Http404
    badges_services.mark_printed(badge)
    return pdf_response(
        badges_pdf.render(badge, language=get_language()), filename=badges_pdf.filename(badge)
    )


# The service-point desk ---------------------------------------------------------------------------------


def _desk(request, pk) -> ServicePoint:
    point = get_object_or_404(ServicePoint.objects.select_related("session"), pk=pk)
    if not badges_services.is_staff_of(request.user, point):
        raise Http404
    return point


def _desk_badge(point: ServicePoint, badge_pk) -> Badge:
    return get_object_or_404(
        Badge.objects.select_related("registration__session", "registration__company"),
        pk=badge_pk,
        registration__session=point.session,
    )


@login_required
def desk_list(request):
    points = ServicePoint.objects.filter(staff=request.user).select_related("session")
    return render(request, "fairs/badges/desk_list.html", {"points": points})


@login_required
def desk(request, pk):
    point = _desk(request, pk)
    query = request.GET.get("q", "").strip()
    results = badges_selectors.search(point.session, query) if query else None
    return render(
        request,
        "fairs/badges/desk.html",
        {"point": point, "query": query, "results": results, "check_in_form": CheckInForm()},
    )


@login_required
@require_POST
def desk_check_in(request, pk):
    point = _desk(request, pk)
    form = CheckInForm(request.POST)
    outcome = None
    if form.is_valid():
        try:
            result = badges_services.check_in(
                code=form.cleaned_data["code"], service_point=point, by_user=request.user
            )
        except badge_tokens.BadgeRefused as refused:
            form.add_error("code", str(refused))
        else:
            at = time_format(timezone.localtime(result.check_in.at), "H:i")
            registration = result.check_in.badge.registration
            if result.created:
                outcome = {"ok": True, "text": _("%(name)s checked in.") % {"name": registration.full_name}}
            else:
                outcome = {
                    "ok": False,
                    "text": _("%(name)s: already checked in at %(time)s.")
                    % {"name": registration.full_name, "time": at},
                }
            outcome["registration"] = registration
            form = CheckInForm()
    return render(
        request,
        "fairs/badges/desk.html",
        {"point": point, "query": "", "results": None, "check_in_form": form, "outcome": outcome},
        status=200 if form.is_valid() or outcome else 422,
    )


@login_required
def desk_walk_in(request, pk):
    point = _desk(request, pk)
    form = WalkInForm(request.POST or None, initial={"country": point.session.country})
    if request.method == "POST" and form.is_valid():
        try:
            badge = badges_services.register_walk_in(
                service_point=point, by_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Registered. Print the badge and hand it over."))
            return redirect("badges:desk_badge", pk=point.pk, badge_pk=badge.pk)
    return render(request, "fairs/badges/desk_walk_in.html", {"point": point, "form": form})


@login_required
def desk_badge(request, pk, badge_pk):
    point = _desk(request, pk)
    badge = _desk_badge(point, badge_pk)
    return render(
        request,
        "fairs/badges/desk_badge.html",
        {
            "point": point,
            "badge": badge,
            "registration": badge.registration,
            "check_ins": badges_selectors.check_ins_of(badge.registration),
            "revoke_form": RevokeForm(),
        },
    )


@login_required
def desk_badge_pdf(request, pk, badge_pk):
    point = _desk(request, pk)
    badge = _desk_badge(point, badge_pk)
    if badge.is_revoked:
        raise Http404
    return pdf_response(
        badges_pdf.render(badge, language=get_language()), filename=badges_pdf.filename(badge), inline=True
    )


@login_required
@require_POST
def desk_reprint(request, pk, badge_pk):
    point = _desk(request, pk)
    badge = _desk_badge(point, badge_pk)
    try:
        badges_services.reprint(badge=badge, by_user=request.user, service_point=point)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A new print is ready; the old print no longer works."))
    return redirect("badges:desk_badge", pk=point.pk, badge_pk=badge.pk)


@login_required
@require_POST
def desk_revoke(request, pk, badge_pk):
    point = _desk(request, pk)
    badge = _desk_badge(point, badge_pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            badges_services.revoke(
                badge=badge, by_user=request.user, reason=form.cleaned_data["reason"], service_point=point
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The badge is revoked: no print of it admits anyone now."))
            return redirect("badges:desk_badge", pk=point.pk, badge_pk=badge.pk)
    return render(
        request,
        "fairs/badges/desk_badge.html",
        {
            "point": point,
            "badge": badge,
            "registration": badge.registration,
            "check_ins": badges_selectors.check_ins_of(badge.registration),
            "revoke_form": form,
        },
        status=422,
    )
