"""Pages of the hosted buyer meetings: thin — read a form, call one service or selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.companies.permissions import _signed_in, is_operator
from marketplace.core.pdf import pdf_response, render_pdf
from marketplace.fairs import hosted_services as hs
from marketplace.fairs.hosted_forms import ApplyForm, EventForm
from marketplace.fairs.models import (
    HOSTED_EVENT_TRANSITIONS,
    HostedApplication,
    HostedEvent,
    HostedEventStatus,
    HostedPair,
    HostedSide,
)
from marketplace.matchmaking import meetings_ics, meetings_services

signed_in = _signed_in


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@signed_in
def event_list(request):
    operator = is_operator(request.user)
    events = HostedEvent.objects.select_related("session", "industry", "partner")
    if not operator:
        company = request.user.company
        mine = (
            set(HostedApplication.objects.filter(company=company).values_list("event_id", flat=True))
            if company
            else set()
        )
        events = [
            e
            for e in events
            if e.status == HostedEventStatus.OPEN or e.pk in mine or hs.is_cohost(request.user, e)
        ]
    else:
        mine = set()
    return render(
        request, "fairs/hosted/event_list.html", {"events": events, "operator": operator, "mine": mine}
    )


@signed_in
def event_create(request):
    if not is_operator(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = hs.create_event(by_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Event created."))
            return redirect("buyer_meetings:manage", event.pk)
    return render(request, "fairs/hosted/event_form.html", {"form": form, "event": None})


@signed_in
def event_edit(request, pk):
    if not is_operator(request.user):
        raise PermissionDenied
    event = get_object_or_404(HostedEvent, pk=pk)
    form = EventForm(request.POST or None, instance=HostedEvent.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            hs.update_event(event, by_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Event saved."))
            return redirect("buyer_meetings:manage", event.pk)
    return render(request, "fairs/hosted/event_form.html", {"form": form, "event": event})


def _managed(request, pk) -> HostedEvent:
    event = get_object_or_404(HostedEvent.objects.select_related("partner", "industry", "session"), pk=pk)
    if not hs.can_view_event(request.user, event):
        raise Http404
    return event


@signed_in
def event_manage(request, pk):
    event = _managed(request, pk)
    applications = list(event.applications.select_related("company", "applicant", "event"))
    pairs = list(
        event.pairs.select_related("buyer__company", "supplier__company", "meeting__table__hosted_table")
    )
    rows = [{"pair": p, "reasons": hs.reason_texts(p), "table": hs.table_number(p)} for p in pairs]
    context = {
        "event": event,
        "operator": is_operator(request.user),
        "buyers": [a for a in applications if a.side == HostedSide.BUYER],
        "suppliers": [a for a in applications if a.side == HostedSide.SUPPLIER],
        "rows": rows,
        "moves": HOSTED_EVENT_TRANSITIONS.events_from(event.status),
        "accepted_buyers": [a for a in applications if a.side == HostedSide.BUYER and a.status == "accepted"],
        "accepted_suppliers": [
            a for a in applications if a.side == HostedSide.SUPPLIER and a.status == "accepted"
        ],
    }
    return render(request, "fairs/hosted/event_manage.html", context)


@require_POST
@signed_in
def event_action(request, pk):
    """One operator action on the event's page: move, decide, propose, add/remove a pair, schedule."""
    event = _managed(request, pk)
    if not is_operator(request.user):
        raise PermissionDenied
    action = request.POST.get("action", "")
    try:
        if action in HOSTED_EVENT_TRANSITIONS.moves:
            hs.move_event(event, by_user=request.user, to=action)
        elif action in ("accept", "decline"):
            application = get_object_or_404(
                HostedApplication, pk=request.POST.get("application"), event=event
            )
            hs.decide(
                application,
                by_user=request.user,
                accept=action == "accept",
                reason=request.POST.get("reason", ""),
            )
        elif action == "propose":
            count = hs.propose_pairs(event, by_user=request.user)
            messages.success(request, _("%(n)d new pairs proposed.") % {"n": count})
        elif action == "remove_pair":
            hs.remove_pair(
                get_object_or_404(HostedPair, pk=request.POST.get("pair"), event=event), by_user=request.user
            )
        elif action == "add_pair":
            buyer = get_object_or_404(HostedApplication, pk=request.POST.get("buyer"), event=event)
            supplier = get_object_or_404(HostedApplication, pk=request.POST.get("supplier"), event=event)
            hs.add_pair(event, by_user=request.user, buyer=buyer, supplier=supplier)
        elif action == "schedule":
            result = hs.schedule(event, by_user=request.user)
            messages.success(request, _("%(n)d meetings booked.") % {"n": len(result["placed"])})
            if result["unplaced"]:
                messages.warning(
                    request,
                    _("No free table and slot for: %(pairs)s")
                    % {"pairs": "; ".join(str(p) for p in result["unplaced"])},
                )
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("buyer_meetings:manage", event.pk)


