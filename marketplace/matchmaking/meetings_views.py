"""Meeting pages: my meetings, the request form, a meeting with its actions, .ics, the feed, settings and
operators' statistics. Thin: every change goes through `meetings_services`."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.companies.models import Company, CompanyKind
from marketplace.companies.permissions import is_operator
from marketplace.deals.models import Deal
from marketplace.matchmaking import meetings_ics as ics
from marketplace.matchmaking import meetings_services as svc
from marketplace.matchmaking.meetings_forms import (
    AttendanceForm,
    CancelForm,
    DeclineForm,
    MeetingRequestForm,
    RescheduleForm,
    TimeZoneForm,
)
from marketplace.matchmaking.meetings_time import other_person, pair
from marketplace.matchmaking.models.meetings import (
    AttendanceMark,
    AttendanceOutcome,
    Meeting,
    MeetingMode,
    MeetingProfile,
    MeetingState,
)

FEED_PAST = dt.timedelta(days=90)


def _meeting_or_404(user, pk) -> Meeting:
    meeting = (
        Meeting.objects.select_related(
            "requester",
            "invitee",
            "requester_company",
            "invitee_company",
            "table",
            "deal",
            "awaiting_company",
        )
        .filter(pk=pk)
        .first()
    )
    if meeting is None or not svc.can_view(user, meeting):
        raise Http404
    return meeting


def _put_errors(form, error: ValidationError, *, slot_field: str = "slot_1") -> None:
    if hasattr(error, "error_dict"):
        for key, errors in error.message_dict.items():
            field = slot_field if key == "slots" else key
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _refuse(request, error) -> None:
    if isinstance(error, PermissionDenied):
        messages.error(request, _("You may not do this in this meeting."))
    else:
        messages.error(request, " ".join(error.messages))


def _row(meeting: Meeting, user) -> dict:
    other = other_person(meeting, user)
    first = meeting.start or next((s.start for s in meeting.slots.all()), None)
    mine = user.company is not None and user.company.pk == meeting.requester_company_id
    return {
        "meeting": meeting,
        "when": pair(first, user, other),
        "counterparty": meeting.invitee_company if mine else meeting.requester_company,
    }


@login_required
def meeting_list(request):
    user = request.user
    company = user.company
    if company is None:
        mine = Meeting.objects.none()
    else:
        mine = (
            Meeting.objects.filter(Q(requester_company=company) | Q(invitee_company=company))
            .select_related(
                "requester__meeting_profile",
                "invitee__meeting_profile",
                "requester_company",
                "invitee_company",
                "table",
            )
            .prefetch_related("slots")
        )
    now = timezone.now()
    upcoming = mine.filter(
        Q(state=MeetingState.CONFIRMED, end__gt=now) | Q(state=MeetingState.PENDING, expires_at__gt=now)
    ).order_by("start", "expires_at")
    past = mine.exclude(pk__in=upcoming.values("pk")).order_by("-start", "-created_at")[:50]
    return render(
        request,
        "matchmaking/meetings/meeting_list.html",
        {
            "upcoming": [_row(m, user) for m in upcoming],
            "past": [_row(m, user) for m in past],
            "zone": svc.zone_of(user),
        },
    )


def _request_target(request):
    """(with_company, deal, subject) from ?with=<slug>&deal=<id>&subject=…; 404 when a named one is not ours to use."""
    own = request.user.company
    deal = None
    raw_deal = request.GET.get("deal", "")
    if raw_deal:
        if not raw_deal.isdigit():
            raise Http404
        deal = Deal.objects.select_related("buyer", "supplier").filter(pk=int(raw_deal)).first()
        if deal is None or own is None or own.pk not in (deal.buyer_id, deal.supplier_id):
            raise Http404
    slug = request.GET.get("with", "")
    with_company = None
    if slug:
        with_company = (
            Company.objects.filter(slug=slug)
            .filter(kind__in=[CompanyKind.BUYER, CompanyKind.SUPPLIER, CompanyKind.BOTH])
            .first()
        )
        if with_company is None:
            raise Http404
    if deal is not None:
        other = deal.supplier if own.pk == deal.buyer_id else deal.buyer
        if with_company is not None and with_company.pk != other.pk:
            raise Http404
        with_company = other
    subject = request.GET.get("subject", "")[:200] or (deal.subject if deal else "")
    return with_company, deal, subject


@login_required
def meeting_request(request):
    own = request.user.company
    if own is None or not svc.acts_for(request.user, own.pk):
        raise PermissionDenied
    with_company, deal, subject = _request_target(request)
    if with_company is None:
        # No one named to meet: say where a meeting is requested from (a 400: the link lacks its company).
        return render(request, "matchmaking/meetings/request_pick.html", status=400)
    if with_company.pk == own.pk:
        raise Http404
    zone = svc.zone_of(request.user)
    form = MeetingRequestForm(
        request.POST or None,
        zone=zone,
        own_company=own,
        with_company=with_company,
        initial={"subject": subject},
    )
    # ?table=<id> (a booth's "book a meeting at the booth"): preselect that table, in person, if offered.
    raw_table = request.GET.get("table", "")
    chosen = None
    if form.is_bound:
        raw_chosen = request.POST.get("table", "")
        if raw_chosen.isdigit():
            chosen = form.fields["table"].queryset.filter(pk=int(raw_chosen)).first()
    elif raw_table.isdigit():
        chosen = form.fields["table"].queryset.filter(pk=int(raw_table)).first()
        if chosen is not None:
            form.initial.update(table=chosen.pk, mode=MeetingMode.IN_PERSON)
    if chosen is not None:
        form.limit_slots_to(chosen)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = svc.request_meeting(
                by_user=request.user,
                with_company=with_company,
                subject=data["subject"],
                slots=form.slots(),
                mode=data["mode"],
                table=data.get("table"),
                video_link=data.get("video_link") or "",
                message=data.get("message") or "",
                deal=deal,
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("Your meeting request is sent."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "matchmaking/meetings/request_form.html",
        {
            "form": form,
            "with_company": with_company,
            "deal": deal,
            "zone": zone,
            "chosen_table": chosen,
            "chosen_hours": svc.opening_text(chosen) if chosen else "",
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def meeting_detail(request, pk):
    meeting = _meeting_or_404(request.user, pk)
    user = request.user
    other = other_person(meeting, user)
    now = timezone.now()
    slots = [{"slot": s, "when": pair(s.start, user, other)} for s in meeting.slots.all()]
    participant = user.pk in (meeting.requester_id, meeting.invitee_id)
    marks = list(meeting.attendance.select_related("marked_by", "absent"))
    claim_against_me = next(
        (
            m
            for m in marks
            if m.mark == AttendanceMark.NO_SHOW and m.absent_id == user.pk and m.marked_by_id != user.pk
        ),
        None,
    )
    attendance_open = (
        participant
        and meeting.state == MeetingState.CONFIRMED
        and meeting.end is not None
        and meeting.end <= now
        and meeting.outcome in (AttendanceOutcome.OPEN, AttendanceOutcome.DISPUTED)
    )
    context = {
        "meeting": meeting,
        "when": pair(meeting.start, user, other),
        "expires": pair(meeting.expires_at, user, None),
        "slots": slots,
        "other": other,
        "zone": svc.zone_of(user),
        "can_answer": meeting.state == MeetingState.PENDING and svc.can_answer(user, meeting),
        "can_change": meeting.state in (MeetingState.PENDING, MeetingState.CONFIRMED)
        and svc.is_party(user, meeting)
        and (meeting.start is None or meeting.start > now),
        "attendance_open": attendance_open,
        "claim_against_me": claim_against_me,
        "marks": marks,
        "can_resolve": meeting.outcome == AttendanceOutcome.DISPUTED and is_operator(user),
        "decline_form": DeclineForm(),
        "cancel_form": CancelForm(),
        "attendance_form": AttendanceForm(),
    }
    return render(request, "matchmaking/meetings/meeting_detail.html", context)


def _post_action(request, pk, action):
    meeting = _meeting_or_404(request.user, pk)
    try:
        done = action(meeting)
    except (ValidationError, PermissionDenied) as error:
        _refuse(request, error)
    else:
        if done:
            messages.success(request, done)
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_accept(request, pk):
    def act(meeting):
        slot = request.POST.get("slot", "")
        if not slot.isdigit():
            raise ValidationError(_("Choose one of the proposed slots."))
        svc.accept(meeting, by_user=request.user, slot=int(slot))
        return _("The meeting is confirmed.")

    return _post_action(request, pk, act)


@login_required
@require_POST
def meeting_decline(request, pk):
    def act(meeting):
        form = DeclineForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Give a reason: the other side sees it."))
        svc.decline(meeting, by_user=request.user, reason=form.cleaned_data["reason"])
        return _("The request is declined.")

    return _post_action(request, pk, act)


@login_required
@require_POST
def meeting_cancel(request, pk):
    def act(meeting):
        form = CancelForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Give a reason: the other side sees it."))
        svc.cancel(meeting, by_user=request.user, reason=form.cleaned_data["reason"])
        return _("The meeting is cancelled.")

    return _post_action(request, pk, act)


@login_required
@require_POST
def meeting_attendance(request, pk):
    def act(meeting):
        if request.POST.get("admit"):
            svc.admit_absence(meeting, by_user=request.user)
        else:
            form = AttendanceForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose what happened."))
            svc.record_attendance(
                meeting, by_user=request.user, mark=form.cleaned_data["mark"], note=form.cleaned_data["note"]
            )
        return _("Thank you: your answer is recorded.")

    return _post_action(request, pk, act)


@login_required
@require_POST
def meeting_resolve(request, pk):
    if not is_operator(request.user):
        raise Http404

    def act(meeting):
        outcome = request.POST.get("outcome", "")
        missed_by = None
        if outcome == AttendanceOutcome.MISSED:
            who = request.POST.get("missed_by", "")
            missed_by = next((p for p in meeting.participants() if str(p.pk) == who), None)
        svc.resolve_dispute(meeting, by_user=request.user, outcome=outcome, missed_by=missed_by)
        return _("The dispute is settled.")

    return _post_action(request, pk, act)


@login_required
def meeting_reschedule(request, pk):
    meeting = _meeting_or_404(request.user, pk)
    if not svc.is_party(request.user, meeting):
        raise Http404
    zone = svc.zone_of(request.user)
    form = RescheduleForm(request.POST or None, zone=zone)
    if request.method == "POST" and form.is_valid():
        try:
            svc.reschedule(
                meeting,
                by_user=request.user,
                slots=form.slots(),
                message=form.cleaned_data.get("message") or "",
            )
        except PermissionDenied as error:
            _refuse(request, error)
            return redirect("meetings:detail", pk=meeting.pk)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("New times are proposed: the other side chooses one."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "matchmaking/meetings/reschedule_form.html",
        {"form": form, "meeting": meeting, "zone": zone},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _ics_response(calendar, *, filename: str, method: str = "") -> HttpResponse:
    content_type = "text/calendar; charset=utf-8" + (f"; method={method}" if method else "")
    response = HttpResponse(ics.ics_bytes(calendar), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def meeting_ics(request, pk):
    meeting = _meeting_or_404(request.user, pk)
    calendar = ics.calendar_for(meeting, zone=svc.zone_of(request.user))
    return _ics_response(calendar, filename=f"meeting-{meeting.pk}.ics", method=ics.method_of(meeting))


def meeting_feed(request, token):
    """The person's calendar feed: no sign-in, the secret in the URL is the key; a reset token is a 404."""
    profile = MeetingProfile.objects.select_related("user").filter(feed_token=token).first()
    if profile is None or not profile.user.is_active:
        raise Http404
    user = profile.user
    since = timezone.now() - FEED_PAST
    meetings = (
        Meeting.objects.filter(Q(requester=user) | Q(invitee=user))
        .filter(state__in=[MeetingState.CONFIRMED, MeetingState.CANCELLED], start__gte=since)
        .select_related("requester", "invitee", "table")
        .order_by("start")
    )
    calendar = ics.feed_for(meetings, zone=svc.zone_of(user), name=_("TrustFair meetings"))
    return _ics_response(calendar, filename="trustfair-meetings.ics")


@login_required
def meeting_settings(request):
    profile = svc.profile_for(request.user)
    form = TimeZoneForm(request.POST or None, initial={"time_zone": profile.time_zone})
    if request.method == "POST":
        if request.POST.get("reset_feed"):
            svc.reset_feed_token(request.user)
            messages.success(request, _("Your calendar feed has a new address; the old one no longer works."))
            return redirect("meetings:settings")
        if form.is_valid():
            svc.set_time_zone(request.user, form.cleaned_data["time_zone"])
            messages.success(request, _("Your time zone is saved."))
            return redirect("meetings:settings")
    feed_url = request.build_absolute_uri(
        reverse("meetings:feed", args=[svc.profile_for(request.user).feed_token])
    )
    return render(
        request,
        "matchmaking/meetings/settings.html",
        {"form": form, "feed_url": feed_url},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def meeting_statistics(request):
    if not is_operator(request.user):
        raise Http404
    disputed = (
        Meeting.objects.filter(outcome=AttendanceOutcome.DISPUTED)
        .select_related("requester_company", "invitee_company")
        .order_by("start")
    )
    return render(
        request, "matchmaking/meetings/statistics.html", {"stats": svc.statistics(), "disputed": disputed}
    )
