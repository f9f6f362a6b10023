"""Operator pages: upload a partner file, list import batches, and review one batch's rejected rows."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from credit import selectors
from credit.forms import FactFileUploadForm
from credit.imports import ImportFormatError, import_file
from credit.models import BatchChannel, Source
from credit.permissions import operator_required

PAGE_SIZE = 50


@operator_required
def batch_list(request):
    source_code = request.GET.get("source", "")
    page = Paginator(selectors.batch_list(source_code=source_code), PAGE_SIZE).get_page(request.GET.get("page"))
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


@operator_required
def batch_detail(request, pk):
    batch = get_object_or_404(selectors.batch_list(), pk=pk)
    rows = Paginator(selectors.batch_rejected_rows(batch=batch), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credit/batch_detail.html", {"batch": batch, "page_obj": rows})


