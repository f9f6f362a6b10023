"""Streaming a catalog file (image, thumbnail, certificate) after the caller has decided who may see it."""

from django.http import FileResponse, Http404


def serve(file_field, content_type: str, *, filename: str = "", private: bool = False) -> FileResponse:
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
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
