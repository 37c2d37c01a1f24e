"""The print map is a sheet for a hearing: A3 or A4 landscape, titled, stamped, dated, named.

The PDF is read back: its page size (the MediaBox), and its text (pypdf, where installed:
the title, the stamp, the issuing body, the date and the schools' names are text, not
outlines). Chinese is checked where the machine has a CJK font (:func:`cjk_font`).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import unicodedata
from dataclasses import replace

import pytest
from matplotlib.figure import Figure
from PIL import Image

from optimizer.outputs.catchments import catchments
from optimizer.outputs.maps.names import place_names
from optimizer.outputs.maps.sheet import PrintSheet, legend_line
from optimizer.outputs.maps.static import DPI, cjk_font, draw_plan, render_static_map
from optimizer.plan import Plan, Status
from optimizer.scenario.schema import Output, Paper
from optimizer.scenario.yaml_reader import load_yaml
from tests.browser import pdf_page_sizes
from tests.sample_plan import sample_plan
from tests.test_chinese_words import english_words
from tests.test_outputs import ROADS

#: Landscape sheets in points (width, height).
SHEETS_PT = {Paper.A4: (842, 595), Paper.A3: (1191, 842)}


def _render(plan: Plan, sheet: PrintSheet, language: str = "en") -> dict[str, bytes]:
    return render_static_map(
        plan,
        language=language,
        road_lines=ROADS,
        catchments=catchments(plan, ROADS),
        formats=("png", "pdf"),
        sheet=sheet,
    )


def _pdf_text(pdf: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 1
    return pages[0].extract_text()


@pytest.mark.parametrize("paper", [Paper.A4, Paper.A3])
def test_the_sheet_is_a4_or_a3_landscape(paper: Paper) -> None:
    out = _render(sample_plan(), PrintSheet(paper=paper))
    ((w, h),) = pdf_page_sizes(out["pdf"])
    assert abs(w - SHEETS_PT[paper][0]) < 1 and abs(h - SHEETS_PT[paper][1]) < 1
    png = Image.open(io.BytesIO(out["png"]))
    assert abs(png.width / png.height - w / h) < 0.002  # the PNG is the same page
    assert abs(png.width - w / 72 * DPI) <= 1


def test_the_default_sheet_is_a3() -> None:
    assert Output().paper is Paper.A3 and PrintSheet().paper is Paper.A3
    ((w, h),) = pdf_page_sizes(render_static_map(sample_plan(), formats=("pdf",))["pdf"])
    assert (round(w), round(h)) == SHEETS_PT[Paper.A3]


def test_the_sheet_says_what_it_is_in_text() -> None:
    plan = sample_plan()
    sheet = PrintSheet(Paper.A4, dt.date(2026, 12, 1), "Anqiu Education and Sports Bureau")
    text = _pdf_text(_render(plan, sheet)["pdf"])
    for words in (
        plan.scenario,
        "School consolidation plan",
        "Draft for consultation",
        "Issued by: Anqiu Education and Sports Bureau",
        "Date: 1 December 2026",
        "Hexi Central School",  # receiving
        "Shangping <Village> School",  # closed
        "R001",  # the route's number
        "km",
    ):
        assert words in text, words
    blank = _pdf_text(_render(plan, PrintSheet(Paper.A4))["pdf"])
    assert "Date: ____" in blank and "Issued by: ____" in blank
    assert "2026" not in blank  # no date from the clock


@pytest.mark.skipif(cjk_font() is None, reason="no CJK font on this machine")
def test_the_chinese_sheet() -> None:
    plan = sample_plan()
    sheet = PrintSheet(Paper.A3, dt.date(2026, 3, 9), "XX县教育和体育局")
    text = _pdf_text(_render(plan, sheet, "zh")["pdf"])
    for words in (
        "学校布局调整方案",
        "征求意见稿",
        "编制单位：XX县教育和体育局",
        "日期：2026年3月9日",
        "公里",
        "北",
        "Hexi Central School",
    ):
        assert words in text, words
    assert english_words(text.replace(sheet.issuer, " "), plan) == []  # no English word left


def test_the_same_plan_gives_the_same_bytes() -> None:
    sheet = PrintSheet(Paper.A4, dt.date(2026, 12, 1), "XX")
    first, second = _render(sample_plan(), sheet), _render(sample_plan(), sheet)
    assert first == second
    assert b"CreationDate" not in first["pdf"] and b"Software" not in first["png"]


def _crowded() -> Plan:
    """The sample plan with eight more kept schools piled at the receiving school."""
    plan = sample_plan()
    kept = replace(plan.schools[0], status=Status.KEPT, investment={}, capital_cost=0)
    extra = tuple(
        replace(kept, id=f"K{n:02d}", name=f"Kept School Number {n}", lon=110.0 + n * 1e-4)
        for n in range(8)
    )
    return replace(plan, schools=(*plan.schools, *extra))


def test_names_never_overlap_and_the_hearing_s_schools_come_first() -> None:
    plan = _crowded()
    fig = Figure(figsize=PrintSheet(Paper.A4).size_in, dpi=DPI)
    ax = fig.add_axes((0.05, 0.05, 0.7, 0.85))
    draw_plan(ax, plan, road_lines=ROADS)
    placed = place_names(ax, plan)
    assert {"S01", "S02"} <= set(placed.schools)  # receiving and closed: named
    assert placed.left_out and all(sid.startswith("K") for sid in placed.left_out)
    assert placed.routes == ("R001",)
    renderer = fig.canvas.get_renderer()
    names = {s.name for s in plan.schools}
    boxes = [
        t.get_window_extent(renderer)
        for t in ax.texts
        if t.get_text() in names and t.get_color() != "white"  # the halo copies
    ]
    assert len(boxes) == len(placed.schools)
    assert not [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]


def test_the_sheet_settings_are_read_and_checked() -> None:
    out = Output.model_validate({"paper": "a4", "date": "2026-12-01", "issuer": "XX县教育局"})
    assert (out.paper, out.date, out.issuer) == (Paper.A4, dt.date(2026, 12, 1), "XX县教育局")
    assert PrintSheet.of(out) == PrintSheet(Paper.A4, dt.date(2026, 12, 1), "XX县教育局")
    assert load_yaml("date: 2026-12-01") == {"date": "2026-12-01"}  # text for the schema
    for bad in ("2026-13-01", "2026-12-1", "20261201", 20261201, "2026-12-01 10:00"):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            Output.model_validate({"date": bad})
    with pytest.raises(ValueError, match="a4"):
        Output.model_validate({"paper": "a5"})


def test_long_legend_words_are_broken_into_lines() -> None:
    assert legend_line("R001: route number (see the route sheets)", 20) == (
        "R001: route number\n(see the route\nsheets)"
    )
    lines = legend_line("另有 11 所学校因图面重叠未标注名称", 18).split("\n")
    columns = [sum(2 if unicodedata.east_asian_width(c) == "W" else 1 for c in x) for x in lines]
    assert len(lines) == 2 and max(columns) <= 18  # a Chinese character is two columns wide
