"""The verifier catches each kind of broken plan (plans broken on purpose)."""

from __future__ import annotations

import dataclasses

import pytest

from geodata.region import load_region
from optimizer import verify
from optimizer.planning.flow import make_plan
from optimizer.scenario.schema import load_scenario


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    from tests.conftest import write_tiny_region

    d = write_tiny_region(tmp_path_factory.mktemp("tiny"))
    scenario = load_scenario(d / "scenario.yaml")
    return make_plan(scenario, load_region(scenario.region_files()))


def rules(plan, problem) -> set[str]:
    return {v.rule for v in verify(plan, problem)}


def test_the_real_plan_passes(planned):
    assert verify(*planned) == []


def test_over_capacity(planned):
    plan, problem = planned
    small = dataclasses.replace(problem, capacity=problem.capacity.copy() * 0 + 50)
    assert "capacity" in rules(plan, small)


def test_pupils_sent_to_a_closed_school(planned):
    plan, problem = planned
    a = plan.assignments[-1]
    broken = dataclasses.replace(
        plan, assignments=(*plan.assignments[:-1], dataclasses.replace(a, school="P1"))
    )
    assert "open" in rules(broken, problem)


def test_a_must_keep_school_closed(planned):
    plan, problem = planned
    schools = tuple(dataclasses.replace(s, status="closed") for s in plan.schools)
    assert "closure" in rules(dataclasses.replace(plan, schools=schools), problem)


def test_missing_assignment(planned):
    plan, problem = planned
    assert "assigned once" in rules(
        dataclasses.replace(plan, assignments=plan.assignments[1:]), problem
    )


def test_understated_journey_time(planned):
    plan, problem = planned
    a = plan.assignments[-1]
    fake = dataclasses.replace(a, time_s=a.time_s - 60)
    broken = dataclasses.replace(plan, assignments=(*plan.assignments[:-1], fake))
    assert "time" in rules(broken, problem)


def test_ride_over_the_limit(planned):
    plan, problem = planned
    route = plan.routes[0]
    late = 40 * 60  # the first stop now 40 min before arrival: over the 30-min p13 limit
    stop = dataclasses.replace(
        route.stops[0],
        arrive_s=route.arrive_school_s - late,
        depart_s=route.arrive_school_s - late + 135,
        ride_s=late,
    )
    broken_route = dataclasses.replace(
        route, stops=(stop, *route.stops[1:]), depart_s=route.depart_s - 3600
    )
    found = rules(dataclasses.replace(plan, routes=(broken_route,)), problem)
    assert "ride limit" in found


def test_bus_too_fast_between_stops(planned):
    plan, problem = planned
    route = plan.routes[0]
    stop = dataclasses.replace(route.stops[1], arrive_s=route.stops[0].depart_s + 10)
    broken = dataclasses.replace(route, stops=(route.stops[0], stop))
    assert "drive" in rules(dataclasses.replace(plan, routes=(broken,)), problem)


def test_overloaded_bus(planned):
    plan, problem = planned
    standard = dataclasses.replace(problem.bus.types[0], seats=40)
    bus = dataclasses.replace(problem.bus, seats=40, types=(standard, *problem.bus.types[1:]))
    found = rules(plan, dataclasses.replace(problem, bus=bus))
    assert "seats" in found


def test_bus_pupil_without_a_seat(planned):
    plan, problem = planned
    route = plan.routes[0]
    broken = dataclasses.replace(route, stops=route.stops[:1])
    assert "bus seat" in rules(dataclasses.replace(plan, routes=(broken,)), problem)


def test_load_misreported(planned):
    plan, problem = planned
    route = plan.routes[0]
    stop = dataclasses.replace(route.stops[1], load_after=10)
    broken = dataclasses.replace(route, stops=(route.stops[0], stop))
    assert "load" in rules(dataclasses.replace(plan, routes=(broken,)), problem)


@pytest.fixture(scope="module")
def boarding_plan(tmp_path_factory):
    """The tiny region where grades 4-6 board at P2 (beds and canteen seats are built)."""
    from tests.conftest import SCENARIO_YAML, write_tiny_region

    d = write_tiny_region(
        tmp_path_factory.mktemp("board"),
        SCENARIO_YAML.replace(
            'bell: "08:00"', 'bell: "08:00"\n  bands:\n    p46: {one_way_min: 1, walk_km: 0}'
        ),
    )
    scenario = load_scenario(d / "scenario.yaml")
    return make_plan(scenario, load_region(scenario.region_files()))


def _school(plan, sid, **changes):
    schools = tuple(dataclasses.replace(s, **changes) if s.id == sid else s for s in plan.schools)
    return dataclasses.replace(plan, schools=schools)


def test_boarding_plan_passes(boarding_plan):
    assert verify(*boarding_plan) == []


def test_canteen_too_small_for_lunch(boarding_plan):
    plan, problem = boarding_plan
    p2 = next(s for s in plan.schools if s.id == "P2")
    fewer = {**p2.investment, "canteen_seats": p2.investment["canteen_seats"] - 1}
    assert "lunch" in rules(_school(plan, "P2", investment=fewer), problem)


def test_boarders_without_beds(boarding_plan):
    plan, problem = boarding_plan
    p2 = next(s for s in plan.schools if s.id == "P2")
    fewer = {**p2.investment, "boarding_beds": p2.investment["boarding_beds"] - 1}
    assert "beds" in rules(_school(plan, "P2", investment=fewer), problem)


def test_grades_1_3_never_board(boarding_plan):
    plan, problem = boarding_plan
    young = tuple(
        dataclasses.replace(a, mode="board") if a.band == "p13" and a.mode == "bus" else a
        for a in plan.assignments
    )
    assert "board" in rules(dataclasses.replace(plan, assignments=young), problem)


def test_capital_over_the_budget(boarding_plan):
    plan, problem = boarding_plan
    invest = dataclasses.replace(problem.investment, budget=1000)
    poorer = dataclasses.replace(problem, investment=invest)
    assert "budget" in rules(plan, poorer)


def test_classes_over_the_classrooms(planned):
    plan, problem = planned
    rooms = problem.capacity * 0 + 1  # one classroom each: P2's 105 pupils need 3 classes
    assert "classrooms" in rules(plan, dataclasses.replace(problem, classrooms=rooms))
