"""The directory's rendered HTML is cached; any change to a company starts a new cache generation."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from marketplace.caching import Generation, page_key
from marketplace.companies.models import Company

HTML_SECONDS = 300
COUNT_SECONDS = 300

directory = Generation("directory")
post_save.connect(directory.bump, sender=Company, dispatch_uid="directory_generation_save", weak=False)
post_delete.connect(directory.bump, sender=Company, dispatch_uid="directory_generation_delete", weak=False)


def generation() -> int:
    return directory.value()


def directory_key(*, language: str, query_items, signed_in: bool) -> str:
    return page_key(directory, language=language, query_items=query_items, signed_in=signed_in)


def cached_count(queryset, key: str) -> int:
    """COUNT(*) of a filtered directory query, computed once per cache generation."""
    return cache.get_or_set(f"directory:count:{key}", queryset.count, COUNT_SECONDS)
