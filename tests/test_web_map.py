"""The parents' web map: names by zoom, the search box, route colours, panes, the layer
control, the offline background, the reasons in popups and the afternoon runs."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from pathlib import Path

import osmnx as ox
import pytest

from geodata.background import read_background
from optimizer.cli import main
from optimizer.outputs.figures import hhmm
from optimizer.outputs.maps.finder import LABEL_ZOOM
from optimizer.outputs.maps.route_colours import (
    NEIGHBOUR_KM,
    OVER_LIMIT_MARK,
    ROUTE_PALETTE,
    _gap_km,
    _points,
    delta_e,
    route_colours,
    route_labels,
)
from optimizer.outputs.maps.web import external_references, render_map
from optimizer.outputs.money_view import WHY, closure_reason_cells
from optimizer.plan import Plan
from optimizer.reasons import PlacementReason, WhyNot
from tests.browser import browse, needs_chromium
from tests.conftest import ROOT, write_tiny_region
from tests.sample_plan import sample_plan
from tests.test_chinese_words import english_words, map_text

DEMO = ROOT / "scenarios" / "demo.yaml"
DEMO_ROADS = ROOT / "scenarios" / "demo_county" / "roads.osm"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo run in English and in Chinese: ``en/`` and ``zh/``."""
    tmp = tmp_path_factory.mktemp("webmap")
    assert main(["run", str(DEMO), "--out", str(tmp / "en")]) == 0
    assert main(["run", str(DEMO), "--out", str(tmp / "zh"), "--language", "zh"]) == 0
    return tmp


def _plan(folder: Path) -> Plan:
    return Plan.from_json((folder / "plan.json").read_text(encoding="utf-8"))


def _run_in_page(tmp: Path, page: Path, script: str, name: str) -> dict:
    """Open ``page`` with ``script`` run after load (``map`` is the Leaflet map; the
    script calls ``report(value)`` once); the value reported."""
    text = page.read_text(encoding="utf-8")
    var = re.search(r"var (map_\d+) = L\.map", text).group(1)
    probe = (
        "<script>window.addEventListener('load', function () {"
        f"var map = {var};"
        "function report(v) { var out = document.createElement('pre');"
        " out.id = 'sp-probe'; out.textContent = JSON.stringify(v);"
        " document.body.appendChild(out); }"
        f"{script}}});</script></body>"
    )
    copy = tmp / f"probe-{name}.html"
    copy.write_text(text.replace("</body>", probe), encoding="utf-8")
    done = browse(tmp, copy, "--window-size=1200,900", "--dump-dom")
    found = re.search(r'<pre id="sp-probe">(.*?)</pre>', done.stdout, flags=re.S)
    assert found is not None, done.stderr[-3000:]
    return json.loads(html.unescape(found.group(1)))


_LABEL_AT_ZOOM = """
var village = %s, school = %s;
function shown(name, kind) {
  var el = Array.from(document.querySelectorAll('.sp-lbl-' + kind))
    .find(function (e) { return e.textContent === name; });
  return el ? getComputedStyle(el).display !== 'none' : null;
}
var out = {};
map.setView(%s, %d, {animate: false});
out.before = {village: shown(village, 'village'), school: shown(school, 'school')};
map.setView(%s, %d, {animate: false});
out.after = {village: shown(village, 'village'), school: shown(school, 'school')};
function z(cls) {
  return +getComputedStyle(document.querySelector('.leaflet-' + cls + '-pane')).zIndex;
}
out.panes = {closed: z('sp-closed'), stops: z('sp-stops'), after: z('sp-after'),
  villages: z('sp-villages'), background: z('sp-background'), overlay: z('overlay')};
out.closedInPane = document.querySelectorAll(
  '.leaflet-sp-closed-pane path.sp-closed').length;
var control = document.querySelector('.leaflet-control-layers');
out.control = {collapsed: !control.classList.contains('leaflet-control-layers-expanded'),
  width: control.getBoundingClientRect().width};
var legend = document.querySelector('.sp-legend'), r = legend.getBoundingClientRect();
var under = map.containerPointToLatLng([r.left + r.width / 2, r.top + r.height / 2]);
out.legendBefore = legend.open;
L.popup({autoPan: false}).setLatLng(under).setContent('<b>x</b>').openOn(map);
out.legendAfter = legend.open;
report(out);
"""


