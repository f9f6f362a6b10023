"""Cache generations: a bump here is seen at once, one in another process within a second, none repeats."""

import time

import pytest
from django.core.cache import cache

from marketplace.core.caching import Generation

pytestmark = pytest.mark.django_db  # a bump also waits for the transaction to commit


class Clock:
    """The two clocks generations read, stood still until a test moves them."""

    def __init__(self, monkeypatch):
        self.now = 1_800_000_000.0  # seconds; any fixed moment
        monkeypatch.setattr(time, "monotonic", lambda: self.now)
        monkeypatch.setattr(time, "time_ns", lambda: int(self.now * 1_000_000_000))

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def test_a_bump_in_this_process_is_seen_at_once(clock):
    generation = Generation("test-here")
    before = generation.value()
    assert generation.value() == before
    generation.bump()
    assert generation.value() > before  # the clock has not moved: no memo hides the bump


def test_a_bump_in_another_process_is_seen_within_the_memo_time(clock):
    generation = Generation("test-elsewhere")
    before = generation.value()
    cache.incr(generation.key)  # what another server's bump does to the shared cache
    clock.advance(Generation.MEMO_SECONDS - 0.001)
    assert generation.value() == before  # remembered, no round trip to the cache
    clock.advance(0.002)
    assert generation.value() == before + 1


def test_values_start_from_the_clock_in_milliseconds(clock):
    assert Generation("test-start").value() == int(clock.now * 1000)


def test_a_lost_counter_never_comes_back_to_an_old_value(clock):
    generation = Generation("test-lost")
    seen = {generation.value()}
    for _ in range(3):
        generation.bump()
        seen.add(generation.value())
        cache.delete(generation.key)  # evicted, or the cache restarted
        clock.advance(Generation.MEMO_SECONDS)  # and this process's memory of it has lapsed
        value = generation.value()
        assert value not in seen and value > max(seen)
        seen.add(value)
