"""Townships everywhere: each record's town, the summary per town, the towns' outlines.

The demo is planned through the CLI; every table's town is compared with the input's,
the township summary with the county's KPIs (on the demo, and on a variant where
townships lose every primary school), plan.json is read back, the GeoPackage's
``depots`` and ``towns`` layers are read with pyogrio, a boundaries file is used and a
bad one refused (exit 2, naming the file).
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import sqlite3
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import Point

from geodata.region import load_region
from optimizer import verify
from optimizer.cli import main
from optimizer.outputs.catchments import catchments
from optimizer.outputs.report import render_report
from optimizer.outputs.tables import plan_tables
from optimizer.outputs.workbook import workbook_bytes
from optimizer.plan import Plan, Status
from optimizer.planning.flow import make_plan
from optimizer.planning.townships import apportion
from optimizer.problem.build import build_problem
from optimizer.scenario.schema import load_scenario
from optimizer.scenario.validation import validate as validate_scenario_file
from tests.browser import browse, needs_chromium
from tests.test_chinese_words import english_words, visible_text

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "scenarios" / "demo.yaml"
COUNTY = ROOT / "scenarios" / "demo_county"
SUMMED = ("schools_closed", "pupils_moved", "pupils_newly_bused", "buses", "runs")
MONEY = ("running_cost_saved", "net_annual_saving", "capital")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's output folder (its region cache beside it)."""
    tmp = tmp_path_factory.mktemp("towns")
    assert main(["run", str(DEMO), "--out", str(tmp / "out"), "--cache", str(tmp / "cache")]) == 0
    return tmp / "out"


def _input_towns(name: str) -> dict[str, str]:
    table = pd.read_csv(COUNTY / f"{name}.csv", dtype=str)
    return dict(zip(table["id"], table["town"], strict=True))


def _table(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype={"town": str}, keep_default_na=False)


def test_every_tables_rows_carry_the_inputs_town(demo: Path) -> None:
    villages, schools, depots = (_input_towns(n) for n in ("villages", "schools", "depots"))
    assert len(set(villages.values())) == 10  # the demo's ten towns
    checks = {
        "schools": ("school", schools),
        "villages": ("village", villages),
        "assignments": ("village", villages),
        "stops": ("village", villages),
        "routes": ("school", schools),
        "catchments": ("school", schools),
        "depots": ("depot", depots),
    }
    for name, (key, towns) in checks.items():
        table = _table(demo, name)
        assert len(table) > 0, name
        assert list(table["town"]) == [towns[k] for k in table[key]], name
    plan = json.loads((demo / "plan.json").read_text())
    assert all(s["town"] == villages[s["village"]] for r in plan["routes"] for s in r["stops"])
    assert {d["id"]: d["town"] for d in plan["depots"]} == depots


def _adds_up(plan: Plan) -> None:
    """The townships sum to the county's KPIs and money; the longest journeys are the
    county's longest; every school and pupil is in one town."""
    k, money = plan.kpis, plan.kpis["money"]
    towns = plan.townships
    for key in SUMMED:
        assert sum(getattr(t, key) for t in towns) == k[key], key
    for key in MONEY:
        assert sum(getattr(t, key) for t in towns) == money[key], key
    assert sum(sum(t.schools_before.values()) for t in towns) == k["schools"]
    closed = sum(sum(t.schools_before.values()) - sum(t.schools_after.values()) for t in towns)
    assert closed == k["schools_closed"]
    assert sum(t.pupils for t in towns) == k["pupils"]
    longest = max(s for t in towns for s in t.longest_journey_s.values())
    assert longest == k["longest_journey_s"]


def test_the_township_summary_adds_up_to_the_county(demo: Path) -> None:
    plan = Plan.from_json((demo / "plan.json").read_text())
    assert len(plan.townships) == 10 and plan.kpis["schools_closed"] > 0
    _adds_up(plan)
    table = _table(demo, "townships")
    assert table["pupils_moved"].sum() == plan.kpis["pupils_moved"]
    assert table["net_annual_saving"].sum() == plan.kpis["money"]["net_annual_saving"]
    assert set(table["town"]) == set(_input_towns("villages").values())
    report = (demo / "report.html").read_text()
    assert "<h2>Townships</h2>" in report and "<td>County</td>" in report


