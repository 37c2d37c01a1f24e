"""Independent verification: every rule re-checked from the raw problem and the plan.

Nothing here calls the models: it reads the Problem's numbers (pupils, capacities,
matrices, policy) and the Plan's records, recomputes times, loads and totals, and
lists every rule a plan breaks.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from geodata.places import BANDS
from optimizer.plan import Plan, Route, RouteStop, Walker
from optimizer.problem import BAND_NORM, Problem


@dataclass(frozen=True)
class Violation:
    """One broken rule: which rule, about what, with the numbers."""

    rule: str
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.subject}: {self.detail}"


def verify(plan: Plan, problem: Problem) -> list[Violation]:
    """Re-check a plan against the problem; an empty list means it keeps every rule."""
    out: list[Violation] = []
    kept = _check_schools(plan, problem, out)
    bus_pupils = _check_assignments(plan, problem, kept, out)
    _check_routes(plan, problem, bus_pupils, out)
    if plan.buses:  # plans from before bus duties have one bus per run
        _check_buses(plan, problem, out)
    return out


def _check_buses(plan: Plan, problem: Problem, out: list[Violation]) -> None:
    """Every run on exactly one bus of its own type; each bus reaches its next run's first
    stop in time, after its pupils have got off at the school before."""
    bus = problem.policy.bus
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


def _check_schools(plan: Plan, problem: Problem, out: list[Violation]) -> set[str]:
    by_id = {s.id: s for s in plan.schools}
    if len(by_id) != len(plan.schools) or set(by_id) != set(problem.school_ids):
        out.append(Violation("schools", "plan", "every school must appear exactly once"))
    kept = set()
    for s, sid in enumerate(problem.school_ids):
        result = by_id.get(sid)
        if result is None:
            continue
        if result.status not in ("kept", "closed"):
            out.append(Violation("status", sid, f"unknown status {result.status!r}"))
        if result.status == "kept":
            kept.add(sid)
        elif problem.must_keep[s] or not problem.may_close[s]:
            out.append(Violation("closure", sid, "closed, but it must be kept"))
    return kept


def _check_assignments(
    plan: Plan, problem: Problem, kept: set[str], out: list[Violation]
) -> dict[tuple[str, str, str], int]:
    policy = problem.policy
    school_index = {sid: i for i, sid in enumerate(problem.school_ids)}
    village_index = {vid: i for i, vid in enumerate(problem.village_ids)}
    seen: dict[tuple[int, int], int] = defaultdict(int)
    load: dict[str, int] = defaultdict(int)
    bus: dict[tuple[str, str, str], int] = {}
    for a in plan.assignments:
        subject = f"village {a.village} band {a.band}"
        v, s = village_index.get(a.village), school_index.get(a.school)
        if v is None or s is None or a.band not in BANDS:
            out.append(Violation("assignment", subject, f"unknown village/school/band {a}"))
            continue
        b = BANDS.index(a.band)
        seen[v, b] += 1
        if a.pupils != problem.pupils[v, b]:
            out.append(
                Violation(
                    "pupils",
                    subject,
                    f"{a.pupils} assigned, the village has {problem.pupils[v, b]}",
                )
            )
        if not problem.serves[s, b]:
            out.append(Violation("level", subject, f"{a.school} does not teach {a.band}"))
        if a.school not in kept:
            out.append(Violation("open", subject, f"assigned to {a.school}, which is closed"))
        load[a.school] += a.pupils
        place = problem.school_place(s)
        walk, dist = int(problem.walk_m[v, place]), int(problem.dist_m[v, place])
        drive = int(problem.time_s[v, place])
        walk_ok = walk <= policy.bands[a.band].walk_km * 1000.0
        limit = policy.limit_s(a.band)
        expected_m = walk if a.mode == "walk" else dist
        stop = village_index.get(a.stop) if a.stop else None
        if a.stop and (a.mode != "bus" or stop is None or stop == v):
            out.append(Violation("stop", subject, f"{a.mode} with a stop in {a.stop!r}"))
        elif stop is not None:
            walk_to_stop = int(problem.walk_m[v, stop])
            expected_m = walk_to_stop + int(problem.dist_m[stop, place])
            if a.walk_to_stop_m != walk_to_stop:
                out.append(
                    Violation(
                        "walk to stop",
                        subject,
                        f"reported {a.walk_to_stop_m} m to {a.stop}; the walk is {walk_to_stop} m",
                    )
                )
        if a.distance_m != expected_m:
            out.append(
                Violation(
                    "distance",
                    subject,
                    f"reported {a.distance_m} m, expected {expected_m} m (walking {walk} m, "
                    f"road {dist} m)",
                )
            )
        if a.mode == "walk":
            expected = math.ceil(walk / (policy.walk_kph / 3.6))
            if not walk_ok:
                out.append(Violation("walk", subject, f"walks {walk} m, over the walk limit"))
            if abs(a.time_s - expected) > 1:
                out.append(Violation("time", subject, f"reported {a.time_s} s, walk {expected} s"))
        elif walk_ok and math.ceil(walk / (policy.walk_kph / 3.6)) <= limit:
            out.append(Violation("mode", subject, f"{a.mode}, but the walk is allowed"))
        elif a.mode in ("guardian", "as_today"):
            if a.mode == "guardian" and a.band != "k":
                out.append(Violation("mode", subject, "only kindergarten children are brought"))
            if a.time_s != drive:
                out.append(Violation("time", subject, f"reported {a.time_s} s, drive {drive} s"))
        elif a.mode == "bus":
            if a.band == "k":
                out.append(Violation("mode", subject, "no school bus for kindergarten children"))
            bus[a.village, a.band, a.school] = a.pupils
        elif a.mode == "board":
            if a.band not in ("p46", "j79") or not policy.schools.boarding:
                out.append(Violation("board", subject, "only grades 4-9 may board"))
            if drive <= limit:
                out.append(Violation("board", subject, "boards although the bus is within limit"))
            if a.time_s != drive:
                out.append(Violation("time", subject, f"reported {a.time_s} s, drive {drive} s"))
        else:
            out.append(Violation("mode", subject, f"unknown mode {a.mode!r}"))
        unmoved_exempt = not policy.limits_apply_to_unmoved and not a.moved
        if a.mode != "board" and a.time_s > limit and not unmoved_exempt:
            out.append(
                Violation("limit", subject, f"one-way {a.time_s / 60:.1f} min > {limit / 60:g} min")
            )
        cur, origin = int(problem.current[v, b]), int(problem.today[v, b])
        before = problem.school_ids[origin] if origin >= 0 else ""
        last = problem.school_ids[cur] if cur >= 0 else ""
        if a.before_school != before or a.moved != (a.school != before):
            out.append(Violation("before", subject, "today's school or the moved flag is wrong"))
        if policy.move_only_from_closed and last in kept and a.school != last:
            out.append(Violation("move", subject, f"moved although {last} stays open"))
        if problem.closed is not None and problem.closed[s]:
            out.append(Violation("closed", subject, f"{a.school} closed in an earlier year"))
    for v in range(problem.n_villages):
        for b in range(len(BANDS)):
            expected = 1 if problem.pupils[v, b] > 0 else 0
            if seen.get((v, b), 0) != expected:
                out.append(
                    Violation(
                        "assigned once",
                        f"village {problem.village_ids[v]} band {BANDS[b]}",
                        f"{seen.get((v, b), 0)} assignments",
                    )
                )
    _check_school_sizes(plan, problem, out)
    return bus


def _check_routes(
    plan: Plan, problem: Problem, bus: dict[tuple[str, str, str], int], out: list[Violation]
) -> None:
    policy = problem.policy
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
        fleet = {t.name: t.seats for t in policy.bus.fleet()}
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
            need = policy.bus.stop_time_s + policy.bus.stop_time_per_pupil_s * pupils
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
            limit = min(policy.limit_s(band) for band, n in stop.boarding.items() if n > 0)
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
    policy = problem.policy
    route, k, stop = where
    subject = f"{route.id} stop {k + 1} ({stop.village}) walker {walker.village}"
    u, v = village_index.get(walker.village), village_index[stop.village]
    if u is None or u == v:
        out.append(Violation("walk to stop", subject, "not another village of the region"))
        return
    walk = int(problem.walk_m[u, v])
    walk_s = math.ceil(walk / (policy.walk_kph / 3.6))
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
        most = policy.walk_to_stop_m(band)
        if walk > most:
            out.append(Violation("walk to stop", subject, f"{band} walks {walk} m, over {most} m"))
        if walk_s + ride > policy.limit_s(band):
            out.append(
                Violation(
                    "limit",
                    subject,
                    f"{band}: walk {walk_s / 60:.1f} + ride {ride / 60:.1f} min > "
                    f"{policy.limit_s(band) / 60:g} min",
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
    policy, bus = problem.policy, problem.policy.bus
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
            latest = bell - 60 * bus.arrive_before_bell_min
            earliest = bell - 60 * max(bus.multi_school_earliest_min, bus.arrive_before_bell_min)
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
                limit = min(policy.limit_s(band) for band, c in st.boarding.items() if c > 0)
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


def _check_school_sizes(plan: Plan, problem: Problem, out: list[Violation]) -> None:
    """Classes, class sizes, canteens, beds, enrolment, budget, kindergarten places."""
    policy = problem.policy
    rules, invest = policy.schools, policy.investment
    by_id = {s.id: s for s in plan.schools}
    load: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    lunch: dict[str, int] = defaultdict(int)
    boarders: dict[str, int] = defaultdict(int)
    for a in plan.assignments:
        load[a.school][a.band] += a.pupils
        lunch[a.school] += a.pupils if a.mode in ("bus", "board") else 0
        boarders[a.school] += a.pupils if a.mode == "board" else 0
    capital = 0.0
    public_places = inclusive_places = all_places = 0
    for s, sid in enumerate(problem.school_ids):
        result = by_id.get(sid)
        if result is None:
            continue
        total = sum(load[sid].values())
        added = result.investment
        if problem.closed is not None and problem.closed[s] and result.status != "closed":
            out.append(Violation("closed", sid, "reopened after an earlier year closed it"))
        if result.status == "closed":
            if added:
                out.append(Violation("investment", sid, "investment at a closed school"))
            continue
        tp = result.status == "teaching_point"
        if tp and (problem.school_levels[s] != "primary" or not rules.teaching_points):
            out.append(Violation("teaching point", sid, "only primary schools may be one"))
        rooms = int(problem.classrooms[s])
        if rooms > 0:
            classes, largest_ok = 0, True
            for band, pupils in load[sid].items():
                if pupils:
                    norm = rules.class_size["teaching_point" if tp else BAND_NORM[band]]
                    classes += math.ceil(pupils / norm)
            if classes > problem.room_limit(s) + added.get("classrooms", 0):
                out.append(
                    Violation(
                        "classrooms",
                        sid,
                        f"{classes} classes need rooms; "
                        f"{problem.room_limit(s)} + {added.get('classrooms', 0)} added",
                    )
                )
            if added.get("classrooms", 0) > invest.max_classrooms:
                out.append(Violation("investment", sid, "more classrooms than allowed"))
            limit = problem.size_limit(s)
            if limit is not None and classes > limit:
                out.append(Violation("oversized school", sid, f"{classes} classes > {limit}"))
            largest_ok = result.largest_class_after <= result.class_norm
            if not largest_ok:
                out.append(Violation("oversized class", sid, "largest class over the norm"))
        elif total > problem.capacity[s]:
            out.append(
                Violation("capacity", sid, f"{total} pupils > capacity {problem.capacity[s]}")
            )
        seats = int(problem.canteen_seats[s]) + added.get("canteen_seats", 0)
        if lunch[sid] > rules.lunch_sittings * seats:
            out.append(
                Violation(
                    "lunch",
                    sid,
                    f"{lunch[sid]} pupils eat at school; {seats} "
                    f"seats x {rules.lunch_sittings} sittings",
                )
            )
        beds = int(problem.boarding_beds[s]) + added.get("boarding_beds", 0)
        if boarders[sid] > beds:
            out.append(Violation("beds", sid, f"{boarders[sid]} boarders > {beds} beds"))
        if (
            rules.min_enrolment
            and not tp
            and not (problem.must_keep[s] or not problem.may_close[s])
            and problem.school_levels[s] in rules.min_enrolment_levels
            and policy.closures.allow
        ):
            if total < rules.min_enrolment:
                out.append(
                    Violation("min enrolment", sid, f"{total} pupils < {rules.min_enrolment}")
                )
        capital += (
            added.get("classrooms", 0) * invest.classroom_cost
            + added.get("canteen_seats", 0) * invest.canteen_seat_cost
            + added.get("boarding_beds", 0) * invest.bed_cost
        )
        if problem.school_levels[s] == "kindergarten":
            norm = rules.class_size["kindergarten"]
            base = rooms * norm if rooms else int(problem.capacity[s])
            places = base + added.get("classrooms", 0) * norm
            all_places += places
            public_places += places if problem.public[s] else 0
            # A subsidy makes today's private places inclusive, not added ones.
            made_inclusive = base if added.get("inclusive_places", 0) == base else 0
            inclusive_places += places if problem.inclusive[s] else made_inclusive
    if capital > invest.budget + 0.5:
        out.append(Violation("budget", "plan", f"capital {capital:,.0f} > {invest.budget:,.0f}"))
    for label, kept, share in (
        ("public", public_places, rules.kindergarten_public_share),
        ("inclusive", inclusive_places, rules.kindergarten_inclusive_share),
    ):
        if all_places and kept < share * all_places - 1e-9:
            out.append(
                Violation(
                    f"{label} kindergarten places",
                    "plan",
                    f"{kept} of {all_places} places {label} < {share:.0%}",
                )
            )
