"""Cached HTML for public list pages, under generations that any change to the listed rows bumps.

A generation is a counter in the cache. Keys of cached pages carry it, so bumping it (on any save
or delete of the rows a page lists) makes every old entry unreachable at once; they then expire.
"""

import hashlib

from django.core.cache import cache
from django.db import transaction


class Generation:
    def __init__(self, name: str):
        self.key = f"generation:{name}"

    def value(self) -> int:
        value = cache.get(self.key)
        if value is None:
            cache.add(self.key, 1, timeout=None)
            value = cache.get(self.key, 1)
        return value

    def bump(self, **kwargs) -> None:
        """Start a new generation now and again when the transaction commits (a signal receiver).

        The first bump drops what is cached; the second drops a page that a concurrent request
        rendered from the old rows, before the change was committed, under the new generation.
        """
        self._incr()
        transaction.on_commit(self._incr)

    def _incr(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:
            cache.set(self.key, 2, timeout=None)


def page_key(generation: Generation, *, language: str, query_items, signed_in: bool) -> str:
    """One key per generation, language, audience and normalised query string."""
    normalised = "&".join(f"{k}={v}" for k, v in sorted(query_items) if v != "")
    digest = hashlib.sha256(normalised.encode()).hexdigest()[:32]
    return f"{generation.key}:{generation.value()}:{language}:{int(signed_in)}:{digest}"


def query_items(request) -> list[tuple[str, str]]:
    return [(k, v) for k in request.GET for v in request.GET.getlist(k)]
