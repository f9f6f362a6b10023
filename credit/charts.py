"""SVG charts drawn on the server, so a dashboard and a PDF report show the same picture."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from xml.sax.saxutils import escape

from credit.grading import GRADES

BAND_COLOURS = {
    "AAA": "#d8efe0",
    "AA": "#e2f3e7",
    "A": "#ecf7ee",
    "BBB": "#f6f8f0",
    "BB": "#fbf6e6",
    "B": "#fcefe0",
    "CCC": "#fbe4dc",
    "C": "#f8d9d6",
}


def index_history_svg(
    points: Sequence[tuple[dt.datetime, int]],
    *,
    width: int = 640,
    height: int = 240,
    title: str = "Credit index",
) -> str:
    """A line of the index over time on the grade bands (0–1000 on the y axis)."""
    left, right, top, bottom = 44, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom

    def y_of(index: float) -> float:
        return top + plot_h * (1 - index / 1000)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    for grade in GRADES:
        y_top, y_bottom = y_of(grade.high + 1 if grade.high < 1000 else 1000), y_of(grade.low)
        parts.append(
            f'<rect x="{left}" y="{y_top:.1f}" width="{plot_w}" height="{y_bottom - y_top:.1f}" '
            f'fill="{BAND_COLOURS[grade.code]}"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{(y_top + y_bottom) / 2 + 4:.1f}" text-anchor="end" fill="#5b6776">{grade.code}</text>'
        )
    parts.append(
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#dde3ea"/>'
    )
    if points:
        times = [p[0].timestamp() for p in points]
        t0, t1 = min(times), max(times)
        span = (t1 - t0) or 1.0

        def x_of(t: float) -> float:
            return left + (plot_w * (t - t0) / span if len(points) > 1 else plot_w / 2)

        coords = [(x_of(t), y_of(i)) for t, (_, i) in zip(times, points, strict=True)]
        path = " ".join(f"{'M' if k == 0 else 'L'}{x:.1f},{y:.1f}" for k, (x, y) in enumerate(coords))
        parts.append(f'<path d="{path}" fill="none" stroke="#0b5c6b" stroke-width="2"/>')
        for (x, y), (when, index) in zip(coords, points, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#0b5c6b"><title>{when:%Y-%m-%d}: {index}</title></circle>'
            )
        parts.append(
            f'<text x="{left}" y="{height - 8}" fill="#5b6776">{points[0][0]:%Y-%m-%d}</text>'
            f'<text x="{width - right}" y="{height - 8}" text-anchor="end" fill="#5b6776">{points[-1][0]:%Y-%m-%d}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def subscore_bars_svg(subscores: Sequence[tuple[str, float]], *, width: int = 360) -> str:
    """Horizontal bars, 0–100, one per dimension; 50 is neutral."""
    row, label_w = 26, 170
    height = row * len(subscores) + 8
    bar_w = width - label_w - 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="Subscores" class="chart" font-family="sans-serif" font-size="12">'
    ]
    for k, (label, value) in enumerate(subscores):
        y = 4 + k * row
        colour = "#1f7a3d" if value >= 60 else "#9a6400" if value >= 40 else "#b3261e"
        parts.append(f'<text x="0" y="{y + 15}" fill="#1b2430">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="14" fill="#eef2f6" rx="3"/>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w * value / 100:.1f}" height="14" fill="{colour}" rx="3"/>'
        )
        parts.append(
            f'<line x1="{label_w + bar_w / 2}" x2="{label_w + bar_w / 2}" y1="{y + 2}" y2="{y + 20}" stroke="#5b6776" stroke-dasharray="2,2"/>'
        )
        parts.append(f'<text x="{label_w + bar_w + 6}" y="{y + 15}" fill="#1b2430">{value:.0f}</text>')
    parts.append("</svg>")
    return "".join(parts)
