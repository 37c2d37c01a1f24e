"""The whole flow for one scenario: problem -> closures -> buses -> verified Plan."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from geodata.places import BANDS
from geodata.region import Region
from optimizer.buses.fleet import bus_duties
from optimizer.buses.mixed_load import mixed_route, route_schools
from optimizer.buses.runs import Riders, Run, pickup_limit_s, route_school, stop_time_s, yard
from optimizer.buses.stops import choose_stops
from optimizer.closures.model import ClosureResult, solve_closures
from optimizer.closures.options import option
from optimizer.errors import InfeasibleScenario, PlanRejected
from optimizer.plan import (
    Assignment,
    Plan,
    Route,
    RouteStop,
    SchoolResult,
    VetoCheck,
    Walker,
    compute_kpis,
)
from optimizer.problem.build import BAND_NORM, Problem, build_problem
from optimizer.scenario.schema import Scenario
from optimizer.verification.checks import verify


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
    problem = problem or build_problem(region, scenario.policy, name=scenario.name)
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
    every = {s: {v: dict(b) for v, b in riders[s].items()} for s in sorted(riders)}
    if scenario.policy.bus.multi_school_runs:
        # Nearby schools may share runs (optimizer.buses.mixed_load), where that saves buses.
        bus_runs, solver_runs = route_schools(problem, every, scenario.solver)
        runs += solver_runs
    else:
        bus_runs = []
        for s in sorted(every):
            stops = choose_stops(problem, s, every[s], scenario.solver)
            runs += [stops.run] if stops.run is not None else []
            school_runs, solver_run = route_school(
                problem, s, every[s], scenario.solver, stops=stops.stop_of
            )
            runs.append(solver_run)
            bus_runs += school_runs
    for run in bus_runs:
        build = _route if isinstance(run, Run) else mixed_route
        routes.append(build(problem, region, run, f"R{len(routes) + 1:03d}"))
    buses = bus_duties(problem, tuple(routes))
    most = scenario.policy.bus.max_new_buses
    if most is not None and len(buses) > most:
        raise InfeasibleScenario(
            [
                f"the pupils who move need {len(buses)} school buses (routes to "
                + ", ".join(sorted({s for r in routes for s in r.schools()}))
                + f"), more than policy.bus.max_new_buses = {most}; raise it or set it to 0 "
                "(merge only where no bus is needed)"
            ]
        )
    assignments = _with_rides(problem, draft, routes)
    schools = _schools(problem, region, closures, assignments)
    plan = Plan(
        scenario=scenario.name,
        bell_s=scenario.policy.bell_s,
        schools=schools,
        assignments=assignments,
        routes=tuple(routes),
        solver=tuple(runs),
        kpis={
            **compute_kpis(schools, assignments, tuple(routes), buses),
            "years_ahead": scenario.policy.years_ahead,
        },
        vetoes=veto_checklist(problem, schools, assignments, tuple(routes)),
        buses=buses,
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
            s, cur = int(school[v, b]), int(problem.today[v, b])
            way = option(problem, b, v, s)
            seconds, dist = way.time_s, way.distance_m
            moved = s != cur
            if way.mode in ("walk", "board"):
                mode = way.mode
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
    bell = problem.bell_s(run.school)
    arrive_school = bell - 60 * policy.bus.arrive_before_bell_min
    t, nxt = arrive_school, school_place
    timed = []
    for pickup in reversed(run.pickups):
        depart = t - int(problem.time_s[pickup.village, nxt])
        arrive = depart - stop_time_s(problem, pickup.pupils)
        timed.append((pickup, arrive, depart))
        t, nxt = arrive, pickup.village
    timed.reverse()
    first = run.pickups[0].village
    yard_place, yard_name = yard(problem, run.school)
    depart_yard = timed[0][1] - int(problem.time_s[yard_place, first])
    stops, load = [], 0
    for pickup, arrive, depart in timed:
        load += pickup.pupils
        lon, lat = _point(region.villages, pickup.village)
        walked: dict[int, dict[str, int]] = defaultdict(dict)
        for origin, band, n in pickup.walkers:
            walked[origin][band] = walked[origin].get(band, 0) + n
        walkers = []
        for origin in sorted(walked):
            walk = int(problem.walk_m[origin, pickup.village])
            walkers.append(
                Walker(
                    village=problem.village_ids[origin],
                    village_name=problem.village_names[origin],
                    walk_m=walk,
                    walk_s=int(problem.walk_time_s(walk)),
                    boarding={band: n for band, n in sorted(walked[origin].items())},
                )
            )
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
                limit_s=pickup_limit_s(problem, pickup),
                walkers=tuple(walkers),
            )
        )
    sequence = [yard_place, *(p.village for p in run.pickups), school_place]
    drive = sum(int(problem.time_s[a, b]) for a, b in zip(sequence, sequence[1:]))
    geometry, _ = region.route_path(sequence[1:])
    _, length = region.route_path(sequence)
    return Route(
        id=route_id,
        school=problem.school_ids[run.school],
        start=yard_name,
        seats=policy.bus.fleet()[run.bus].seats,
        bus_type=policy.bus.fleet()[run.bus].name,
        depart_s=depart_yard,
        stops=tuple(stops),
        arrive_school_s=arrive_school,
        distance_m=int(round(length)),
        drive_s=drive,
        longest_ride_s=max(s.ride_s for s in stops),
        geometry=tuple(geometry),
        bell_s=bell,
    )


def _with_rides(
    problem: Problem, draft: list[Assignment], routes: list[Route]
) -> tuple[Assignment, ...]:
    """Bus riders' journey time is their ride on the route (the longest if split), after
    the walk for those who walk to a stop in another village."""
    journey: dict[tuple[str, str, str], int] = {}
    stop_of: dict[tuple[str, str, str], Walker | None] = {}
    stop_village: dict[tuple[str, str, str], str] = {}
    for route in routes:
        for stop in route.stops:
            own = dict(stop.boarding)
            for w in stop.walkers:
                for band, n in w.boarding.items():
                    own[band] -= n
                    key = (w.village, band, route.stop_school(stop))
                    journey[key] = max(journey.get(key, 0), w.walk_s + stop.ride_s)
                    stop_of[key], stop_village[key] = w, stop.village
            for band, n in own.items():
                if n > 0:
                    key = (stop.village, band, route.stop_school(stop))
                    journey[key] = max(journey.get(key, 0), stop.ride_s)
                    stop_of[key], stop_village[key] = None, stop.village
    school_index = {sid: i for i, sid in enumerate(problem.school_ids)}
    village_index = {vid: i for i, vid in enumerate(problem.village_ids)}
    out = []
    for a in draft:
        if a.mode == "bus":
            key = (a.village, a.band, a.school)
            update: dict[str, object] = {"time_s": journey[key]}
            walker = stop_of[key]
            if walker is not None:
                place = problem.school_place(school_index[a.school])
                ride_m = int(problem.dist_m[village_index[stop_village[key]], place])
                update |= {
                    "stop": stop_village[key],
                    "walk_to_stop_m": walker.walk_m,
                    "distance_m": walker.walk_m + ride_m,
                }
            a = Assignment(**{**a.__dict__, **update})
        out.append(a)
    return tuple(out)


def school_needs(problem: Problem, s: int, assignments) -> dict[str, int]:
    """Classes, largest class, lunch and beds a school needs for its assigned pupils.

    ``assignments`` are the plan's records for school ``s``; ``teaching_point`` (in
    the returned dict as 0/1 input via the caller) is not considered here.
    """
    load = {band: 0 for band in BANDS}
    lunch = boarders = 0
    for a in assignments:
        load[a.band] += a.pupils
        lunch += a.pupils if a.mode in ("bus", "board") else 0
        boarders += a.pupils if a.mode == "board" else 0
    return {"load": load, "lunch": lunch, "boarders": boarders}


def kindergarten_places(problem: Problem, s: int) -> int:
    """Places a kindergarten offers: classrooms x the norm, or its capacity."""
    rooms = int(problem.classrooms[s])
    return (
        rooms * problem.policy.schools.class_size["kindergarten"]
        if rooms
        else int(problem.capacity[s])
    )


def _schools(
    problem: Problem, region: Region, closures: ClosureResult, assignments: tuple[Assignment, ...]
) -> tuple[SchoolResult, ...]:
    rules, invest = problem.policy.schools, problem.policy.investment
    by_school: dict[str, list[Assignment]] = defaultdict(list)
    for a in assignments:
        by_school[a.school].append(a)
    out = []
    for s in range(problem.n_schools):
        sid = problem.school_ids[s]
        bands = [b for b in range(len(BANDS)) if problem.serves[s, b]]
        lon, lat = _point(region.schools, s)
        kept = bool(closures.open[s])
        tp = kept and bool(closures.teaching_point[s])
        needs = school_needs(problem, s, by_school.get(sid, []))
        classes, largest, norm_shown = 0, 0, 0
        for band, pupils in needs["load"].items():
            if pupils == 0:
                continue
            norm = rules.class_size["teaching_point" if tp else BAND_NORM[band]]
            n = math.ceil(pupils / norm)
            classes += n
            largest = max(largest, math.ceil(pupils / n))
            norm_shown = max(norm_shown, norm)
        rooms = int(problem.classrooms[s])
        added = {
            # At least what the classes need; more where the model builds public
            # kindergarten places for the public share.
            "classrooms": max(classes - problem.room_limit(s), int(closures.added_classrooms[s]))
            if rooms > 0 and kept
            else 0,
            "canteen_seats": max(
                0, math.ceil(needs["lunch"] / rules.lunch_sittings) - int(problem.canteen_seats[s])
            )
            if kept
            else 0,
            "boarding_beds": max(0, needs["boarders"] - int(problem.boarding_beds[s]))
            if kept
            else 0,
            # Private places made inclusive with a yearly subsidy (not capital).
            "inclusive_places": kindergarten_places(problem, s)
            if kept and closures.subsidised[s]
            else 0,
        }
        capital = (
            added["classrooms"] * invest.classroom_cost
            + added["canteen_seats"] * invest.canteen_seat_cost
            + added["boarding_beds"] * invest.bed_cost
        )
        out.append(
            SchoolResult(
                id=sid,
                name=problem.school_names[s],
                level=problem.school_levels[s],
                lon=lon,
                lat=lat,
                status="teaching_point" if tp else ("kept" if kept else "closed"),
                may_close=bool(problem.may_close[s]),
                must_keep=bool(problem.must_keep[s]),
                capacity=int(problem.capacity[s]),
                running_cost=int(problem.running_cost[s]),
                enrolment_before={
                    BANDS[b]: int(problem.pupils[problem.today[:, b] == s, b].sum()) for b in bands
                },
                enrolment_after={
                    BANDS[b]: int(problem.pupils[closures.school[:, b] == s, b].sum())
                    for b in bands
                },
                ownership="public" if problem.public[s] else "private",
                class_norm=norm_shown,
                classes_after=classes,
                largest_class_after=largest,
                canteen_seats=int(problem.canteen_seats[s]) + added["canteen_seats"],
                lunch_pupils_after=needs["lunch"],
                boarding_beds=int(problem.boarding_beds[s]) + added["boarding_beds"],
                boarders_after=needs["boarders"],
                investment={k: v for k, v in added.items() if v},
                capital_cost=int(round(capital)),
            )
        )
    return tuple(out)


def veto_checklist(
    problem: Problem,
    schools: tuple[SchoolResult, ...],
    assignments: tuple[Assignment, ...],
    routes: tuple[Route, ...],
) -> tuple[VetoCheck, ...]:
    """The closure vetoes of the domain rules, checked for each closed school.

    A closure is vetoed when, after the merge, getting to school becomes
    inconvenient or unsafe, the receiving school cannot feed or board the pupils,
    the merge makes an oversized school or class, or most parents oppose (the last
    is for the hearing: ``manual``).
    """
    rules = problem.policy.schools
    by_id = {s.id: s for s in schools}
    ride = {
        (st.village, b, r.stop_school(st)): st.ride_s
        for r in routes
        for st in r.stops
        for b in st.boarding
    } | {
        (w.village, b, r.stop_school(st)): w.walk_s + st.ride_s
        for r in routes
        for st in r.stops
        for w in st.walkers
        for b in w.boarding
    }
    checks = []
    for school in schools:
        if school.status != "closed":
            continue
        moved = [a for a in assignments if a.before_school == school.id and a.moved]
        over = [a for a in moved if a.mode != "board" and a.time_s > a.limit_s]
        longest = max((a.time_s for a in moved if a.mode != "board"), default=0)
        checks.append(
            VetoCheck(
                school.id,
                "journey",
                "fail" if over else "pass",
                f"{sum(a.pupils for a in moved)} pupils move; longest daily journey "
                f"{longest / 60:.1f} min; {sum(a.pupils for a in over)} over their limit",
            )
        )
        bused = [a for a in moved if a.mode == "bus"]
        unseated = [a for a in bused if (a.village, a.band, a.school) not in ride]
        checks.append(
            VetoCheck(
                school.id,
                "transport safety",
                "fail" if unseated else "pass",
                f"{sum(a.pupils for a in bused)} pupils on school buses with a seat each, "
                f"capped speeds and rides within limits",
            )
        )
        receivers = sorted({a.school for a in moved})
        lacking = [
            r
            for r in receivers
            if by_id[r].lunch_pupils_after > rules.lunch_sittings * by_id[r].canteen_seats
            or by_id[r].boarders_after > by_id[r].boarding_beds
        ]
        built = [f"{r}: {by_id[r].investment}" for r in receivers if by_id[r].investment]
        checks.append(
            VetoCheck(
                school.id,
                "dining and boarding",
                "fail" if lacking else "pass",
                "receiving "
                + ", ".join(receivers)
                + ("; to build first: " + "; ".join(built) if built else "; nothing to build"),
            )
        )
        oversized = [
            r
            for r in receivers
            if by_id[r].largest_class_after > by_id[r].class_norm
            or by_id[r].classes_after
            > (problem.size_limit(problem.school_ids.index(r)) or by_id[r].classes_after)
        ]
        checks.append(
            VetoCheck(
                school.id,
                "school and class size",
                "fail" if oversized else "pass",
                "; ".join(
                    f"{r}: {by_id[r].classes_after} classes, largest "
                    f"{by_id[r].largest_class_after} (norm {by_id[r].class_norm})"
                    for r in receivers
                ),
            )
        )
        checks.append(
            VetoCheck(
                school.id,
                "parents and representatives",
                "manual",
                "the hearing decides: record whether most parents or representatives oppose",
            )
        )
    return tuple(checks)
