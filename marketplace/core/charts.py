"""SVG charts drawn on the server from plain numbers and labels, so that a page and a PDF show one picture.

Every chart is one `<svg>` string that scales to its container (a viewBox and `width="100%"`, so it
fits a 390 px phone as well as an A4 page) and names its font itself: inline SVG text does not inherit
the page's font in WeasyPrint, and without "Noto Sans CJK SC" Chinese labels come out in the Japanese
face. Every label is escaped; the callers pass text, never markup, and may mark the result safe.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans', 'DejaVu Sans', sans-serif"
INK, MUTED, GRID, TRACK, ACCENT = "#1b2430", "#5b6776", "#dde3ea", "#eef2f6", "#0b5c6b"

# A 0–100 score's bar colour: the first threshold the value reaches (good, fair, poor).
SCORE_TONES: tuple[tuple[float, str], ...] = ((60, "#1f7a3d"), (40, "#9a6400"), (-math.inf, "#b3261e"))

# Background bands from the best (green) to the worst (red); bands without a colour take them in order.
BAND_PALETTE = ("#d8efe0", "#e2f3e7", "#ecf7ee", "#f6f8f0", "#fbf6e6", "#fcefe0", "#fbe4dc", "#f8d9d6")


@dataclass(frozen=True)
class Band:
    """A horizontal band of a line chart from `low` to `high` on the y axis, named at its left."""

    low: float
    high: float
    label: str
    colour: str | None = None


def text(value) -> str:
    """Text safe inside an SVG element or a double-quoted attribute."""
    return escape(str(value), {'"': "&quot;"})


def _open(width: float, height: float, title: str, font_size: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" aria-label="{text(title)}" class="chart" '
        f'font-family="{FONT_FAMILY}" font-size="{font_size}">',
        f"<title>{text(title)}</title>",
    ]


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _tone(value: float, tones: Sequence[tuple[float, str]]) -> str:
    return next((colour for at_least, colour in tones if value >= at_least), ACCENT)


def bar_chart_svg(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    maximum: float = 100.0,
    reference: float | None = None,
    tones: Sequence[tuple[float, str]] = SCORE_TONES,
    width: int = 360,
    label_width: int = 170,
) -> str:
    """Horizontal bars, one per (label, value), from 0 to `maximum`; `reference` draws a dashed mark.

    A bar's length is value / maximum of the track (clipped to the track); the number beside it is the
    value itself. `tones` colours each bar (default: a 0–100 score's good/fair/poor); pass () for one colour.
    """
    row = 26
    height = row * len(rows) + 8
    track = width - label_width - 40
    parts = _open(width, height, title, 12)

    def x_of(value: float) -> float:
        return track * min(max(value, 0.0), maximum) / maximum if maximum > 0 else 0.0

    for k, (label, value) in enumerate(rows):
        y = 4 + k * row
        parts.append(f'<text x="0" y="{y + 15}" fill="{INK}">{text(label)}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{track}" height="14" fill="{TRACK}" rx="3"/>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{x_of(value):.1f}" height="14" '
            f'fill="{_tone(value, tones)}" rx="3"><title>{text(label)}: {_number(value)}</title></rect>'
        )
        if reference is not None:
            x = label_width + x_of(reference)
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 2}" y2="{y + 20}" stroke="{MUTED}" stroke-dasharray="2,2"/>'
            )
        parts.append(f'<text x="{label_width + track + 6}" y="{y + 15}" fill="{INK}">{_number(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _x_value(x) -> float:
    if isinstance(x, dt.datetime):
        return x.timestamp()
    if isinstance(x, dt.date):
        return x.toordinal() * 86400.0
    return float(x)


def _x_label(x) -> str:
    if isinstance(x, dt.date):  # datetimes too
        return f"{x:%Y-%m-%d}"
    return _number(float(x))


def line_chart_svg(
    points: Sequence[tuple[dt.date | dt.datetime | float, float]],
    *,
    title: str,
    y_min: float = 0.0,
    y_max: float = 100.0,
    bands: Sequence[Band | Mapping] = (),
    width: int = 640,
    height: int = 240,
) -> str:
    """A line through (x, y) points over optional background bands; x may be dates, datetimes or numbers.

    `bands` are `Band`s or mappings with the same keys (low, high, label and optionally colour), best first.

    x is placed in proportion to time (or value) between the first and the last point; y from `y_min`
    at the bottom to `y_max` at the top, clipped to the plot. The first and last x are written below.
    """
    left, right, top, bottom = 44, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    span_y = (y_max - y_min) or 1.0

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (min(max(value, y_min), y_max) - y_min) / span_y)

    parts = _open(width, height, title, 11)
    for k, band in enumerate(Band(**b) if isinstance(b, Mapping) else b for b in bands):
        y_top, y_bottom = y_of(band.high), y_of(band.low)
        colour = band.colour or BAND_PALETTE[k % len(BAND_PALETTE)]
        parts.append(
            f'<rect x="{left}" y="{y_top:.1f}" width="{plot_w}" height="{y_bottom - y_top:.1f}" fill="{text(colour)}"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{(y_top + y_bottom) / 2 + 4:.1f}" text-anchor="end" fill="{MUTED}">{text(band.label)}</text>'
        )
    parts.append(
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="{GRID}"/>'
    )
    if points:
        xs = [_x_value(x) for x, _ in points]
        x0, span_x = min(xs), (max(xs) - min(xs)) or 1.0

        def x_of(value: float) -> float:
            return left + (plot_w * (value - x0) / span_x if len(points) > 1 else plot_w / 2)

        coords = [(x_of(x), y_of(y)) for x, (_, y) in zip(xs, points, strict=True)]
        path = " ".join(f"{'M' if k == 0 else 'L'}{x:.1f},{y:.1f}" for k, (x, y) in enumerate(coords))
        parts.append(f'<path d="{path}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
        for (cx, cy), (x, y) in zip(coords, points, strict=True):
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{ACCENT}">'
                f"<title>{text(_x_label(x))}: {_number(y)}</title></circle>"
            )
        parts.append(
            f'<text x="{left}" y="{height - 8}" fill="{MUTED}">{text(_x_label(points[0][0]))}</text>'
            f'<text x="{width - right}" y="{height - 8}" text-anchor="end" fill="{MUTED}">'
            f"{text(_x_label(points[-1][0]))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
