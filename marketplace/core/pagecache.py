"""Whole pages cached for visitors who are not signed in.

A visitor with no session (and no cookie but the language and CSRF ones) sees exactly what every
such visitor sees at the same address in the same language. Views marked with `cache_for_visitors`
are rendered once for them and then served from the cache, until any registered cache generation
moves (`marketplace.core.caching`: companies, the catalog, Wagtail pages and fair sessions, each
declared by its app) or `SECONDS` pass.

A response is stored only if it is a plain 200 HTML page that set no cookie, queued no message,
touched no session, used no CSRF token and does not say `Cache-Control: private`, `no-store` or
`no-cache`: a page with a token in a form is personal, so it is never shared. Wagtail's view
restrictions are read on a miss only, so adding or removing one renews the cached pages too.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

from marketplace.core import caching

SECONDS = 60
HEADER = "X-Visitor-Cache"


def cache_for_visitors(view):
    """Let `VisitorPageCacheMiddleware` serve this view's page to signed-out visitors from the cache."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapped.cache_for_visitors = True
    return wrapped


def _allowed_cookies() -> set[str]:
    return {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}


def _is_plain_visitor(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and set(request.COOKIES) <= _allowed_cookies()
        and not request.user.is_authenticated
    )


def _key(request) -> str:
    stamp = ".".join(str(g.value()) for g in caching.generations())
    where = hashlib.sha256(f"{request.get_host()}|{request.get_full_path()}".encode()).hexdigest()[:40]
    return f"visitor-page:{stamp}:{get_language()}:{where}"


NOT_SHARED = {"private", "no-store", "no-cache"}
NOT_REPLAYED = {"content-length", "set-cookie"}


def _storable(request, response) -> bool:
    messages = getattr(request, "_messages", None)
    session = getattr(request, "session", None)
    cache_control = {d.strip().split("=")[0].lower() for d in response.get("Cache-Control", "").split(",")}
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and not cache_control & NOT_SHARED
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (messages is not None and messages.added_new)
        and not (session is not None and session.modified)
        and not request.user.is_authenticated
    )


class VisitorPageCacheMiddleware:
    """Serves and stores the pages of `cache_for_visitors` views for signed-out visitors.

    Place it after the session, locale, authentication and message middleware (it needs the
    active language and the user). A hit still passes back through them, so headers such as
    Content-Language, Vary and X-Frame-Options are set per response as usual.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_visitor_page_key", None)
        if key is not None and response.get(HEADER) is None:
            if _storable(request, response):
                headers = {k: v for k, v in response.headers.items() if k.lower() not in NOT_REPLAYED}
                cache.set(key, (response.content, headers), SECONDS)
                response[HEADER] = "miss"
            else:
                response[HEADER] = "bypass"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "cache_for_visitors", False) or not _is_plain_visitor(request):
            return None
        key = _key(request)
        cached = cache.get(key)
        if cached is None:
            request._visitor_page_key = key
            return None
        content, headers = cached
        response = HttpResponse(content, headers=headers)
        response[HEADER] = "hit"
        return response
