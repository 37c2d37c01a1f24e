"""Independent re-check of the afternoon runs: the same riders home, re-timed from the inputs.

Part of :mod:`optimizer.verification.checks`. Every route has its afternoon runs (a plan
from before afternoon runs has none at all), and together they set down at each morning
stop exactly the riders who boarded there, by band and school. Each run, visit by visit
in driving order: one dismissal time for its bands (``policy.bus.dismissal``, moved with
a school's own bell), each school left no earlier than that dismissal (and a later
school no sooner than its stop time), every leg no faster than the road, the stop time
at each stop, the load as reported and within the seats, no school's pupils set down
before they were collected and none left on board, each ride (the bus reaching the stop
less the dismissal) as reported and within every alighting band's limit, walks home
included, the drive to its end as reported. Then each bus: its afternoon runs one
after the other, each starting at the school the previous one drove to, after it got
there, the last one back at its route's yard. Nothing here calls the models.
"""

from __future__ import annotations

from collections import defaultdict

from optimizer.afternoon import AfternoonRun, Collect, HomeStop
from optimizer.plan import Plan, Route
from optimizer.problem.build import Problem
from optimizer.verification.riders import yard_place
from optimizer.verification.violation import Violation


def check_afternoons(plan: Plan, problem: Problem, out: list[Violation]) -> None:
    """Re-check every route's afternoon runs and the buses that drive them."""
    if not any(r.afternoon for r in plan.routes):
        return  # a plan from before afternoon runs
    places = _places(problem)
    for route in plan.routes:
        if not route.afternoon:
            out.append(Violation("afternoon", route.id, "no afternoon run takes its riders home"))
            continue
        _check_riders_home(route, out)
        for n, run in enumerate(route.afternoon, start=1):
            _check_run(route, f"{route.id} afternoon {n}", run, problem, places, out)
    duties = [b.routes for b in plan.buses] or [(r.id,) for r in plan.routes]
    by_id = {r.id: r for r in plan.routes}
    for duty in duties:
        _check_one_bus(duty, by_id, places, out)


def _places(problem: Problem) -> dict[str, int]:
    """The place of every name a run may drive to: schools, depots and school yards."""
    out = {sid: problem.school_place(i) for i, sid in enumerate(problem.school_ids)}
    for name in (*problem.depot_ids, *(f"{sid} yard" for sid in problem.school_ids)):
        out[name] = yard_place(name, problem)
    return out


def _dismissal_s(problem: Problem, school: int, band: str) -> int:
    """The band's dismissal at the school: the scenario's, moved with the school's bell."""
    shift = int(problem.bells_s[school]) - problem.scenario_bell_s
    return problem.bus.dismissal_s[band] + shift


def _check_riders_home(route: Route, out: list[Violation]) -> None:
    """The afternoon runs set down at each stop the riders who boarded there."""
    boarded: dict[tuple[str, str, str], int] = defaultdict(int)
    home: dict[tuple[str, str, str], int] = defaultdict(int)
    for stop in route.stops:
        for band, n in stop.boarding.items():
            boarded[stop.village, band, route.stop_school(stop)] += n
    for run in route.afternoon:
        for stop in run.stops:
            for band, n in stop.alighting.items():
                home[stop.village, band, stop.school] += n
    for key in sorted(set(boarded) | set(home)):
        if boarded.get(key, 0) != home.get(key, 0):
            village, band, school = key
            out.append(
                Violation(
                    "afternoon riders",
                    f"{route.id} village {village} band {band}",
                    f"{boarded.get(key, 0)} boarded for {school} in the morning, "
                    f"{home.get(key, 0)} set down in the afternoon",
                )
            )


def _visits(run: AfternoonRun) -> list[Collect | HomeStop]:
    """The run's schools and stops in driving order."""
    out: list[Collect | HomeStop] = []
    collects = sorted(run.collects, key=lambda c: c.after_stop)
    k = 0
    for done, stop in enumerate(run.stops):
        while k < len(collects) and collects[k].after_stop <= done:
            out.append(collects[k])
            k += 1
        out.append(stop)
    out += collects[k:]
    return out


