"""Sweeps: the grid, the comparison table, the Pareto view, the same plans on Dask."""

from __future__ import annotations

import csv
import html
import json
import xml.etree.ElementTree as ET

import pytest

from geodata.errors import InputError
from optimizer.cli import main
from optimizer.scenario.schema import load_scenario
from optimizer.sweep.report import pareto_ids, pareto_svg
from optimizer.sweep.result import VariantResult, VariantStatus
from optimizer.sweep.variants import Vary, make_variants, with_changes

P13 = "policy.bands.p13.one_way_min"


def test_vary_options_read_yaml_scalars():
    assert Vary.parse(f"{P13}=20,25, 30") == Vary(P13, (20, 25, 30))
    assert Vary.parse("policy.schools.boarding=false,true").values == (False, True)
    assert Vary.parse("region.depots=null").values == (None,)
    assert Vary.parse("policy.bell=07:30,10:30").values == ("07:30", "10:30")
    for bad in ("nokey", "=1,2", "a..b=1", "a=1,,2", "a={x: 1}"):
        with pytest.raises(InputError, match="--vary"):
            Vary.parse(bad)


def test_changes_set_dotted_keys_without_touching_the_rest():
    data = {"policy": {"bands": {"p13": {"one_way_min": 30, "walk_km": 1.5}}}, "name": "x"}
    changed = with_changes(data, [(P13, 20)])
    assert changed["policy"]["bands"]["p13"] == {"one_way_min": 20, "walk_km": 1.5}
    assert data["policy"]["bands"]["p13"]["one_way_min"] == 30
    with pytest.raises(InputError, match="name to be a group of settings"):
        with_changes(data, [("name.first", 1)])


def test_the_grid_is_every_combination_in_order(tiny_dir):
    base = load_scenario(tiny_dir / "scenario.yaml")
    variants = make_variants(base, [Vary(P13, (20, 30)), Vary("policy.bus.seats", (56, 45, 30))])
    assert [v.id for v in variants] == [f"v{i:03d}" for i in range(1, 7)]
    assert variants[1].changes == ((P13, 20), ("policy.bus.seats", 45))
    assert variants[1].scenario.policy.bus.seats == 45
    assert variants[1].scenario.name == f"tiny [{P13}=20, policy.bus.seats=45]"
    assert variants[1].scenario.region_files() == base.region_files()


