"""The charts on credit's own pages: credit's data turned into plain numbers and labels, drawn elsewhere.

credit imports nothing from marketplace, yet its pages, the marketplace pages and the PDF reports must
show the same picture. So credit knows only what to draw (the grade bands of the 0–1000 scale, the
subscores) and hands plain numbers and labels to the two drawing functions that `settings.CREDIT_CHARTS`
names by dotted path, the way `CREDIT_SUBJECT_MODEL` names the subject (this project points them at its
shared chart module):

- "line" is called as line(points, title=, y_min=, y_max=, bands=[{"low", "high", "label"}, ...]);
- "bars" as bars(rows, title=, maximum=, reference=);

each returns one `<svg>` string with every label escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from credit.grading import GRADES


def _drawer(kind: str):
    try:
        return import_string(settings.CREDIT_CHARTS[kind])
    except (AttributeError, KeyError, ImportError) as exc:
        raise ImproperlyConfigured(
            f'settings.CREDIT_CHARTS["{kind}"] must name the function that draws credit\'s {kind} chart.'
        ) from exc


def grade_bands() -> list[dict]:
    """The grade bands of the index scale, best first: each covers [low, high + 1) on the 0–1000 axis."""
    return [{"low": g.low, "high": min(g.high + 1, 1000), "label": g.code} for g in GRADES]


def index_history_svg(points: Sequence[tuple[dt.datetime, int]], *, title: str) -> str:
    """A line of the index over time (as_of, index) on the grade bands."""
    return _drawer("line")(list(points), title=title, y_min=0, y_max=1000, bands=grade_bands())


def subscore_bars_svg(subscores: Sequence[tuple[str, float]], *, title: str | None = None) -> str:
    """One bar per dimension (label, 0–100 subscore), with a mark at the neutral 50."""
    return _drawer("bars")(list(subscores), title=title or _("Subscores"), maximum=100, reference=50)
