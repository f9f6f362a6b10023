"""Cached HTML for public list pages, under generations that any change to the listed rows bumps.

A generation is a counter in the cache. Keys of cached pages carry it, so bumping it (on any save
or delete of the rows a page lists) makes every old entry unreachable at once; they then expire.
"""

import hashlib
import time

from django.core.cache import cache
from django.db import transaction


class Generation:
    """A counter in the cache whose value is part of cached pages' keys.

    Each process remembers the value for up to `MEMO_SECONDS`, so a cache hit needs no round trip to
    Redis for it; a bump in this process is seen at once, one in another process within that time.
    Values start from the clock (milliseconds), so a counter lost from the cache (an LRU eviction,
    a restart) never comes back to a number whose pages could still be cached.
    """

    MEMO_SECONDS = 1.0

    def __init__(self, name: str):
        self.key = f"generation:{name}"
        self._memo: tuple[int, float] | None = None

    def value(self) -> int:
        memo, now = self._memo, time.monotonic()
        if memo is not None and memo[1] > now:
            return memo[0]
        value = cache.get(self.key)
        if value is None:
            cache.add(self.key, _fresh(), timeout=None)
            value = cache.get(self.key) or _fresh()
        self._memo = (value, now + self.MEMO_SECONDS)
        return value

    def bump(self, **kwargs) -> None:
        """Start a new generation now and again when the transaction commits (a signal receiver).

        The first bump drops what is cached; the second drops a page that a concurrent request
        rendered from the old rows, before the change was committed, under the new generation.
        """
        self._incr()
        transaction.on_commit(self._incr)

    def _incr(self) -> None:
        self._memo = None
        try:
            cache.incr(self.key)
        except ValueError:
            cache.set(self.key, _fresh(), timeout=None)


def _fresh() -> int:
    return time.time_ns() // 1_000_000


def page_key(generation: Generation, *, language: str, query_items, signed_in: bool) -> str:
    """One key per generation, language, audience and normalised query string."""
    normalised = "&".join(f"{k}={v}" for k, v in sorted(query_items) if v != "")
    digest = hashlib.sha256(normalised.encode()).hexdigest()[:32]
    return f"{generation.key}:{generation.value()}:{language}:{int(signed_in)}:{digest}"


def query_items(request) -> list[tuple[str, str]]:
    return [(k, v) for k in request.GET for v in request.GET.getlist(k)]