def test_a_township_that_loses_its_primary_schools_still_adds_up(tmp_path: Path) -> None:
    """Without the townships rule, some town keeps no primary school of its own."""
    path = tmp_path / "no_township_rule.yaml"
    path.write_text(
        f"extends: {DEMO}\nname: no township rule\n"
        "policy:\n  closures:\n    township_keeps: []\n    small_school_pupils: 200\n"
    )
    scenario = load_scenario(path)
    region = scenario.load_region(cache_dir=tmp_path / "cache")
    plan, problem = make_plan(scenario, region)
    emptied = [
        t.town
        for t in plan.townships
        if t.schools_before.get("primary", 0) > 0 and t.schools_after.get("primary", 0) == 0
    ]
    assert emptied, [(t.town, t.schools_before, t.schools_after) for t in plan.townships]
    _adds_up(plan)
    assert verify(plan, problem) == []
    again = Plan.from_json(plan.to_json())
    assert again == plan and again.to_json() == plan.to_json()
    # A town that disagrees with the input, or a summary that no longer adds up, is caught.
    school = plan.schools[0]
    wrong = dataclasses.replace(school, town="Elsewhere Zhen")
    broken = dataclasses.replace(plan, schools=(wrong, *plan.schools[1:]))
    assert any(v.rule == "town" and v.subject == school.id for v in verify(broken, problem))
    town = dataclasses.replace(plan.townships[0], pupils_moved=plan.townships[0].pupils_moved + 1)
    off = dataclasses.replace(plan, townships=(town, *plan.townships[1:]))
    assert [v.subject for v in verify(off, problem) if v.rule == "townships"] == ["pupils_moved"]


def test_the_geopackage_has_depots_and_towns_with_styles(demo: Path) -> None:
    gpkg = demo / "plan.gpkg"
    layers = dict(pyogrio.list_layers(gpkg))
    assert layers["depots"] == "Point" and layers["towns"] == "MultiPolygon"
    depots = pyogrio.read_dataframe(gpkg, layer="depots")
    assert list(depots["depot"]) == sorted(_input_towns("depots"))
    plan = json.loads((demo / "plan.json").read_text())
    assert depots["buses"].sum() == plan["kpis"]["buses"]
    towns = gpd.read_file(gpkg, layer="towns", engine="pyogrio")
    assert towns.crs.to_epsg() == 4326 and len(towns) == 10
    assert shapely.is_valid(towns.geometry.values).all()
    # Each village lies in its own town's outline (the union of its villages' cells).
    villages = pd.read_csv(COUNTY / "villages.csv")
    shape = dict(zip(towns["town"], towns.geometry, strict=True))
    inside = [shape[t].covers(Point(x, y)) for t, x, y in villages[["town", "lon", "lat"]].values]
    assert all(inside)
    assert towns["pupils_moved"].sum() == plan["kpis"]["pupils_moved"]
    with sqlite3.connect(gpkg) as db:
        styled = {r[0]: r[1] for r in db.execute("SELECT f_table_name, styleQML FROM layer_styles")}
        aliases = dict(
            db.execute(
                "SELECT column_name, name FROM gpkg_data_columns WHERE table_name = 'towns'"
            ).fetchall()
        )
    assert {"depots", "towns"} <= set(styled)
    assert (
        'value="dash"' in styled["towns"]
        and 'name="style" type="QString" value="no"' in (styled["towns"])
    )
    assert aliases["town"] == "Township" and aliases["pupils_moved"] == "Pupils moved"


def test_the_maps_draw_the_townships(demo: Path) -> None:
    page = (demo / "map.html").read_text()
    assert "Townships (towns and sub-districts)" in page
    assert page.count("sp-town-name") >= 10 and "Chengguan Jiedao" in page
    assert "Chengguan Jiedao" in (demo / "map.html").read_text()


def _boundaries_scenario(tmp_path: Path, frame: gpd.GeoDataFrame, source: str) -> Path:
    frame.to_file(tmp_path / "towns.geojson", driver="GeoJSON")
    path = tmp_path / "with_boundaries.yaml"
    path.write_text(f"extends: {DEMO}\nname: with boundaries\nregion:\n  boundaries: {source}\n")
    return path


def test_a_boundaries_file_is_used_when_given(demo: Path, tmp_path: Path) -> None:
    villages = pd.read_csv(COUNTY / "villages.csv")
    hulls = [
        (town, shapely.MultiPoint(list(zip(g["lon"], g["lat"]))).convex_hull.buffer(0.01))
        for town, g in villages.groupby("town")
    ]
    frame = gpd.GeoDataFrame(
        {"name": [t for t, _ in hulls]}, geometry=[h for _, h in hulls], crs="EPSG:4326"
    )
    path = _boundaries_scenario(tmp_path, frame, "{path: towns.geojson, field: name}")
    out, cache = tmp_path / "out", demo.parent / "cache"
    assert main(["run", str(path), "--out", str(out), "--cache", str(cache)]) == 0
    towns = gpd.read_file(out / "plan.gpkg", layer="towns", engine="pyogrio")
    drawn = dict(zip(towns["town"], towns.geometry, strict=True))
    cells = gpd.read_file(demo / "plan.gpkg", layer="towns", engine="pyogrio")
    cell = dict(zip(cells["town"], cells.geometry, strict=True))
    for town, hull in hulls:  # the file's outline (to the 1e-6 degree grid), not the cells
        assert drawn[town].symmetric_difference(hull).area < 1e-4 * hull.area, town
        assert cell[town].symmetric_difference(hull).area > 0.05 * hull.area, town
    manifest = json.loads((out / "manifest.json").read_text())
    roles = {i["role"]: i["path"] for i in manifest["inputs"]}
    assert roles["boundaries"] == "towns.geojson"  # its SHA-256 makes the plan again