@needs_chromium
def test_names_show_from_their_zoom_and_closed_schools_lie_on_top(demo: Path) -> None:
    plan = _plan(demo / "en")
    village = next(a for a in plan.assignments if a.pupils > 0)
    school = next(s for s in plan.schools if s.status != "closed")
    at = json.dumps([village.lat, village.lon])
    script = _LABEL_AT_ZOOM % (
        json.dumps(village.village_name), json.dumps(school.name),
        at, LABEL_ZOOM["villages"] - 1, at, LABEL_ZOOM["villages"],
    )  # fmt: skip
    out = _run_in_page(demo, demo / "en" / "map.html", script, "zoom")
    assert out["before"]["village"] is False  # present, hidden below the village zoom
    assert out["after"]["village"] is True
    assert out["before"]["school"] is True  # schools named from the county zoom
    panes = out["panes"]
    assert panes["closed"] > panes["after"] > panes["villages"] > panes["stops"] > panes["overlay"]
    assert panes["background"] < panes["overlay"]
    closed = sum(1 for s in plan.schools if s.status == "closed")
    assert out["closedInPane"] == closed > 0
    assert out["control"]["collapsed"] and out["control"]["width"] < 60  # an icon
    assert out["legendBefore"] is True and out["legendAfter"] is False  # folds from a popup


_SEARCH = """
var opened = null;
map.on('popupopen', function (e) { var ll = e.popup.getLatLng(); opened = [ll.lat, ll.lng]; });
var input = document.getElementById('sp-find-input');
input.value = %s;
input.dispatchEvent(new Event('input'));
var items = Array.from(document.querySelectorAll('#sp-find-list li'))
  .map(function (li) { return li.textContent; });
document.querySelector('#sp-find-list li').click();
var tries = 0;
(function done() {  // the flight's end: a whole zoom and the popup open (or 10 s)
  var popup = document.querySelector('.leaflet-popup-content');
  if ((!popup || map.getZoom() %% 1 !== 0) && ++tries < 50) return setTimeout(done, 200);
  report({items: items, popup: popup ? popup.textContent : null, zoom: map.getZoom(),
    at: opened});
})();
"""


def _chinese_sample() -> Plan:
    plan = sample_plan()
    renamed = tuple(
        dataclasses.replace(a, village_name="上坪村") if a.village == "V02" else a
        for a in plan.assignments
    )
    return dataclasses.replace(plan, assignments=renamed)


@needs_chromium
@pytest.mark.parametrize(
    ("language", "typed", "village"),
    [("zh", "上坪", "上坪村"), ("en", "shang", "Shangping"), ("en", "v03", "Lingkou")],
)
def test_the_search_box_finds_a_village_and_opens_its_popup(
    tmp_path: Path, language: str, typed: str, village: str
) -> None:
    plan = _chinese_sample() if language == "zh" else sample_plan()
    page = tmp_path / "map.html"
    page.write_text(render_map(plan, language=language), encoding="utf-8")
    out = _run_in_page(tmp_path, page, _SEARCH % json.dumps(typed), "search")
    assert out["items"][0].startswith(village)
    assert out["popup"] is not None and out["popup"].startswith(village)
    where = next(a for a in plan.assignments if a.village_name == village)
    assert out["at"] == pytest.approx([where.lat, where.lon], abs=1e-6)
    assert out["zoom"] >= LABEL_ZOOM["villages"]


def test_route_colours_differ_from_the_over_limit_mark_and_between_neighbours(
    demo: Path,
) -> None:
    plan = _plan(demo / "en")
    colours, labels = route_colours(plan), route_labels(plan)
    assert len(plan.routes) >= 5  # enough routes that a school's or neighbours' could clash
    assert set(colours.values()) <= set(ROUTE_PALETTE)
    for colour in ROUTE_PALETTE:
        assert delta_e(colour, OVER_LIMIT_MARK) > 35, colour
        assert delta_e(colour, "#000000") > 30, colour  # no navy or black either
    for a in plan.routes:
        for b in plan.routes:
            near = _gap_km(_points(a), _points(b)) <= NEIGHBOUR_KM
            if a.id < b.id and (a.school == b.school or near):
                assert delta_e(colours[a.id], colours[b.id]) > 20, (a.id, b.id)
    # labels: the school and the route's number among its routes
    assert labels[plan.routes[0].id] == f"{plan.routes[0].school}-1"
    assert len(set(labels.values())) == len(plan.routes)
    page = (demo / "en" / "map.html").read_text(encoding="utf-8")
    stop = plan.routes[0].stops[0]
    assert f"{labels[plan.routes[0].id]}·1</span>" in page
    assert stop.village_name in page
    assert OVER_LIMIT_MARK in page and "Over a journey limit (red dashed ring)" in page
    assert "超出时限（红色虚线圈）" in (demo / "zh" / "map.html").read_text(encoding="utf-8")


