"""Independent re-check of the bus routes: each run re-timed from the problem's matrices.

Part of :mod:`optimizer.verification.checks`. Every route: a bus of the fleet, its
school's bell; its road list no longer than the run. A single-school run, stop by
stop: who boards (walkers from other villages within their walk), the load within the
seats, the time at the stop, every
leg no faster than the road, each ride as reported and within the youngest boarding
band's limit, the yard left in time; multi-school runs in
:mod:`optimizer.verification.mixed_routes`. Then the riders against the assignments:
each bus pupil boards once, at the stop named, with the journey reported. Nothing here
calls the models.
"""

from __future__ import annotations

import math

from optimizer.plan import Mode, Plan, Route, RouteStop, Walker
from optimizer.problem.build import Problem
from optimizer.verification.mixed_routes import check_mixed_route
from optimizer.verification.riders import Boarded, yard_place
from optimizer.verification.violation import Violation


def check_routes(
    plan: Plan, problem: Problem, bus: dict[tuple[str, str, str], int], out: list[Violation]
) -> None:
    """Re-check every route, then its riders against the assignments (``bus``: the pupils
    each (village, band, school) sends by bus)."""
    village_index = {vid: i for i, vid in enumerate(problem.village_ids)}
    school_index = {sid: i for i, sid in enumerate(problem.school_ids)}
    seen = Boarded()
    for route in plan.routes:
        s = school_index.get(route.school)
        if s is None or not route.stops:
            out.append(Violation("route", route.id, "unknown school or no stops"))
            continue
        _check_bus_and_bell(route, problem, s, out)
        _check_roads(route, out)
        if route.drops:
            check_mixed_route(route, problem, seen, out)
            continue
        _check_single_school_route(route, problem, s, village_index, seen, out)
    _check_riders_board_as_assigned(plan, seen, out)
    _check_every_bus_pupil_seated(bus, seen, out)


def _check_roads(route: Route, out: list[Violation]) -> None:
    """The road list of a route sheet is part of the route: stretches of positive length
    that add up to no more than the route drives (its loaded part; each rounded to a metre).
    Names and hazards are the map's words, read and not re-checked."""
    total = sum(r.length_m for r in route.roads)
    if any(r.length_m < 0 for r in route.roads) or total > route.distance_m + len(route.roads):
        out.append(
            Violation(
                "route roads",
                route.id,
                f"road stretches of {total} m in all on a route of {route.distance_m} m",
            )
        )


def _check_bus_and_bell(route: Route, problem: Problem, s: int, out: list[Violation]) -> None:
    """A bus type of the fleet with its seats; the bell of the route's school."""
    fleet = {t.name: t.seats for t in problem.bus.types}
    if fleet.get(route.bus_type) != route.seats:
        out.append(
            Violation(
                "seats",
                route.id,
                f"bus {route.bus_type!r} with {route.seats} seats is not in the fleet {fleet}",
            )
        )
    bell = problem.bell_s(s)
    if route.bell_s != bell:
        out.append(
            Violation(
                "bell",
                route.id,
                f"reports bell {route.bell_s} s; {route.school} starts at {bell} s",
            )
        )


def _check_single_school_route(
    route: Route,
    problem: Problem,
    s: int,
    village_index: dict[str, int],
    seen: Boarded,
    out: list[Violation],
) -> None:
    """A run to one school: at the school by its bell, then stop by stop, then the yard."""
    bell = problem.bell_s(s)
    if route.arrive_school_s > bell:
        out.append(
            Violation(
                "bell",
                route.id,
                f"arrives {route.arrive_school_s} s, after the bell of {route.school} ({bell} s)",
            )
        )
    load = 0
    for k, stop in enumerate(route.stops):
        load += sum(stop.boarding.values())
        ride = route.arrive_school_s - stop.arrive_s
        _record_boarding(problem, village_index, (route, k, stop), ride, seen, out)
        _check_stop(route, problem, s, village_index, k, load, out)
        _check_ride(problem, f"{route.id} stop {k + 1}", stop, ride, out)
    first = village_index[route.stops[0].village]
    start = yard_place(route.start, problem)
    if start is None:
        out.append(Violation("yard", route.id, f"unknown yard {route.start!r}"))
    elif route.stops[0].arrive_s - route.depart_s < problem.time_s[start, first]:
        out.append(Violation("drive", route.id, "leaves the yard too late for stop 1"))


def _record_boarding(
    problem: Problem,
    village_index: dict[str, int],
    where: tuple[Route, int, RouteStop],
    ride: int,
    seen: Boarded,
    out: list[Violation],
) -> None:
    """Who boards at a stop: walkers from other villages (each checked), the rest from the
    stop's own village; never more walkers of a band than boarders."""
    route, k, stop = where
    own = dict(stop.boarding)
    for w in stop.walkers:
        _check_walker(problem, village_index, where, w, ride, out)
        for band, n in w.boarding.items():
            own[band] = own.get(band, 0) - n
            seen.board((w.village, band, route.school), stop.village, w.walk_s + ride, n)
    for band, n in own.items():
        if n < 0:
            out.append(
                Violation(
                    "walkers",
                    f"{route.id} stop {k + 1}",
                    f"more {band} walkers than boarding ({stop.boarding})",
                )
            )
        elif n > 0:
            seen.board((stop.village, band, route.school), stop.village, ride, n)


