"""Per-school bell times: each school's buses arrive before its own bell."""

from __future__ import annotations

import dataclasses

import pytest

from geodata.errors import InputError
from geodata.places import SCHOOLS, read_places
from geodata.region import load_region
from optimizer import verify
from optimizer.plan import Plan
from optimizer.planning.flow import make_plan
from optimizer.scenario.schema import load_scenario
from tests.conftest import write_tiny_region

#: Village A rides to P1 (2.7 km), village B to P2 (1.8 km); nobody has a school today.
VILLAGES = """id,name,lon,lat,k,p13,p46,j79
A,Avillage,118.0000000,36.0000000,0,20,0,0
B,Bvillage,118.1000000,36.0000000,0,10,0,0
"""
SCHOOLS_CSV = """id,name,lon,lat,level,capacity,may_close,must_keep,running_cost,bell
P1,Early school,118.0300000,36.0000000,primary,100,false,true,900000,07:30
P2,Late school,118.0800000,36.0000000,primary,100,false,true,900000,8:15
"""


@pytest.fixture(scope="module")
def two_bells(tmp_path_factory):
    folder = write_tiny_region(tmp_path_factory.mktemp("bells"))
    (folder / "villages.csv").write_text(VILLAGES, encoding="utf-8")
    (folder / "schools.csv").write_text(SCHOOLS_CSV, encoding="utf-8")
    scenario = load_scenario(folder / "scenario.yaml")
    return make_plan(scenario, load_region(scenario.region_files()))


def test_each_route_arrives_before_its_own_schools_bell(two_bells):
    plan, problem = two_bells
    assert [problem.bell_s(s) for s in range(2)] == [7 * 3600 + 1800, 8 * 3600 + 900]
    assert plan.bell_s == 8 * 3600  # the scenario's bell, for schools without their own
    arrive = {r.school: (r.arrive_school_s, r.bell_s) for r in plan.routes}
    # 10 minutes before each bell (policy.bus.arrive_before_bell_min)
    assert arrive == {"P1": (7 * 3600 + 1200, 27_000), "P2": (8 * 3600 + 300, 29_700)}
    assert verify(plan, problem) == []


def test_the_verifier_holds_each_route_to_its_own_bell(two_bells):
    plan, problem = two_bells
    early = next(r for r in plan.routes if r.school == "P1")
    late = 7 * 3600 + 2400  # 07:40: after P1's 07:30, before the scenario's 08:00
    shift = late - early.arrive_school_s
    moved = dataclasses.replace(
        early,
        arrive_school_s=late,
        depart_s=early.depart_s + shift,
        stops=tuple(
            dataclasses.replace(s, arrive_s=s.arrive_s + shift, depart_s=s.depart_s + shift)
            for s in early.stops
        ),
    )
    routes = tuple(moved if r is early else r for r in plan.routes)
    found = verify(dataclasses.replace(plan, routes=routes), problem)
    assert [(v.rule, v.subject) for v in found] == [("bell", early.id)]
    assert "after the bell of P1" in found[0].detail


def _as_before_bells_and_stops(plan: Plan) -> dict:
    """The plan's dict without the keys that per-school bells and stops added."""
    data = plan.to_dict()
    for route in data["routes"]:
        del route["bell_s"]
        for stop in route["stops"]:
            del stop["walkers"]
    for a in data["assignments"]:
        del a["stop"], a["walk_to_stop_m"]
    return data


def test_a_plan_from_before_school_bells_still_reads(two_bells, tmp_path):
    plan, _ = two_bells
    old = Plan.from_dict(_as_before_bells_and_stops(plan))
    assert {r.bell_s for r in old.routes} == {plan.bell_s}
    assert all(s.walkers == () for r in old.routes for s in r.stops)
    assert all(a.stop == "" and a.walk_to_stop_m == 0 for a in old.assignments)
    # one bell for all, as before: the old plan still verifies
    scenario = load_scenario(write_tiny_region(tmp_path) / "scenario.yaml")
    plan, problem = make_plan(scenario, load_region(scenario.region_files()))
    old = Plan.from_dict(_as_before_bells_and_stops(plan))
    assert old == plan and verify(old, problem) == []


def test_a_malformed_bell_is_one_clear_error(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text(SCHOOLS_CSV.replace("07:30", "7.30").replace("8:15", "25:00"))
    with pytest.raises(InputError) as err:
        read_places(path, SCHOOLS)
    text = str(err.value)
    assert f"{path}: row 2 (id P1): bell: expected a bell time HH:MM" in text
    assert "found '7.30'" in text
    assert "row 3 (id P2): bell:" in text and "found '25:00'" in text


def test_an_empty_bell_takes_the_scenarios(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text(SCHOOLS_CSV.replace(",07:30", ","))
    assert list(read_places(path, SCHOOLS)["bell"]) == ["", "08:15"]
