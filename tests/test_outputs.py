"""The map and the report: offline, deterministic, translated, and drawn by a real browser."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from optimizer.outputs import figures
from optimizer.outputs.catchments import catchments
from optimizer.outputs.maps.static import render_static_map
from optimizer.outputs.maps.web import render_map
from optimizer.outputs.report import render_report
from optimizer.outputs.route_sheets import render_route_sheets
from optimizer.outputs.tables import plan_tables
from optimizer.plan import Plan
from tests.browser import browse, distinct_colours, needs_chromium
from tests.sample_plan import alternative_plan, sample_plan

#: Two roads near the sample plan's places, (lon, lat).
ROADS = (
    ((110.000, 30.000), (110.012, 30.006), (110.040, 30.020), (110.046, 30.031), (110.050, 30.040)),
    ((110.000, 30.000), (110.030, 30.000), (110.052, 30.041)),
)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return sample_plan()


@pytest.fixture(scope="module")
def map_html(plan: Plan) -> str:
    return render_map(plan, road_lines=ROADS)


class _Attributes(HTMLParser):
    """Tag names and (tag, attribute, value) of every start tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, k, v or "") for k, v in attrs)


def _parse(page: str) -> _Attributes:
    parser = _Attributes()
    parser.feed(page)
    parser.close()
    return parser


def _remote_links(page: str) -> list[str]:
    return [
        v
        for _, k, v in _parse(page).attrs
        if k in ("src", "href") and v.strip().lower().startswith(("http:", "https:", "//"))
    ]


# -- map --------------------------------------------------------------------------------


@pytest.mark.parametrize("tiles", [False, True])
def test_map_loads_nothing_from_the_network(plan: Plan, tiles: bool) -> None:
    page = render_map(plan, tiles=tiles, road_lines=ROADS)
    assert _remote_links(page) == []
    parsed = _parse(page)
    assert "link" not in parsed.tags
    assert not [v for t, k, v in parsed.attrs if t == "script" and k == "src"]
    assert ("tile.openstreetmap.org" in page) is tiles


def test_map_inlines_leaflet_and_jquery(map_html: str) -> None:
    assert "L.map(" in map_html
    assert ".leaflet-container" in map_html  # Leaflet's CSS, inline
    assert "url(images/" not in map_html
    assert "url(data:image/png;base64," in map_html  # layer control icon
    assert "jQuery" in map_html
    assert "sourceMappingURL" not in map_html
    for cdn in ("cdn.jsdelivr", "cdnjs", "bootstrap", "awesome-markers", "code.jquery"):
        assert cdn not in map_html


def test_map_layers_and_content(map_html: str) -> None:
    for layer in (
        "Road network",
        "Catchments after the plan (primary)",
        "Bus routes and stops",
        "Villages (colour: change in journey time)",
        "Schools today",
        "Schools after the plan",
        "Schools closed",
    ):
        assert f'"{layer}"' in map_html, layer
    # schools today (2) and after (2), villages (3), stops (2)
    assert map_html.count("L.circleMarker(") == 2 + 2 + 3 + 2
    assert map_html.count("L.polyline(") == 2  # the road network and the route
    assert map_html.count("L.polygon(") == 1  # one catchment
    assert map_html.count('"className": "sp-num"') == 2  # numbered stops
    assert "[30.031, 110.046]" in map_html  # geometry as [lat, lon]
    assert "Hexi pilot &lt;A&amp;B&gt;" in map_html
    assert "Shangping &lt;Village&gt; School" in map_html
    assert "<Village>" not in map_html
    assert "07:10" in map_html  # first stop's arrival
    # no image markers (the only L.marker is the names' text divIcon, built by the page)
    assert "L.icon(" not in map_html and "L.AwesomeMarkers" not in map_html
    assert map_html.count("L.marker(") == 1 and "L.divIcon(" in map_html


def test_map_popups_carry_the_plans_numbers(map_html: str) -> None:
    # the school after the plan: classes, largest class above its norm, canteen, beds
    assert "Largest class: 47 (Class norm 45) ⚠ above the class norm" in map_html
    assert "Pupils at lunch / canteen seats: 62 / 80" in map_html
    assert "Boarders / boarding beds: 12 / 20" in map_html
    assert "20 canteen seats · 80,000 yuan" in map_html
    # the closed school says where its pupils go
    assert "Goes to Hexi Central School: 30 pupils" in map_html
    # Shangping: 5 min before, 30 after: +25 min, the darkest class
    assert "Shangping · 22 pupils · Change +25 min" in map_html
    assert "#d73027" in map_html
    # the route's sheet: 30 pupils on 35 seats, both stops
    assert "2 stops · 30 pupils · 35 seats" in map_html
    assert "30/35" in map_html and "22/35" in map_html


def test_map_without_roads_has_no_road_layer(plan: Plan) -> None:
    page = render_map(plan)
    assert '"Road network"' not in page and page.count("L.polyline(") == 1


