"""Platform risk officers' gating pages: the policy (one form per grade row, version history) and overrides.

Only platform risk officers open them (`credit.gating.is_platform_risk_officer`): anonymous visitors
go to the login page, everyone else — operators, company members, a partner bank's or insurer's risk
officer — gets 403 on every page, whether or not the object asked for exists.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from credit import gating
from credit.gating_forms import (
    OverrideDecisionForm,
    OverrideForm,
    OverrideTermsForm,
    PolicyForm,
    PolicyRuleForm,
)
from credit.models import GatingOverride, GatingPolicy

PAGE_SIZE = 50


def platform_risk_officer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not gating.is_platform_risk_officer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _row_forms(data, policy: GatingPolicy):
    rows = gating.policy_rows(policy)
    forms = []
    for grade in gating.POLICY_GRADES:
        rule = rows.get(grade)
        initial = (
            {
                "allowed_terms": rule.allowed_terms,
                "credit_limit": rule.credit_limit,
                "max_term_days": rule.max_term_days,
            }
            if rule
            else {}
        )
        forms.append((grade, PolicyRuleForm(data, prefix=f"g-{grade}", initial=initial)))
    return forms


def _add_errors(error: ValidationError, *, whole, by_key: dict):
    """A service's ValidationError onto the forms: a row's problems on its row, a field's on the field."""
    if not hasattr(error, "error_dict"):
        for problem in error.messages:
            whole.add_error(None, problem)
        return
    for key, problems in error.message_dict.items():
        target = by_key.get(key)
        field = key if target is None and key in whole.fields else None
        for problem in problems:
            (target or whole).add_error(field, problem)


@platform_risk_officer_required
def policy(request):
    in_force = gating.policy_in_force()
    shown = in_force
    if request.method == "GET" and request.GET.get("version"):
        try:
            shown = GatingPolicy.objects.get(version=int(request.GET["version"]))
        except (ValueError, GatingPolicy.DoesNotExist) as exc:
            raise Http404 from exc
    data = request.POST if request.method == "POST" else None
    head = PolicyForm(data, initial={"base_currency": in_force.base_currency})
    rows = _row_forms(data, in_force)
    if data is not None:
        # Validate every form (not all() over a generator): each row shows its own errors.
        checked = [head.is_valid()] + [form.is_valid() for _, form in rows]
        if all(checked):
            try:
                saved = gating.save_policy(
                    rows={grade: form.rule() for grade, form in rows},
                    base_currency=head.cleaned_data["base_currency"],
                    reason=head.cleaned_data["reason"],
                    by_user=request.user,
                )
            except ValidationError as exc:
                _add_errors(exc, whole=head, by_key=dict(rows))
            else:
                messages.success(request, _("Policy version %(v)d is now in force.") % {"v": saved.version})
                return redirect("credit:gating_policy")
        messages.error(request, _("The policy was not saved; see the messages below."))
    versions = GatingPolicy.objects.select_related("created_by")
    return render(
        request,
        "credit/gating/policy.html",
        {
            "in_force": in_force,
            "shown": shown,
            "shown_rules": [
                (grade, gating.grade_label(grade), rule, [gating.term_label(t) for t in rule.allowed_terms])
                for grade, rule in gating.policy_rows(shown).items()
            ]
            if shown != in_force
            else [],
            "head": head,
            "rows": [(grade, gating.grade_label(grade), form) for grade, form in rows],
            "versions": versions,
            "four_eyes": gating.four_eyes_amount(),
        },
    )


@platform_risk_officer_required
def override_list(request):
    page = Paginator(gating.overrides_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "credit/gating/override_list.html",
        {
            "page_obj": page,
            "pending": GatingOverride.objects.filter(status=GatingOverride.Status.PENDING).count(),
        },
    )


def _preview(request):
    """The decision the override would lift, for the terms in the query string (None if incomplete)."""
    if "subject" not in request.GET:
        return None, OverrideTermsForm()
    terms = OverrideTermsForm(request.GET)
    if not terms.is_valid():
        return None, terms
    data = terms.cleaned_data
    decision = gating.decide(
        data["subject"], data["action"], data["amount"], data["currency"], term_days=data["term_days"]
    )
    return (data["subject"], decision), terms


@platform_risk_officer_required
def override_create(request):
    if request.method == "POST":
        form = OverrideForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                override = gating.request_override(
                    subject=data["subject"],
                    action=data["action"],
                    amount=data["amount"],
                    currency=data["currency"],
                    term_days=data["term_days"],
                    reference=data["reference"],
                    reason=data["reason"],
                    by_user=request.user,
                )
            except ValidationError as exc:
                _add_errors(exc, whole=form, by_key={})
            else:
                if override.status == GatingOverride.Status.PENDING:
                    messages.info(
                        request, _("Saved. A second risk officer must approve it before it takes effect.")
                    )
                else:
                    messages.success(request, _("The override is in effect."))
                return redirect("credit:gating_override_detail", pk=override.pk)
        preview, terms = None, None
    else:
        preview, terms = _preview(request)
        initial = {
            k: request.GET[k]
            for k in ("subject", "action", "amount", "currency", "reference", "term_days")
            if k in request.GET
        }
        form = OverrideForm(initial=initial)
    return render(
        request,
        "credit/gating/override_form.html",
        {
            "form": form,
            "terms_errors": terms.errors if terms is not None and terms.is_bound else None,
            "preview": preview,
            "four_eyes": gating.four_eyes_amount(),
            "base_currency": gating.policy_in_force().base_currency,
        },
    )


@platform_risk_officer_required
def override_detail(request, pk):
    override = get_object_or_404(
        GatingOverride.objects.select_related("subject", "requested_by", "decided_by"), pk=pk
    )
    return render(
        request,
        "credit/gating/override_detail.html",
        {
            "o": override,
            "term": gating.term_label(override.action),
            "refusal_reasons": override.refusal.get("reasons", []),
            "may_approve": override.status == GatingOverride.Status.PENDING
            and override.requested_by_id != request.user.pk,
            "form": OverrideDecisionForm(),
        },
    )


@platform_risk_officer_required
@require_POST
def override_decide(request, pk, action):
    if action not in ("approve", "reject"):
        raise Http404
    override = get_object_or_404(GatingOverride, pk=pk)
    form = OverrideDecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if action == "approve":
            gating.approve_override(override=override, by_user=request.user, note=note)
            messages.success(request, _("Approved: the override is in effect."))
        else:
            gating.reject_override(override=override, by_user=request.user, note=note)
            messages.success(request, _("The override is rejected."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("credit:gating_override_detail", pk=override.pk)
