"""The whole flow on the tiny region, where the optimal plan is known by hand."""

from __future__ import annotations

import dataclasses
import math

import pytest

from geodata.region import load_region
from optimizer import verify
from optimizer.closures.model import ClosureModel
from optimizer.closures.solve import solve_closures
from optimizer.errors import InfeasibleScenario, UnroutableRiders
from optimizer.planning.flow import make_plan
from optimizer.planning.settings import closure_settings
from optimizer.problem.build import build_problem
from optimizer.problem.numbers import Objective
from optimizer.scenario.schema import load_scenario


@pytest.fixture
def tiny(tiny_dir):
    scenario = load_scenario(tiny_dir / "scenario.yaml")
    return scenario, load_region(scenario.region_files())


def test_small_school_closes_and_one_bus_collects_its_pupils(tiny):
    scenario, region = tiny
    plan, problem = make_plan(scenario, region)
    assert [s.status for s in plan.schools] == ["closed", "kept"]
    assert plan.kpis["pupils_moved"] == 45 and plan.kpis["pupils_newly_bused"] == 45
    (route,) = plan.routes
    assert [s.village for s in route.stops] == ["A", "B"]  # along the road, west to east
    # Ride from A, by hand: stop at A (30 s + 3 s x 35 pupils), drive A->B (1.8 km at
    # 60 km/h), stop at B (30 s + 3 s x 10), drive B->P2 (6 segments, one at 20 km/h).
    t = problem.time_s
    expected = 135 + t[0, 1] + 60 + t[1, 4]
    assert route.stops[0].ride_s == expected
    assert route.arrive_school_s == 8 * 3600 - 600
    assert [s.load_after for s in route.stops] == [35, 45]
    assert verify(plan, problem) == []
    assert plan.solver[0].status == "OPTIMAL"


def test_school_stays_open_when_the_receiver_is_full(tiny):
    scenario, region = tiny
    problem = build_problem(region, scenario.policy, name="t")
    capacity = problem.capacity.copy()
    capacity[1] = 80  # village C's 60 pupils fit, A's and B's 45 more do not
    result = solve_closures(dataclasses.replace(problem, capacity=capacity))
    assert result.open.tolist() == [True, True]
    assert result.school[:, 1].tolist() == [0, 0, 1]


def test_impossible_limit_names_the_village(tiny):
    scenario, region = tiny
    bands = {
        **scenario.policy.bands,
        "p13": scenario.policy.bands["p13"].model_copy(update={"one_way_min": 0.5}),
    }
    policy = scenario.policy.model_copy(update={"bands": bands})
    problem = build_problem(region, policy, name="t")
    with pytest.raises(InfeasibleScenario) as err:
        solve_closures(problem)
    text = str(err.value)
    assert "village A band p13 (20 pupils): no school within the 0.5-minute one-way limit" in text
    # P1's 900 m is a 13.5-min walk, over the limit: today A's grades 1-3 are brought by
    # a guardian (30 km/h on the road distance, both snap legs included): the nearest.
    road = int(problem.dist_m[0, problem.school_place(0)])
    minutes = math.ceil(road / (30 / 3.6)) / 60
    assert 900 <= road < 1000 and 1.8 <= minutes <= 2.0
    assert (
        f"the nearest, P1, is {minutes:.1f} min away brought by a guardian (as today) "
        f"(a limit of {math.ceil(minutes)} min would serve it)" in text
    )


def test_capacity_shortfall_is_explained(tiny):
    scenario, region = tiny
    problem = build_problem(region, scenario.policy, name="t")
    # Today's pupils must fit too (else a school over its capacity today keeps them).
    rules = dataclasses.replace(problem.school_rules, size_limits_apply_to_unmoved=True)
    small = dataclasses.replace(problem, capacity=problem.capacity * 0 + 40, school_rules=rules)
    with pytest.raises(InfeasibleScenario, match="have no room left for them"):
        solve_closures(small)


