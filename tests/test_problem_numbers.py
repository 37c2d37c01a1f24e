"""The Problem holds the policy as read-only numbers, and each rule of rules.py reads them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from geodata.kinds import Band, Level
from geodata.region import load_region
from optimizer.plan import Mode
from optimizer.problem.build import build_problem
from optimizer.problem.numbers import Objective, Way
from optimizer.problem.rules import (
    anyone_walks_to_stops,
    class_norm,
    limit_s,
    may_board,
    mode,
    parse_bell,
    places,
    stop_time_s,
    walk_to_stop_limit_m,
    youngest_limit_s,
)
from optimizer.scenario.schema import load_scenario
from tests.conftest import SCENARIO_YAML, write_tiny_region

POLICY = """policy:
  bell: "07:45"
  walk_kph: 3.6
  bands:
    p13: {one_way_min: 25.5, walk_km: 1.2, walk_to_stop_m: 300}
    j79: {one_way_min: 50}
  bus:
    seats: 40
    other_types: [{name: minibus, seats: 19, fixed_cost: 90000, count: 2}]
    stop_time_s: 20
    stop_time_per_pupil_s: 4
    arrive_before_bell_min: 12
    walk_to_stop_m: 500
    max_new_buses: 3
  schools:
    class_size: {primary: 40, junior: 48, kindergarten: 25, teaching_point: 20}
    min_enrolment: 60
  investment: {budget: 5000000}
  weights: {objective: lexicographic, capital: 0.1}
  move_only_from_closed: false
"""


@pytest.fixture
def problem(tmp_path):
    scenario_yaml = SCENARIO_YAML.replace('policy:\n  bell: "08:00"\n', POLICY)
    folder = write_tiny_region(tmp_path, scenario_yaml)
    scenario = load_scenario(folder / "scenario.yaml")
    return build_problem(load_region(scenario.region_files()), scenario.policy, name="t")


def test_the_problem_holds_the_scenarios_numbers_in_seconds_and_metres(problem):
    assert problem.bands[Band.P13].limit_s == 1530  # 25.5 min
    assert problem.bands["p13"].walk_m == 1200.0
    assert problem.bands[Band.P13].walk_to_stop_m == 300  # the band's own lowers the bus's
    assert problem.bands[Band.P46].walk_to_stop_m == 500
    assert problem.bands[Band.J79].limit_s == 3000 and problem.bands[Band.J79].walk_m == 3000.0
    assert problem.walk_mps == pytest.approx(1.0)
    assert problem.scenario_bell_s == 7 * 3600 + 45 * 60
    assert problem.bells_s.tolist() == [problem.scenario_bell_s] * problem.n_schools
    assert problem.bus.arrive_before_bell_s == 720
    assert [(t.name, t.seats, t.count) for t in problem.bus.types] == [
        ("40-seat", 40, None),
        ("minibus", 19, 2),
    ]
    assert problem.bus.largest_seats == 40 and problem.bus.max_new_buses == 3
    assert problem.school_rules.class_size[Level.PRIMARY] == 40
    assert problem.school_rules.min_enrolment == 60
    assert Level.NINE_YEAR in problem.school_rules.min_enrolment_levels
    assert problem.investment.budget == 5_000_000
    assert problem.weights.objective == Objective.LEXICOGRAPHIC and problem.weights.capital == 0.1
    assert not problem.moves.move_only_from_closed and problem.moves.closures_allowed


def test_the_problems_arrays_and_fields_are_read_only(problem):
    for name in (
        "pupils",
        "current",
        "capacity",
        "running_cost",
        "may_close",
        "must_keep",
        "classrooms",
        "canteen_seats",
        "boarding_beds",
        "public",
        "inclusive",
        "serves",
        "time_s",
        "dist_m",
        "walk_m",
        "bells_s",
    ):
        array = getattr(problem, name)
        assert not array.flags.writeable, name
        with pytest.raises(ValueError):
            array.flat[0] = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.bus = None
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.bands[Band.P13].limit_s = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.bus.seats = 1
    with pytest.raises(TypeError):
        problem.bands[Band.K] = problem.bands[Band.P13]
    with pytest.raises(TypeError):
        problem.school_rules.class_size["primary"] = 99


def test_each_rule_gives_the_scenarios_numbers(problem):
    assert parse_bell("07:45") == 27900
    assert limit_s(problem, "p46") == 45 * 60  # the default, the scenario leaves it
    assert youngest_limit_s(problem, {"p13": 3, "j79": 5}) == 1530
    assert youngest_limit_s(problem, {"p13": 0, "j79": 5}) == 3000
    assert walk_to_stop_limit_m(problem, {"p13": 2, "p46": 1}) == 300
    assert walk_to_stop_limit_m(problem, {"p46": 1}) == 500
    assert anyone_walks_to_stops(problem)
    assert may_board(problem, "p46") and not may_board(problem, "p13")
    assert class_norm(problem, "p13") == 40 and class_norm(problem, "j79") == 48
    assert class_norm(problem, "k") == 25
    assert class_norm(problem, "p46", teaching_point=True) == 20
    assert stop_time_s(problem, 10) == 20 + 4 * 10
    assert mode("k", Way.RIDE, moved=True) == Mode.GUARDIAN
    assert mode("p13", Way.RIDE, moved=True) == Mode.BUS
    assert mode("p13", Way.RIDE, moved=False) == Mode.AS_TODAY
    assert mode("j79", Way.BOARD, moved=True) == Mode.BOARD
    assert mode("p46", Way.WALK, moved=True) == Mode.WALK
    for s in range(problem.n_schools):  # the tiny schools give no classrooms: their capacity
        assert places(problem, s) == int(problem.capacity[s])
    rooms = np.array([3] * problem.n_schools)
    assert places(dataclasses.replace(problem, classrooms=rooms), 0) == 3 * 40  # primary norm


def test_a_schools_own_bell_replaces_the_scenarios(problem):
    assert problem.bell_s(0) == problem.scenario_bell_s
    bells = problem.bells_s.copy()
    bells[0] = parse_bell("07:30")
    assert dataclasses.replace(problem, bells_s=bells).bell_s(0) == 27000
