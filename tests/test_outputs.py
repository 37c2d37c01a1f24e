"""The map and the report: offline, deterministic, translated, and drawn by a real browser."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from optimizer.maps import render_map
from optimizer.plan import (
    Assignment,
    Plan,
    Route,
    RouteStop,
    SchoolResult,
    SolverRun,
    compute_kpis,
)
from optimizer.report import hhmm, plan_tables, render_report
from tests.browser import browse, distinct_colours, needs_chromium

# -- fixture ----------------------------------------------------------------------------


def _plan() -> Plan:
    """Two schools (one closed), three villages, one bus route with two stops."""
    schools = (
        SchoolResult(
            id="S01",
            name="Hexi Central School",
            level="nine_year",
            lon=110.000,
            lat=30.000,
            status="kept",
            may_close=False,
            must_keep=True,
            capacity=400,
            running_cost=900_000,
            enrolment_before={"p13": 30, "p46": 25, "j79": 40},
            enrolment_after={"p13": 50, "p46": 35, "j79": 40},
        ),
        SchoolResult(
            id="S02",
            name="Shangping <Village> School",
            level="primary",
            lon=110.052,
            lat=30.041,
            status="closed",
            may_close=True,
            must_keep=False,
            capacity=120,
            running_cost=350_000,
            enrolment_before={"p13": 20, "p46": 10},
            enrolment_after={"p13": 0, "p46": 0},
        ),
    )

    def assign(
        village: str,
        name: str,
        lon: float,
        lat: float,
        band: str,
        pupils: int,
        mode: str,
        time_s: int,
        dist: int,
        before: str,
        before_s: int,
        before_m: int,
    ) -> Assignment:
        return Assignment(
            village=village,
            village_name=name,
            lon=lon,
            lat=lat,
            band=band,
            pupils=pupils,
            school="S01",
            mode=mode,
            time_s=time_s,
            distance_m=dist,
            limit_s=2700 if band == "p13" else 3600,
            moved=before != "S01",
            before_school=before,
            before_time_s=before_s,
            before_distance_m=before_m,
        )

    assignments = (
        assign("V01", "Hexi", 110.002, 30.001, "p13", 30, "walk", 900, 1500, "S01", 900, 1500),
        assign("V01", "Hexi", 110.002, 30.001, "p46", 25, "walk", 900, 1500, "S01", 900, 1500),
        assign("V02", "Shangping", 110.050, 30.040, "p13", 12, "bus", 1800, 8000, "S02", 300, 250),
        assign("V02", "Shangping", 110.050, 30.040, "p46", 10, "bus", 1800, 8000, "S02", 300, 250),
        assign("V03", "Lingkou", 110.040, 30.020, "p13", 8, "bus", 1200, 5000, "S02", 1500, 3000),
    )
    stops = (
        RouteStop(
            village="V02",
            village_name="Shangping",
            lon=110.050,
            lat=30.040,
            arrive_s=25_800,
            depart_s=25_860,
            boarding={"p13": 12, "p46": 10},
            load_after=22,
            ride_s=1800,
            limit_s=2700,
        ),
        RouteStop(
            village="V03",
            village_name="Lingkou",
            lon=110.040,
            lat=30.020,
            arrive_s=26_400,
            depart_s=26_460,
            boarding={"p13": 8},
            load_after=30,
            ride_s=1200,
            limit_s=2700,
        ),
    )
    route = Route(
        id="R001",
        school="S01",
        start="S01 yard",
        seats=35,
        depart_s=24_600,
        stops=stops,
        arrive_school_s=27_600,
        distance_m=16_000,
        drive_s=2400,
        longest_ride_s=1800,
        geometry=(
            (110.050, 30.040),
            (110.046, 30.031),
            (110.040, 30.020),
            (110.012, 30.006),
            (110.000, 30.000),
        ),
    )
    solver = (
        SolverRun(
            stage="closures",
            engine="cp-sat",
            status="OPTIMAL",
            objective=1_250_000.0,
            bound=1_250_000.0,
            gap=0.0,
            settings={"seed": 1},
        ),
        SolverRun(
            stage="buses S01",
            engine="pyvrp",
            status="FEASIBLE",
            objective=2400.0,
            bound=2300.0,
            gap=0.0417,
            settings={"seed": 1},
        ),
    )
    return Plan(
        scenario="Hexi pilot <A&B>",
        bell_s=28_800,
        schools=schools,
        assignments=assignments,
        routes=(route,),
        solver=solver,
        kpis=compute_kpis(schools, assignments, (route,)),
    )


@pytest.fixture(scope="module")
def plan() -> Plan:
    return _plan()


@pytest.fixture(scope="module")
def map_html(plan: Plan) -> str:
    return render_map(plan)


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
    page = render_map(plan, tiles=tiles)
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
    for layer in ("Schools kept", "Schools closed", "Villages", "Bus routes"):
        assert f'"{layer}"' in map_html
    assert map_html.count("L.circleMarker(") == 2 + 3 + 2  # schools, villages, stops
    assert map_html.count("L.polyline(") == 1
    assert "[30.031, 110.046]" in map_html  # geometry as [lat, lon]
    assert "Hexi pilot &lt;A&amp;B&gt;" in map_html
    assert "Shangping &lt;Village&gt; School" in map_html
    assert "<Village>" not in map_html
    assert "07:10" in map_html  # first stop's arrival
    assert "L.marker(" not in map_html and "L.AwesomeMarkers" not in map_html


def test_map_is_deterministic(plan: Plan, map_html: str) -> None:
    assert render_map(_plan()) == map_html
    assert render_map(plan, language="zh") == render_map(plan, language="zh")


def test_map_in_chinese(plan: Plan) -> None:
    page = render_map(plan, language="zh")
    assert '<html lang="zh">' in page
    for label in ("学校布局调整方案", "撤并的学校", "校车站点", "九年一贯制学校"):
        assert label in page
    assert "Schools kept" not in page
    with pytest.raises(ValueError, match="language"):
        render_map(plan, language="fr")


# -- tables and report ------------------------------------------------------------------


def test_tables_one_row_per_record(plan: Plan) -> None:
    tables = plan_tables(plan)
    assert set(tables) == {"schools", "assignments", "routes", "stops"}
    assert len(tables["schools"]) == len(plan.schools)
    assert len(tables["assignments"]) == len(plan.assignments)
    assert len(tables["routes"]) == len(plan.routes)
    assert len(tables["stops"]) == sum(len(r.stops) for r in plan.routes)
    stops = tables["stops"]
    assert list(stops["stop"]) == [1, 2]
    assert list(stops["arrive"]) == ["07:10", "07:20"]
    assert list(stops["boarding_p46"]) == [10, 0]
    routes = tables["routes"]
    assert routes.loc[0, "depart"] == "06:50" and routes.loc[0, "arrive_school"] == "07:40"
    assert routes.loc[0, "longest_ride_min"] == 30.0
    schools = tables["schools"].set_index("school")
    assert schools.loc["S02", "enrolment_before"] == 30
    assert schools["before_j79"].isna().loc["S02"]  # a band the school does not teach


def test_tables_of_an_empty_plan_keep_their_columns(plan: Plan) -> None:
    empty = Plan(scenario="empty", bell_s=28_800, schools=(), assignments=(), routes=(), solver=())
    tables = plan_tables(empty)
    assert all(len(t) == 0 for t in tables.values())
    assert "arrive" in tables["stops"].columns
    assert "No school closes" in render_report(empty)
    assert _remote_links(render_map(empty)) == []


def test_hhmm() -> None:
    assert hhmm(0) == "00:00"
    assert hhmm(7 * 3600 + 14 * 60 + 59) == "07:14"


def test_report(plan: Plan) -> None:
    page = render_report(plan)
    assert page == render_report(_plan())
    parsed = _parse(page)
    assert _remote_links(page) == []
    assert not {"script", "link", "img", "iframe"} & set(parsed.tags)
    assert "<A&B>" not in page and "Hexi pilot &lt;A&amp;B&gt;" in page
    assert "<Village>" not in page and "Shangping &lt;Village&gt; School (S02)" in page
    for text in (
        "1 of 2",
        "Running cost saved",
        "350,000",
        "OPTIMAL",
        "4.17 %",
        "Route R001",
        "07:10",
        "07:20",
        "22/35",
        "30/35",
        "Lingkou (V03)",
    ):
        assert text in page, text


def test_report_in_chinese(plan: Plan) -> None:
    page = render_report(plan, language="zh")
    assert '<html lang="zh">' in page
    for label in ("撤并学校及学生去向", "校车线路单", "节省运行经费", "一至三年级"):
        assert label in page
    with pytest.raises(ValueError, match="language"):
        render_report(plan, language="fr")


# -- a real browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory, map_html: str) -> Path:
    path = tmp_path_factory.mktemp("browser") / "map.html"
    path.write_text(map_html, encoding="utf-8")
    return path


@needs_chromium
def test_browser_draws_the_map(map_file: Path, plan: Plan) -> None:
    done = browse(map_file.parent, map_file, "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert 'class="folium-map leaflet-container' in dom
    markers = len(plan.schools) + len({a.village for a in plan.assignments})
    markers += sum(len(r.stops) for r in plan.routes)
    drawn = dom.count('<path class="leaflet-interactive"')
    assert drawn >= len(plan.routes) + markers
    assert "leaflet-control-layers" in dom
    assert "Uncaught" not in done.stderr, done.stderr[-2000:]
    assert _remote_links(dom) == []  # nothing added at run time either


@needs_chromium
def test_browser_screenshot_is_not_blank(map_file: Path) -> None:
    png = map_file.parent / "map.png"
    done = browse(map_file.parent, map_file, f"--screenshot={png}", "--window-size=1000,800")
    assert done.returncode == 0 and png.exists(), done.stderr[-2000:]
    assert distinct_colours(png) > 20
