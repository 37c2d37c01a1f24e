"""The whole flow for one scenario: problem -> closures -> buses -> verified Plan.

The steps live beside it: :mod:`~optimizer.planning.settings` (the models' settings
from the scenario), :mod:`~optimizer.planning.decoding` (assignments),
:mod:`~optimizer.planning.timetables` (routes), :mod:`~optimizer.planning.school_results`
and :mod:`~optimizer.planning.vetoes`.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from geodata.region import Region
from optimizer.buses.fleet import bus_duties
from optimizer.buses.mixed_load import route_schools
from optimizer.buses.runs import Riders, Run, route_school
from optimizer.buses.settings import RoutingSettings
from optimizer.buses.stops import choose_stops
from optimizer.errors import InfeasibleScenario, PlanRejected
from optimizer.forked import fork_map
from optimizer.kpis import compute_kpis
from optimizer.plan import Assignment, Mode, Plan, SolverRun
from optimizer.planning.accounts import plan_money, routed_corrections
from optimizer.planning.afternoons import with_afternoons
from optimizer.planning.decoding import draft_assignments, with_rides
from optimizer.planning.journeys import routable_closures
from optimizer.planning.reasons import closure_reasons, placement_reasons
from optimizer.planning.school_results import school_results
from optimizer.planning.settings import closure_settings, routing_settings
from optimizer.planning.timetables import plan_route
from optimizer.planning.townships import plan_depots, township_summary, with_towns
from optimizer.planning.vetoes import veto_checklist
from optimizer.problem.build import build_problem
from optimizer.problem.data import Problem
from optimizer.scenario.schema import Scenario
from optimizer.verification.checks import verify
from optimizer.verification.violation import Violation


def make_plan(
    scenario: Scenario, region: Region, problem: Problem | None = None
) -> tuple[Plan, Problem]:
    """Plan one scenario on a loaded region and verify the result.

    ``problem`` replaces the one built from the scenario (a year of a timeline).

    Raises
    ------
    optimizer.closures.model.InfeasibleScenario, optimizer.buses.runs.UnroutableRiders
        When no plan meets the rules (with the villages and limits at fault).
    PlanRejected
        When the independent verifier finds a broken rule (a bug, never expected).
    """
    plan, problem, violations = plan_and_check(scenario, region, problem)
    if violations:
        raise PlanRejected(violations)
    return plan, problem


def plan_and_check(
    scenario: Scenario,
    region: Region,
    problem: Problem | None = None,
    *,
    relax: bool = False,
    routed: dict | None = None,
) -> tuple[Plan, Problem, list[Violation]]:
    """Plan one scenario and list every rule the verifier finds broken (see :func:`make_plan`).

    ``relax`` leaves the townships and the cap on closures to the verifier (``assess``).
    With ``money.calibrate`` the scenario is planned twice: the second time with the
    closure model's bus estimate corrected by the first plan's routes
    (:func:`~optimizer.planning.accounts.routed_corrections`). ``routed`` keeps the
    routes of each set of riders routed so far (the bus estimate does not enter the
    routing: the same riders get the same routes, so the second plan routes only
    riders the first did not have).
    """
    problem = problem or scenario_problem(scenario, region)
    if problem.money.calibrate and not relax:  # a proposal keeps its own closures
        routed = {}
        first = plan_and_check(
            scenario, region, _calibrated(problem, None), relax=relax, routed=routed
        )
        corrected = _calibrated(problem, first[0])
        if corrected.money == first[1].money:  # no routes: nothing to correct
            return first
        return plan_and_check(scenario, region, corrected, relax=relax, routed=routed)
    settings = dataclasses.replace(closure_settings(scenario.solver), relax=relax)
    closures = routable_closures(problem, settings)
    draft = draft_assignments(problem, region, closures.school)
    key = tuple(draft)
    if routed is not None and key in routed:
        solver_runs, routes, buses = routed[key]
    else:
        bus_runs, solver_runs = _bus_runs(problem, draft, routing_settings(scenario.solver))
        routes = tuple(
            plan_route(problem, region, run, f"R{n:03d}") for n, run in enumerate(bus_runs, start=1)
        )
        buses = bus_duties(problem, routes)
        _check_fleet(problem, routes, buses)
        routes = with_afternoons(problem, region, routes, buses)
        if routed is not None:
            routed[key] = solver_runs, routes, buses
    assignments = with_rides(problem, draft, list(routes))
    schools = school_results(problem, region, closures, assignments)
    schools, assignments, routes = with_towns(problem, schools, assignments, routes)
    reasons = closure_reasons(problem, closures, settings, assignments, routes, buses)
    money = plan_money(problem, schools, assignments, routes, buses)
    plan = Plan(
        scenario=scenario.name,
        bell_s=problem.scenario_bell_s,
        schools=schools,
        assignments=assignments,
        routes=routes,
        solver=(closures.run, *solver_runs),
        kpis={
            **compute_kpis(schools, assignments, routes, buses),
            "years_ahead": problem.moves.years_ahead,
            "money": money,
        },
        vetoes=veto_checklist(problem, schools, assignments, routes, reasons),
        buses=buses,
        reasons=reasons,
        placements=placement_reasons(problem, schools, assignments),
        depots=plan_depots(region, buses, routes),
        townships=township_summary(problem, schools, assignments, routes, buses, money),
    )
    return plan, problem, verify(plan, problem)


def _check_fleet(problem: Problem, routes: tuple, buses: tuple) -> None:
    """No more new buses than ``policy.bus.max_new_buses``."""
    most = problem.bus.max_new_buses
    if most is not None and len(buses) > most:
        raise InfeasibleScenario(
            [
                f"the pupils who move need {len(buses)} school buses (routes to "
                + ", ".join(sorted({s for r in routes for s in r.schools()}))
                + f"), more than policy.bus.max_new_buses = {most}; raise it or set it to 0 "
                "(merge only where no bus is needed)"
            ]
        )


def _calibrated(problem: Problem, plan: Plan | None) -> Problem:
    """The Problem without the calibration switch, its bus estimate corrected by the
    routes of ``plan`` (none: uncorrected)."""
    money = dataclasses.replace(problem.money, calibrate=False)
    if plan is not None:
        m = plan.kpis["money"]
        fill, factor = routed_corrections(
            problem, plan.assignments, m["bus_fixed"], m["bus_km_cost"]
        )
        money = dataclasses.replace(money, bus_fill=fill, route_km_factor=factor)
    return dataclasses.replace(problem, money=money)


def scenario_problem(scenario: Scenario, region: Region) -> Problem:
    """The Problem of a scenario on its region, with the planner's decisions."""
    return build_problem(
        region,
        scenario.policy,
        name=scenario.name,
        decisions=scenario.decisions,
        scenario_file=str(scenario.sources[0]) if scenario.sources else "scenario",
    )


