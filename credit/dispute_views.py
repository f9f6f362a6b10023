"""Pages of fact disputes: a company contests a fact; the source's reviewers and risk officers decide.

Every page asks who is asking; a dispute (or file, or fact) the person may not see answers 404, the
same as one that does not exist.
"""

from __future__ import annotations

import json
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from credit import disputes
from credit.facts import subject_model
from credit.kinds import KINDS, RETRACTION_KIND
from credit.models import DisputeGround, DisputeStatus, Fact, FactDispute
from credit.permissions import operator_or_risk_officer_required

PAGE_SIZE = 50


def signed_in(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files at once; each is checked by its content in the service."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class DisputeOpenForm(forms.Form):
    ground = forms.ChoiceField(label=gettext_lazy("What is wrong"), choices=DisputeGround.choices)
    statement = forms.CharField(
        label=gettext_lazy("Why"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=gettext_lazy(
            "Say what is wrong and what is right; a reviewer reads it with your evidence."
        ),
    )
    evidence = EvidenceField(
        label=gettext_lazy("Evidence"),
        required=False,
        help_text=gettext_lazy(
            "PDF, PNG or JPEG, up to 10 MB each (for example a bank statement or receipt)."
        ),
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Another file"))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("correct", gettext_lazy("Correct the fact")),
            ("retract", gettext_lazy("Retract the fact: it is not about this company")),
            ("reject", gettext_lazy("Reject the dispute")),
        ],
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind of the correcting fact"), required=False)
    payload = forms.CharField(
        label=gettext_lazy("Correcting fact's content (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}),
        help_text=gettext_lazy("As the partner API takes it; prefilled with the disputed fact's content."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args, dispute: FactDispute, **kwargs):
        super().__init__(*args, **kwargs)
        source = dispute.fact.source
        # A retraction is its own decision, not a kind to fill in.
        self.fields["kind"].choices = [
            (code, k.name) for code, k in KINDS.items() if source.may_write(code) and code != RETRACTION_KIND
        ]
        kind, payload = disputes.suggested_correction(dispute)
        self.fields["kind"].initial = kind
        self.fields["payload"].initial = json.dumps(payload, ensure_ascii=False)
        if dispute.ground == DisputeGround.NOT_OURS:
            self.fields["decision"].initial = "retract"

    def clean(self):
        data = super().clean()
        if data.get("decision") == "correct":
            if not data.get("kind"):
                self.add_error("kind", _("Choose the kind of the correcting fact."))
            try:
                data["payload_obj"] = json.loads(data.get("payload") or "")
            except ValueError:
                self.add_error("payload", _("Not valid JSON."))
            else:
                if not isinstance(data["payload_obj"], dict):
                    self.add_error("payload", _("Expected a JSON object."))
        return data


def _dispute_for(request, pk) -> FactDispute:
    dispute = get_object_or_404(FactDispute.objects.select_related("fact", "fact__source", "subject"), pk=pk)
    if not disputes.can_view(request.user, dispute):
        raise Http404
    return dispute


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# -- the company's side ----------------------------------------------------------------------------


@signed_in
def subject_facts(request, subject_id):
    """The facts behind a company's index, for its own members, each with a way to dispute it."""
    subject = get_object_or_404(subject_model(), pk=subject_id)
    if not disputes.is_member(request.user, subject.pk):
        raise Http404
    page = Paginator(
        disputes.disputable_facts(subject_id=subject.pk).order_by("-occurred_at", "-id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "credit/disputes/subject_facts.html",
        {"subject": subject, "page_obj": page, "open_ids": disputes.open_fact_ids(subject_id=subject.pk)},
    )


@signed_in
def dispute_open(request, fact_id):
    fact = get_object_or_404(Fact.objects.select_related("source"), pk=fact_id)
    if not disputes.is_member(request.user, fact.subject_id):
        raise Http404
    form = DisputeOpenForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            dispute = disputes.dispute_open(
                fact=fact,
                by_user=request.user,
                ground=form.cleaned_data["ground"],
                statement=form.cleaned_data["statement"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your dispute is open; the fact's source reviews it within %(n)d days.")
                % {"n": disputes.review_days()},
            )
            return redirect("credit:dispute_detail", pk=dispute.pk)
    return render(request, "credit/disputes/dispute_open.html", {"fact": fact, "form": form})


@signed_in
def dispute_detail(request, pk):
    dispute = _dispute_for(request, pk)
    user = request.user
    return render(
        request,
        "credit/disputes/dispute_detail.html",
        {
            "dispute": dispute,
            "evidence": dispute.evidence.all(),
            "events": dispute.events.select_related("actor"),
            "is_member": disputes.is_member(user, dispute.subject_id),
            "can_decide": disputes.can_decide(user, dispute),
            "evidence_form": EvidenceForm(),
        },
    )


@signed_in
def dispute_evidence(request, pk, evidence_id):
    dispute = _dispute_for(request, pk)
    evidence = get_object_or_404(dispute.evidence, pk=evidence_id)
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=True,
        filename=evidence.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@signed_in
@require_POST
def dispute_add_evidence(request, pk):
    dispute = _dispute_for(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not disputes.is_member(request.user, dispute.subject_id):
        raise Http404
    if form.is_valid():
        try:
            disputes.evidence_add(dispute=dispute, by_user=request.user, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("File added."))
    else:
        messages.error(request, _("Choose a file to add."))
    return redirect("credit:dispute_detail", pk=dispute.pk)


@signed_in
@require_POST
def dispute_withdraw(request, pk):
    dispute = _dispute_for(request, pk)
    if not disputes.is_member(request.user, dispute.subject_id):
        raise Http404
    try:
        disputes.dispute_withdraw(dispute=dispute, by_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Dispute withdrawn."))
    return redirect("credit:dispute_detail", pk=dispute.pk)


# -- the reviewers' side ---------------------------------------------------------------------------


@signed_in
def dispute_decide(request, pk):
    dispute = _dispute_for(request, pk)
    if not disputes.can_decide(request.user, dispute):
        raise Http404
    form = DecideForm(request.POST or None, dispute=dispute)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "correct":
                disputes.dispute_correct(
                    dispute=dispute,
                    by_user=request.user,
                    kind=data["kind"],
                    payload=data["payload_obj"],
                    reason=data["reason"],
                )
            elif data["decision"] == "retract":
                disputes.dispute_retract(dispute=dispute, by_user=request.user, reason=data["reason"])
            else:
                disputes.dispute_reject(dispute=dispute, by_user=request.user, reason=data["reason"])
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Decision recorded; the company is told and its index recomputed."))
            return redirect("credit:dispute_detail", pk=dispute.pk)
    return render(request, "credit/disputes/dispute_decide.html", {"dispute": dispute, "form": form})


@signed_in
def review_queue(request):
    """Disputes to decide: all for risk officers, their sources' for partner reviewers; `?overdue=1`."""
    user = request.user
    if not (disputes.is_risk_officer(user) or disputes.reviewed_source_ids(user)):
        raise Http404
    overdue = request.GET.get("overdue") == "1"
    status = request.GET.get("status", DisputeStatus.OPEN)
    if status not in DisputeStatus.values and status != "":
        status = DisputeStatus.OPEN
    page = Paginator(disputes.review_queue(user=user, overdue=overdue, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "credit/disputes/review_queue.html",
        {"page_obj": page, "overdue": overdue, "status": status, "statuses": DisputeStatus.choices},
    )


@operator_or_risk_officer_required
def overdue_reviews(request):
    """Operators (and risk officers) watch reviews past their deadline; the statement and files stay private."""
    page = Paginator(
        disputes.overdue().select_related("fact", "fact__source", "subject").order_by("due_at", "id"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(request, "credit/disputes/overdue_reviews.html", {"page_obj": page})
