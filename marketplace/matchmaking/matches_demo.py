"""The ranking's part of the demo world, called by `manage.py seed_demo` after the deals.

Fair presence is the fairs app's to report (it records a presence when it assigns a booth: the demo's
exhibitors come from marketplace/fairs/exhibitors_demo.py), so this only builds every supplier's signals
from what the demo world holds by then. Idempotent: the signals are rebuilt.
"""

import time
from collections.abc import Callable

from marketplace.matchmaking.ranking_signals import refresh_all


def seed_matches(*, stage: Callable[..., None] = lambda *a, **k: None) -> int:
    """Every supplier's ranking signals (fair presence included); returns the suppliers refreshed."""
    started = time.monotonic()
    refreshed = refresh_all()
    stage("match signals", started, suppliers=refreshed)
    return refreshed
