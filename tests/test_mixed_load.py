"""Multi-school (mixed-load) runs on the tiny straight road, where the answer is known.

Two receiving schools sit next to each other at the east end of the road (nodes 9
and 10); village A (node 1) rides to S1 and village B (node 2) to S2, 20 pupils each.
Each school alone needs a bus less than half full; one 56-seat bus collects both
villages and drops each group at its school: the optimum is one bus. With a ride
limit below "own stop + the other village's stop + the drive", whichever group
boards first rides too long, so mixing is impossible and each school keeps its bus.
"""

from __future__ import annotations

import csv
import dataclasses
import shutil
from types import MappingProxyType

import numpy as np
import pytest

from geodata.region import load_region
from optimizer import verify
from optimizer.buses.mixed_load import DropOff, MixedRun, SchoolPickup, route_schools, school_groups
from optimizer.outputs.figures import hhmm
from optimizer.plan import Plan
from optimizer.planning.flow import make_plan
from optimizer.planning.settings import routing_settings
from optimizer.problem.build import build_problem
from optimizer.problem.rules import stop_time_s
from optimizer.scenario.schema import load_scenario
from tests.conftest import ROOT, write_tiny_region

# A and B each have a small school of their own that may close; S1 (primary) and S2
# (junior) are the receivers, 0.9 km apart at the east end.
VILLAGES = """id,name,lon,lat,k,p13,p46,j79,current_k,current_primary,current_junior
A,Avillage,118.0000000,36.0000000,0,20,0,0,,PA,
B,Bvillage,118.0100000,36.0000000,0,0,0,20,,,JB
"""
SCHOOLS = """id,name,lon,lat,level,capacity,may_close,must_keep,running_cost
PA,A school,118.0000000,36.0000000,primary,100,true,false,900000
JB,B school,118.0100000,36.0000000,junior,100,true,false,900000
S1,East primary,118.0800000,36.0000000,primary,400,false,true,2000000
S2,East junior,118.0900000,36.0000000,junior,400,false,true,2000000
"""
MIXED = """name: mixed
region:
  roads: roads.osm
  villages: villages.csv
  schools: schools.csv
policy:
  bell: "08:00"
  bands:
    p13: {one_way_min: 30, walk_km: 0.5}
    j79: {one_way_min: 60, walk_km: 0.5}
  bus:
    multi_school_runs: true
solver:
  seed: 7
"""
A, B, S1, S2 = 0, 1, 2, 3  # village and school indices
RIDERS = {S1: {A: {"p13": 20}}, S2: {B: {"j79": 20}}}


@pytest.fixture(scope="module")
def east(tmp_path_factory):
    folder = write_tiny_region(tmp_path_factory.mktemp("east"), MIXED)
    (folder / "villages.csv").write_text(VILLAGES, encoding="utf-8")
    (folder / "schools.csv").write_text(SCHOOLS, encoding="utf-8")
    scenario = load_scenario(folder / "scenario.yaml")
    region = load_region(scenario.region_files())
    return scenario, region, build_problem(region, scenario.policy, name="east")


def _with_limit(problem, band: str, seconds: float):
    rule = dataclasses.replace(problem.bands[band], limit_s=int(round(seconds)))
    return dataclasses.replace(problem, bands=MappingProxyType({**problem.bands, band: rule}))


def test_nearby_schools_form_one_group_and_far_ones_none(east):
    _, _, problem = east
    assert school_groups(problem, [S1, S2]) == [(S1, S2)]
    bus = dataclasses.replace(problem.bus, multi_school_within_s=30.0)
    far = dataclasses.replace(problem, bus=bus)
    assert school_groups(far, [S1, S2]) == []  # 0.9 km at 60 km/h is 54 s


def test_groups_join_the_closest_pairs_first_up_to_the_size_cap(east):
    _, _, problem = east
    every = [0, 1, 2, 3]  # PA, JB (nodes 1, 2) and S1, S2 (nodes 9, 10): all within 10 min

    def groups(most: int) -> list[tuple[int, ...]]:
        bus = dataclasses.replace(problem.bus, multi_school_max_schools=most)
        return school_groups(dataclasses.replace(problem, bus=bus), every)

    assert groups(4) == [(0, 1, 2, 3)]
    assert groups(3) == groups(2) == [(0, 1), (2, 3)]  # the two 54-s pairs first


def test_only_schools_with_the_same_bell_share_runs(east):
    _, _, problem = east
    bells = np.array([7 * 3600 + 1800, 7 * 3600 + 1800, 8 * 3600 + 900, 8 * 3600])
    staggered = dataclasses.replace(problem, bells_s=bells)
    # S2 keeps the scenario's 08:00: S1 (08:15) has no partner, PA and JB share 07:30.
    assert school_groups(staggered, [0, 1, 2, 3]) == [(0, 1)]


