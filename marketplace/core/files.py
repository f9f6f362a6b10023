"""Uploaded files: what they are (judged by their bytes, never their name), where private ones live, how
they are streamed back once a view has decided who may see them.

The callers keep their own rules (which types, how large, what to tell the user about a wrong type);
this module holds the checks they share.
"""

import hashlib
from collections.abc import Collection, Mapping
from io import BytesIO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# filetype reads at most this many bytes; every signature it knows sits in them.
HEAD_BYTES = 8192


def private_storage() -> FileSystemStorage:
    """Files no URL reaches directly: views that check who asks stream them."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def check_size(size: int, *, limit: int, too_large: str = "", empty: str = "") -> None:
    """Refuse an empty file or one over `limit` bytes.

    `too_large` may use %(size).1f and %(limit)d (megabytes); both messages have a default that speaks of "the file".
    """
    if size > limit:
        raise ValidationError(
            (too_large or _("The file is %(size).1f MB; the limit is %(limit)d MB."))
            % {"size": size / 1e6, "limit": limit // 1_000_000}
        )
    if size == 0:
        raise ValidationError(empty or _("The file is empty."))


def sha256_of(upload) -> str:
    """The SHA-256 of an upload's bytes (hex), read in chunks; the upload is left at its start."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def read_head(upload) -> bytes:
    """The first bytes of an upload, leaving it rewound for whoever stores it next."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def sniff(data: bytes):
    """The type the bytes show (a `filetype` kind with `.mime` and `.extension`), or None when unknown."""
    return filetype.guess(data[:HEAD_BYTES])


def detect_type(upload, *, allowed: Collection[str], limit: int, wrong_type: str) -> str:
    """The MIME type of an upload, checked by content against `allowed`, or a ValidationError.

    `wrong_type` says which types are allowed and may show what was found with %(found)s.
    """
    check_size(upload.size, limit=limit)
    kind = sniff(read_head(upload))
    if kind is None or kind.mime not in allowed:
        found = kind.extension.upper() if kind else _("unknown")
        raise ValidationError(wrong_type % {"found": found})
    return kind.mime


def probe_image(
    data: bytes, *, formats: Mapping[str, str], max_pixels: int, min_side: int, wrong_format: str
) -> tuple[str, int, int]:
    """Open bytes as a picture and return (Pillow format, width, height), or a ValidationError.

    `formats` maps the Pillow formats allowed to their MIME types; `wrong_format` may show what was
    found with %(fmt)s. The pixels are not decoded here: the caller re-encodes what passes.
    """
    try:
        with Image.open(BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("This file is not a readable image, whatever its name says.")) from None
    if fmt not in formats:
        raise ValidationError(wrong_format % {"fmt": fmt})
    if width * height > max_pixels:
        raise ValidationError(_("The image is too large (%(w)d × %(h)d pixels).") % {"w": width, "h": height})
    if min(width, height) < min_side:
        raise ValidationError(
            _("The image is too small (%(w)d × %(h)d pixels); use at least %(min)d pixels a side.")
            % {"w": width, "h": height, "min": min_side}
        )
    return fmt, width, height


def serve(file_field, content_type: str, *, filename: str = "", private: bool = False) -> FileResponse:
    """Stream a stored file after the caller has decided who may see it; 404 when it is gone."""
    if not file_field:
        raise Http404
    try:
        handle = file_field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    # Pictures of public products may sit in shared caches; anything else only in the viewer's browser.
    response["Cache-Control"] = "private, max-age=3600" if private else "public, max-age=86400"
    if filename:
        # Quotes and backslashes escaped, a non-ASCII name (a Chinese file name) as RFC 6266 filename*.
        response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


def serve_private(
    item, *, allowed: bool, filename: str | None = None, file_attr: str = "file"
) -> FileResponse:
    """One private file of `item` (a row with the file and its `content_type`) to someone `allowed` to fetch it.

    Everyone else gets the same 404 as for a file that does not exist, so a stranger cannot tell the two
    apart. The caller decides `allowed` from its own rule; `filename` defaults to the item's `original_name`.
    """
    if item is None or not allowed:
        raise Http404
    name = getattr(item, "original_name", "") if filename is None else filename
    return serve(getattr(item, file_attr), item.content_type, filename=name, private=True)
