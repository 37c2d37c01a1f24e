"""The route sheets: one A4 page per bus run, the permit's dossier, read back from the files.

The demo is planned and written once; every sheet is checked against ``plan.json`` read
back from the output folder, and printed in a real headless Chromium in both languages.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from geodata.kinds import Hazard
from geodata.road_names import edge_stretch, path_stretches
from geodata.speeds import SpeedModel
from optimizer import verify
from optimizer.outputs.figures import hhmm
from optimizer.outputs.route_sheets import render_route_sheets
from optimizer.plan import Plan
from optimizer.route_roads import RoadStretch
from tests.browser import layout_problems, needs_chromium, pdf_page_sizes, print_to_pdf
from tests.demo_outputs import DemoOutputs, demo_outputs
from tests.test_chinese_words import english_words, visible_text

A4_PT = (595.3, 841.9)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoOutputs:
    return demo_outputs(tmp_path_factory.mktemp("sheets"))


def _sheets(page: str) -> dict[str, str]:
    """Route id -> the HTML of its sheet."""
    return dict(re.findall(r'<section class="sheet" id="([^"]+)">(.*?)</section>', page, re.S))


def test_every_route_has_a_sheet_with_its_yard_times_roads_and_blanks(demo: DemoOutputs) -> None:
    plan = Plan.from_json((demo.out / "plan.json").read_text(encoding="utf-8"))
    assert plan.routes
    sheets = _sheets((demo.out / "route_sheets.html").read_text(encoding="utf-8"))
    assert sorted(sheets) == sorted(r.id for r in plan.routes)
    depots = dict(zip(demo.region.depots["id"], demo.region.depots["name"]))
    named = 0
    for r in plan.routes:
        sheet = sheets[r.id]
        assert f"{depots[r.start]} ({r.start})" in sheet  # the yard by its name
        assert "data:image/png;base64," in sheet  # its own map, inlined
        for s in r.stops:  # the morning's times at each stop
            assert f"{hhmm(s.arrive_s)} / {hhmm(s.depart_s)}" in sheet
        for run in r.afternoon:  # the afternoon runs' arrival at each stop
            for s in run.stops:
                assert hhmm(s.arrive_s) in sheet
            assert f"leaves {r.school}" in sheet or r.school in sheet
        for blank in ("Vehicle plate", "Driver", "Bus attendant", "Phone", "Applicant"):
            assert blank in sheet
        refs = {s.ref for s in r.roads if s.ref}
        named += bool(refs)
        assert all(ref in sheet for ref in refs)
        assert sum(s.length_m for s in r.roads) <= r.distance_m + len(r.roads)
    assert named >= len(plan.routes) // 2  # the demo's county roads carry numbers (S231...)


def test_the_plan_with_its_road_lists_verifies_and_reads_back(demo: DemoOutputs) -> None:
    text = (demo.out / "plan.json").read_text(encoding="utf-8")
    assert Plan.from_json(text) == demo.plan
    assert all(r["roads"] and r["start_name"] for r in json.loads(text)["routes"])
    assert verify(demo.plan, demo.problem) == []
    r = demo.plan.routes[0]
    longer = replace(r, roads=(*r.roads, RoadStretch("", "", r.distance_m)))
    broken = replace(demo.plan, routes=(longer, *demo.plan.routes[1:]))
    assert "route roads" in {v.rule for v in verify(broken, demo.problem)}


def test_a_hazard_section_is_listed_with_its_road_and_length(demo: DemoOutputs) -> None:
    r = demo.plan.routes[0]
    steep = RoadStretch("Shanhou Road", "X181", 1234, (Hazard.STEEP, Hazard.NARROW))
    plan = replace(demo.plan, routes=(replace(r, roads=(*r.roads, steep)),))
    page = render_route_sheets(plan, language="en")
    assert "Shanhou Road (X181)" in page and "1.2 km" in page
    assert "steep slope, narrow road" in page
    assert "No steep, narrow or unpaved section" not in page
    zh = render_route_sheets(plan, language="zh")
    assert "陡坡、窄路" in zh and "1.2 公里" in zh


def test_the_demo_road_graph_marks_its_hill_roads_as_hazards(demo: DemoOutputs) -> None:
    """The demo's hill roads (track, gravel, width 3, incline 12 %) are hazard stretches."""
    net = demo.region.network
    kinds = {d.get("schoolplan_hazard") for _, _, d in net.graph.edges(data=True)}
    assert {"steep", "narrow", "track,unpaved"} <= kinds


def test_the_chinese_sheets_have_no_english_word(demo: DemoOutputs) -> None:
    plan = demo.plan
    page = render_route_sheets(plan, language="zh", road_lines=demo.region.road_lines())
    assert english_words(visible_text(page), plan) == []
    assert "照管员" in page and "车牌号" in page and "驾驶人" in page and "到校" in page


