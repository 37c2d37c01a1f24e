"""Independent re-check of a multi-school run: stops and school drops in driving order.

Part of :mod:`optimizer.verification.routes`. A run that carries pupils of several
schools (``Route.drops``) is re-checked one rule at a time: its drops in order and at
its own school last, the yard left in time, every leg no faster than the road, the
load within the seats after every stop and drop, each school's pupils all alighting
at its drop and nowhere else, each drop in its school's window, every ride (its
school's arrival less the bus reaching the stop) as reported and within the youngest
band's limit, and the time at each stop and drop. Nothing here calls the models.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from optimizer.plan import Drop, Route, RouteStop
from optimizer.problem.build import Problem
from optimizer.verification.riders import Boarded, yard_place
from optimizer.verification.violation import Violation


class _Event(NamedTuple):
    """A stop or a drop of the run, in driving order."""

    label: str
    place: int
    timed: RouteStop | Drop
    stop: RouteStop | None  # None for a drop


def check_mixed_route(route: Route, problem: Problem, seen: Boarded, out: list[Violation]) -> None:
    """A multi-school run; ``seen`` collects the pupils boarded, their stops and their
    longest ride per (village, band, school)."""
    bus = problem.bus
    events = _events(route, problem)
    if not _check_drops_in_order(route, problem, events, out):
        return
    start = yard_place(route.start, problem)
    if start is None:
        out.append(Violation("yard", route.id, f"unknown yard {route.start!r}"))
    elif events[0].timed.arrive_s - route.depart_s < problem.time_s[start, events[0].place]:
        out.append(Violation("drive", route.id, "leaves the yard too late for stop 1"))
    school_index = {sid: i for i, sid in enumerate(problem.school_ids)}
    load = 0
    on_board: dict[str, list[RouteStop]] = defaultdict(list)
    for n, event in enumerate(events):
        if n + 1 < len(events):
            _check_leg(problem, event, events[n + 1], out)
        if event.stop is not None:
            stop = event.stop
            pupils = sum(stop.boarding.values())
            load += pupils
            if stop.school not in school_index:
                out.append(
                    Violation("school", event.label, f"boards for unknown school {stop.school!r}")
                )
            for band, count in stop.boarding.items():
                seen.pupils[stop.village, band, stop.school] += count
            on_board[stop.school].append(stop)
            need = bus.stop_time_s + bus.stop_time_per_pupil_s * pupils
        else:
            drop = event.timed
            load -= drop.pupils
            _check_drop(problem, event.label, drop, on_board.pop(drop.school, []), seen, out)
            need = 0 if n + 1 == len(events) else bus.stop_time_s
        _check_load_and_time(event, load, route.seats, need, out)
    for school, riders in sorted(on_board.items()):
        out.append(
            Violation(
                "delivery",
                route.id,
                f"{sum(sum(st.boarding.values()) for st in riders)} pupils for {school} "
                "never alight there",
            )
        )


def _events(route: Route, problem: Problem) -> list[_Event]:
    """The run's stops and drops (at known schools) in driving order."""
    village_index = {vid: i for i, vid in enumerate(problem.village_ids)}
    school_index = {sid: i for i, sid in enumerate(problem.school_ids)}
    events = []
    for k in range(len(route.stops) + 1):
        for drop in route.drops:
            if drop.after_stop == k and drop.school in school_index:
                place = problem.school_place(school_index[drop.school])
                events.append(_Event(f"{route.id} drop at {drop.school}", place, drop, None))
        if k < len(route.stops):
            stop = route.stops[k]
            events.append(
                _Event(f"{route.id} stop {k + 1}", village_index[stop.village], stop, stop)
            )
    return events


def _check_drops_in_order(
    route: Route, problem: Problem, events: list[_Event], out: list[Violation]
) -> bool:
    """Every drop at a known school after a stop, the run's own school last, no second
    trip unless allowed, the run's arrival the last drop's. Returns whether the events
    can be checked further."""
    bus = problem.bus
    if len(events) != len(route.stops) + len(route.drops) or route.drops[0].after_stop < 1:
        out.append(Violation("drops", route.id, "a drop at an unknown school or before any stop"))
        return False
    if events[-1].stop is not None or route.drops[-1].school != route.school:
        out.append(Violation("drops", route.id, f"the run must end at its school {route.school}"))
    if not bus.multi_school_second_trips and route.drops[0].after_stop != len(route.stops):
        out.append(Violation("drops", route.id, "a stop after a school drop (a second trip)"))
    if route.drops[-1].arrive_s != route.arrive_school_s:
        out.append(Violation("drops", route.id, "arrive_school_s is not the last drop's arrival"))
    return True


def _check_leg(problem: Problem, event: _Event, nxt: _Event, out: list[Violation]) -> None:
    """The drive to the next stop or drop no faster than the road."""
    road = problem.time_s[event.place, nxt.place]
    if nxt.timed.arrive_s - event.timed.depart_s < road:
        out.append(
            Violation(
                "drive",
                event.label,
                f"{nxt.timed.arrive_s - event.timed.depart_s} s to the next stop, the road "
                f"takes {road} s",
            )
        )


def _check_drop(
    problem: Problem,
    label: str,
    drop: Drop,
    riders: list[RouteStop],
    seen: Boarded,
    out: list[Violation],
) -> None:
    """At a school's drop: all its pupils alight, within its window, each ride in time."""
    bands, bus = problem.bands, problem.bus
    pupils = sum(sum(st.boarding.values()) for st in riders)
    if drop.pupils != pupils or pupils == 0:
        out.append(Violation("delivery", label, f"{drop.pupils} alight, {pupils} on board for it"))
    school = list(problem.school_ids).index(drop.school)
    bell = problem.bell_s(school)
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
            seen.board((st.village, band, drop.school), st.village, ride)
        limit = min(bands[band].limit_s for band, c in st.boarding.items() if c > 0)
        if ride != st.ride_s:
            out.append(
                Violation(
                    "ride", label, f"{st.village}: reported {st.ride_s} s, timetable {ride} s"
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


def _check_load_and_time(
    event: _Event, load: int, seats: int, need: int, out: list[Violation]
) -> None:
    """The load after a stop or drop within the seats, as reported; time enough there."""
    timed = event.timed
    if timed.load_after != load or load > seats or load < 0:
        out.append(
            Violation(
                "load", event.label, f"load {load} (reported {timed.load_after}), seats {seats}"
            )
        )
    if timed.depart_s - timed.arrive_s < need:
        out.append(
            Violation("stop time", event.label, f"{timed.depart_s - timed.arrive_s} s < {need} s")
        )