def test_map_is_deterministic(plan: Plan, map_html: str) -> None:
    assert render_map(sample_plan(), road_lines=ROADS) == map_html
    assert render_map(plan, language="zh") == render_map(plan, language="zh")


def test_map_in_chinese(plan: Plan) -> None:
    page = render_map(plan, language="zh")
    assert '<html lang="zh">' in page
    for label in (
        "学校布局调整方案",
        "撤并的学校",
        "校车站点",
        "九年一贯制学校",
        "学校的学区（小学）",
    ):
        assert label in page
    assert "Schools after the plan" not in page
    with pytest.raises(ValueError, match="language"):
        render_map(plan, language="fr")


# -- catchments -------------------------------------------------------------------------


def test_catchments_split_the_county_between_the_schools() -> None:
    plan = alternative_plan()
    areas = catchments(plan, ROADS)
    assert [(c.school, c.villages, c.pupils) for c in areas] == [
        ("S01", ("V01", "V03"), 63),
        ("S02", ("V02",), 22),
    ]
    assert all(c.geometry.is_valid and c.area_km2 > 0 for c in areas)
    assert not areas[0].geometry.overlaps(areas[1].geometry.buffer(-1e-6))
    whole = catchments(sample_plan(), ROADS)[0]
    assert whole.area_km2 == pytest.approx(sum(c.area_km2 for c in areas), abs=0.05)
    v02 = next(v for v in figures.villages(plan) if v.id == "V02")
    assert areas[1].geometry.contains(__import__("shapely").Point(v02.lon, v02.lat))


# -- tables and report ------------------------------------------------------------------


def test_tables_one_row_per_record(plan: Plan) -> None:
    tables = plan_tables(plan, catchments(plan))
    assert set(tables) == {
        *("schools", "villages", "assignments", "routes", "stops", "catchments"),
        *("depots", "townships"),
    }
    assert tables["townships"].empty  # the sample plan names no town
    assert len(tables["schools"]) == len(plan.schools)
    assert len(tables["villages"]) == 3
    assert len(tables["assignments"]) == len(plan.assignments)
    assert len(tables["routes"]) == len(plan.routes)
    assert len(tables["stops"]) == sum(len(r.stops) for r in plan.routes)
    assert len(tables["catchments"]) == 1
    stops = tables["stops"]
    assert list(stops["stop"]) == [1, 2]
    assert list(stops["arrive"]) == ["07:10", "07:20"]
    assert list(stops["boarding_p46"]) == [10, 0]
    routes = tables["routes"]
    assert routes.loc[0, "depart"] == "06:50" and routes.loc[0, "arrive_school"] == "07:40"
    assert routes.loc[0, "longest_ride_min"] == 30.0 and routes.loc[0, "pupils"] == 30
    schools = tables["schools"].set_index("school")
    assert schools.loc["S02", "enrolment_before"] == 30
    assert schools["before_j79"].isna().loc["S02"]  # a band the school does not teach
    assert schools.loc["S01", "role"] == "receiving" and schools.loc["S01", "over_class_norm"]
    assert schools.loc["S01", "investment"] == "canteen_seats 20"
    villages = tables["villages"].set_index("village")
    assert villages.loc["V02", "change_min"] == 25.0 and villages.loc["V02", "school_p13"] == "S01"
    assert villages.loc["V03", "mode_p13"] == "bus" and villages.loc["V03", "pupils_p46"] == 0


def test_tables_of_an_empty_plan_keep_their_columns() -> None:
    empty = Plan(scenario="empty", bell_s=28_800, schools=(), assignments=(), routes=(), solver=())
    tables = plan_tables(empty, catchments(empty))
    assert all(len(t) == 0 for t in tables.values())
    assert "arrive" in tables["stops"].columns and "area_km2" in tables["catchments"].columns
    assert "No school closes" in render_report(empty)
    assert _remote_links(render_map(empty)) == []


def test_hhmm() -> None:
    assert figures.hhmm(0) == "00:00"
    assert figures.hhmm(7 * 3600 + 14 * 60 + 59) == "07:14"


def test_kpis_from_the_records(plan: Plan) -> None:
    k = figures.kpis(plan)
    assert k["pupils_affected"] == 30 and k["pupils_newly_bused"] == 30
    assert k["buses_by_seats"] == {35: 1}
    assert (k["lunch_pupils"], k["canteen_seats"], k["boarders"], k["boarding_beds"]) == (
        62,
        80,
        12,
        20,
    )
    assert k["investments"] == {"canteen_seats": 20} and k["capital_cost"] == 80_000


