"""Afternoon runs: the same bus takes the same riders home after their dismissal.

On the tiny region (see ``conftest``): P1 closes, one bus brings A's 20 grades 1-3 and 15
grades 4-6 pupils and B's 10 grades 1-3 pupils to P2. Grades 1-3 are dismissed at 15:30,
grades 4-6 at 16:30 (the defaults), so the bus does two afternoon runs.
"""

from __future__ import annotations

import dataclasses

import pytest

from geodata.region import load_region
from optimizer import verify
from optimizer.plan import Plan
from optimizer.planning.flow import make_plan
from optimizer.scenario.policy import Policy
from optimizer.scenario.schema import load_scenario
from tests.conftest import write_tiny_region

A, B, P2 = 0, 1, 4  # place indices: villages A, B, C, then schools P1, P2


def _plan(folder, **dismissal):
    scenario = load_scenario(write_tiny_region(folder) / "scenario.yaml")
    if dismissal:
        bus = scenario.policy.bus.model_copy(
            update={"dismissal": {**scenario.policy.bus.dismissal, **dismissal}}
        )
        policy = scenario.policy.model_copy(update={"bus": bus})
        scenario = scenario.model_copy(update={"policy": policy})
    return make_plan(scenario, load_region(scenario.region_files()))


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    return _plan(tmp_path_factory.mktemp("afternoon"))


def rules(plan, problem) -> set[str]:
    return {v.rule for v in verify(plan, problem)}


def test_every_morning_run_has_its_afternoon_runs_and_the_plan_verifies(planned):
    plan, problem = planned
    assert plan.routes and all(r.afternoon for r in plan.routes)
    (route,) = plan.routes
    assert [run.bands for run in route.afternoon] == [("p13",), ("p46",)]
    home = {
        (s.village, b): n
        for run in route.afternoon
        for s in run.stops
        for b, n in s.alighting.items()
    }
    assert home == {("A", "p13"): 20, ("B", "p13"): 10, ("A", "p46"): 15}
    # stops in the reverse of the morning order (A then B in the morning)
    assert [s.village for s in route.afternoon[0].stops] == ["B", "A"]
    assert verify(plan, problem) == []


def test_the_afternoon_times_by_hand(planned):
    plan, problem = planned
    first, second = plan.routes[0].afternoon
    t = problem.time_s
    out = 15 * 3600 + 30 * 60  # grades 1-3 dismissed at 15:30: the bus leaves P2 then
    assert first.collects[0].depart_s == out and first.collects[0].pupils == 30
    at_b = out + t[P2, B]
    assert (first.stops[0].arrive_s, first.stops[0].depart_s) == (at_b, at_b + 30 + 3 * 10)
    at_a = at_b + 60 + t[B, A]
    assert (first.stops[1].arrive_s, first.stops[1].depart_s) == (at_a, at_a + 30 + 3 * 20)
    assert first.stops[1].ride_s == at_a - out  # A's grades 1-3 ride home
    # back to P2 for grades 4-6 (dismissed 16:30, the bus is there before)
    assert first.end == "P2" and first.arrive_end_s == at_a + 90 + t[A, P2]
    assert second.collects[0].depart_s == 16 * 3600 + 30 * 60
    assert second.stops[0].ride_s == t[P2, A]
    assert second.end == "P2 yard"


def test_the_money_counts_the_afternoon_kilometres(planned):
    plan, problem = planned
    (route,) = plan.routes
    km = (route.distance_m + sum(a.distance_m for a in route.afternoon)) / 1000
    money = plan.kpis["money"]
    assert money["bus_km_year"] == round(km * problem.money.school_days, 1)
    assert money["bus_km_cost"] == round(km * problem.money.school_days * problem.bus.cost_per_km)


def test_plan_json_reads_back_with_its_afternoon_runs(planned, tmp_path):
    plan, problem = planned
    path = tmp_path / "plan.json"
    path.write_text(plan.to_json(), encoding="utf-8")
    back = Plan.from_json(path.read_text(encoding="utf-8"))
    assert back == plan and back.to_json() == plan.to_json()
    assert verify(back, problem) == []


def test_a_tampered_afternoon_time_is_caught(planned):
    plan, problem = planned
    (route,) = plan.routes
    first, second = route.afternoon
    # grades 4-6 leaving 10 minutes before their dismissal
    early = dataclasses.replace(second.collects[0], depart_s=second.collects[0].depart_s - 600)
    broken = dataclasses.replace(second, collects=(early,))
    found = rules(_with(plan, route, (first, broken)), problem)
    assert "dismissal" in found
    # a stop reached faster than the road allows
    stop = dataclasses.replace(first.stops[1], arrive_s=first.stops[0].depart_s + 10)
    broken = dataclasses.replace(first, stops=(first.stops[0], stop))
    assert "drive" in rules(_with(plan, route, (broken, second)), problem)


def test_an_afternoon_ride_over_its_limit_is_caught(planned):
    plan, problem = planned
    (route,) = plan.routes
    first, second = route.afternoon
    late = 40 * 60  # A's grades 1-3 home 40 min after dismissal: over their 30 minutes
    stop = dataclasses.replace(
        first.stops[1],
        arrive_s=first.depart_s + late,
        depart_s=first.depart_s + late + 90,
        ride_s=late,
    )
    broken = dataclasses.replace(
        first, stops=(first.stops[0], stop), arrive_end_s=first.arrive_end_s + late
    )
    assert "ride limit" in rules(_with(plan, route, (broken, second)), problem)


def test_riders_missing_from_the_afternoon_are_caught(planned):
    plan, problem = planned
    (route,) = plan.routes
    assert "afternoon riders" in rules(_with(plan, route, route.afternoon[:1]), problem)


def test_one_dismissal_for_all_makes_one_afternoon_run(tmp_path):
    plan, problem = _plan(tmp_path, p46="15:30")
    (route,) = plan.routes
    (run,) = route.afternoon
    assert run.bands == ("p13", "p46") and run.collects[0].pupils == 45
    assert verify(plan, problem) == []


def test_a_bus_late_back_counts_the_wait_in_the_ride(tmp_path):
    plan, problem = _plan(tmp_path, p46="15:35")
    first, second = plan.routes[0].afternoon
    dismissed = 15 * 3600 + 35 * 60
    assert first.arrive_end_s > dismissed  # the bus is still taking grades 1-3 home
    assert second.collects[0].depart_s == first.arrive_end_s
    assert second.stops[0].ride_s == second.stops[0].arrive_s - dismissed
    assert verify(plan, problem) == []


def test_a_dismissal_before_the_bell_is_one_clear_error():
    with pytest.raises(ValueError, match=r"policy.bus.dismissal.p13: 07:30 is not after"):
        Policy(bus={"dismissal": {"p13": "07:30"}})
    with pytest.raises(ValueError, match="a dismissal time by one of k, p13, p46, j79"):
        Policy(bus={"dismissal": {"p31": "15:00"}})
    with pytest.raises(ValueError, match=r"p46: a clock time HH:MM"):
        Policy(bus={"dismissal": {"p46": "4pm"}})


def _with(plan: Plan, route, afternoon) -> Plan:
    return dataclasses.replace(
        plan, routes=(dataclasses.replace(route, afternoon=tuple(afternoon)),)
    )