def test_one_mixed_bus_serves_both_schools(east):
    scenario, _, problem = east
    runs, records = route_schools(problem, RIDERS, routing_settings(scenario.solver))
    (run,) = runs  # separately: one half-empty bus per school
    assert isinstance(run, MixedRun)
    # From S1's yard west to A, back east through B, S1, S2: 8 empty + 2 x 9 loaded
    # segments beats starting with B (7 + 2 x 10).
    assert run.visits == (
        SchoolPickup(A, S1, {"p13": 20}),
        SchoolPickup(B, S2, {"j79": 20}),
        DropOff(S1, 20),
        DropOff(S2, 20),
    )
    assert [r.stage for r in records][0] == "buses S1+S2 mixed"
    assert all("not used" in r.stage for r in records[1:])


def test_a_tight_ride_limit_forbids_mixing(east):
    scenario, _, problem = east
    t = problem.time_s
    own = stop_time_s(problem, 20)
    direct_a = own + int(t[A, problem.school_place(S1)])
    direct_b = own + int(t[B, problem.school_place(S2)])
    # Both groups fit alone; whichever boards first also waits for the other stop.
    limit = max(direct_a, direct_b) + 30
    assert limit < min(direct_a, direct_b) + own
    tight = _with_limit(_with_limit(problem, "p13", limit), "j79", limit)
    runs, _ = route_schools(tight, RIDERS, routing_settings(scenario.solver))
    # Two buses, each for one school (the mixed model may still start S2's bus at
    # S1's yard when that drives less).
    served = [r.schools if isinstance(r, MixedRun) else (r.school,) for r in runs]
    assert sorted(served) == [(S1,), (S2,)]


def test_the_plan_has_one_verified_mixed_route(east):
    scenario, region, _ = east
    plan, problem = make_plan(scenario, region)
    assert [s.status for s in plan.schools] == ["closed", "closed", "kept", "kept"]
    (route,) = plan.routes
    assert [d.school for d in route.drops] == ["S1", "S2"] and route.school == "S2"
    assert [(s.village, s.school) for s in route.stops] == [("A", "S1"), ("B", "S2")]
    assert [d.pupils for d in route.drops] == [20, 20]
    assert [d.load_after for d in route.drops] == [20, 0]
    # Timed backwards from S2 at 07:50: S1 one segment (54 s) and a 30-s stop earlier.
    t = problem.time_s
    s1, s2 = problem.school_place(2), problem.school_place(3)
    assert route.drops[1].arrive_s == route.arrive_school_s == 8 * 3600 - 600
    assert route.drops[0].depart_s == route.drops[1].arrive_s - t[s1, s2]
    assert route.drops[0].arrive_s == route.drops[0].depart_s - 30
    # A's ride ends at S1, B's at S2.
    a, b = route.stops
    assert a.ride_s == route.drops[0].arrive_s - a.arrive_s
    assert b.ride_s == route.drops[1].arrive_s - b.arrive_s
    assert b.arrive_s == route.drops[0].arrive_s - t[1, s1] - stop_time_s(problem, 20)
    assert verify(plan, problem) == []
    riders = {(x.village, x.school): x.time_s for x in plan.assignments if x.mode == "bus"}
    assert riders == {("A", "S1"): a.ride_s, ("B", "S2"): b.ride_s}
    assert Plan.from_json(plan.to_json()) == plan


def test_old_plans_without_drops_still_load(east):
    scenario, region, _ = east
    plan, _ = make_plan(scenario, region)
    data = plan.to_dict()
    for r in data["routes"]:
        del r["drops"]
        for s in r["stops"]:
            del s["school"]
    old = Plan.from_dict(data)
    assert old.routes[0].drops == () and old.routes[0].stops[0].school == ""


@pytest.fixture(scope="module")
def mixed_plan(east):
    scenario, region, _ = east
    return make_plan(scenario, region)


def _rules(plan, problem, route) -> set[str]:
    return {v.rule for v in verify(dataclasses.replace(plan, routes=(route,)), problem)}


def test_verifier_catches_a_group_left_on_board(mixed_plan):
    plan, problem = mixed_plan
    route = plan.routes[0]
    first = dataclasses.replace(route.drops[0], pupils=10, load_after=30)
    assert "delivery" in _rules(
        plan, problem, dataclasses.replace(route, drops=(first, route.drops[1]))
    )


def test_verifier_catches_pupils_dropped_at_the_wrong_school(mixed_plan):
    plan, problem = mixed_plan
    route = plan.routes[0]
    a = dataclasses.replace(route.stops[0], school="S2")
    found = _rules(plan, problem, dataclasses.replace(route, stops=(a, route.stops[1])))
    assert {"delivery", "bus seat"} <= found