def _check_run(
    route: Route,
    label: str,
    run: AfternoonRun,
    problem: Problem,
    places: dict[str, int],
    out: list[Violation],
) -> None:
    """One afternoon run, visit by visit (see the module)."""
    if len({problem.bus.dismissal_s.get(b) for b in run.bands}) != 1:
        out.append(
            Violation("dismissal", label, f"bands {list(run.bands)} leave at different times")
        )
        return
    visits = _visits(run)
    if not visits or not isinstance(visits[0], Collect) or not run.stops:
        out.append(Violation("afternoon", label, "does not start at a school or has no stop"))
        return
    walks = _walks(route)
    load, on_board, previous, drive = 0, defaultdict(int), None, 0
    for n, visit in enumerate(visits):
        if isinstance(visit, Collect):
            place = _check_collect(problem, label, run, n, visit, out)
            what = f"{label} at {visit.school}"
            pupils = visit.pupils
        else:
            place = _check_home_stop(problem, label, run, visit, walks, out)
            what = f"{label} stop {visit.village}"
            pupils = -sum(visit.alighting.values())
        if place is None:
            return
        load += pupils
        on_board[visit.school] += pupils
        if on_board[visit.school] < 0:
            out.append(
                Violation("delivery", what, f"sets down pupils of {visit.school} never collected")
            )
        if visit.load_after != load or load > route.seats:
            out.append(
                Violation(
                    "load", what, f"load {load} (reported {visit.load_after}), seats {route.seats}"
                )
            )
        if previous is not None:
            road = int(problem.time_s[previous[0], place])
            drive += road
            if visit.arrive_s - previous[1] < road:
                out.append(
                    Violation(
                        "drive",
                        what,
                        f"{visit.arrive_s - previous[1]} s from the last visit, "
                        f"the road takes {road} s",
                    )
                )
        previous = (place, visit.depart_s)
    left = {school: n for school, n in on_board.items() if n}
    if left:
        out.append(Violation("delivery", label, f"pupils left on board: {left}"))
    end = places.get(run.end)
    if end is None:
        out.append(Violation("afternoon", label, f"drives on to unknown place {run.end!r}"))
        return
    road = int(problem.time_s[previous[0], end])
    if run.arrive_end_s - previous[1] < road or run.drive_s != drive + road:
        out.append(
            Violation(
                "drive",
                f"{label} to {run.end}",
                f"arrives {run.arrive_end_s} s after leaving the last stop at {previous[1]} s "
                f"(the road takes {road} s); drive reported {run.drive_s} s, the roads give "
                f"{drive + road} s",
            )
        )


def _check_collect(
    problem: Problem, label: str, run: AfternoonRun, n: int, visit: Collect, out: list[Violation]
) -> int | None:
    """The ``n``-th visit, at a school: left no earlier than the dismissal (and, after
    the first, the stop time). Returns the school's place, ``None`` when unknown."""
    s = problem.school_ids.index(visit.school) if visit.school in problem.school_ids else None
    if s is None:
        out.append(Violation("school", label, f"collects at unknown school {visit.school!r}"))
        return None
    at = _dismissal_s(problem, s, run.bands[0])
    stay = 0 if n == 0 else problem.bus.stop_time_s
    if visit.dismissal_s != at or visit.depart_s < max(at, visit.arrive_s + stay):
        out.append(
            Violation(
                "dismissal",
                f"{label} at {visit.school}",
                f"leaves at {visit.depart_s} s (dismissal reported {visit.dismissal_s} s); "
                f"its pupils are dismissed at {at} s and the bus is there at "
                f"{visit.arrive_s} s with {stay} s to stop",
            )
        )
    return problem.school_place(s)


