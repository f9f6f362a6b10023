"""Reads for credit's operator pages."""

from django.db.models import QuerySet

from credit.models import ImportBatch, RejectedRow


def batch_list(*, source_code: str = "") -> QuerySet[ImportBatch]:
    batches = ImportBatch.objects.select_related("source", "created_by", "api_token")
    if source_code:
        batches = batches.filter(source__code=source_code)
    return batches.order_by("-started_at", "-id")


def batch_rejected_rows(*, batch: ImportBatch) -> QuerySet[RejectedRow]:
    return batch.rejected_rows.order_by("line", "id")
