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
from optimizer.plan import Plan
from optimizer.problem import Problem


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
    return out


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
        if a.distance_m != (walk if a.mode == "walk" else dist):
            out.append(
                Violation(
                    "distance",
                    subject,
                    f"reported {a.distance_m} m; walking {walk} m, road {dist} m",
                )
            )
        if a.mode == "walk":
            expected = math.ceil(walk / (policy.walk_kph / 3.6))
            if not walk_ok:
                out.append(Violation("walk", subject, f"walks {walk} m, over the walk limit"))
            if abs(a.time_s - expected) > 1:
                out.append(Violation("time", subject, f"reported {a.time_s} s, walk {expected} s"))
        elif walk_ok:
            out.append(Violation("mode", subject, f"{a.mode}, but within walking distance"))
        elif a.mode in ("guardian", "as_today"):
            if a.mode == "guardian" and a.band != "k":
                out.append(Violation("mode", subject, "only kindergarten children are brought"))
            if a.time_s != drive:
                out.append(Violation("time", subject, f"reported {a.time_s} s, drive {drive} s"))
        elif a.mode == "bus":
            if a.band == "k":
                out.append(Violation("mode", subject, "no school bus for kindergarten children"))
            bus[a.village, a.band, a.school] = a.pupils
        else:
            out.append(Violation("mode", subject, f"unknown mode {a.mode!r}"))
        if a.time_s > limit:
            out.append(
                Violation("limit", subject, f"one-way {a.time_s / 60:.1f} min > {limit / 60:g} min")
            )
        cur = int(problem.current[v, b])
        before = problem.school_ids[cur] if cur >= 0 else ""
        if a.before_school != before or a.moved != (a.school != before):
            out.append(Violation("before", subject, "today's school or the moved flag is wrong"))
        if policy.move_only_from_closed and before in kept and a.school != before:
            out.append(Violation("move", subject, f"moved although {before} stays open"))
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
    for s, sid in enumerate(problem.school_ids):
        if load[sid] > problem.capacity[s]:
            out.append(
                Violation("capacity", sid, f"{load[sid]} pupils > capacity {problem.capacity[s]}")
            )
    return bus


def _check_routes(
    plan: Plan, problem: Problem, bus: dict[tuple[str, str, str], int], out: list[Violation]
) -> None:
    policy = problem.policy
    village_index = {vid: i for i, vid in enumerate(problem.village_ids)}
    school_index = {sid: i for i, sid in enumerate(problem.school_ids)}
    boarded: dict[tuple[str, str, str], int] = defaultdict(int)
    latest = policy.bell_s
    for route in plan.routes:
        s = school_index.get(route.school)
        if s is None or not route.stops:
            out.append(Violation("route", route.id, "unknown school or no stops"))
            continue
        if route.seats > policy.bus.seats:
            out.append(Violation("seats", route.id, f"{route.seats} seats > {policy.bus.seats}"))
        if route.arrive_school_s > latest:
            out.append(Violation("bell", route.id, "arrives after the bell"))
        load = 0
        for k, stop in enumerate(route.stops):
            v = village_index[stop.village]
            pupils = sum(stop.boarding.values())
            load += pupils
            for band, n in stop.boarding.items():
                boarded[stop.village, band, route.school] += n
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
        if (
            route.stops[0].arrive_s - route.depart_s
            < problem.time_s[problem.school_place(s), first]
        ):
            out.append(Violation("drive", route.id, "leaves the yard too late for stop 1"))
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