@signed_in
def apply(request, pk):
    event = get_object_or_404(HostedEvent, pk=pk)
    company = request.user.company
    if company is None:
        raise PermissionDenied
    if hs.own_application(event, company):
        return redirect("buyer_meetings:agenda", event.pk)
    initial = {"side": HostedSide.SUPPLIER if company.kind == "supplier" else HostedSide.BUYER}
    form = ApplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            hs.apply(event=event, by_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Application sent. The organisers will tell you their decision."))
            return redirect("buyer_meetings:agenda", event.pk)
    return render(request, "fairs/hosted/apply.html", {"event": event, "form": form})


def _participant(request, pk):
    """The event and the viewer's application: another company's agenda is not found (404)."""
    event = get_object_or_404(HostedEvent, pk=pk)
    application = hs.own_application(event, request.user.company)
    if application is None:
        raise Http404
    return event, application


@signed_in
def agenda(request, pk):
    event, application = _participant(request, pk)
    company = application.company
    zone = event.zone
    proposals = [
        {
            "pair": p,
            "other": p.supplier.company if p.buyer.company_id == company.pk else p.buyer.company,
            "mine": p.buyer_answer if p.buyer.company_id == company.pk else p.supplier_answer,
            "reasons": hs.reason_texts(p),
        }
        for p in hs.proposals_for(event, company)
    ]
    booked = _booked(event, company)
    return render(
        request,
        "fairs/hosted/agenda.html",
        {"event": event, "application": application, "proposals": proposals, "booked": booked, "zone": zone},
    )


def _booked(event, company):
    zone = event.zone
    return [
        {
            "pair": p,
            "other": p.supplier.company if p.buyer.company_id == company.pk else p.buyer.company,
            "table": hs.table_number(p),
            "start": p.meeting.start.astimezone(zone),
            "end": p.meeting.end.astimezone(zone),
        }
        for p in hs.agenda(event, company)
    ]


@require_POST
@signed_in
def answer(request, pk, pair_pk):
    event, application = _participant(request, pk)
    pair = get_object_or_404(HostedPair, pk=pair_pk, event=event)
    if application.pk not in (pair.buyer_id, pair.supplier_id):
        raise Http404
    try:
        hs.answer_pair(pair, by_user=request.user, accept=request.POST.get("answer") == "accept")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("buyer_meetings:agenda", event.pk)


@signed_in
def agenda_ics(request, pk):
    event, application = _participant(request, pk)
    meetings = [p.meeting for p in hs.agenda(event, application.company)]
    calendar = meetings_ics.feed_for(meetings, zone=meetings_services.zone_of(request.user), name=event.title)
    response = HttpResponse(meetings_ics.ics_bytes(calendar), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="buyer-meetings-{event.pk}.ics"'
    return response


@signed_in
def agenda_pdf(request, pk):
    event, application = _participant(request, pk)
    language = translation.get_language() or "en"
    pdf = render_pdf(
        "fairs/hosted/agenda_pdf.html",
        {"event": event, "company": application.company, "booked": _booked(event, application.company)},
        language="zh-hans" if language.startswith("zh") else "en",
    )
    return pdf_response(pdf, filename=f"buyer-meetings-{event.pk}.pdf")


@signed_in
def attendance(request, pk):
    """The table staff's page at the event: type or paste a badge code for a table; settle after the day."""
    event = _managed(request, pk)
    if not hs.can_take_attendance(request.user, event):
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("action") == "settle":
                count = hs.settle_attendance(event, by_user=request.user)
                messages.success(request, _("%(n)d absences recorded.") % {"n": count})
            else:
                try:
                    number = int(request.POST.get("table", ""))
                except ValueError:
                    raise ValidationError(_("Choose a table.")) from None
                row = hs.scan_at_table(
                    event, by_user=request.user, table_number=number, code=request.POST.get("code", "")
                )
                messages.success(
                    request,
                    _("%(name)s is present at table %(n)d.") % {"name": row.badge_holder, "n": number},
                )
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("buyer_meetings:attendance", event.pk)
    zone = event.zone
    pairs = (
        event.pairs.filter(meeting__isnull=False)
        .select_related("buyer__company", "supplier__company", "meeting__table__hosted_table")
        .prefetch_related("attendance")
        .order_by("meeting__start", "meeting__table__hosted_table__number")
    )
    rows = [
        {
            "pair": p,
            "table": hs.table_number(p),
            "start": p.meeting.start.astimezone(zone),
            "present": {a.company_id for a in p.attendance.all()},
            "outcome": p.meeting.get_outcome_display(),
        }
        for p in pairs
    ]
    return render(
        request,
        "fairs/hosted/attendance.html",
        {"event": event, "rows": rows, "numbers": range(1, event.table_count + 1)},
    )