def test_verifier_catches_an_overloaded_mixed_bus(mixed_plan):
    plan, problem = mixed_plan
    route = plan.routes[0]
    assert "load" in _rules(plan, problem, dataclasses.replace(route, seats=30, bus_type="56-seat"))


def test_verifier_catches_a_school_reached_outside_its_window(mixed_plan):
    plan, problem = mixed_plan
    route = plan.routes[0]
    shift = 40 * 60  # everything 40 min earlier: S1 reached 50 min before the bell
    early = dataclasses.replace(
        route,
        depart_s=route.depart_s - shift,
        stops=tuple(
            dataclasses.replace(s, arrive_s=s.arrive_s - shift, depart_s=s.depart_s - shift)
            for s in route.stops
        ),
        drops=tuple(
            dataclasses.replace(d, arrive_s=d.arrive_s - shift, depart_s=d.depart_s - shift)
            for d in route.drops
        ),
        arrive_school_s=route.arrive_school_s - shift,
    )
    assert _rules(plan, problem, early) == {"school window"}


def test_verifier_catches_a_ride_over_the_limit_to_its_own_school(mixed_plan):
    plan, problem = mixed_plan
    route = plan.routes[0]
    tight = _with_limit(problem, "p13", route.stops[0].ride_s - 1)
    found = {v.rule for v in verify(plan, tight)}
    assert "ride limit" in found


def test_report_map_and_tables_show_the_drop_offs(mixed_plan):
    from optimizer.outputs.maps.static import render_static_map
    from optimizer.outputs.maps.web import render_map
    from optimizer.outputs.route_sheets import render_route_sheets
    from optimizer.outputs.tables import plan_tables

    plan, _ = mixed_plan
    route = plan.routes[0]
    first, last = (hhmm(d.arrive_s) for d in route.drops)
    page = render_route_sheets(plan)
    assert "Route R001 to East primary (S1), East junior (S2)" in page
    assert f"arrives at school {first} (S1, 20 pupils)" in page
    assert "→ East primary (S1)" in page and "→ East junior (S2)" in page
    assert "20 (Grades 1-3 20) → S1" in page and "−20" in page
    assert f"{first} 到校 (S1, 20 名学生)" in render_route_sheets(plan, language="zh")
    html_map = render_map(plan)
    assert f"East primary {first} (20), East junior {last} (20)" in html_map
    assert render_static_map(plan)["png"][:4] == b"\x89PNG"
    tables = plan_tables(plan)
    assert tables["routes"].loc[0, "drops"] == f"S1 {first} 20; S2 {last} 20"
    stops = tables["stops"]
    assert stops[stops["run"] == "morning"]["school"].tolist() == ["S1", "S2"]


@pytest.fixture(scope="module")
def chengguan(tmp_path_factory):
    """The demo county's villages whose primary school is in or closes into Chengguan
    (P01-P03 and the small schools P12, P13, P16): the demo's busiest mixed group."""
    demo = ROOT / "scenarios" / "demo_county"
    folder = tmp_path_factory.mktemp("chengguan")
    for name in ("roads.osm", "schools.csv", "depots.csv"):
        shutil.copy(demo / name, folder / name)
    with (demo / "villages.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    primaries = {"P01", "P02", "P03", "P12", "P13", "P16"}
    with (folder / "villages.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(r for r in rows if r["current_primary"] in primaries)
    (folder / "scenario.yaml").write_text(
        f"extends: {ROOT / 'scenarios' / 'multi_school_runs.yaml'}\n"
        "region:\n  roads: roads.osm\n  villages: villages.csv\n  schools: schools.csv\n"
        "  depots: depots.csv\n"
        # P12, P13 and P16 all stay under the closure policy and the net money; this test
        # is about shared runs, so they close as the gross running cost made them before.
        "policy:\n  closures: {candidates_only: false, township_keeps: []}\n"
        "  money: {closing_must_pay: false, teachers_saved: true}\n",
        encoding="utf-8",
    )
    scenario = load_scenario(folder / "scenario.yaml")
    return scenario, load_region(scenario.region_files())


def test_demo_towns_share_buses_in_a_verified_plan(chengguan):
    scenario, region = chengguan
    plan, problem = make_plan(scenario, region)
    assert verify(plan, problem) == []
    mixed = [r for r in plan.routes if len(set(r.schools())) > 1]
    assert mixed and {s for r in mixed for s in r.schools()} <= {"P01", "P02", "P03"}
    bus = scenario.policy.bus.model_copy(update={"multi_school_runs": False})
    apart = scenario.model_copy(update={"policy": scenario.policy.model_copy(update={"bus": bus})})
    separate, _ = make_plan(apart, region)
    assert plan.kpis["buses"] < separate.kpis["buses"]
    assert plan.kpis["pupils_newly_bused"] == separate.kpis["pupils_newly_bused"]
    again, _ = make_plan(scenario, region)
    assert again.to_json() == plan.to_json()