def _check_home_stop(
    problem: Problem,
    label: str,
    run: AfternoonRun,
    visit: HomeStop,
    walks: dict[tuple[str, str], list[tuple[str, int]]],
    out: list[Violation],
) -> int | None:
    """A stop: its stop time and its riders' rides. Returns the village's place,
    ``None`` when unknown."""
    if visit.village not in problem.village_ids:
        out.append(Violation("stop", label, f"unknown village {visit.village!r}"))
        return None
    what = f"{label} stop {visit.village}"
    bus = problem.bus
    need = bus.stop_time_s + bus.stop_time_per_pupil_s * sum(visit.alighting.values())
    if visit.depart_s - visit.arrive_s < need:
        out.append(Violation("stop time", what, f"{visit.depart_s - visit.arrive_s} s < {need} s"))
    _check_ride(problem, what, visit, run, walks, out)
    return problem.village_ids.index(visit.village)


def _walks(route: Route) -> dict[tuple[str, str], list[tuple[str, int]]]:
    """Per (stop village, band): who walks on home from the stop (the morning's walkers),
    as ``(village, walk_s)``, and ``("", 0)`` where the stop's own village's riders get off."""
    out: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for stop in route.stops:
        own = dict(stop.boarding)
        for w in stop.walkers:
            for band, n in w.boarding.items():
                if n > 0:
                    own[band] = own.get(band, 0) - n
                    out[stop.village, band].append((w.village, w.walk_s))
        for band, n in own.items():
            if n > 0:
                out[stop.village, band].append(("", 0))
    return out


def _check_ride(
    problem: Problem,
    what: str,
    stop: HomeStop,
    run: AfternoonRun,
    walks: dict[tuple[str, str], list[tuple[str, int]]],
    out: list[Violation],
) -> None:
    """The ride from the dismissal to the bus reaching the stop: as reported, and with
    each rider's walk home within their band's limit."""
    schools = {sid: i for i, sid in enumerate(problem.school_ids)}
    s = schools.get(stop.school)
    if s is None:
        out.append(Violation("school", what, f"sets down pupils of unknown school {stop.school!r}"))
        return
    for band, n in stop.alighting.items():
        if n <= 0:
            continue
        if band not in run.bands:
            out.append(
                Violation("dismissal", what, f"{band} alight from a run for {list(run.bands)}")
            )
            continue
        ride = stop.arrive_s - _dismissal_s(problem, s, band)
        if ride != stop.ride_s:
            out.append(
                Violation("ride", what, f"reported {stop.ride_s} s, timetable gives {ride} s")
            )
        limit = problem.bands[band].limit_s
        for village, walk in walks.get((stop.village, band), [("", 0)]):
            if walk + ride > limit:
                whose = f"{band} walking on to {village}" if village else band
                out.append(
                    Violation(
                        "ride limit",
                        what,
                        f"{whose}: ride {ride / 60:.1f} + walk {walk / 60:.1f} min > "
                        f"{limit / 60:g} min",
                    )
                )


def _check_one_bus(
    duty: tuple[str, ...], by_id: dict[str, Route], places: dict[str, int], out: list[Violation]
) -> None:
    """A bus's afternoon runs one after the other, the last one back at its route's yard."""
    runs = sorted(
        ((run.depart_s, by_id[r], run) for r in duty if r in by_id for run in by_id[r].afternoon),
        key=lambda item: item[0],
    )
    for (_, _, a), (_, route_b, b) in zip(runs, runs[1:]):
        first = b.collects[0]
        if a.end != first.school or first.arrive_s < a.arrive_end_s:
            out.append(
                Violation(
                    "afternoon bus",
                    f"{route_b.id} afternoon at {first.school}",
                    f"the bus is at {a.end} at {a.arrive_end_s} s; this run starts at "
                    f"{first.school} at {first.arrive_s} s",
                )
            )
    if runs and runs[-1][2].end != runs[-1][1].start:
        out.append(
            Violation(
                "afternoon bus",
                runs[-1][1].id,
                f"the last afternoon run ends at {runs[-1][2].end}, "
                f"not its yard {runs[-1][1].start}",
            )
        )
