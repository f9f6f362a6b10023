"""PDF documents (sales contracts, badges, credit reports) rendered from Django templates by WeasyPrint.

A PDF is drawn from local things only: the fonts installed on the machine (fontconfig; Debian
`fonts-noto-cjk` gives the Chinese faces) and this project's static files. Nothing in a template, a
product text or a company name can make the renderer open a network address or read a local file:
the url fetcher serves `STATIC_URL` paths from the static-file finders (or STATIC_ROOT after
collectstatic) and `data:` URLs, and refuses everything else.

Templates extend `core/pdf/base.html`, which sets the page size, margins, page numbers and
`lang` (zh-CN on Chinese documents, so that WeasyPrint picks the Simplified Chinese face).
"""

import mimetypes
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils._os import safe_join
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from marketplace.core.languages import html_lang

# Relative URLs in a template ("/static/css/x.css") resolve against this address. ".invalid" is a name
# reserved never to exist (RFC 2606), so even a fetcher that escaped this module could not reach it.
BASE_URL = "https://pdf.invalid/"
_HOST = urlsplit(BASE_URL).hostname


class RefusedURL(ValueError):
    """A PDF asked for something that is neither a static file of this project nor inline data."""


def static_path(path: str) -> Path | None:
    """Where the static file at `path` (relative to STATIC_URL) lives: the finders first, then STATIC_ROOT."""
    if not path or ".." in PurePosixPath(path).parts or path.startswith("/"):
        return None
    try:
        found = finders.find(path)
        if found:
            return Path(found)
        if settings.STATIC_ROOT:
            candidate = Path(safe_join(settings.STATIC_ROOT, path))
            if candidate.is_file():
                return candidate
    except SuspiciousFileOperation:  # a path that leaves the static folders
        return None
    return None


class LocalFetcher(URLFetcher):
    """Serves this project's static files and `data:` URLs; every other address is refused, unopened."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        static_prefix = urlsplit(settings.STATIC_URL).path
        if parts.scheme == "https" and parts.hostname == _HOST and parts.path.startswith(static_prefix):
            found = static_path(unquote(parts.path.removeprefix(static_prefix)))
            if found is not None:
                mime = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": mime})
            raise RefusedURL(f"No static file at {parts.path}")
        raise RefusedURL(f"A PDF may use only static files and inline data, not {url[:200]}")


def render_html(template_name: str, context: dict | None = None, *, language: str) -> str:
    """The template as HTML in `language`, with the `pdf_lang` the base template puts on <html>."""
    with translation.override(language):
        return render_to_string(template_name, {**(context or {}), "pdf_lang": html_lang(language)})


def render_pdf(template_name: str, context: dict | None = None, *, language: str) -> bytes:
    """The template rendered as a PDF in `language` ("en" or "zh-hans")."""
    html = render_html(template_name, context, language=language)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFetcher(timeout=1)).write_pdf()


def pdf_response(pdf: bytes, *, filename: str, inline: bool = False) -> HttpResponse:
    """An HTTP response carrying a rendered PDF; `filename` is offered to the browser."""
    response = HttpResponse(pdf, content_type="application/pdf")
    safe_name = "".join(c for c in filename if c.isalnum() or c in "-_.") or "document.pdf"
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{safe_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