def test_bad_variants_are_all_reported_before_anything_runs(tiny_dir, capsys):
    args = ["sweep", str(tiny_dir / "scenario.yaml"), "--out", str(tiny_dir / "sw")]
    code = main(
        [
            *args,
            "--vary",
            "policy.bus.seats=56,-1",
            "--vary",
            "policy.bus.seatz=1",
            "--workers",
            "0",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and not (tiny_dir / "sw").exists()
    assert "--vary (policy.bus.seats=-1, policy.bus.seatz=1): policy.bus.seats" in err
    assert "policy.bus.seatz: value: expected one of the keys seats, fixed_cost" in err
    assert "(did you mean 'seats'?); found an unknown key 'seatz'" in err
    assert "Traceback" not in err


def test_pareto_front_and_view():
    def result(vid, cost, journey_min):
        return VariantResult(
            vid, VariantStatus.OK, kpis={"longest_journey_s": journey_min * 60}, annual_cost=cost
        )

    results = [
        result("v001", 1e6, 30),
        result("v002", 2e6, 20),
        result("v003", 2e6, 30),  # beaten by both
        result("v004", 1e6, 30),  # the same point as v001
        VariantResult("v005", "infeasible", "no plan"),
    ]
    assert pareto_ids(results) == {"v001", "v002", "v004"}
    svg = ET.fromstring(pareto_svg(results))
    assert len(svg.findall("{http://www.w3.org/2000/svg}circle")) == 3
    assert "v001, v004" in pareto_svg(results)


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory):
    """The same sweep serially and on a LocalCluster of 2 workers; one infeasible variant."""
    from tests.conftest import write_tiny_region

    tmp = write_tiny_region(tmp_path_factory.mktemp("sweep"))
    roads = tmp / "roads.osm"  # a river along the road: the maps' background draws it
    river = '<way id="105"><nd ref="1"/><nd ref="6"/><tag k="waterway" v="river"/></way>\n'
    roads.write_text(roads.read_text().replace("</osm>", river + "</osm>"))
    args = ["sweep", str(tmp / "scenario.yaml"), "--vary", f"{P13}=30,1", "--cache", str(tmp / "c")]
    args += ["--vary", "policy.bus.seats=56,30"]
    codes = [
        main([*args, "--out", str(tmp / "serial"), "--workers", "0"]),
        main([*args, "--out", str(tmp / "dask"), "--workers", "2"]),
    ]
    return tmp, codes


def test_a_variant_gives_the_same_plan_serially_and_on_a_cluster(sweeps):
    tmp, codes = sweeps
    assert codes == [0, 0]
    for vid in ("v001", "v002"):
        serial = (tmp / "serial" / "variants" / vid / "plan.json").read_bytes()
        assert serial == (tmp / "dask" / "variants" / vid / "plan.json").read_bytes()
    assert (tmp / "serial" / "sweep.csv").read_bytes() == (tmp / "dask" / "sweep.csv").read_bytes()
    cached = [p.name for p in (tmp / "c").iterdir()]
    assert len(cached) == 1 and cached[0].endswith(".pickle")  # one shared entry, no temporaries


def test_the_table_lists_every_variant_and_explains_the_infeasible(sweeps):
    tmp, _ = sweeps
    rows = list(csv.DictReader((tmp / "dask" / "sweep.csv").open()))
    assert [(r["variant"], r["status"], r[P13], r["policy.bus.seats"]) for r in rows] == [
        ("v001", "ok", "30", "56"),
        ("v002", "ok", "30", "30"),
        ("v003", "infeasible", "1", "56"),
        ("v004", "infeasible", "1", "30"),
    ]
    # Closing P1 with one 56-seat bus costs more a year, its afternoon runs' km counted
    # (grades 1-3 and 4-6 go home on two runs), than v002 keeping it open (30 seats: no
    # closure), with the same longest journey: only v002 is on the front.
    assert {r["variant"] for r in rows if r["pareto"] == "yes"} == {"v002"}
    assert float(rows[0]["annual_cost_yuan"]) > float(rows[1]["annual_cost_yuan"]) > 0
    assert rows[0]["schools_closed"] == "1" and rows[0]["folder"] == "variants/v001"
    assert "village C band p13 (30 pupils)" in rows[2]["message"]
    page = (tmp / "dask" / "sweep.html").read_text()
    assert "Variants without a plan" in page and "village C band p13" in page
    assert "<svg" in page and (tmp / "dask" / "pareto.png").stat().st_size > 1000
    assert (tmp / "dask" / "variants" / "v001" / "manifest.json").is_file()
    assert not (tmp / "dask" / "variants" / "v003").exists()


def test_a_variant_writes_what_schoolplan_run_writes(sweeps):
    """v001 is the tiny scenario as it is (grades 1-3 within 30 min, 56 seats): its map
    (with the road file's background), route sheets, notices and plan are what ``run``
    writes, but for the variant's name."""
    tmp, _ = sweeps
    assert main(["run", str(tmp / "scenario.yaml"), "--out", str(tmp / "run")]) == 0
    variant = tmp / "dask" / "variants" / "v001"
    name = json.loads((variant / "plan.json").read_text(encoding="utf-8"))["scenario"]
    assert "river" in (variant / "map.html").read_text(encoding="utf-8").lower()
    assert name == f"tiny [{P13}=30, policy.bus.seats=56]"
    for file in ("plan.json", "map.html", "route_sheets.html", "notices.html"):
        text = (variant / file).read_text(encoding="utf-8")
        text = text.replace(json.dumps(name)[1:-1], "tiny").replace(html.escape(name), "tiny")
        assert text == (tmp / "run" / file).read_text(encoding="utf-8"), file