def test_same_inputs_same_plan(tiny):
    scenario, region = tiny
    first, _ = make_plan(scenario, region)
    again, _ = make_plan(scenario, load_region(scenario.region_files()))
    assert first.to_json() == again.to_json()


def test_grades_4_6_board_when_the_bus_is_too_far_and_beds_are_built(tiny):
    scenario, region = tiny
    bands = {
        **scenario.policy.bands,
        "p46": scenario.policy.bands["p46"].model_copy(update={"one_way_min": 1, "walk_km": 0}),
    }
    policy = scenario.policy.model_copy(update={"bands": bands})
    plan, problem = make_plan(scenario.model_copy(update={"policy": policy}), region)
    modes = {(a.village, a.band): a.mode for a in plan.assignments}
    assert modes[("C", "p46")] == "board" and modes[("A", "p46")] == "board"
    assert modes[("A", "p13")] == "bus"  # grades 1-3 never board
    p2 = next(s for s in plan.schools if s.id == "P2")
    assert p2.boarders_after == 45 and p2.investment["boarding_beds"] == 45
    # Lunch for 45 boarders + 30 bused grades 1-3 pupils, over 2 sittings.
    assert p2.lunch_pupils_after == 75 and p2.investment["canteen_seats"] == 38
    assert verify(plan, problem) == []
    assert {v.item: v.status for v in plan.vetoes if v.school == "P1"} == {
        "journey": "pass",
        "closing pays": "pass",
        "transport safety": "pass",
        "dining and boarding": "pass",
        "school and class size": "pass",
        "parents and representatives": "manual",
    }


def test_minimum_enrolment_keeps_a_small_school_only_as_a_teaching_point(tiny):
    scenario, region = tiny
    schools = scenario.policy.schools.model_copy(update={"min_enrolment": 50})
    policy = scenario.policy.model_copy(update={"schools": schools})
    problem = build_problem(region, policy, name="t")
    cost = problem.running_cost.copy()
    cost[0] = 0  # P1 costs nothing to run, but it has 45 pupils < 50
    capacity = problem.capacity.copy()
    capacity[1] = 60  # and P2 cannot take them
    result = solve_closures(dataclasses.replace(problem, running_cost=cost, capacity=capacity))
    assert result.open.tolist() == [True, True]
    assert result.teaching_point.tolist() == [True, False]


def test_both_routing_engines_give_the_same_runs(tiny):
    scenario, region = tiny
    plans = []
    for engine in ("pyvrp", "ortools"):
        solver = scenario.solver.model_copy(update={"routing_engine": engine})
        plan, problem = make_plan(scenario.model_copy(update={"solver": solver}), region)
        assert verify(plan, problem) == []
        plans.append(
            [(r.school, [s.village for s in r.stops], r.stops[0].ride_s) for r in plan.routes]
        )
    assert plans[0] == plans[1] == [("P2", ["A", "B"], plans[0][0][2])]


def test_buses_start_from_the_nearest_yard(tiny_dir):
    (tiny_dir / "depots.csv").write_text(
        "id,name,lon,lat\nD1,East yard,118.1000000,36.0000000\nD2,Far yard,118.0500000,36.0\n"
    )
    path = tiny_dir / "scenario.yaml"
    path.write_text(
        path.read_text().replace(
            "  schools: schools.csv\n", "  schools: schools.csv\n  depots: depots.csv\n"
        )
    )
    scenario = load_scenario(path)
    plan, problem = make_plan(scenario, load_region(scenario.region_files()))
    (route,) = plan.routes
    # D1 (node 11) is 2 road segments from P2 (node 9); D2 (node 6) is 3, one at 20 km/h.
    assert route.start == "D1"
    t = problem.time_s
    yard, village_a = problem.n_villages + problem.n_schools, 0
    assert route.stops[0].arrive_s - route.depart_s == t[yard, village_a]
    assert verify(plan, problem) == []
    broken = dataclasses.replace(plan, routes=(dataclasses.replace(route, start="D9"),))
    assert "yard" in {v.rule for v in verify(broken, problem)}


