"""A hall's floor plan as one SVG string, drawn on the server from its booth grid (charts.py style).

Booths are laid out by row and column; a booth with an exhibitor links to it in the directory, a booth
a search matches is lit up. The SVG scales to its container (viewBox, width 100%) but never below its own
size, so on a phone the plan scrolls sideways instead of shrinking the labels; the page lists the booths
below it as well (`booth_rows`), for screen readers and for reading without the drawing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from marketplace.core.charts import ACCENT, FONT_FAMILY, GRID, INK, MUTED, TRACK, text
from marketplace.fairs import exhibitors_selectors as selectors

CELL_W, CELL_H, GAP, MARGIN = 96, 60, 8, 28
FREE, TAKEN, LIT = "#ffffff", "#e3f0f2", "#f5b700"


def _short(name: str, limit: int = 14) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def floor_plan_svg(
    booths: Iterable,
    *,
    title: str,
    highlight: set[int] = frozenset(),
    link: Callable[[object], str | None] = lambda booth: None,
    name: Callable[[object], str] = lambda booth: "",
    free_label: str = "",
) -> str:
    """`booths` with .row, .column, .code, .size_sqm and .pk; `link(booth)` its URL or None, `name(booth)`
    its exhibitor's name ("" when free)."""
    booths = list(booths)
    rows = max((b.row for b in booths), default=1)
    columns = max((b.column for b in booths), default=1)
    width = MARGIN * 2 + columns * (CELL_W + GAP) - GAP
    height = MARGIN * 2 + rows * (CELL_H + GAP) - GAP
    out = [
        # Never drawn smaller than its own size: on a phone the plan scrolls sideways (its container
        # scrolls) and the booth labels stay readable; on a wide screen it fills the width.
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'style="min-width:{width}px" preserveAspectRatio="xMinYMin meet" role="img" '
        f'aria-label="{text(title)}" class="floor-plan" font-family="{FONT_FAMILY}" font-size="13">',
        f"<title>{text(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="{TRACK}" rx="6"/>',
    ]
    for booth in booths:
        x = MARGIN + (booth.column - 1) * (CELL_W + GAP)
        y = MARGIN + (booth.row - 1) * (CELL_H + GAP)
        who = name(booth)
        lit = booth.pk in highlight
        fill = LIT if lit else (TAKEN if who else FREE)
        stroke = INK if lit else (ACCENT if who else GRID)
        label = f"{booth.code} · {who}" if who else f"{booth.code} · {free_label}"
        cell = [
            f'<g class="booth{" booth-lit" if lit else ""}" id="booth-{booth.pk}">',
            f"<title>{text(label)} ({booth.size_sqm} m²)</title>",
            f'<rect x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" rx="4" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{3 if lit else 1.5}"/>',
            f'<text class="booth-code" x="{x + 8}" y="{y + 20}" font-weight="bold" fill="{INK}">'
            f"{text(booth.code)}</text>",
            f'<text x="{x + 8}" y="{y + 40}" fill="{INK if who else MUTED}">{text(_short(who))}</text>',
            f'<text x="{x + CELL_W - 8}" y="{y + 20}" text-anchor="end" font-size="10" fill="{MUTED}">'
            f"{booth.size_sqm} m²</text>",
            "</g>",
        ]
        url = link(booth)
        if url:
            cell = [f'<a href="{text(url)}" aria-label="{text(label)}">', *cell, "</a>"]
        out.extend(cell)
    out.append("</svg>")
    return "".join(out)


def booth_rows(booths: Iterable, *, session) -> list[dict]:
    """The taken booths of a plan as rows (code, size, exhibitor, its directory link), in floor order."""
    directory_url = reverse("exhibitors:directory", kwargs={"slug": session.slug})
    rows = []
    for booth in booths:
        shown = getattr(booth, "exhibitor", None)
        if shown is None:
            continue
        rows.append(
            {
                "booth": booth,
                "name": shown.company.display_name,
                "url": f"{directory_url}?{urlencode({'company': shown.company.slug})}#exhibitor-{shown.pk}",
            }
        )
    return rows


def hall_plan(*, session, phase, hall, q: str = "", company: str = "") -> tuple[SafeString, list]:
    """The floor plan of `hall` in `phase` (booths linking to the directory, the search lit up) and the
    booths that are lit. The page and the CMS floor-plan block both draw it with this."""
    booths = selectors.hall_floor(hall=hall, phase_number=phase.number)
    lit = selectors.matching_booth_ids(booths, q=q, company=company)
    directory_url = reverse("exhibitors:directory", kwargs={"slug": session.slug})

    def exhibitor(booth):
        return getattr(booth, "exhibitor", None)

    def link(booth):
        shown = exhibitor(booth)
        if shown is None:
            return None
        return f"{directory_url}?{urlencode({'company': shown.company.slug})}#exhibitor-{shown.pk}"

    svg = floor_plan_svg(
        booths,
        title=_("Floor plan of %(hall)s, phase %(phase)s")
        % {"hall": hall.display_name, "phase": phase.number},
        highlight=lit,
        link=link,
        name=lambda booth: exhibitor(booth).company.display_name if exhibitor(booth) else "",
        free_label=_("free"),
    )
    # Every label and link is escaped by floor_plan_svg.
    return mark_safe(svg), [b for b in booths if b.pk in lit]  # noqa: S308
