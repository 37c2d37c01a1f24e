"""The bundled demo, end to end: every stage, a verified plan, the same bytes twice."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pyogrio
import pytest
import shapely

from geodata.region import load_region
from optimizer import verify
from optimizer.cli import main
from optimizer.plan import Plan
from optimizer.planning.accounts import bus_estimate
from optimizer.problem.build import build_problem
from optimizer.problem.money import dismissal_groups, driving_cost, runs_a_day
from optimizer.scenario.schema import load_scenario
from tests.browser import browse, distinct_colours, needs_chromium

DEMO = Path(__file__).resolve().parents[1] / "scenarios" / "demo.yaml"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory):
    """The demo run twice through the CLI (the second from the region cache)."""
    tmp = tmp_path_factory.mktemp("demo")
    cache = tmp / "cache"
    codes = [
        main(["run", str(DEMO), "--out", str(tmp / name), "--cache", str(cache)])
        for name in ("first", "second")
    ]
    return tmp, codes


def test_demo_region_loads_with_its_places():
    scenario = load_scenario(DEMO)
    region = load_region(scenario.region_files(), speeds=scenario.policy.speeds.model())
    assert len(region.villages) >= 240 and len(region.schools) >= 55
    assert region.villages["snap_m"].max() < 1000
    speeds = {round(d["bus_kph"]) for _, _, d in region.network.graph.edges(data=True)}
    assert max(speeds) == 80 and 20 in speeds  # the motorway cap and the hazard rule


def test_two_runs_write_the_same_plan(demo_runs):
    tmp, codes = demo_runs
    assert codes == [0, 0]
    for path in sorted((tmp / "first").iterdir()):
        assert path.read_bytes() == (tmp / "second" / path.name).read_bytes(), path.name
    for name in ("map.png", "map.pdf", "plan.gpkg", "villages.csv", "catchments.csv"):
        assert (tmp / "first" / name).exists(), name


def test_demo_geopackage_holds_the_plans_records(demo_runs):
    tmp, _ = demo_runs
    gpkg = tmp / "first" / "plan.gpkg"
    plan = Plan.from_json((tmp / "first" / "plan.json").read_text())
    rows = {
        "villages": len({a.village for a in plan.assignments}),
        "schools": len(plan.schools),
        "assignments": len(plan.assignments),
        "routes": len(plan.routes),
        "stops": sum(len(r.stops) + sum(len(a.stops) for a in r.afternoon) for r in plan.routes),
    }
    for name, count in rows.items():
        info = pyogrio.read_info(gpkg, layer=name)
        assert info["features"] == count and info["crs"] == "EPSG:4326", name
    areas = pyogrio.read_dataframe(gpkg, layer="catchments")
    open_primary = {a.school for a in plan.assignments if a.band in ("p13", "p46") and a.pupils > 0}
    assert set(areas["school"]) <= open_primary and len(areas) >= 2
    assert shapely.is_valid(areas.geometry.values).all()
    assert areas["pupils"].sum() == sum(
        a.pupils
        for a in plan.assignments
        if a.band in ("p13", "p46") and a.village in set(" ".join(areas["village_ids"]).split())
    )


def test_demo_plan_keeps_every_rule(demo_runs):
    tmp, _ = demo_runs
    plan = json.loads((tmp / "first" / "plan.json").read_text())
    kpis = plan["kpis"]
    assert kpis["schools_closed"] > 0 and kpis["buses"] > 0
    assert kpis["p13_over_limit"] == 0
    closures = plan["solver"][0]
    assert closures["status"] in ("OPTIMAL", "FEASIBLE") and closures["reproducible"]
    for route in plan["routes"]:
        assert route["arrive_school_s"] <= plan["bell_s"]
        for stop in route["stops"]:
            assert stop["ride_s"] <= stop["limit_s"] and stop["load_after"] <= route["seats"]
    bused = sum(a["pupils"] for a in plan["assignments"] if a["mode"] == "bus")
    boarded = sum(sum(s["boarding"].values()) for r in plan["routes"] for s in r["stops"])
    assert bused == boarded == kpis["pupils_newly_bused"]


def test_the_written_plan_passes_the_verifier_and_a_broken_one_fails(demo_runs):
    tmp, _ = demo_runs
    scenario = load_scenario(DEMO)
    region = load_region(
        scenario.region_files(), speeds=scenario.policy.speeds.model(), cache_dir=tmp / "cache"
    )
    problem = build_problem(region, scenario.policy, name=scenario.name)
    text = (tmp / "first" / "plan.json").read_text()
    plan = Plan.from_json(text)
    assert plan.to_json() == text
    assert verify(plan, problem) == []

    route = plan.routes[0]
    crowded = dataclasses.replace(route, seats=route.stops[-1].load_after - 1)
    broken = dataclasses.replace(plan, routes=(crowded, *plan.routes[1:]))
    assert "load" in {v.rule for v in verify(broken, problem)}


@needs_chromium
def test_demo_map_in_a_browser(demo_runs):
    tmp, _ = demo_runs
    page = tmp / "first" / "map.html"
    plan = json.loads((tmp / "first" / "plan.json").read_text())
    done = browse(tmp, page, "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    drawn = len(re.findall(r'<path class="[^"]*leaflet-interactive"', done.stdout))
    villages = {a["village"] for a in plan["assignments"]}
    assert drawn >= len(plan["routes"]) + len(plan["schools"]) + len(villages)
    assert done.stdout.count('class="sp-route leaflet-interactive"') == len(plan["routes"])
    assert done.stdout.count('class="sp-catchment leaflet-interactive"') >= 2
    assert done.stdout.count('class="sp-road leaflet-interactive"') == 1
    assert "Uncaught" not in done.stderr
    png = tmp / "map.png"
    done = browse(tmp, page, f"--screenshot={png}", "--window-size=1000,800")
    assert png.exists() and distinct_colours(png) > 20


def test_the_models_bus_estimate_and_the_accounts_use_one_day_of_driving(demo_runs):
    """The closure model prices a bus seat with the day the routes really drive: a
    morning run and one afternoon run per dismissal time (grades 1-3 first). The
    accounts price the routed km with the same function; the estimate stays within a
    stated bound of them (it leaves out part-full buses and the drive from the yard)."""
    tmp, _ = demo_runs
    scenario = load_scenario(DEMO)
    region = load_region(
        scenario.region_files(), speeds=scenario.policy.speeds.model(), cache_dir=tmp / "cache"
    )
    problem = build_problem(region, scenario.policy, name=scenario.name)
    plan = Plan.from_json((tmp / "first" / "plan.json").read_text())
    money = plan.kpis["money"]
    runs = runs_a_day(problem)
    index = {sid: i for i, sid in enumerate(problem.school_ids)}
    # The router runs one afternoon run per dismissal time on board, the rule the estimate
    # counts for a run carrying every bus band its school teaches (an upper bound).
    for r in plan.routes:
        on_board = {b for s in r.stops for b, n in s.boarding.items() if n}
        assert len(r.afternoon) == len(dismissal_groups(problem, on_board)) >= 1
        assert 1 + len(r.afternoon) <= runs[index[r.school]]
    full = [r for r in plan.routes if 1 + len(r.afternoon) == runs[index[r.school]]]
    assert len(full) >= len(plan.routes) // 2
    # The accounts' km cost is a day's driving of the routed km (morning and afternoon).
    km_day = sum(r.distance_m + sum(a.distance_m for a in r.afternoon) for r in plan.routes) / 1e3
    assert money["bus_km_cost"] == round(driving_cost(problem, km_day))
    assert money["bus_km_year"] == round(km_day * 200, 1)
    # The model's figure for the same pupils, from the same function, within the bound.
    accounts = money["bus_fixed"] + money["bus_km_cost"]
    # The demo plans with the estimate corrected by a first plan's routes: the same
    # function with the plan's recorded corrections.
    corrected = dataclasses.replace(
        problem,
        money=dataclasses.replace(
            problem.money, bus_fill=money["bus_fill"], route_km_factor=money["route_km_factor"]
        ),
    )
    assert (money["bus_fill"], money["route_km_factor"]) != (1.0, 1.0)
    assert money["bus_estimate"] == bus_estimate(corrected, plan.assignments)
    assert 0.5 * accounts <= money["bus_estimate"] <= accounts


def test_the_report_says_how_the_closure_model_priced_the_buses(demo_runs):
    """The money section states the model's bus estimate beside the routes' cost, with
    the first plan's fill and km factor it was corrected by."""
    import html

    tmp, _ = demo_runs
    money = json.loads((tmp / "first" / "plan.json").read_text(encoding="utf-8"))["kpis"]["money"]
    report = html.unescape((tmp / "first" / "report.html").read_text(encoding="utf-8"))
    fill = f"buses {round(100 * money['bus_fill'])} % full"
    factor = f"{money['route_km_factor']:.2f} times the km"
    estimate = f"estimate of this plan's buses is {money['bus_estimate']:,} yuan/year"
    routed = f"the routes cost {money['bus_fixed'] + money['bus_km_cost']:,} yuan/year"
    for words in (fill, factor, estimate, routed):
        assert words in report, words


def test_the_walkthrough_is_saved_with_the_demos_outputs(demo_runs):
    """notebooks/walkthrough.ipynb is shipped with its outputs (``make notebook``): every
    code cell has run without an error, and the demo's summary it shows is today's."""
    import nbformat

    from optimizer.plan import Plan

    tmp, _ = demo_runs
    nb = nbformat.read(ROOT / "notebooks" / "walkthrough.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs for c in code[1:]), "run `make notebook` and commit it"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    shown = "".join(o.get("text", "") for c in code for o in c.outputs if o.output_type == "stream")
    plan = Plan.from_json((tmp / "first" / "plan.json").read_text(encoding="utf-8"))
    assert plan.summary() in shown, "the saved notebook shows another plan: `make notebook`"
    pictures = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(pictures) == 3  # journeys, enrolment, costs
