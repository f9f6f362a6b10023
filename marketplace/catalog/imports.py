"""The catalog import's lifecycle: check an uploaded file (a dry run that writes only its record), then
apply it once, all at once or not at all — the whole file, or, when some rows have errors, only its
valid rows if the supplier asks for that. States move along `models.IMPORT_TRANSITIONS`."""

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from marketplace.catalog import spreadsheet
from marketplace.catalog.models import IMPORT_TRANSITIONS, ImportFormat, ImportStatus, ProductImport
from marketplace.companies.models import Company, User
from marketplace.companies.permissions import require_member
from marketplace.core import audit
from marketplace.core.transitions import transition


@dataclass(frozen=True)
class ImportOutcome:
    """What applying a checked file did: `applied` is False when the second check found errors."""

    record: ProductImport
    applied: bool
    counts: dict[str, int]


def _format(data: bytes) -> str:
    return ImportFormat.XLSX if data[:4] == b"PK\x03\x04" else ImportFormat.CSV


def import_check(
    *, supplier: Company, by_user: User, upload: UploadedFile, images: UploadedFile | None = None
) -> ProductImport:
    """Check a file without touching the catalog; keep it (and its image ZIP) with every change or error."""
    require_member(by_user, supplier)
    data = upload.read()
    image_bytes = images.read() if images else None
    result = spreadsheet.check_file(supplier=supplier, name=upload.name, data=data, images=image_bytes)
    record = ProductImport(
        supplier=supplier,
        created_by=by_user,
        original_name=upload.name[:255],
        file_format=_format(data),
        # A file with at least one valid row can be applied (its valid rows only, if others have errors).
        status=ImportStatus.PREVIEWED if result.rows else ImportStatus.FAILED,
        summary=result.summary(),
    )
    upload.seek(0)
    record.file.save(upload.name, upload, save=False)
    if images:
        images.seek(0)
        record.images.save(images.name, images, save=False)
    with transaction.atomic():
        record.save()
        audit.log(
            actor=by_user,
            action="catalog.productimport.check",
            obj=record,
            company_id=supplier.pk,
            data={"status": record.status, "counts": result.counts(), "errors": len(result.errors)},
        )
    return record


def _read(field) -> bytes | None:
    if not field:
        return None
    with field.open("rb") as handle:
        return handle.read()


def import_apply(*, record: ProductImport, by_user: User, valid_only: bool = False) -> ImportOutcome:
    """Apply a checked file: it is read and checked again (the catalog may have changed), then written.

    Without `valid_only` a file with any error is not applied. With it, the valid rows are written and
    the rejected ones left out — provided the second check rejects exactly the lines the supplier saw
    rejected. Otherwise the record moves to "failed" with its new errors and nothing else is written.
    A record already applied or failed is refused (TransitionNotAllowed) before its file is read.
    """
    with transaction.atomic():
        locked = ProductImport.objects.select_for_update().select_related("supplier").get(pk=record.pk)
        require_member(by_user, locked.supplier_id)
        IMPORT_TRANSITIONS.target("apply", locked.status)
        result = spreadsheet.check_file(
            supplier=locked.supplier,
            name=locked.original_name,
            data=_read(locked.file),
            images=_read(locked.images),
        )
        counts = result.counts()
        seen = sorted({e["line"] for e in (locked.summary or {}).get("errors", []) if e["line"] > 1})
        # Applied only as the supplier saw it checked: the same rows rejected, and "valid rows only"
        # asked for whenever any were.
        acceptable = bool(result.rows) and result.rejected_lines == seen and (valid_only or result.ok)

        def keep_summary(r: ProductImport):
            r.summary = result.summary()
            if r.status == ImportStatus.COMMITTED:
                r.committed_at = timezone.now()
            return ["summary", "committed_at"]

        if not acceptable:
            transition(
                locked,
                table=IMPORT_TRANSITIONS,
                event="fail",
                by_user=by_user,
                apply=keep_summary,
                data={"errors": len(result.errors)},
                lock=False,
            )
            applied = False
        else:
            counts = spreadsheet.apply(
                supplier=locked.supplier, by_user=by_user, result=result, valid_only=valid_only
            )
            transition(
                locked,
                table=IMPORT_TRANSITIONS,
                event="apply",
                by_user=by_user,
                apply=keep_summary,
                data={"counts": counts, "rejected_lines": result.rejected_lines},
                lock=False,
            )
            applied = True
    if locked is not record:
        record.status, record.summary, record.committed_at = (
            locked.status,
            locked.summary,
            locked.committed_at,
        )
    return ImportOutcome(record=locked, applied=applied, counts=counts)