def test_report(plan: Plan) -> None:
    page = render_report(plan)
    assert page == render_report(sample_plan())
    parsed = _parse(page)
    assert _remote_links(page) == []
    assert not {"script", "link", "img", "iframe"} & set(parsed.tags)
    assert "<A&B>" not in page and "Hexi pilot &lt;A&amp;B&gt;" in page
    assert "<Village>" not in page and "Shangping &lt;Village&gt; School (S02)" in page
    for text in (
        "1 of 2",
        "Pupils affected (their school closes)",
        "1 × 35-seat bus",
        "62 / 80",
        "12 / 20",
        "20 canteen seats",
        "80,000 yuan",
        "Running cost saved",
        "350,000",
        "47 / 45 ⚠",
        "OPTIMAL",
        "4.17 %",
        'href="route_sheets.html#R001">R001',
        "Lingkou (V03)",
        "Shangping &lt;Village&gt; School · walk · 5 · 0.2",  # before: school, mode, min, km
        "Hexi Central School · school bus · 30 · 8.0",
        "+25",
    ):
        assert text in page, text
    sheets = render_route_sheets(plan)
    for text in ("Route R001", "07:10", "07:20", "22/35", "30/35"):
        assert text in sheets, text


def test_report_veto_checklist(plan: Plan) -> None:
    page = render_report(plan)
    section = page[page.index("Closure veto checklist") :]
    assert "Shangping &lt;Village&gt; School (S02)</h3>" in section
    assert '<td class="fail">FAIL</td>' in section
    # the details are written from the plan's records, in the report's language
    assert "receiving S01; to build first: S01 20 canteen seats" in section
    assert "30 pupils move; longest daily journey 30.0 min; 0 over their limit" in section
    assert "{'" not in page and "<needs seats>" not in page
    assert "for the hearing" in section and "Dining and boarding" in section
    assert "carries no checklist" in render_report(alternative_plan())


def test_report_embeds_the_print_map(plan: Plan) -> None:
    png = render_static_map(plan, road_lines=ROADS, catchments=catchments(plan))["png"]
    page = render_report(plan, map_png=png)
    images = [v for t, k, v in _parse(page).attrs if t == "img" and k == "src"]
    assert len(images) == 1 and images[0].startswith("data:image/png;base64,iVBORw0KGgo")
    assert _remote_links(page) == []


def test_report_in_chinese(plan: Plan) -> None:
    page = render_report(plan, language="zh")
    assert '<html lang="zh">' in page
    for label in (
        "撤并学校及学生去向",
        "校车线路",
        "节省运行经费",
        "一至三年级",
        "撤并否决事项核查",
        "接收学校：S01；先建后撤：S01 食堂座位 20 个",
        "转学学生 30 名；最长每日单程 30.0 分钟；超出时限 0 名",
        "8 万元",  # capital 80,000 yuan
        "最优解",
    ):
        assert label in page, label
    with pytest.raises(ValueError, match="language"):
        render_report(plan, language="fr")


# -- a real browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, map_html: str, plan: Plan) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    (folder / "map.html").write_text(map_html, encoding="utf-8")
    png = render_static_map(plan, road_lines=ROADS, catchments=catchments(plan))["png"]
    (folder / "report.html").write_text(render_report(plan, map_png=png), encoding="utf-8")
    return folder


def _count_class(dom: str, name: str) -> int:
    """Elements whose class list holds ``name``."""
    return len(re.findall(rf'class="(?:[^"]* )?{re.escape(name)}(?: [^"]*)?"', dom))


@needs_chromium
def test_browser_draws_the_map(pages: Path, plan: Plan) -> None:
    done = browse(pages, pages / "map.html", "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert 'class="folium-map leaflet-container' in dom
    assert _count_class(dom, "sp-route") == len(plan.routes)
    assert _count_class(dom, "sp-catchment") == 1
    assert _count_class(dom, "sp-road") == 1
    assert _count_class(dom, "sp-stop") == sum(len(r.stops) for r in plan.routes)
    assert _count_class(dom, "sp-num") == sum(len(r.stops) for r in plan.routes)
    assert _count_class(dom, "sp-village") == 3
    assert _count_class(dom, "sp-school") == 2  # after the plan; "today" starts hidden
    assert "leaflet-control-layers" in dom
    assert "Uncaught" not in done.stderr, done.stderr[-2000:]
    assert not re.search(r"CONSOLE.*[Ee]rror", done.stderr), done.stderr[-2000:]
    assert _remote_links(dom) == []  # nothing added at run time either


@needs_chromium
@pytest.mark.parametrize("page", ["map.html", "report.html"])
def test_browser_screenshot_is_not_blank(pages: Path, page: str) -> None:
    png = pages / f"{page}.png"
    done = browse(
        pages, pages / page, f"--screenshot={png}", "--window-size=1000,800",
        "--enable-logging=stderr", "--v=0",
    )  # fmt: skip
    assert done.returncode == 0 and png.exists(), done.stderr[-2000:]
    assert "Uncaught" not in done.stderr, done.stderr[-2000:]
    assert distinct_colours(png) > 20
