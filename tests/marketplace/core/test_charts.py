"""SVG charts: well-formed, escaped, drawn to scale, named font, and the same picture inside a PDF."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.safestring import mark_safe

from marketplace.core import charts, pdf
from tests.marketplace.core.conftest import poppler

SVG = "{http://www.w3.org/2000/svg}"
PAGE = "core_tests/two_languages.html"
NASTY = 'Trade <b>"performance"</b> & co\'s'


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    return root


def test_every_chart_is_well_formed_scales_and_names_its_font():
    bars = charts.bar_chart_svg([(NASTY, 40.0)], title=NASTY)
    line = charts.line_chart_svg([(1, 2), (3, 4)], title=NASTY, bands=[charts.Band(0, 50, NASTY)])
    for svg in (bars, line):
        root = parse(svg)
        assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 ")
        assert root.get("font-family").startswith("'Noto Sans CJK SC'")
        assert root.get("aria-label") == NASTY
        assert "<b>" not in svg
        texts = [t.text for t in root.iter(f"{SVG}text")] + [t.text for t in root.iter(f"{SVG}title")]
        assert NASTY in texts  # escaped on the way in, the same text on the way out


def rects(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{SVG}rect"))


def test_bar_lengths_follow_the_values_and_stay_on_the_track():
    rows = [("half", 50), ("full", 100), ("over", 150), ("below zero", -5), ("quarter", 25)]
    root = parse(charts.bar_chart_svg(rows, title="t", width=360, label_width=170, reference=50))
    shapes = rects(root)
    tracks, bars = shapes[0::2], shapes[1::2]
    track = float(tracks[0].get("width"))
    assert track == 360 - 170 - 40
    assert [float(b.get("width")) for b in bars] == [track / 2, track, track, 0.0, track / 4]
    # The dashed reference mark sits at 50 of 100: the middle of the track.
    assert {float(line.get("x1")) for line in root.iter(f"{SVG}line")} == {170 + track / 2}
    # The number beside a bar is the value itself, even past the track.
    assert [t.text for t in root.iter(f"{SVG}text")][1::2] == ["50", "100", "150", "-5", "25"]


def test_bar_colours_follow_the_score_tones_or_one_colour():
    root = parse(charts.bar_chart_svg([("good", 75), ("fair", 45), ("poor", 10)], title="t"))
    assert [b.get("fill") for b in rects(root)[1::2]] == ["#1f7a3d", "#9a6400", "#b3261e"]
    plain = parse(charts.bar_chart_svg([("a", 75), ("b", 10)], title="t", tones=()))
    assert {b.get("fill") for b in rects(plain)[1::2]} == {charts.ACCENT}


def test_line_points_sit_in_proportion_to_time_and_value():
    start = dt.date(2026, 1, 1)
    points = [(start, 0), (start + dt.timedelta(days=1), 500), (start + dt.timedelta(days=4), 1000)]
    root = parse(charts.line_chart_svg(points, title="t", y_min=0, y_max=1000, width=640, height=240))
    left, top, plot_w, plot_h = 44, 12, 640 - 44 - 12, 240 - 12 - 28
    circles = [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]
    expected = [(left, top + plot_h), (left + plot_w / 4, top + plot_h / 2), (left + plot_w, top)]
    assert circles == [pytest.approx(p, abs=0.05) for p in expected]
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels[-2:] == ["2026-01-01", "2026-01-05"]
    assert [t.text for t in root.iter(f"{SVG}title")][1:] == [
        "2026-01-01: 0",
        "2026-01-02: 500",
        "2026-01-05: 1000",
    ]


def test_bands_cover_their_range_and_take_the_palette_in_order():
    bands = [{"low": 500, "high": 1000, "label": "good"}, charts.Band(0, 500, "bad", colour="#123456")]
    root = parse(charts.line_chart_svg([], title="t", y_min=0, y_max=1000, height=240))
    assert len(rects(root)) == 1  # only the frame when there are no bands
    root = parse(charts.line_chart_svg([], title="t", y_min=0, y_max=1000, height=240, bands=bands))
    good, bad = rects(root)[:2]
    plot_h = 240 - 12 - 28
    assert (float(good.get("y")), float(good.get("height"))) == (12, plot_h / 2)
    assert (float(bad.get("y")), float(bad.get("height"))) == (12 + plot_h / 2, plot_h / 2)
    assert (good.get("fill"), bad.get("fill")) == (charts.BAND_PALETTE[0], "#123456")


def test_one_point_is_drawn_in_the_middle():
    root = parse(charts.line_chart_svg([(dt.datetime(2026, 3, 1, tzinfo=dt.UTC), 40)], title="t"))
    (circle,) = root.iter(f"{SVG}circle")
    assert float(circle.get("cx")) == 44 + (640 - 44 - 12) / 2


def test_a_chart_inside_a_pdf_keeps_its_chinese_face(test_templates, tmp_path):
    chart = charts.bar_chart_svg([("贸易表现", 72), ("Insurance", 35)], title="分项评分", reference=50)
    document = pdf.render_pdf(PAGE, {"number": "R-1", "chart": mark_safe(chart)}, language="en")
    words = poppler("pdftotext", document, tmp_path)
    assert "贸易表现" in words and "Insurance" in words and "72" in words
    fonts = poppler("pdffonts", document, tmp_path)
    # Without font-family on the <svg>, WeasyPrint draws its text in DejaVu and the Japanese CJK face.
    assert "Noto-Sans-CJK-SC" in fonts and "CJK-JP" not in fonts and "DejaVu" not in fonts


def test_credit_pages_draw_through_the_functions_settings_name(settings):
    from credit import charts as credit_charts

    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    history = credit_charts.index_history_svg(
        [(when, 640), (when + dt.timedelta(days=30), 700)], title="History"
    )
    root = parse(history)
    band_labels = [t.text for t in root.iter(f"{SVG}text")][:8]
    assert band_labels == ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "C"]
    assert history == charts.line_chart_svg(
        [(when, 640), (when + dt.timedelta(days=30), 700)],
        title="History",
        y_min=0,
        y_max=1000,
        bands=credit_charts.grade_bands(),
    )
    settings.CREDIT_CHARTS = {"line": "marketplace.core.charts.line_chart_svg"}
    with pytest.raises(ImproperlyConfigured, match=r'CREDIT_CHARTS\["bars"\]'):
        credit_charts.subscore_bars_svg([("Insurance", 50)])
