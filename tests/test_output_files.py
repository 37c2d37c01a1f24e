"""The output folder: every file, the GeoPackage read back, CSV tables, the same bytes twice."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
import shapely

from optimizer.outputs import figures
from optimizer.outputs.catchments import catchments
from optimizer.outputs.folder import write_outputs
from optimizer.outputs.maps.static import cjk_font, render_static_map
from optimizer.plan import Plan
from tests.sample_plan import alternative_plan, sample_plan
from tests.test_outputs import ROADS

FILES = [
    "assignments.csv",
    "catchments.csv",
    "costs.png",
    "depots.csv",
    "enrolment.png",
    "journeys.png",
    "map.html",
    "map.pdf",
    "map.png",
    "notices.html",
    "plan.gpkg",
    "plan.json",
    "plan.xlsx",
    "report.html",
    "route_sheets.html",
    "routes.csv",
    "schools.csv",
    "stops.csv",
    "townships.csv",
    "villages.csv",
]


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The alternative sample plan (two catchments) written twice."""
    tmp = tmp_path_factory.mktemp("outputs")
    plan = alternative_plan()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # English outputs need no CJK font
        for name in ("a", "b"):
            write_outputs(plan, tmp / name, road_lines=ROADS)
    return tmp / "a", tmp / "b"


def test_every_file_is_written_and_nothing_else(folders: tuple[Path, Path]) -> None:
    a, _ = folders
    assert sorted(p.name for p in a.iterdir()) == FILES
    assert [p.name for p in a.parent.iterdir() if p.name.startswith(".")] == []


def test_the_same_plan_gives_the_same_bytes(folders: tuple[Path, Path]) -> None:
    a, b = folders
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_geopackage_layers_match_the_plan(folders: tuple[Path, Path]) -> None:
    gpkg = folders[0] / "plan.gpkg"
    plan = Plan.from_json((folders[0] / "plan.json").read_text())
    expected = {
        "villages": ("Point", len(figures.villages(plan))),
        "schools": ("Point", len(plan.schools)),
        "assignments": ("LineString", len(plan.assignments)),
        "routes": ("LineString", len(plan.routes)),
        "stops": ("Point", sum(len(r.stops) for r in plan.routes)),
        "catchments": ("MultiPolygon", len(catchments(plan, ROADS))),
    }
    layers = {name: kind for name, kind in pyogrio.list_layers(gpkg)}
    assert layers == {
        **{name: kind for name, (kind, _) in expected.items()},
        "depots": "Point",
        "towns": "MultiPolygon",
        "roads": "LineString",
        "layer_styles": None,
    }
    assert pyogrio.read_info(gpkg, layer="roads")["features"] == len(ROADS)
    for name, (_, rows) in expected.items():
        info = pyogrio.read_info(gpkg, layer=name)
        assert info["crs"] == "EPSG:4326", name
        assert info["features"] == rows, name
        frame = pyogrio.read_dataframe(gpkg, layer=name)
        present = frame.geometry[frame.geometry.notna()]
        assert len(present) == rows and shapely.is_valid(present.values).all(), name
        table = pd.read_csv(folders[0] / f"{name}.csv")
        assert len(table) == rows and list(table.columns) == list(frame.columns[:-1]), name
    schools = pyogrio.read_dataframe(gpkg, layer="schools").set_index("school")
    assert schools.loc["S02", "role"] == "kept" and schools.loc["S01", "role"] == "receiving"
    assert (
        schools.loc["S01", "canteen_seats"] == 80 and schools.loc["S01", "capital_cost"] == 80_000
    )
    stops = pyogrio.read_dataframe(gpkg, layer="stops")
    assert list(stops["arrive"]) == ["07:20"] and list(stops["load_after"]) == [8]
    areas = pyogrio.read_dataframe(gpkg, layer="catchments").set_index("school")
    assert areas.loc["S02", "village_ids"] == "V02" and areas.loc["S01", "pupils"] == 63
    lines = pyogrio.read_dataframe(gpkg, layer="assignments")
    first = lines.geometry.iloc[0]
    assert first.coords[0] == (110.002, 30.001) and first.coords[-1] == (110.0, 30.0)


def test_report_and_map_read_the_same_numbers(folders: tuple[Path, Path]) -> None:
    report = (folders[0] / "report.html").read_text()
    page = (folders[0] / "map.html").read_text()
    assert 'src="data:image/png;base64,' in report
    kpis = figures.kpis(alternative_plan())
    assert kpis["pupils_newly_bused"] == 8 and kpis["schools_closed"] == 0
    assert "0 of 2 schools closed · 1 bus routes · 8 pupils moved" in page
    assert "Kindergarten" not in page  # no band the plan lacks


def test_print_map_png_and_pdf() -> None:
    plan = sample_plan()
    prints = render_static_map(
        plan, road_lines=ROADS, catchments=catchments(plan, ROADS), formats=("png", "pdf")
    )
    assert prints["png"].startswith(b"\x89PNG") and prints["pdf"].startswith(b"%PDF")
    assert b"Software" not in prints["png"] and b"CreationDate" not in prints["pdf"]
    with pytest.raises(ValueError, match="format"):
        render_static_map(plan, formats=("svg",))


def test_chinese_outputs(tmp_path: Path) -> None:
    plan = sample_plan()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = write_outputs(plan, tmp_path / "zh", language="zh", road_lines=ROADS)
    assert [p.name for p in written] == FILES
    missing = [w for w in caught if "CJK font" in str(w.message)]
    assert bool(missing) is (cjk_font() is None)  # a clear warning only without a CJK font
    if os.environ.get("CI"):  # .ci/run installs one: the print map must show the characters
        assert cjk_font() is not None and not missing
    assert not [w for w in caught if "Glyph" in str(w.message)]
    report = (tmp_path / "zh" / "report.html").read_text()
    assert '<html lang="zh">' in report and "撤并否决事项核查" in report
    assert "校车线路" in (tmp_path / "zh" / "map.html").read_text()


def test_an_empty_plan_still_writes_every_file(tmp_path: Path) -> None:
    empty = Plan(scenario="empty", bell_s=28_800, schools=(), assignments=(), routes=(), solver=())
    assert [p.name for p in write_outputs(empty, tmp_path / "empty")] == FILES
    layers = pyogrio.list_layers(tmp_path / "empty" / "plan.gpkg")
    assert [name for name, _ in layers] == [
        "villages",
        "schools",
        "assignments",
        "routes",
        "stops",
        "catchments",
        "depots",
        "towns",
        "roads",
        "layer_styles",
    ]