def test_the_layer_control_starts_collapsed(demo: Path) -> None:
    page = (demo / "en" / "map.html").read_text(encoding="utf-8")
    assert re.search(r'"collapsed": true', page)
    assert external_references(page) == []


def test_the_background_comes_from_an_osm_file_and_not_from_graphml(tmp_path: Path) -> None:
    plan = sample_plan()
    background = read_background(DEMO_ROADS)
    assert background.available and not background.empty
    page = render_map(plan, background=background)
    for cover in ("water", "forest", "farmland", "residential", "river"):
        assert f"sp-bg sp-bg-{cover}" in page, cover
    assert '"pane": "sp-background"' in page and '"interactive": false' in page
    assert "Background: water, land use and place names from roads.osm" in page
    assert external_references(page) == []
    # GraphML: no features, and the map says so
    write_tiny_region(tmp_path)
    graph = ox.graph_from_xml(tmp_path / "roads.osm", simplify=False, retain_all=True)
    graphml = tmp_path / "roads.graphml"
    ox.save_graphml(graph, graphml)
    none = read_background(graphml)
    assert not none.available and none.empty
    page = render_map(plan, background=none)
    assert "sp-bg " not in page
    assert "No background: roads.graphml is a GraphML road graph" in page
    zh = render_map(plan, language="zh", background=none)
    assert "无底图：roads.graphml 为 GraphML 道路图" in zh


def test_a_closed_schools_popup_gives_the_reason_the_report_gives(demo: Path) -> None:
    for language in ("en", "zh"):
        plan = _plan(demo / language)
        page = (demo / language / "map.html").read_text(encoding="utf-8")
        report = (demo / language / "report.html").read_text(encoding="utf-8")
        assert len(plan.reasons) == sum(s.status == "closed" for s in plan.schools) > 0
        for reason in plan.reasons:
            cells = closure_reason_cells(reason, language)
            popup = "".join(
                f'<tr><td>{html.escape(k)}</td><td class="n">{html.escape(v)}</td></tr>'
                for k, v in cells
            )
            assert popup in page, reason.school
            row = re.search(rf"<tr><td>{reason.school}</td>(.*?)</tr>", report)
            assert row is not None, reason.school
            values = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
            assert values == [html.escape(v) for _, v in cells]


def test_afternoon_runs_are_drawn_with_their_stop_times(demo: Path) -> None:
    plan = _plan(demo / "en")
    page = (demo / "en" / "map.html").read_text(encoding="utf-8")
    with_runs = [r for r in plan.routes if r.afternoon]
    assert with_runs
    assert page.count('"className": "sp-afternoon"') == len(with_runs)
    assert '"Afternoon runs home (dashed)"' in page
    run = with_runs[0].afternoon[0]
    assert (
        f'<td>{run.stops[0].village_name}</td><td class="n">{hhmm(run.stops[0].arrive_s)}' in page
    )


def test_a_village_band_over_its_limit_says_why_not_the_nearer_school() -> None:
    plan = sample_plan()
    why = PlacementReason(
        "V02", "p46", "S01", "S02", WhyNot.CLOSED, "S02 closes (12 min away)", nearer_min=12
    )
    plan = dataclasses.replace(plan, placements=(why,))
    names = {s.id: s.name for s in plan.schools}
    page = render_map(plan)
    row = "".join(
        f"<td>{html.escape(c)}</td>"
        for c in (
            "Grades 4-6",
            f"{names['S01']} (S01)",
            f"{names['S02']} (S02)",
            WHY["en"]["closed"],
            "S02 closes (12 min away)",
        )
    )
    assert "<b>Why not the nearer school</b>" in page and row in page
    zh = render_map(plan, language="zh")
    assert (
        "<b>为何不去更近的学校</b>" in zh
        and f"<td>{WHY['zh']['closed']}</td><td>S02撤并（路程12分钟）</td></tr>" in zh
    )


def test_the_chinese_map_with_reasons_and_background_has_no_english_word() -> None:
    plan = sample_plan()
    why = PlacementReason(
        "V02", "p46", "S01", "S02", WhyNot.FULL, "S02 holds 40 of 40 places", 0, 0, 40, 40
    )
    plan = dataclasses.replace(plan, placements=(why,))
    page = render_map(plan, language="zh", background=read_background(DEMO_ROADS))
    assert english_words(map_text(page), plan) == []
    assert "查找村庄或学校" in page and "图例" in page
