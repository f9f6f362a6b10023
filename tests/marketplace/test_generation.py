"""Cache generations: a bump here is seen at once, one in another process within a second, none repeats."""

import time

import pytest
from django.core.cache import cache

from marketplace.core.caching import Generation

pytestmark = pytest.mark.django_db  # a bump also waits for the transaction to commit


def test_a_bump_in_this_process_is_seen_at_once():
    generation = Generation("test-here")
    before = generation.value()
    assert generation.value() == before
    generation.bump()
    assert generation.value() > before


def test_a_bump_in_another_process_is_seen_within_the_memo_time(monkeypatch):
    generation = Generation("test-elsewhere")
    before = generation.value()
    cache.incr(generation.key)  # what another server's bump does to the shared cache
    assert generation.value() == before  # remembered, no round trip to the cache
    later = time.monotonic() + Generation.MEMO_SECONDS + 0.01
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert generation.value() == before + 1


def test_a_lost_counter_never_comes_back_to_an_old_value():
    generation = Generation("test-lost")
    seen = {generation.value()}
    for _ in range(3):
        generation.bump()
        seen.add(generation.value())
        cache.delete(generation.key)  # evicted, or the cache restarted
        generation._memo = None  # and this process's memory of it has lapsed
        time.sleep(0.002)
        value = generation.value()
        assert value not in seen
        seen.add(value)