def _check_stop(
    route: Route,
    problem: Problem,
    s: int,
    village_index: dict[str, int],
    k: int,
    load: int,
    out: list[Violation],
) -> None:
    """The ``k``-th stop: the route's school, the load, the time at the stop, the next leg."""
    stop, label = route.stops[k], f"{route.id} stop {k + 1}"
    v = village_index[stop.village]
    pupils = sum(stop.boarding.values())
    if stop.school not in ("", route.school):
        out.append(Violation("school", label, "not the route's school"))
    if stop.load_after != load or load > route.seats:
        out.append(
            Violation(
                "load",
                label,
                f"load {load} (reported {stop.load_after}), seats {route.seats}",
            )
        )
    need = problem.bus.stop_time_s + problem.bus.stop_time_per_pupil_s * pupils
    if stop.depart_s - stop.arrive_s < need:
        out.append(Violation("stop time", label, f"{stop.depart_s - stop.arrive_s} s < {need} s"))
    if k + 1 < len(route.stops):
        nxt_place, nxt_time = (
            village_index[route.stops[k + 1].village],
            route.stops[k + 1].arrive_s,
        )
    else:
        nxt_place, nxt_time = problem.school_place(s), route.arrive_school_s
    if nxt_time - stop.depart_s < problem.time_s[v, nxt_place]:
        out.append(
            Violation(
                "drive",
                label,
                f"{nxt_time - stop.depart_s} s to the next stop, the road "
                f"takes {problem.time_s[v, nxt_place]} s",
            )
        )


def _check_ride(
    problem: Problem, label: str, stop: RouteStop, ride: int, out: list[Violation]
) -> None:
    """The ride from a stop as reported, and within the youngest boarding band's limit."""
    bands = problem.bands
    limit = min(bands[band].limit_s for band, n in stop.boarding.items() if n > 0)
    if ride != stop.ride_s:
        out.append(Violation("ride", label, f"reported {stop.ride_s} s, timetable gives {ride} s"))
    if ride > limit:
        out.append(
            Violation(
                "ride limit",
                f"{label} ({stop.village})",
                f"ride {ride / 60:.1f} min > {limit / 60:g} min",
            )
        )


def _check_walker(
    problem: Problem,
    village_index: dict[str, int],
    where: tuple[Route, int, RouteStop],
    walker: Walker,
    ride: int,
    out: list[Violation],
) -> None:
    """A walk to a stop: a real other village, within the walk limit, walk + ride in time."""
    bands = problem.bands
    route, k, stop = where
    subject = f"{route.id} stop {k + 1} ({stop.village}) walker {walker.village}"
    u, v = village_index.get(walker.village), village_index[stop.village]
    if u is None or u == v:
        out.append(Violation("walk to stop", subject, "not another village of the region"))
        return
    walk = int(problem.walk_m[u, v])
    walk_s = math.ceil(walk / problem.walk_mps)
    if walker.walk_m != walk or walker.walk_s != walk_s:
        out.append(
            Violation(
                "walk to stop",
                subject,
                f"reported {walker.walk_m} m, {walker.walk_s} s; the walk is {walk} m, {walk_s} s",
            )
        )
    for band, n in walker.boarding.items():
        if n <= 0:
            continue
        most = bands[band].walk_to_stop_m
        if walk > most:
            out.append(Violation("walk to stop", subject, f"{band} walks {walk} m, over {most} m"))
        if walk_s + ride > bands[band].limit_s:
            out.append(
                Violation(
                    "limit",
                    subject,
                    f"{band}: walk {walk_s / 60:.1f} + ride {ride / 60:.1f} min > "
                    f"{bands[band].limit_s / 60:g} min",
                )
            )


def _check_riders_board_as_assigned(plan: Plan, seen: Boarded, out: list[Violation]) -> None:
    """Each bus assignment's riders board at one stop, the one it names, with its journey."""
    for a in plan.assignments:
        key = (a.village, a.band, a.school)
        if a.mode != Mode.BUS or key not in seen.stops:
            continue
        stops = sorted(seen.stops[key])
        if len(stops) > 1 or stops != [a.stop or a.village]:
            out.append(
                Violation(
                    "stop",
                    f"village {a.village} band {a.band}",
                    f"boards at {', '.join(stops)}; the assignment names {a.stop or a.village}",
                )
            )
        if a.time_s != seen.journey_s[key]:
            out.append(
                Violation(
                    "time",
                    f"village {a.village} band {a.band}",
                    f"reported {a.time_s} s, walk and ride give {seen.journey_s[key]} s",
                )
            )


def _check_every_bus_pupil_seated(
    bus: dict[tuple[str, str, str], int], seen: Boarded, out: list[Violation]
) -> None:
    """As many pupils boarded, per (village, band, school), as the assignments send by bus."""
    for key in sorted(set(bus) | set(seen.pupils)):
        if bus.get(key, 0) != seen.pupils.get(key, 0):
            village, band, school = key
            out.append(
                Violation(
                    "bus seat",
                    f"village {village} band {band}",
                    f"{bus.get(key, 0)} bus pupils to {school}, {seen.pupils.get(key, 0)} boarded",
                )
            )
