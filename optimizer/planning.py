"""The whole flow for one scenario: problem -> closures -> buses -> verified Plan."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from geodata.places import BANDS
from geodata.region import Region
from optimizer.buses import Riders, Run, ride_limit_s, route_school, stop_time_s
from optimizer.closures import solve_closures
from optimizer.plan import Assignment, Plan, Route, RouteStop, SchoolResult, compute_kpis
from optimizer.problem import Problem, build_problem
from optimizer.scenario import Scenario
from optimizer.verification import Violation, verify


class PlanRejected(Exception):
    """The verifier found broken rules in a plan; it must not be written."""

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        super().__init__(
            "the plan fails verification:\n  " + "\n  ".join(str(v) for v in violations)
        )


def make_plan(scenario: Scenario, region: Region) -> tuple[Plan, Problem]:
    """Plan one scenario on a loaded region and verify the result.

    Raises
    ------
    optimizer.closures.InfeasibleScenario, optimizer.buses.UnroutableRiders
        When no plan meets the rules (with the villages and limits at fault).
    PlanRejected
        When the independent verifier finds a broken rule (a bug, never expected).
    """
    problem = build_problem(region, scenario.policy, name=scenario.name)
    closures = solve_closures(problem, scenario.solver)
    draft = _assignments(problem, region, closures.school)
    riders: dict[int, Riders] = defaultdict(lambda: defaultdict(dict))
    school_index = {sid: i for i, sid in enumerate(problem.school_ids)}
    village_index = {vid: i for i, vid in enumerate(problem.village_ids)}
    for a in draft:
        if a.mode == "bus":
            riders[school_index[a.school]][village_index[a.village]][a.band] = a.pupils
    routes: list[Route] = []
    runs = [closures.run]
    for s in sorted(riders):
        school_runs, solver_run = route_school(
            problem, s, {v: dict(b) for v, b in riders[s].items()}, scenario.solver
        )
        runs.append(solver_run)
        for run in school_runs:
            routes.append(_route(problem, region, run, f"R{len(routes) + 1:03d}"))
    assignments = _with_rides(draft, routes)
    schools = _schools(problem, region, closures.open, closures.school)
    plan = Plan(
        scenario=scenario.name,
        bell_s=scenario.policy.bell_s,
        schools=schools,
        assignments=assignments,
        routes=tuple(routes),
        solver=tuple(runs),
        kpis=compute_kpis(schools, assignments, tuple(routes)),
    )
    violations = verify(plan, problem)
    if violations:
        raise PlanRejected(violations)
    return plan, problem


def _point(frame, i: int) -> tuple[float, float]:
    return round(float(frame["lon"].iloc[i]), 7), round(float(frame["lat"].iloc[i]), 7)


def _assignments(problem: Problem, region: Region, school: np.ndarray) -> list[Assignment]:
    out = []
    for v in range(problem.n_villages):
        lon, lat = _point(region.villages, v)
        for b, band in enumerate(BANDS):
            pupils = int(problem.pupils[v, b])
            if pupils == 0:
                continue
            s, cur = int(school[v, b]), int(problem.current[v, b])
            how, seconds, dist = problem.journey(b, v, s)
            moved = s != cur
            if how == "walk":
                mode = "walk"
            elif band == "k":
                mode = "guardian"
            else:
                mode = "bus" if moved else "as_today"
            out.append(
                Assignment(
                    village=problem.village_ids[v],
                    village_name=problem.village_names[v],
                    lon=lon,
                    lat=lat,
                    band=band,
                    pupils=pupils,
                    school=problem.school_ids[s],
                    mode=mode,
                    time_s=seconds,
                    distance_m=dist,
                    limit_s=problem.policy.limit_s(band),
                    moved=moved,
                    before_school=problem.school_ids[cur] if cur >= 0 else "",
                    before_time_s=problem.journey(b, v, cur)[1] if cur >= 0 else 0,
                    before_distance_m=problem.journey(b, v, cur)[2] if cur >= 0 else 0,
                )
            )
    return out


def _route(problem: Problem, region: Region, run: Run, route_id: str) -> Route:
    """Timetable a run backwards from its arrival at school."""
    policy = problem.policy
    school_place = problem.school_place(run.school)
    arrive_school = policy.bell_s - 60 * policy.bus.arrive_before_bell_min
    t, nxt = arrive_school, school_place
    timed = []
    for pickup in reversed(run.pickups):
        depart = t - int(problem.time_s[pickup.village, nxt])
        arrive = depart - stop_time_s(problem, pickup.pupils)
        timed.append((pickup, arrive, depart))
        t, nxt = arrive, pickup.village
    timed.reverse()
    first = run.pickups[0].village
    depart_yard = timed[0][1] - int(problem.time_s[school_place, first])
    stops, load = [], 0
    for pickup, arrive, depart in timed:
        load += pickup.pupils
        lon, lat = _point(region.villages, pickup.village)
        stops.append(
            RouteStop(
                village=problem.village_ids[pickup.village],
                village_name=problem.village_names[pickup.village],
                lon=lon,
                lat=lat,
                arrive_s=arrive,
                depart_s=depart,
                boarding={band: n for band, n in sorted(pickup.boarding.items())},
                load_after=load,
                ride_s=arrive_school - arrive,
                limit_s=ride_limit_s(problem, pickup.boarding),
            )
        )
    sequence = [school_place, *(p.village for p in run.pickups), school_place]
    drive = sum(int(problem.time_s[a, b]) for a, b in zip(sequence, sequence[1:]))
    geometry, _ = region.route_path(sequence[1:])
    _, length = region.route_path(sequence)
    return Route(
        id=route_id,
        school=problem.school_ids[run.school],
        start=f"{problem.school_ids[run.school]} yard",
        seats=policy.bus.seats,
        depart_s=depart_yard,
        stops=tuple(stops),
        arrive_school_s=arrive_school,
        distance_m=int(round(length)),
        drive_s=drive,
        longest_ride_s=max(s.ride_s for s in stops),
        geometry=tuple(geometry),
    )


def _with_rides(draft: list[Assignment], routes: list[Route]) -> tuple[Assignment, ...]:
    """Bus riders' journey time is their ride on the route (the longest if split)."""
    ride: dict[tuple[str, str, str], int] = {}
    for route in routes:
        for stop in route.stops:
            for band in stop.boarding:
                key = (stop.village, band, route.school)
                ride[key] = max(ride.get(key, 0), stop.ride_s)
    out = []
    for a in draft:
        if a.mode == "bus":
            a = Assignment(**{**a.__dict__, "time_s": ride[(a.village, a.band, a.school)]})
        out.append(a)
    return tuple(out)


def _schools(
    problem: Problem, region: Region, is_open: np.ndarray, school: np.ndarray
) -> tuple[SchoolResult, ...]:
    out = []
    for s in range(problem.n_schools):
        bands = [b for b in range(len(BANDS)) if problem.serves[s, b]]
        lon, lat = _point(region.schools, s)
        out.append(
            SchoolResult(
                id=problem.school_ids[s],
                name=problem.school_names[s],
                level=problem.school_levels[s],
                lon=lon,
                lat=lat,
                status="kept" if is_open[s] else "closed",
                may_close=bool(problem.may_close[s]),
                must_keep=bool(problem.must_keep[s]),
                capacity=int(problem.capacity[s]),
                running_cost=int(problem.running_cost[s]),
                enrolment_before={
                    BANDS[b]: int(problem.pupils[problem.current[:, b] == s, b].sum())
                    for b in bands
                },
                enrolment_after={
                    BANDS[b]: int(problem.pupils[school[:, b] == s, b].sum()) for b in bands
                },
            )
        )
    return tuple(out)