def _with(scenario, **policy_updates):
    """The scenario with some policy sections replaced (model_copy updates)."""
    return scenario.model_copy(update={"policy": scenario.policy.model_copy(update=policy_updates)})


def test_lexicographic_puts_the_longest_young_journey_first(tiny):
    scenario, region = tiny
    problem = build_problem(region, scenario.policy, name="t")
    cost = problem.running_cost.copy()
    cost[0] = 0  # P1 costs nothing: by cost alone it stays, and A and B walk 13.5 min
    weighted = solve_closures(dataclasses.replace(problem, running_cost=cost))
    assert weighted.open.tolist() == [True, True]
    weights = dataclasses.replace(problem.weights, objective=Objective.LEXICOGRAPHIC)
    # Closing P1 saves nothing, so only without the closing-pays rule may it close.
    money = dataclasses.replace(problem.money, closing_must_pay=False)
    lexi = dataclasses.replace(problem, running_cost=cost, weights=weights, money=money)
    result = solve_closures(lexi)
    # Closing P1 brings the longest grades 1-3 journey from 13.5 min (walks) to a 9-min drive
    # and the bus's stop for A's 20 (30 s + 3 s a pupil).
    assert result.open.tolist() == [False, True]
    longest = problem.time_s[0, 4] + 90
    assert result.run.settings["stages"] == [f"longest grades 1-3 journey {longest} s"]


def test_tight_limits_give_a_plan_or_an_explanation_never_a_rejected_plan(tiny_dir, capsys):
    from optimizer.cli import main

    path = tiny_dir / "scenario.yaml"
    path.write_text(
        path.read_text().replace(
            'bell: "08:00"',
            'bell: "08:00"\n  bands:\n    p13: {one_way_min: 5}\n    p46: {one_way_min: 1}',
        )
    )
    code = main(["run", str(path), "--out", str(tiny_dir / "out")])
    err = capsys.readouterr().err
    assert code in (0, 2), err
    assert "internal error" not in err


def test_todays_longer_journeys_may_stand(tiny):
    scenario, region = tiny
    bands = {
        **scenario.policy.bands,
        "p13": scenario.policy.bands["p13"].model_copy(update={"one_way_min": 0.5}),
    }
    strict = _with(scenario, bands=bands)
    with pytest.raises(InfeasibleScenario, match="village A band p13"):
        make_plan(strict, region)  # nobody is within 30 s of a school, today or after
    lenient = _with(scenario, bands=bands, limits_apply_to_unmoved=False)
    plan, problem = make_plan(lenient, region)
    assert verify(plan, problem) == []
    assert [s.status for s in plan.schools] == ["kept", "kept"]
    assert plan.kpis["p13_over_limit"] == 60  # A, B and C as today: shown, not hidden


def test_a_cheaper_minibus_takes_a_small_run_and_unsplittable_stops_are_named(tiny):
    scenario, region = tiny
    minibus = {"name": "minibus", "seats": 19, "fixed_cost": 60_000}
    # A and B have 45 riders: a 56-seat bus (150k) is cheaper than three minibuses (180k).
    bus = scenario.policy.bus.model_copy(
        update={"other_types": [scenario.policy.bus.fleet()[0].model_copy(update=minibus)]}
    )
    plan, problem = make_plan(_with(scenario, bus=bus), region)
    assert [(r.bus_type, r.seats) for r in plan.routes] == [("56-seat", 56)]
    # With a 49-seat minibus at 60k, one minibus carries the 45 for less.
    bigger = {**minibus, "seats": 49}
    bus = scenario.policy.bus.model_copy(
        update={"other_types": [scenario.policy.bus.fleet()[0].model_copy(update=bigger)]}
    )
    plan, problem = make_plan(_with(scenario, bus=bus), region)
    assert [(r.bus_type, r.seats) for r in plan.routes] == [("minibus", 49)]
    assert verify(plan, problem) == []
    # A 30-seat standard bus and no splitting: A's 35 riders fit no bus (P1's closure
    # pays for 30-seat buses only with its teachers' pay counted as saved).
    bus = scenario.policy.bus.model_copy(update={"seats": 30, "split_stops": False})
    money = scenario.policy.money.model_copy(update={"teachers_saved": True})
    with pytest.raises(
        UnroutableRiders, match="village A -> school P2: 35 riders, the largest bus has 30 seats"
    ):
        make_plan(_with(scenario, bus=bus, money=money), region)


