"""The directory's rendered HTML is cached; any change to a company makes a new cache generation.

Keys carry a generation number that every company save or delete bumps, so an edit shows at once
and old entries simply expire.
"""

import hashlib

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from marketplace.companies.models import Company

GENERATION_KEY = "directory:generation"
HTML_SECONDS = 300
COUNT_SECONDS = 300


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


@receiver([post_save, post_delete], sender=Company, dispatch_uid="directory_generation")
def _bump_generation(**kwargs):
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def directory_key(*, language: str, query_items, signed_in: bool) -> str:
    """One key per generation, language, audience and normalised query string."""
    normalised = "&".join(f"{k}={v}" for k, v in sorted(query_items) if v != "")
    digest = hashlib.sha256(normalised.encode()).hexdigest()[:32]
    return f"{generation()}:{language}:{int(signed_in)}:{digest}"


def cached_count(queryset, key: str) -> int:
    """COUNT(*) of a filtered directory query, computed once per cache generation."""
    return cache.get_or_set(f"directory:count:{key}", queryset.count, COUNT_SECONDS)
