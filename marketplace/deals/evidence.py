"""Files kept with a deal's fulfilment — visit photos, shipping documents, dispute evidence.

Each is judged by its bytes (core.files), hashed, and stored privately; the record keeps its name, size
and SHA-256 (`DealFile.as_record`). Views serve them only after the deal's permission check.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from marketplace.core import files

DOCUMENT_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PHOTO_MAX_PIXELS = 50_000_000
PHOTO_MIN_SIDE = 200
MAX_FILES = 12


def _named(upload, error: ValidationError) -> ValidationError:
    return ValidationError(f"{upload.name}: {' '.join(error.messages)}")


def check_document(upload) -> str:
    """A shipping document or a piece of evidence: PDF, JPEG or PNG by content, within the size limit."""
    try:
        return files.detect_type(
            upload,
            allowed=DOCUMENT_TYPES,
            limit=settings.DEALS_MAX_ATTACHMENT_BYTES,
            wrong_type=_("Send PDF, JPEG or PNG files; this file is %(found)s, whatever its name says."),
        )
    except ValidationError as error:
        raise _named(upload, error) from None


def check_photo(upload) -> str:
    """A visit photo: JPEG, PNG or WEBP by content that opens as a picture of a sensible size."""
    try:
        mime = files.detect_type(
            upload,
            allowed=set(PHOTO_FORMATS.values()),
            limit=settings.DEALS_MAX_ATTACHMENT_BYTES,
            wrong_type=_("Photos must be JPEG, PNG or WEBP; this file is %(found)s, whatever its name says."),
        )
        upload.seek(0)
        files.probe_image(
            upload.read(),
            formats=PHOTO_FORMATS,
            max_pixels=PHOTO_MAX_PIXELS,
            min_side=PHOTO_MIN_SIDE,
            wrong_format=_("Photos must be JPEG, PNG or WEBP, not %(fmt)s."),
        )
        upload.seek(0)
    except ValidationError as error:
        raise _named(upload, error) from None
    return mime


def check_all(uploads: Iterable, check: Callable[[object], str], *, field: str) -> list[tuple]:
    """(upload, MIME type, SHA-256) for each upload, or one ValidationError on `field` listing every bad file."""
    uploads = list(uploads)
    if len(uploads) > MAX_FILES:
        raise ValidationError({field: _("Send at most %(n)d files at once.") % {"n": MAX_FILES}})
    problems, checked = [], []
    for upload in uploads:
        try:
            checked.append((upload, check(upload), files.sha256_of(upload)))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({field: problems})
    return checked


def store(model, *, deal, by_user, checked: tuple, **fields):
    """Save one checked upload as a `model` row (a DealFile) of `deal`."""
    upload, content_type, digest = checked
    return model.objects.create(
        deal=deal,
        file=upload,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=digest,
        uploaded_by=by_user,
        **fields,
    )
