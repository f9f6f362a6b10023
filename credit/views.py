"""Operator pages (partner file imports and their batches) and risk officers' pages (credit files, models)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from credit import backfill, disputes, index, registry, selectors
from credit.charts import subscore_bars_svg
from credit.facts import subject_model
from credit.forms import FactFileUploadForm, PromoteForm
from credit.grading import describe_bands
from credit.imports import ImportFormatError, import_file
from credit.models import BatchChannel, ModelVersion, Source
from credit.permissions import operator_or_risk_officer_required, operator_required, risk_officer_required

PAGE_SIZE = 50


@operator_or_risk_officer_required
def batch_list(request):
    source_code = request.GET.get("source", "")
    page = Paginator(selectors.batch_list(source_code=source_code), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "credit/batch_list.html",
        {"page_obj": page, "sources": Source.objects.order_by("name"), "source_code": source_code},
    )


@operator_required
def batch_upload(request):
    form = FactFileUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_file(
                stream=upload.open("rb"),
                file_name=upload.name,
                source=form.cleaned_data["source"],
                channel=BatchChannel.UPLOAD,
                by=request.user,
            )
        except ImportFormatError as exc:
            form.add_error("file", str(exc))
        else:
            if result.already_imported is not None:
                messages.info(request, result.summary)
                return redirect("credit:batch_detail", pk=result.already_imported.pk)
            messages.success(request, result.summary)
            return redirect("credit:batch_detail", pk=result.batch.pk)
    return render(request, "credit/batch_upload.html", {"form": form})


@operator_or_risk_officer_required
def batch_detail(request, pk):
    batch = get_object_or_404(selectors.batch_list(), pk=pk)
    rows = Paginator(selectors.batch_rejected_rows(batch=batch), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credit/batch_detail.html", {"batch": batch, "page_obj": rows})


# ---------------------------------------------------------------------------------------------
# Risk officers: a company's credit file, the model registry.


@risk_officer_required
def subject_credit(request, subject_id):
    subject = get_object_or_404(subject_model(), pk=subject_id)
    assessment = index.current(subject)
    explanation = index.explain(assessment)
    return render(
        request,
        "credit/subject_credit.html",
        {
            "subject": subject,
            "x": explanation,
            "history_svg": mark_safe(index.history_svg(subject.pk, title=_("Credit index history"))),  # noqa: S308 - built from numbers and escaped text
            "subscores_svg": mark_safe(subscore_bars_svg(explanation.subscores)),  # noqa: S308
            "fact_groups": selectors.facts_by_source(subject_id=subject.pk),
            **disputes.risk_context(subject_id=subject.pk),
        },
    )


@risk_officer_required
def model_registry(request):
    versions = ModelVersion.objects.select_related("trained_by", "promoted_by").defer("artifact")
    return render(
        request,
        "credit/model_registry.html",
        {
            "versions": versions,
            "champion": index.champion(),
            "backfill": backfill.progress_of(index.champion()),
            "bands": describe_bands(),
            "form": PromoteForm(),
            "tolerance": {"auc": registry.AUC_TOLERANCE, "brier": registry.BRIER_TOLERANCE},
        },
    )


@risk_officer_required
@require_POST
def model_promote(request, version):
    target = get_object_or_404(ModelVersion, version=version)
    form = PromoteForm(request.POST)
    if form.is_valid():
        try:
            registry.promote(
                version=target,
                by_user=request.user,
                force=form.cleaned_data["force"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Model v%(v)d is now the champion.") % {"v": target.version})
    return redirect("credit:model_registry")