def test_the_sheets_are_in_the_manifest_and_the_report_links_them(demo: DemoOutputs) -> None:
    manifest = json.loads((demo.out / "manifest.json").read_text(encoding="utf-8"))
    assert {"route_sheets.html", "notices.html"} <= set(json.dumps(manifest).split('"'))
    report = (demo.out / "report.html").read_text(encoding="utf-8")
    assert 'href="route_sheets.html"' in report
    assert all(f'href="route_sheets.html#{r.id}"' in report for r in demo.plan.routes)


def test_the_same_plan_gives_the_same_bytes(demo: DemoOutputs) -> None:
    again = render_route_sheets(demo.plan, language="en", road_lines=demo.region.road_lines())
    assert again == (demo.out / "route_sheets.html").read_text(encoding="utf-8")


@needs_chromium
@pytest.mark.parametrize("language", ["en", "zh"])
def test_each_sheet_prints_on_exactly_one_a4_page(
    demo: DemoOutputs, tmp_path: Path, language: str
) -> None:
    page = tmp_path / f"sheets-{language}.html"
    page.write_text(
        render_route_sheets(demo.plan, language=language, road_lines=demo.region.road_lines()),
        encoding="utf-8",
    )
    sizes = pdf_page_sizes(print_to_pdf(tmp_path, page))
    assert len(sizes) == len(demo.plan.routes)
    assert all(abs(w - A4_PT[0]) < 1 and abs(h - A4_PT[1]) < 1 for w, h in sizes)
    found = layout_problems(tmp_path, page, width=round((210 - 24) / 25.4 * 96))
    assert found["wide"] == [], found["wide"][:5]  # nothing past an A4 page's text width
    assert found["cramped"] == []


@needs_chromium
@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_run_of_eight_stops_still_prints_on_one_page(
    demo: DemoOutputs, tmp_path: Path, language: str
) -> None:
    """Twice the demo's longest run, each stop with its two afternoon drop-offs: the map
    shrinks (``map_mm``) so that the sheet stays one page."""
    r = max(demo.plan.routes, key=lambda r: len(r.stops))
    villages = sorted({(a.village, a.village_name) for a in demo.plan.assignments})
    stops = tuple(
        replace(r.stops[k % len(r.stops)], village=v, village_name=name)
        for k, (v, name) in enumerate(villages[:8])
    )
    runs = tuple(
        replace(run, stops=tuple(replace(run.stops[0], village=s.village) for s in stops))
        for run in r.afternoon
    )
    long_run = replace(r, stops=stops, afternoon=runs, roads=r.roads * 3)
    page = tmp_path / f"eight-{language}.html"
    html = render_route_sheets(
        replace(demo.plan, routes=(long_run,)),
        language=language,
        road_lines=demo.region.road_lines(),
    )
    page.write_text(html, encoding="utf-8")
    assert len(pdf_page_sizes(print_to_pdf(tmp_path, page))) == 1


def test_each_hazard_stretch_has_the_kinds_its_tags_give(monkeypatch) -> None:
    """Every 20 km/h edge of the demo's road graph, read as a stretch: the hazard kinds of
    its OSM tags (incline, width, surface, track) and the length the travel times use.
    The graph read the osmnx way keeps every tag on its edges (the array reading keeps
    only what the sheets read, the same stretches: tests/test_fast_network.py)."""
    import geodata.region as region_mod
    from geodata.region import RegionFiles, load_region

    monkeypatch.setattr(region_mod, "array_roads", lambda *args: None)
    folder = Path(__file__).resolve().parents[1] / "scenarios" / "demo_county"
    files = RegionFiles(
        folder / "roads.osm", folder / "villages.csv", folder / "schools.csv", folder / "depots.csv"
    )
    net = load_region(
        files, speeds=SpeedModel(track_grades=("grade1", "grade3", "untagged"))
    ).network
    index = {int(n): i for i, n in enumerate(net.node_ids)}
    speeds = SpeedModel(track_grades=("grade1", "grade3", "untagged"))
    seen = 0
    for u, v, data in net.graph.edges(data=True):
        if not data.get("schoolplan_hazard"):
            continue
        stretch = edge_stretch(net, index[u], index[v])
        assert set(stretch.hazards) == set(speeds.hazards(data)) and stretch.hazards
        assert stretch.length_m == pytest.approx(float(net.length_csr[index[u], index[v]]))
        seen += 1
        last = (index[u], index[v], stretch)
    assert seen >= 10
    a, b, stretch = last
    (piece,) = path_stretches(net, [[a, b]])  # the last hazard edge, as a path
    assert piece == stretch