def _oversized_today(scenario, region, *, apply_to_unmoved: bool):
    """P2 has 2 classes today (C's 30 + 30 pupils) where the level allows 1."""
    rules = scenario.policy.schools.model_copy(
        update={
            "max_classes": {**scenario.policy.schools.max_classes, "primary": 1},
            "size_limits_apply_to_unmoved": apply_to_unmoved,
        }
    )
    policy = scenario.policy.model_copy(update={"schools": rules})
    problem = build_problem(region, policy, name="t")
    classrooms = problem.classrooms.copy()
    classrooms[1] = 2
    return dataclasses.replace(problem, classrooms=classrooms)


def test_a_school_oversized_today_keeps_its_pupils_and_takes_no_more(tiny):
    scenario, region = tiny
    problem = _oversized_today(scenario, region, apply_to_unmoved=False)
    assert problem.unmoved_classes().tolist() == [2, 2]
    assert problem.size_limit(1) == 2 and problem.room_limit(1) == 2
    plan, problem = make_plan(scenario, region, problem)
    # A and B's 45 pupils would make P2 3 classes: the small school stays open.
    assert [s.status for s in plan.schools] == ["kept", "kept"]
    assert verify(plan, problem) == []


def test_size_limits_for_unmoved_pupils_make_an_oversized_must_keep_school_infeasible(tiny):
    scenario, region = tiny
    problem = _oversized_today(scenario, region, apply_to_unmoved=True)
    assert problem.size_limit(1) == 1
    with pytest.raises(InfeasibleScenario):
        solve_closures(problem)


def test_candidates_limit_each_village_band_to_its_cheapest_schools(tiny):
    scenario, region = tiny
    problem = build_problem(region, scenario.policy, name="t")
    every = ClosureModel(problem)
    few = ClosureModel(problem, candidates=1)
    pairs = {(every.customers[c], s) for c, s in zip(every.pair_customer, every.pair_facility)}
    kept = {(few.customers[c], s) for c, s in zip(few.pair_customer, few.pair_facility)}
    # C's grades 1-3 ride 2 min to P2, today's school: their pair to P1 goes. A and B
    # ride to P2 faster than they walk to P1 and keep today's P1 too; C's grades 4-6
    # ride to P1 faster than they walk to P2 (today's).
    assert pairs - kept == {((2, 1), 0)}
    solver = scenario.solver.model_copy(
        update={"closures_candidates": 1, "closures_relative_gap": 0.01}
    )
    plan, problem = make_plan(scenario.model_copy(update={"solver": solver}), region)
    assert [s.status for s in plan.schools] == ["closed", "kept"]
    assert plan.solver[0].settings["candidates"] == 1
    assert plan.solver[0].settings["relative_gap"] == 0.01
    assert verify(plan, problem) == []


def test_a_band_left_without_a_place_among_its_candidates_names_the_setting(tiny):
    scenario, region = tiny
    problem = build_problem(region, scenario.policy, name="t")
    capacity = problem.capacity.copy()
    capacity[1] = 10  # P2 cannot hold village C's pupils, and P1 is no candidate of theirs
    rules = dataclasses.replace(problem.school_rules, size_limits_apply_to_unmoved=True)
    solver = scenario.solver.model_copy(update={"closures_candidates": 1})
    small = dataclasses.replace(problem, capacity=capacity, school_rules=rules)
    with pytest.raises(InfeasibleScenario) as err:
        solve_closures(small, closure_settings(solver))
    assert "village C band p13" in str(err.value)
    assert "solver.closures_candidates = 1" in str(err.value)


