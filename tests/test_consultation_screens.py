"""The consultation documents as a reader sees them, in headless Chromium, in both languages.

The demo's map at county and at village zoom, the report's A4 pages, one route sheet
and one notice to parents are opened in Chromium and screenshotted (or printed); the
screenshots must show a drawn page (not blank paper), the map its village names at
village zoom and its search box, routes in colours told apart, every printed page A4
with nothing past its edge, and the Chinese pages no untranslated English word.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from optimizer.outputs.folder import write_plan
from optimizer.plan import Plan
from optimizer.planning.flow import make_plan
from optimizer.scenario.schema import load_scenario
from tests.browser import (
    browse,
    distinct_colours,
    layout_problems,
    needs_chromium,
    pdf_page_sizes,
    print_to_pdf,
)
from tests.conftest import ROOT
from tests.test_chinese_words import english_words, map_text, visible_text

A4 = (595.92, 842.88)
pytestmark = needs_chromium


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Plan]:
    """The demo planned once and written as ``schoolplan run`` writes it, in en and zh."""
    tmp = tmp_path_factory.mktemp("screens")
    scenario = load_scenario(ROOT / "scenarios" / "demo.yaml")
    region = scenario.load_region(cache_dir=tmp / "cache")
    plan, _ = make_plan(scenario, region)
    for language in ("en", "zh"):
        write_plan(scenario, plan, region, tmp / language, language=language)
    return tmp, plan


_VIEW = """<script>window.addEventListener('load', function () {
  var map = %s;
  map.setView([%f, %f], %d, {animate: false});
  setTimeout(function () {
    var shown = Array.from(document.querySelectorAll('.sp-lbl-village'))
      .filter(function (e) { return getComputedStyle(e).display !== 'none'; })
      .map(function (e) { return e.textContent; });
    var colours = Array.from(document.querySelectorAll('path.sp-route'))
      .map(function (e) { return e.getAttribute('stroke'); });
    var out = document.createElement('pre');
    out.id = 'sp-probe';
    out.style.display = 'none';
    out.textContent = JSON.stringify({shown: shown, colours: colours,
      search: !!document.getElementById('sp-find-input')});
    document.body.appendChild(out);
  }, 300);
});</script></body>"""


def _map_view(tmp: Path, page: Path, lat: float, lon: float, zoom: int, name: str):
    """Screenshot ``page`` at ``zoom`` over (lat, lon); the probe's findings and the PNG."""
    text = page.read_text(encoding="utf-8")
    var = re.search(r"var (map_\w+) = L\.map\(", text).group(1)
    copy = tmp / f"view-{name}.html"
    copy.write_text(text.replace("</body>", _VIEW % (var, lat, lon, zoom)), encoding="utf-8")
    png = tmp / f"{name}.png"
    browse(tmp, copy, "--window-size=1200,900", f"--screenshot={png}")
    dom = browse(tmp, copy, "--window-size=1200,900", "--dump-dom").stdout
    found = re.search(r'<pre id="sp-probe"[^>]*>(.*?)</pre>', dom, flags=re.S)
    assert found is not None
    return json.loads(html.unescape(found.group(1))), png


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_map_at_county_and_village_zoom(demo, tmp_path: Path, language: str) -> None:
    out, plan = demo
    page = out / language / "map.html"
    lat = sum(s.lat for s in plan.schools) / len(plan.schools)
    lon = sum(s.lon for s in plan.schools) / len(plan.schools)
    county, county_png = _map_view(tmp_path, page, lat, lon, 10, f"county-{language}")
    assert distinct_colours(county_png) > 200  # roads, catchments, places: not blank paper
    assert county["search"] and county["shown"] == []  # village names wait for a closer zoom
    colours = county["colours"]  # one path per route, drawn in the plan's order
    assert len(colours) == len(plan.routes) and "#e0001b" not in colours  # not the over mark
    for i, a in enumerate(plan.routes):  # a school's routes (P01-1, P01-2) told apart
        for j, b in enumerate(plan.routes[:i]):
            assert a.school != b.school or colours[i] != colours[j], (a.id, b.id)
    moved = next(a for a in plan.assignments if a.moved)
    village, village_png = _map_view(tmp_path, page, moved.lat, moved.lon, 14, f"v-{language}")
    assert distinct_colours(village_png) > 200
    assert moved.village_name in village["shown"]
    if language == "zh":
        assert english_words(map_text(page.read_text(encoding="utf-8")), plan) == []


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_report_sheets_and_notices_print_on_a4(demo, tmp_path: Path, language: str) -> None:
    out, plan = demo
    for name, pages in (("report.html", None), ("route_sheets.html", len(plan.routes))):
        page = out / language / name
        sizes = pdf_page_sizes(print_to_pdf(tmp_path, page))
        assert sizes and all(abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2 for w, h in sizes)
        assert pages is None or len(sizes) == pages, name
        assert layout_problems(tmp_path, page)["wide"] == [], name
    notices = out / language / "notices.html"
    sizes = pdf_page_sizes(print_to_pdf(tmp_path, notices))
    text = notices.read_text(encoding="utf-8")
    assert len(sizes) >= 2 and all(abs(w - A4[0]) < 2 for w, _ in sizes)
    for name in ("route_sheets.html", "notices.html"):  # the first page, as printed
        png = tmp_path / f"{name}-{language}.png"
        browse(tmp_path, out / language / name, "--window-size=794,1123", f"--screenshot={png}")
        assert distinct_colours(png) > 20, name
    if language == "zh":
        for name in ("report.html", "route_sheets.html", "notices.html"):
            page = (out / language / name).read_text(encoding="utf-8")
            assert english_words(visible_text(page), plan) == [], name
        assert "告家长书" in text
