"""One journey for both models: the closure model counts the bus's stop as the router does.

On the tiny region (conftest): village A (20 grades 1-3, 15 grades 4-6) beside the
small school P1, B (10 grades 1-3) further east, the town school P2 far east. A stop
takes 30 s + 3 s per pupil boarding.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from geodata.kinds import Band
from geodata.region import load_region
from optimizer import verify
from optimizer.closures.cuts import Cut
from optimizer.closures.options import option
from optimizer.closures.settings import ClosureSettings
from optimizer.closures.solve import solve_closures
from optimizer.errors import InfeasibleScenario
from optimizer.planning.flow import make_plan
from optimizer.planning.journeys import refused, routable_closures
from optimizer.problem.build import build_problem
from optimizer.problem.numbers import Way
from optimizer.problem.rules import bus_ride_s, stop_time_s
from optimizer.scenario.schema import load_scenario

A, B, P1, P2 = 0, 1, 0, 1
P13, P46 = 1, 2


@pytest.fixture
def tiny(tiny_dir):
    scenario = load_scenario(tiny_dir / "scenario.yaml")
    return scenario, load_region(scenario.region_files())


def _drive_a_p2(scenario, region) -> int:
    problem = build_problem(region, scenario.policy, name="t")
    return int(problem.time_s[A, problem.school_place(P2)])


def _p13_limit(scenario, seconds: int):
    """The scenario with the grades 1-3 one-way limit at ``seconds``."""
    bands = {
        **scenario.policy.bands,
        "p13": scenario.policy.bands["p13"].model_copy(update={"one_way_min": seconds / 60}),
    }
    policy = scenario.policy.model_copy(update={"bands": bands})
    return scenario.model_copy(update={"policy": policy})


def test_the_closure_model_counts_the_stop_of_a_bus_ride(tiny):
    scenario, region = tiny
    problem = build_problem(region, scenario.policy, name="t")
    drive = int(problem.time_s[A, problem.school_place(P2)])
    # A's 20 grades 1-3 pupils board at one stop: 30 s + 3 s x 20 on top of the drive.
    assert bus_ride_s(problem, P13, A, P2) == drive + stop_time_s(problem, 20) == drive + 90
    ride = option(problem, P13, A, P2)
    assert ride is not None and ride.mode == Way.RIDE and ride.time_s == drive + 90


def test_a_limit_met_by_the_drive_but_not_the_stop_keeps_the_near_school(tiny):
    scenario, region = tiny
    drive = _drive_a_p2(scenario, region)
    # The drive alone (what the closure model used to count) is within the limit; the
    # ride with A's stop (20 pupils: 90 s) is not, so A's grades 1-3 may not ride to P2.
    scenario = _p13_limit(scenario, drive + 45)
    plan, problem = make_plan(scenario, region)
    assert option(problem, P13, A, P2) is None
    assert verify(plan, problem) == []
    a13 = next(a for a in plan.assignments if a.village == "A" and a.band == "p13")
    assert a13.school == "P1" and a13.time_s <= a13.limit_s
    assert {s.id: s.status for s in plan.schools}["P1"] == "kept"
    for route in plan.routes:
        assert all(stop.ride_s <= stop.limit_s for stop in route.stops)
    assert plan.solver[0].settings["journey_rounds"] == 1


def test_a_stop_the_router_refuses_is_cut_and_the_model_solved_again(tiny):
    scenario, region = tiny
    drive = _drive_a_p2(scenario, region)
    # Each band of A alone fits (grades 1-3: drive + 90 s), both at one stop do not
    # (35 pupils: drive + 135 s > drive + 112 s): the first answer is unroutable.
    scenario = _p13_limit(scenario, drive + 112)
    problem = build_problem(region, scenario.policy, name=scenario.name)
    first = solve_closures(problem)
    assert first.school[A, P13] == first.school[A, P46] == P2
    (cut,) = refused(problem, first.school)
    assert (cut.village, cut.school, [str(b) for b in cut.bands]) == (A, P2, ["p13", "p46"])
    assert "village A -> school P2: the direct ride with its stop takes" in cut.reason
    plan, problem = make_plan(scenario, region)
    assert verify(plan, problem) == []
    run = plan.solver[0]
    assert run.settings["journey_rounds"] == 2 and run.settings["router_cuts"] == [cut.reason]
    schools = {(a.village, a.band): a.school for a in plan.assignments}
    assert (schools["A", "p13"], schools["A", "p46"]) != ("P2", "P2")
    for route in plan.routes:
        assert all(stop.ride_s <= stop.limit_s for stop in route.stops)


def test_a_cut_forbids_exactly_the_combination(tiny):
    scenario, region = tiny
    problem = build_problem(region, scenario.policy, name="t")
    cut = Cut(A, P2, (Band.P13, Band.P46), "test")
    result = solve_closures(problem, ClosureSettings(), cuts=(cut,))
    assert (result.school[A, P13], result.school[A, P46]) != (P2, P2)


def test_no_plan_names_the_village_and_the_ride_with_its_stop(tiny):
    scenario, region = tiny
    drive = _drive_a_p2(scenario, region)
    scenario = _p13_limit(scenario, drive + 45)
    problem = build_problem(region, scenario.policy, name=scenario.name)
    # P1 closed by an earlier year: A's grades 1-3 have only P2, 90 s of stop too far.
    closed = dataclasses.replace(problem, closed=np.array([True, False]))
    with pytest.raises(InfeasibleScenario) as caught:
        routable_closures(closed, ClosureSettings())
    (reason,) = [r for r in caught.value.reasons if r.startswith("village A band p13")]
    minutes = (drive + 90) / 60
    assert f"the nearest, P2, is {minutes:.1f} min away with the bus's stop" in reason


def test_a_node_limit_is_a_deterministic_limit_recorded_with_the_plan(tiny):
    scenario, region = tiny
    problem = build_problem(region, scenario.policy, name="t")
    runs = [
        solve_closures(problem, ClosureSettings(node_limit=1, time_limit_s=600)) for _ in range(2)
    ]
    assert runs[0].school.tolist() == runs[1].school.tolist()
    assert runs[0].run.settings["node_limit"] == 1 and runs[0].run.reproducible