def _bus_runs(
    problem: Problem, draft: list[Assignment], settings: RoutingSettings
) -> tuple[list, list[SolverRun]]:
    """Every receiving school's runs (shared between nearby schools where the policy
    allows and it saves buses), and the record of every model solved."""
    riders: dict[int, Riders] = defaultdict(lambda: defaultdict(dict))
    school_index = {sid: i for i, sid in enumerate(problem.school_ids)}
    village_index = {vid: i for i, vid in enumerate(problem.village_ids)}
    for a in draft:
        if a.mode == Mode.BUS:
            riders[school_index[a.school]][village_index[a.village]][a.band] = a.pupils
    every = {s: {v: dict(b) for v, b in riders[s].items()} for s in sorted(riders)}
    if problem.bus.multi_school_runs:
        # Nearby schools may share runs (optimizer.buses.mixed_load), where that saves buses.
        return route_schools(problem, every, settings)
    bus_runs: list[Run] = []
    records: list[SolverRun] = []

    def routed(s: int) -> tuple[SolverRun | None, list[Run], SolverRun]:
        stops = choose_stops(problem, s, every[s], settings)
        school_runs, record = route_school(problem, s, every[s], settings, stops=stops.stop_of)
        return stops.run, school_runs, record

    # Each school's runs depend on its riders alone: routed on both cores where there are.
    for stops_run, school_runs, record in fork_map(routed, sorted(every)):
        records += [stops_run] if stops_run is not None else []
        records.append(record)
        bus_runs += school_runs
    return bus_runs, records