def test_a_minimum_enrolment_without_teaching_points_is_named_not_room(tiny):
    """P1 (45 pupils) is the only school A's and B's grades 1-3 reach within a 10-min
    limit; a kept school needs 50 pupils and no teaching point is allowed: the rule in
    the way is the minimum enrolment, not a lack of room."""
    scenario, region = tiny
    bands = {
        **scenario.policy.bands,
        "p13": scenario.policy.bands["p13"].model_copy(update={"one_way_min": 4}),
    }
    schools = scenario.policy.schools.model_copy(
        update={"min_enrolment": 50, "teaching_points": False}
    )
    policy = scenario.policy.model_copy(update={"bands": bands, "schools": schools})
    problem = build_problem(region, policy, name="t")
    with pytest.raises(InfeasibleScenario) as err:
        solve_closures(problem)
    text = str(err.value)
    assert "the minimum enrolment (policy.schools.min_enrolment = 50)" in text
    assert "village bands left without a school under it: A p13" in text
    assert "no room left" not in text


def test_a_school_over_its_capacity_today_keeps_its_own_pupils(tiny):
    """Classrooms unknown: P2 holds 50 by its capacity but has C's 60 today. As with
    rooms, a school over its limit today keeps its own pupils (and takes nobody more);
    with ``size_limits_apply_to_unmoved`` its pupils must fit or move."""
    scenario, region = tiny
    problem = build_problem(region, scenario.policy, name="t")
    p2 = problem.school_ids.index("P2")
    capacity = problem.capacity.copy()
    capacity[p2] = 50
    small = dataclasses.replace(problem, capacity=capacity)
    assert small.today_pupils(p2) == 60 and int(small.pupil_limit()[p2]) == 60
    result = solve_closures(small)
    assert int(small.pupils[result.school == p2].sum()) == 60
    rules = dataclasses.replace(small.school_rules, size_limits_apply_to_unmoved=True)
    assert int(dataclasses.replace(small, school_rules=rules).pupil_limit()[p2]) == 50


def test_a_journey_over_the_limit_today_moves_although_its_school_stays(tiny_dir):
    """Village A goes to P2 today, 7.2 km away: 14.4 min by guardian, over a 10-minute
    grades 1-3 limit that binds pupils who stay (the default). P2 must stay open, so the
    rule that pupils move only from closed schools cannot hold for A's grades 1-3: they
    move to P1, 0.9 km away, and under the family rule their village's grades 4-6 (within
    their limit at P2) with them; the verifier accepts both moves (it rejected the plan,
    and the closure model kept the grades 4-6 at P2: no plan)."""
    villages = tiny_dir / "villages.csv"
    villages.write_text(
        villages.read_text().replace(
            "A,Avillage,118.0000000,36.0000000,0,20,15,0,,P1,",
            "A,Avillage,118.0000000,36.0000000,0,20,15,0,,P2,",
        )
    )
    scenario = load_scenario(tiny_dir / "scenario.yaml")
    bands = {
        **scenario.policy.bands,
        "p13": scenario.policy.bands["p13"].model_copy(update={"one_way_min": 10}),
    }
    policy = scenario.policy.model_copy(update={"bands": bands})
    assert policy.move_only_from_closed and policy.limits_apply_to_unmoved
    scenario = scenario.model_copy(update={"policy": policy})
    plan, problem = make_plan(scenario, load_region(scenario.region_files()))
    a13 = next(a for a in plan.assignments if (a.village, a.band) == ("A", "p13"))
    assert (a13.before_school, a13.school, a13.moved) == ("P2", "P1", True)
    assert a13.time_s <= 600
    a46 = next(a for a in plan.assignments if (a.village, a.band) == ("A", "p46"))
    assert (a46.before_school, a46.school, a46.moved) == ("P2", "P1", True)
    assert {s.id: s.status for s in plan.schools}["P2"] == "kept"
    assert verify(plan, problem) == []