@pytest.mark.parametrize(
    ("geometry", "source", "expected"),
    [
        ("polygon", "towns.geojson", "town: expected a field 'town'"),
        ("point", "{path: towns.geojson, field: name}", "geometry: expected a Polygon"),
    ],
)
def test_a_bad_boundaries_file_is_refused_naming_it(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture, geometry, source, expected
) -> None:
    shape = Point(119.0, 36.3) if geometry == "point" else Point(119.0, 36.3).buffer(0.1)
    frame = gpd.GeoDataFrame({"name": ["Hudian Zhen"]}, geometry=[shape], crs="EPSG:4326")
    path = _boundaries_scenario(tmp_path, frame, source)
    out = tmp_path / "out"
    code = main(["run", str(path), "--out", str(out), "--cache", str(demo.parent / "cache")])
    err = capsys.readouterr().err
    assert code == 2 and str(tmp_path / "towns.geojson") in err and expected in err, err
    assert not out.exists()
    with pytest.raises(Exception, match="towns.geojson"):
        validate_scenario_file(path)


def test_chinese_headers_sheets_and_section(demo: Path) -> None:
    plan = Plan.from_json((demo / "plan.json").read_text())
    tables = plan_tables(plan, catchments(plan))
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(tables, language="zh")))
    assert "各乡镇街道汇总" in book.sheetnames and "校车车场" in book.sheetnames
    for sheet in ("学校", "村庄", "各村各年级段去向", "校车线路", "校车站点", "学区", "校车车场"):
        assert "乡镇/街道" in [c.value for c in book[sheet][1]], sheet
    heads = [c.value for c in book["各乡镇街道汇总"][1]]
    assert "撤并学校数" in heads and "调整前学校数 · 小学" in heads
    assert "最长每日单程（分钟） · 一至三年级" in heads and "年度净节省（元/年）" in heads
    report = render_report(plan, language="zh")
    assert "各乡镇（街道）汇总" in report and "全县合计" in report and "（万元）" in report
    section = report[report.index("<h2>各乡镇（街道）汇总") : report.index("<h2>经费")]
    assert english_words(visible_text(section), plan) == []
    assert english_words(" ".join(str(h) for h in heads), plan) == []


def test_apportion_keeps_the_total() -> None:
    assert apportion({"a": 1.5, "b": 1.5, "c": 1.0}, 4) == {"a": 2, "b": 1, "c": 1}
    assert sum(apportion({"a": 0.3, "b": 0.3, "c": 0.4}, 1).values()) == 1
    assert sum(apportion({"a": 10.2, "b": -3.7}, 5).values()) == 5
    assert apportion({}, 0) == {}


def test_the_problem_reads_every_places_town(demo: Path) -> None:
    scenario = load_scenario(DEMO)
    region = load_region(
        scenario.region_files(),
        speeds=scenario.policy.speeds.model(),
        cache_dir=demo.parent / "cache",
    )
    problem = build_problem(region, scenario.policy, name=scenario.name)
    villages = _input_towns("villages")
    assert problem.village_towns == tuple(villages[v] for v in problem.village_ids)
    assert problem.depot_towns == tuple(_input_towns("depots")[d] for d in problem.depot_ids)
    assert {s.status for s in Plan.from_json((demo / "plan.json").read_text()).schools} >= {
        Status.CLOSED
    }


@needs_chromium
def test_the_townships_layer_in_a_browser(demo: Path, tmp_path: Path) -> None:
    done = browse(tmp_path, demo / "map.html", "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert done.returncode == 0 and "Uncaught" not in done.stderr, done.stderr[-2000:]
    outlines = re.findall(r'<path class="sp-town[ "][^>]*stroke-dasharray="6 4"', done.stdout)
    assert len(outlines) >= 10
    names = re.findall(
        r'class="[^"]*sp-town-name[^"]*"[^>]*><div[^>]*>\s*([^<]+?)\s*<', done.stdout
    )
    assert sorted(set(names)) == sorted(set(_input_towns("villages").values()))
