"""Cache generations, registered in one place: cached pages are keyed by them, and model changes bump them.

A generation is a counter in the cache. Keys of cached pages carry it, so bumping it (on any save
or delete of the rows a page shows) makes every old entry unreachable at once; they then expire.

Each app declares its generations, and which changes bump them, in its own `caching.py`:

    catalog = caching.register("catalog", models=(Product, PriceTier))
    pages = caching.register("pages", signals=(page_published, (post_delete, Page)))

Readers ask the registry by name (`value("directory")`, `generations()`), so no app, and not the
visitor page cache, imports another app to learn when its pages go stale.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal


class Generation:
    """A counter in the cache whose value is part of cached pages' keys.

    Each process remembers the value for up to `MEMO_SECONDS`, so a cache hit needs no round trip to
    Redis for it; a bump in this process is seen at once, one in another process within that time.
    Values start from the clock (milliseconds), so a counter lost from the cache (an LRU eviction,
    a restart) never comes back to a number whose pages could still be cached.
    """

    MEMO_SECONDS = 1.0

    def __init__(self, name: str):
        self.name = name
        self.key = f"generation:{name}"
        self._memo: tuple[int, float] | None = None

    def __repr__(self) -> str:
        return f"<Generation {self.name}>"

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

    def forget(self) -> None:
        """Drop this process's remembered value: the next read asks the cache (after a cache clear)."""
        self._memo = None

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


_registry: dict[str, Generation] = {}


def register(name: str, *, models: Iterable = (), signals: Iterable = ()) -> Generation:
    """Declare the generation `name`, bumped by any save or delete of `models` and by `signals`.

    Each item of `signals` is a signal (any sender) or a `(signal, sender)` pair. Declaring the same
    name again (another app adding its models, or a module imported twice) adds to one generation,
    and never connects a receiver twice.
    """
    generation = _registry.setdefault(name, Generation(name))
    for model in models:
        label = model._meta.label
        post_save.connect(
            generation.bump, sender=model, dispatch_uid=f"generation:{name}:{label}:save", weak=False
        )
        post_delete.connect(
            generation.bump, sender=model, dispatch_uid=f"generation:{name}:{label}:delete", weak=False
        )
    for item in signals:
        signal, sender = item if isinstance(item, tuple) else (item, None)
        if not isinstance(signal, Signal):
            raise TypeError(f"{signal!r} is not a signal")
        where = sender._meta.label if sender is not None else "any"
        signal.connect(
            generation.bump, sender=sender, dispatch_uid=f"generation:{name}:{id(signal)}:{where}", weak=False
        )
    return generation


def generation(name: str) -> Generation:
    """The registered generation `name`; a name nobody declared is an error, not a silent new counter."""
    try:
        return _registry[name]
    except KeyError:
        known = ", ".join(sorted(_registry)) or "none"
        raise LookupError(f"No cache generation {name!r} is registered (registered: {known}).") from None


def value(name: str) -> int:
    """The current value of the registered generation `name` (for template fragment cache keys)."""
    return generation(name).value()


def generations() -> list[Generation]:
    """Every registered generation, by name: what a whole cached page depends on."""
    return [_registry[name] for name in sorted(_registry)]


def stamp(names: Iterable[str]) -> str:
    """The values of these generations, joined: part of a key that any of them moving renews."""
    return ".".join(str(generation(name).value()) for name in names)


def page_key(prefix: str, names: Iterable[str], *, language: str, query_items, signed_in: bool) -> str:
    """One key per list, generations, language, audience and normalised query string."""
    normalised = "&".join(f"{k}={v}" for k, v in sorted(query_items) if v != "")
    digest = hashlib.sha256(normalised.encode()).hexdigest()[:32]
    return f"{prefix}:{stamp(names)}:{language}:{int(signed_in)}:{digest}"


def query_items(request) -> list[tuple[str, str]]:
    return [(k, v) for k in request.GET for v in request.GET.getlist(k)]
