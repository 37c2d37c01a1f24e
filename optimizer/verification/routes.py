"""Independent verification of the bus routes and the buses that run them.

Part of :mod:`optimizer.verification.checks`: each route (single-school, multi-school and
walks to stops) re-timed from the problem's matrices, loads, ride limits and bells,
and each bus's runs in sequence. Nothing here calls the models.
"""

from __future__ import annotations

import math
from collections import defaultdict

from optimizer.plan import Plan, Route, RouteStop, Walker
from optimizer.problem.build import Problem
from optimizer.verification.violation import Violation


def check_routes(
    plan: Plan, problem: Problem, bus: dict[tuple[str, str, str], int], out: list[Violation]
) -> None:
    bands = problem.bands
    village_index = {vid: i for i, vid in enumerate(problem.village_ids)}
    school_index = {sid: i for i, sid in enumerate(problem.school_ids)}
    boarded: dict[tuple[str, str, str], int] = defaultdict(int)
    # (village, band, school) -> the stops its riders board at; the longest walk + ride
    boards_at: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    journey: dict[tuple[str, str, str], int] = defaultdict(int)
    for route in plan.routes:
        s = school_index.get(route.school)
        if s is None or not route.stops:
            out.append(Violation("route", route.id, "unknown school or no stops"))
            continue
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
        if route.drops:
            _check_mixed_route(route, problem, (boarded, boards_at, journey), out)
            continue
        if route.arrive_school_s > bell:
            out.append(
                Violation(
                    "bell",
                    route.id,
                    f"arrives {route.arrive_school_s} s, after the bell of {route.school} "
                    f"({bell} s)",
                )
            )
        load = 0
        for k, stop in enumerate(route.stops):
            v = village_index[stop.village]
            pupils = sum(stop.boarding.values())
            load += pupils
            own = dict(stop.boarding)
            ride = route.arrive_school_s - stop.arrive_s
            for w in stop.walkers:
                _check_walker(problem, village_index, (route, k, stop), w, ride, out)
                for band, n in w.boarding.items():
                    own[band] = own.get(band, 0) - n
                    key = (w.village, band, route.school)
                    boarded[key] += n
                    boards_at[key].add(stop.village)
                    journey[key] = max(journey[key], w.walk_s + ride)
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
                    key = (stop.village, band, route.school)
                    boarded[key] += n
                    boards_at[key].add(stop.village)
                    journey[key] = max(journey[key], ride)
            if stop.school not in ("", route.school):
                out.append(
                    Violation("school", f"{route.id} stop {k + 1}", "not the route's school")
                )
            if stop.load_after != load or load > route.seats:
                out.append(
                    Violation(
                        "load",
                        f"{route.id} stop {k + 1}",
                        f"load {load} (reported {stop.load_after}), seats {route.seats}",
                    )
                )
            need = problem.bus.stop_time_s + problem.bus.stop_time_per_pupil_s * pupils
            if stop.depart_s - stop.arrive_s < need:
                out.append(
                    Violation(
                        "stop time",
                        f"{route.id} stop {k + 1}",
                        f"{stop.depart_s - stop.arrive_s} s < {need} s",
                    )
                )
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
                        f"{route.id} stop {k + 1}",
                        f"{nxt_time - stop.depart_s} s to the next stop, the road "
                        f"takes {problem.time_s[v, nxt_place]} s",
                    )
                )
            ride = route.arrive_school_s - stop.arrive_s
            limit = min(bands[band].limit_s for band, n in stop.boarding.items() if n > 0)
            if ride != stop.ride_s:
                out.append(
                    Violation(
                        "ride",
                        f"{route.id} stop {k + 1}",
                        f"reported {stop.ride_s} s, timetable gives {ride} s",
                    )
                )
            if ride > limit:
                out.append(
                    Violation(
                        "ride limit",
                        f"{route.id} stop {k + 1} ({stop.village})",
                        f"ride {ride / 60:.1f} min > {limit / 60:g} min",
                    )
                )
        first = village_index[route.stops[0].village]
        start = _yard_place(route.start, problem)
        if start is None:
            out.append(Violation("yard", route.id, f"unknown yard {route.start!r}"))
        elif route.stops[0].arrive_s - route.depart_s < problem.time_s[start, first]:
            out.append(Violation("drive", route.id, "leaves the yard too late for stop 1"))
    for a in plan.assignments:
        key = (a.village, a.band, a.school)
        if a.mode != "bus" or key not in boards_at:
            continue
        stops = sorted(boards_at[key])
        if len(stops) > 1 or stops != [a.stop or a.village]:
            out.append(
                Violation(
                    "stop",
                    f"village {a.village} band {a.band}",
                    f"boards at {', '.join(stops)}; the assignment names {a.stop or a.village}",
                )
            )
        if a.time_s != journey[key]:
            out.append(
                Violation(
                    "time",
                    f"village {a.village} band {a.band}",
                    f"reported {a.time_s} s, walk and ride give {journey[key]} s",
                )
            )
    for key in sorted(set(bus) | set(boarded)):
        if bus.get(key, 0) != boarded.get(key, 0):
            village, band, school = key
            out.append(
                Violation(
                    "bus seat",
                    f"village {village} band {band}",
                    f"{bus.get(key, 0)} bus pupils to {school}, {boarded.get(key, 0)} boarded",
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


def _yard_place(name: str, problem: Problem) -> int | None:
    """The place of a route's start: a depot id, or ``"<school id> yard"``."""
    depots = {
        d: problem.n_villages + problem.n_schools + i for i, d in enumerate(problem.depot_ids)
    }
    schools = {f"{sid} yard": problem.school_place(i) for i, sid in enumerate(problem.school_ids)}
    return depots.get(name, schools.get(name))


def _check_mixed_route(
    route: Route,
    problem: Problem,
    seen: tuple[
        dict[tuple[str, str, str], int],
        dict[tuple[str, str, str], set[str]],
        dict[tuple[str, str, str], int],
    ],
    out: list[Violation],
) -> None:
    """A multi-school run: in driving order, stops and school drops (``Route.drops``).

    Load within the seats after every stop and drop; each school's pupils all alight
    at its drop and nowhere else; each drop in its school's window; every ride, its
    school's arrival less the bus reaching the stop, within the youngest band's limit;
    stop and alighting times; every leg no faster than the road. ``seen`` collects the
    pupils boarded, their stops and their longest ride per (village, band, school).
    """
    boarded, boards_at, journey = seen
    bands, bus = problem.bands, problem.bus
    village_index = {vid: i for i, vid in enumerate(problem.village_ids)}
    school_index = {sid: i for i, sid in enumerate(problem.school_ids)}
    # (label, place, stop or drop, the stop or None), in driving order.
    events = []
    for k in range(len(route.stops) + 1):
        for drop in route.drops:
            if drop.after_stop == k and drop.school in school_index:
                place = problem.school_place(school_index[drop.school])
                events.append((f"{route.id} drop at {drop.school}", place, drop, None))
        if k < len(route.stops):
            stop = route.stops[k]
            events.append((f"{route.id} stop {k + 1}", village_index[stop.village], stop, stop))
    if len(events) != len(route.stops) + len(route.drops) or route.drops[0].after_stop < 1:
        out.append(Violation("drops", route.id, "a drop at an unknown school or before any stop"))
        return
    if events[-1][3] is not None or route.drops[-1].school != route.school:
        out.append(Violation("drops", route.id, f"the run must end at its school {route.school}"))
    if not bus.multi_school_second_trips and route.drops[0].after_stop != len(route.stops):
        out.append(Violation("drops", route.id, "a stop after a school drop (a second trip)"))
    if route.drops[-1].arrive_s != route.arrive_school_s:
        out.append(Violation("drops", route.id, "arrive_school_s is not the last drop's arrival"))
    start = _yard_place(route.start, problem)
    if start is None:
        out.append(Violation("yard", route.id, f"unknown yard {route.start!r}"))
    elif events[0][2].arrive_s - route.depart_s < problem.time_s[start, events[0][1]]:
        out.append(Violation("drive", route.id, "leaves the yard too late for stop 1"))
    load = 0
    on_board: dict[str, list] = defaultdict(list)
    for n, (label, place, timed, stop) in enumerate(events):
        if n + 1 < len(events):
            nxt_place, nxt = events[n + 1][1], events[n + 1][2]
            if nxt.arrive_s - timed.depart_s < problem.time_s[place, nxt_place]:
                out.append(
                    Violation(
                        "drive",
                        label,
                        f"{nxt.arrive_s - timed.depart_s} s to the next stop, the road "
                        f"takes {problem.time_s[place, nxt_place]} s",
                    )
                )
        if stop is not None:
            pupils = sum(stop.boarding.values())
            load += pupils
            school = stop.school
            if school not in school_index:
                out.append(Violation("school", label, f"boards for unknown school {school!r}"))
            for band, count in stop.boarding.items():
                boarded[stop.village, band, school] += count
            on_board[school].append(stop)
            need = bus.stop_time_s + bus.stop_time_per_pupil_s * pupils
        else:
            drop = timed
            riders = on_board.pop(drop.school, [])
            pupils = sum(sum(st.boarding.values()) for st in riders)
            if drop.pupils != pupils or pupils == 0:
                out.append(
                    Violation("delivery", label, f"{drop.pupils} alight, {pupils} on board for it")
                )
            load -= drop.pupils
            bell = problem.bell_s(school_index[drop.school])
            latest = bell - bus.arrive_before_bell_s
            earliest = bell - max(bus.multi_school_earliest_s, bus.arrive_before_bell_s)
            if not earliest <= drop.arrive_s <= latest:
                out.append(
                    Violation(
                        "school window",
                        label,
                        f"arrives {drop.arrive_s} s, the window is {earliest}-{latest} s",
                    )
                )
            for st in riders:
                ride = drop.arrive_s - st.arrive_s
                for band in st.boarding:
                    key = (st.village, band, drop.school)
                    boards_at[key].add(st.village)
                    journey[key] = max(journey[key], ride)
                limit = min(bands[band].limit_s for band, c in st.boarding.items() if c > 0)
                if ride != st.ride_s:
                    out.append(
                        Violation(
                            "ride",
                            label,
                            f"{st.village}: reported {st.ride_s} s, timetable {ride} s",
                        )
                    )
                if ride > limit:
                    out.append(
                        Violation(
                            "ride limit",
                            f"{label} ({st.village})",
                            f"ride {ride / 60:.1f} min > {limit / 60:g} min",
                        )
                    )
            need = 0 if n + 1 == len(events) else bus.stop_time_s
        if timed.load_after != load or load > route.seats or load < 0:
            out.append(
                Violation(
                    "load", label, f"load {load} (reported {timed.load_after}), seats {route.seats}"
                )
            )
        if timed.depart_s - timed.arrive_s < need:
            out.append(
                Violation("stop time", label, f"{timed.depart_s - timed.arrive_s} s < {need} s")
            )
    for school, riders in sorted(on_board.items()):
        out.append(
            Violation(
                "delivery",
                route.id,
                f"{sum(sum(st.boarding.values()) for st in riders)} pupils for {school} "
                "never alight there",
            )
        )


def check_buses(plan: Plan, problem: Problem, out: list[Violation]) -> None:
    """Every run on exactly one bus of its own type; each bus reaches its next run's first
    stop in time, after its pupils have got off at the school before."""
    bus = problem.bus
    routes = {r.id: r for r in plan.routes}
    village_index = {vid: i for i, vid in enumerate(problem.village_ids)}
    school_index = {sid: i for i, sid in enumerate(problem.school_ids)}
    runs: dict[str, int] = defaultdict(int)
    for duty in plan.buses:
        for rid in duty.routes:
            runs[rid] += 1
        chain = [routes[rid] for rid in duty.routes if rid in routes]
        if len(chain) != len(duty.routes) or not chain:
            out.append(Violation("bus", duty.id, "an unknown run, or no run"))
            continue
        if chain[0].start != duty.start:
            out.append(
                Violation(
                    "bus", duty.id, f"leaves {duty.start}, its first run's yard is {chain[0].start}"
                )
            )
        for r in chain:
            if (r.seats, r.bus_type) != (duty.seats, duty.bus_type):
                out.append(Violation("bus", duty.id, f"run {r.id} is planned for another bus"))
        for a, b in zip(chain, chain[1:]):
            on_board = a.drops[-1].pupils if a.drops else a.stops[-1].load_after
            free = a.arrive_school_s + bus.stop_time_s + bus.stop_time_per_pupil_s * on_board
            school = school_index.get(a.school)
            village = village_index.get(b.stops[0].village)
            if school is None or village is None:
                continue  # the route checks name these
            drive = int(problem.time_s[problem.school_place(school), village])
            if free + drive > b.stops[0].arrive_s:
                out.append(
                    Violation(
                        "bus",
                        duty.id,
                        f"free at {a.school} at {free} s, {drive} s from run {b.id}'s first stop, "
                        f"which it must reach at {b.stops[0].arrive_s} s",
                    )
                )
    for r in plan.routes:
        if runs.get(r.id, 0) != 1:
            out.append(Violation("bus", r.id, f"on {runs.get(r.id, 0)} buses, not one"))
