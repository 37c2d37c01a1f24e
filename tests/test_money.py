"""Honest money, closing pays and the reasons of decisions, on the tiny region by hand."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from geodata.region import load_region
from optimizer import verify
from optimizer.closures.solve import solve_closures
from optimizer.outputs import figures
from optimizer.outputs.report import render_report
from optimizer.plan import Plan
from optimizer.planning.accounts import bus_estimate, routed_corrections
from optimizer.planning.flow import make_plan
from optimizer.problem.build import build_problem
from optimizer.problem.data import frozen
from optimizer.problem.money import runs_a_day
from optimizer.problem.numbers import Objective
from optimizer.reasons import KeepOpen
from optimizer.scenario.schema import load_scenario


@pytest.fixture
def tiny(tiny_dir):
    scenario = load_scenario(tiny_dir / "scenario.yaml")
    return scenario, load_region(scenario.region_files())


def _with_money(scenario, **money):
    policy = scenario.policy
    return scenario.model_copy(
        update={
            "policy": policy.model_copy(update={"money": policy.money.model_copy(update=money)})
        }
    )


def test_the_net_annual_saving_by_hand(tiny):
    scenario, region = tiny
    plan, problem = make_plan(scenario, region)
    assert verify(plan, problem) == []
    money = plan.kpis["money"]
    (route,) = plan.routes
    # P1 (900,000 yuan/year) closes; 70 % of it is teachers' pay, redeployed: 270,000 saved.
    assert money["running_cost_saved"] == 900_000 and money["saved"] == 270_000
    assert money["teacher_cost_moved"] == 630_000
    # One 56-seat bus, 150,000 a year, and 6 yuan/km for the morning run and its two
    # afternoon runs (grades 1-3 dismissed first, then grades 4-6), 200 days.
    assert len(route.afternoon) == 2
    km = (route.distance_m + sum(a.distance_m for a in route.afternoon)) / 1000
    km_cost = km * 200 * 6.0
    assert money["bus_fixed"] == 150_000 and money["bus_km_cost"] == round(km_cost)
    # 45 pupils now eat lunch at school, 1,000 yuan a year each; nobody boards.
    assert money["lunch_subsidy"] == 45_000 and money["boarding_subsidy"] == 0
    net = 270_000 - 150_000 - round(km_cost) - 45_000
    assert money["net_annual_saving"] == net
    # Capital: P2's canteen for 45 lunches in 2 sittings (23 seats x 4,000) and the bus.
    assert money["capital_by_item"] == {
        "classrooms": 0,
        "canteen_seats": 23 * 4_000,
        "boarding_beds": 0,
        "buses": 450_000,
    }
    assert money["capital_by_year"] == {"2026": 542_000}  # built the year before the 2027 closures
    assert money["payback_years"] == round(542_000 / net, 1)
    # Read back from plan.json.
    assert Plan.from_json(plan.to_json()).kpis["money"] == money


def test_teachers_saved_and_teacher_pay_from_the_data(tiny, tiny_dir):
    scenario, region = tiny
    plan, _ = make_plan(_with_money(scenario, teachers_saved=True), region)
    assert plan.kpis["money"]["saved"] == 900_000
    problem = build_problem(region, scenario.policy, name="t")
    given = dataclasses.replace(problem, teacher_cost=frozen(np.array([500_000, -1])))
    from optimizer.problem.money import closure_saving

    assert closure_saving(given).tolist() == [400_000, 600_000]  # P2: the default 70 %


def test_more_bus_km_cost_more(tiny):
    scenario, region = tiny
    plan, problem = make_plan(scenario, region)
    from optimizer.planning.accounts import plan_money

    def longer(run):
        return dataclasses.replace(run, distance_m=run.distance_m + 3_000)

    # the morning run and each of its (two) afternoon runs 3 km longer
    routes = tuple(
        dataclasses.replace(longer(r), afternoon=tuple(longer(a) for a in r.afternoon))
        for r in plan.routes
    )
    base = plan.kpis["money"]
    more = plan_money(problem, plan.schools, plan.assignments, routes, plan.buses)
    assert more["annual_cost"] - base["annual_cost"] == round(3 * 3 * 200 * 6.0)
    # A plan without afternoon runs (from before they were routed) counts each morning run
    # as the closure model's estimate does: 3 runs a day to a primary school.
    bare = tuple(dataclasses.replace(r, afternoon=()) for r in plan.routes)
    (route,) = plan.routes
    old = plan_money(problem, plan.schools, plan.assignments, bare, plan.buses)
    assert old["bus_km_year"] == round(route.distance_m / 1000 * 3 * 200, 1)


def test_closing_pays_or_the_school_stays(tiny):
    scenario, region = tiny
    problem = build_problem(region, scenario.policy, name="t")
    cost = problem.running_cost.copy()
    cost[0] = 0  # P1 saves nothing when it closes
    # The lexicographic objective would close it (a shorter longest grades 1-3 journey) ...
    weights = dataclasses.replace(problem.weights, objective=Objective.LEXICOGRAPHIC)
    lexi = dataclasses.replace(problem, running_cost=frozen(cost), weights=weights)
    free = dataclasses.replace(lexi, money=dataclasses.replace(lexi.money, closing_must_pay=False))
    assert solve_closures(free).open.tolist() == [False, True]
    # ... but a closure must save more than it adds: it stays.
    assert solve_closures(lexi).open.tolist() == [True, True]


def test_the_reason_of_a_closure_is_the_difference_of_two_solves(tiny):
    scenario, region = tiny
    plan, problem = make_plan(_with_money(scenario, keep_open_exact=True), region)
    (reason,) = plan.reasons
    assert reason.school == "P1" and reason.keep_open is KeepOpen.RESOLVED
    base = solve_closures(problem)
    keep = np.array(problem.must_keep)
    keep[0] = True
    kept = solve_closures(dataclasses.replace(problem, must_keep=frozen(keep)))
    assert kept.open.tolist() == [True, True]
    assert reason.keep_open_cost == round(kept.run.objective - base.run.objective)
    assert reason.saving == 270_000 and reason.saving > reason.added_cost
    assert reason.pupils_moved == 45 and reason.buses == 1 and reason.boarders == 0
    # The bound (reopen it alone) is never below the exact cost.
    bound, _ = make_plan(scenario, region)
    assert bound.reasons[0].keep_open is KeepOpen.BOUND
    assert bound.reasons[0].keep_open_cost >= reason.keep_open_cost
    assert math.isclose(bound.reasons[0].saving, reason.saving)
    assert Plan.from_json(plan.to_json()).reasons == plan.reasons


def test_the_checklist_agrees_with_the_map_flags(tiny):
    scenario, region = tiny
    plan, _ = make_plan(scenario, region)
    flagged = {a.before_school: 0 for a in plan.assignments if a.moved}
    for village in figures.villages(plan):
        for a in village.rows:
            if a.moved and a.over_limit:
                flagged[a.before_school] += a.pupils
    for check in plan.vetoes:
        if check.item == "journey":
            assert f"; {flagged.get(check.school, 0)} over their limit" in check.detail
    pays = [c for c in plan.vetoes if c.item == "closing pays"]
    assert [(c.school, c.status) for c in pays] == [("P1", "pass")]
    html = render_report(plan, language="zh")
    assert "年度净节省" in html and "万元" in html
    # Capital by calendar year, in 万元: 542,000 yuan built in 2026, before the 2027 closure.
    assert "分年投资（先建后撤）: 2026</td><td" in html and "54.2</td>" in html
    assert "Annual net saving" in render_report(plan, language="en")


def test_the_bus_estimate_by_hand_and_corrected_by_the_routes(tiny):
    """The closure model's estimate of the plan's bus: 45 seats' share of a 56-seat bus's
    fixed cost and of the km from each village to P2, driven on the morning run and the
    two afternoon runs (grades 1-3, then 4-6). Corrected by the routes (the share of seats
    filled, the routed km over the estimate's), it is the accounts' figure."""
    scenario, region = tiny
    plan, problem = make_plan(_with_money(scenario, bus_estimate_from_routes=False), region)
    money = plan.kpis["money"]
    assert runs_a_day(problem).tolist() == [3, 3]
    km = {
        v: problem.dist_m[problem.village_ids.index(v), problem.n_villages + 1] / 1000 for v in "AB"
    }
    by_hand = sum(n * (150_000 + km[v] * 3 * 200 * 6.0) / 56 for v, n in (("A", 35), ("B", 10)))
    assert money["bus_estimate"] == round(by_hand)
    accounts = money["bus_fixed"] + money["bus_km_cost"]
    assert money["bus_estimate"] < accounts  # a part-full bus, and the drive from the yard
    fill, factor = routed_corrections(
        problem, plan.assignments, money["bus_fixed"], money["bus_km_cost"]
    )
    assert fill == round(45 / 56, 4)  # one bus of one type: the share of its seats filled
    corrected = dataclasses.replace(
        problem, money=dataclasses.replace(problem.money, bus_fill=fill, route_km_factor=factor)
    )
    assert abs(bus_estimate(corrected, plan.assignments) - accounts) <= 5  # rounding only
    # Planned with the correction: the same plan, whose model figure is now the accounts'.
    again, again_problem = make_plan(_with_money(scenario, bus_estimate_from_routes=True), region)
    assert verify(again, again_problem) == []
    assert [s.status for s in again.schools] == [s.status for s in plan.schools]
    m = again.kpis["money"]
    assert (m["bus_fill"], m["route_km_factor"]) == (fill, factor)
    assert abs(m["bus_estimate"] - (m["bus_fixed"] + m["bus_km_cost"])) <= 5
