"""Independent re-check of where each village band goes and how (the plan's assignments).

Part of :mod:`optimizer.verification.checks`. Each check below re-derives one rule
from the Problem's numbers and the assignment alone: the pupils and the school, today's
journey and the journey of those who stay (:mod:`optimizer.verification.today`), the
reported distance (with a walk to a stop), the mode the journey allows, the journey
limit, today's school and the moves allowed, and every village band assigned once.
Nothing here calls the models.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from geodata.places import BANDS
from optimizer.plan import Assignment, Band, Mode, Plan
from optimizer.problem.build import Problem
from optimizer.verification.today import check_staying, check_today, today_way
from optimizer.verification.violation import Violation

#: The grade bands that may board (grades 4-9).
BOARDING_BANDS = (Band.P46, Band.J79)

#: (village, band, school) -> pupils on the school bus.
BusPupils = dict[tuple[str, str, str], int]


@dataclass(frozen=True)
class _Journey:
    """What the raw inputs say of one assignment's journey (indices, metres, seconds)."""

    subject: str
    v: int  # village
    s: int  # school
    b: int  # band
    place: int  # the school's place in the matrices
    walk_m: int
    road_m: int
    drive_s: int
    walk_ok: bool  # within the band's walking distance
    limit_s: int  # the band's one-way limit


def check_assignments(
    plan: Plan, problem: Problem, kept: set[str], out: list[Violation]
) -> BusPupils:
    """Re-check every assignment; return the pupils each (village, band, school) buses."""
    school_index = {sid: i for i, sid in enumerate(problem.school_ids)}
    village_index = {vid: i for i, vid in enumerate(problem.village_ids)}
    seen: dict[tuple[int, int], int] = defaultdict(int)
    bus: BusPupils = {}
    for a in plan.assignments:
        subject = f"village {a.village} band {a.band}"
        v, s = village_index.get(a.village), school_index.get(a.school)
        if v is None or s is None or a.band not in BANDS:
            out.append(Violation("assignment", subject, f"unknown village/school/band {a}"))
            continue
        j = _journey(a, problem, subject, v, s)
        seen[v, j.b] += 1
        _check_pupils_and_school(a, problem, j, kept, out)
        check_today(a, problem, v, j.b, subject, out)
        if s == int(problem.today[v, j.b]):
            check_staying(a, problem, v, j.b, subject, out)
        else:
            _check_distance(a, problem, j, village_index, out)
            if _check_mode(a, problem, j, out):
                bus[a.village, a.band, a.school] = a.pupils
        _check_limit(a, problem, j, out)
        _check_today_and_moves(a, problem, j, kept, out)
    _check_assigned_once(problem, seen, out)
    return bus


def _journey(a: Assignment, problem: Problem, subject: str, v: int, s: int) -> _Journey:
    bands = problem.bands
    place = problem.school_place(s)
    walk = int(problem.walk_m[v, place])
    return _Journey(
        subject=subject,
        v=v,
        s=s,
        b=BANDS.index(a.band),
        place=place,
        walk_m=walk,
        road_m=int(problem.dist_m[v, place]),
        drive_s=int(problem.time_s[v, place]),
        walk_ok=walk <= bands[a.band].walk_m,
        limit_s=bands[a.band].limit_s,
    )


def _check_pupils_and_school(
    a: Assignment, problem: Problem, j: _Journey, kept: set[str], out: list[Violation]
) -> None:
    """Every pupil of the village band, to a school that teaches the band and stays open."""
    subject = j.subject
    if a.pupils != problem.pupils[j.v, j.b]:
        out.append(
            Violation(
                "pupils",
                subject,
                f"{a.pupils} assigned, the village has {problem.pupils[j.v, j.b]}",
            )
        )
    if not problem.serves[j.s, j.b]:
        out.append(Violation("level", subject, f"{a.school} does not teach {a.band}"))
    if a.school not in kept:
        out.append(Violation("open", subject, f"assigned to {a.school}, which is closed"))


def _check_distance(
    a: Assignment,
    problem: Problem,
    j: _Journey,
    village_index: dict[str, int],
    out: list[Violation],
) -> None:
    """The reported distance: the walk, or the road (from a stop in another village)."""
    subject = j.subject
    expected_m = j.walk_m if a.mode == "walk" else j.road_m
    stop = village_index.get(a.stop) if a.stop else None
    if a.stop and (a.mode != "bus" or stop is None or stop == j.v):
        out.append(Violation("stop", subject, f"{a.mode} with a stop in {a.stop!r}"))
    elif stop is not None:
        walk_to_stop = int(problem.walk_m[j.v, stop])
        expected_m = walk_to_stop + int(problem.dist_m[stop, j.place])
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
                f"reported {a.distance_m} m, expected {expected_m} m (walking {j.walk_m} m, "
                f"road {j.road_m} m)",
            )
        )


def _check_mode(a: Assignment, problem: Problem, j: _Journey, out: list[Violation]) -> bool:
    """The mode the journey allows: walk when the walk is allowed, else one of the others.

    Returns whether the assignment's pupils count as school-bus riders (for the routes).
    """
    subject = j.subject
    if a.mode == "walk":
        _check_walk(a, problem, j, out)
    elif j.walk_ok and math.ceil(j.walk_m / problem.walk_mps) <= j.limit_s:
        out.append(Violation("mode", subject, f"{a.mode}, but the walk is allowed"))
    elif a.mode == Mode.GUARDIAN:
        if a.band != "k":
            out.append(Violation("mode", subject, "only kindergarten children are brought"))
        expected = math.ceil(j.road_m / problem.guardian_mps)
        if a.time_s != expected:
            out.append(Violation("time", subject, f"reported {a.time_s} s, guardian {expected} s"))
    elif a.mode == Mode.AS_TODAY:
        out.append(Violation("mode", subject, f"as_today, but moved from {a.before_school}"))
    elif a.mode == "bus":
        if a.band == "k":
            out.append(Violation("mode", subject, "no school bus for kindergarten children"))
        return True
    elif a.mode == "board":
        _check_boarding(a, problem, j, out)
    else:
        out.append(Violation("mode", subject, f"unknown mode {a.mode!r}"))
    return False


def _check_walk(a: Assignment, problem: Problem, j: _Journey, out: list[Violation]) -> None:
    """A walk within the band's walking distance, timed at the walking speed."""
    expected = math.ceil(j.walk_m / problem.walk_mps)
    if not j.walk_ok:
        out.append(Violation("walk", j.subject, f"walks {j.walk_m} m, over the walk limit"))
    if abs(a.time_s - expected) > 1:
        out.append(Violation("time", j.subject, f"reported {a.time_s} s, walk {expected} s"))


def _check_drive_time(a: Assignment, j: _Journey, out: list[Violation]) -> None:
    """A boarder's weekly trip by road: the bus-speed drive."""
    if a.time_s != j.drive_s:
        out.append(Violation("time", j.subject, f"reported {a.time_s} s, drive {j.drive_s} s"))


def _check_boarding(a: Assignment, problem: Problem, j: _Journey, out: list[Violation]) -> None:
    """Boarding: grades 4-9 only, where boarding is allowed and the bus ride, with the
    stop where they would board, is over the limit."""
    if a.band not in BOARDING_BANDS or not problem.school_rules.boarding:
        out.append(Violation("board", j.subject, "only grades 4-9 may board"))
    ride = j.drive_s
    if j.s != int(problem.today[j.v, j.b]):
        # A school bus would stop for them: 30 s + 3 s a pupil by default, for as many
        # of them as the largest bus seats (the stop of a ride, re-derived here).
        seats = max(t.seats for t in problem.bus.types)
        ride += problem.bus.stop_time_s + problem.bus.stop_time_per_pupil_s * min(a.pupils, seats)
    if ride <= j.limit_s:
        out.append(
            Violation("board", j.subject, "boards although the bus (with its stop) is within limit")
        )
    _check_drive_time(a, j, out)


def _check_limit(a: Assignment, problem: Problem, j: _Journey, out: list[Violation]) -> None:
    """The band's one-way limit (boarders' weekly trip and, where allowed, unmoved pupils
    excepted)."""
    unmoved_exempt = not problem.moves.limits_apply_to_unmoved and not a.moved
    if a.mode != "board" and a.time_s > j.limit_s and not unmoved_exempt:
        out.append(
            Violation(
                "limit",
                j.subject,
                f"one-way {a.time_s / 60:.1f} min > {j.limit_s / 60:g} min",
            )
        )


def _check_today_and_moves(
    a: Assignment, problem: Problem, j: _Journey, kept: set[str], out: list[Violation]
) -> None:
    """Today's school and the moved flag; moves only from closed schools where the policy
    says so (or where today's journey breaks a limit that binds pupils who stay); never
    to a school an earlier year closed."""
    cur, origin = int(problem.current[j.v, j.b]), int(problem.today[j.v, j.b])
    before = problem.school_ids[origin] if origin >= 0 else ""
    last = problem.school_ids[cur] if cur >= 0 else ""
    if a.before_school != before or a.moved != (a.school != before):
        out.append(Violation("before", j.subject, "today's school or the moved flag is wrong"))
    if (
        problem.moves.move_only_from_closed
        and last in kept
        and a.school != last
        and not _over_the_limit_today(problem, j.v, j.b)
    ):
        out.append(Violation("move", j.subject, f"moved although {last} stays open"))
    if problem.closed is not None and problem.closed[j.s]:
        out.append(Violation("closed", j.subject, f"{a.school} closed in an earlier year"))


def _over_the_limit_today(problem: Problem, v: int, b: int) -> bool:
    """Whether today's journey of the band breaks its one-way limit where the limits bind
    pupils who stay, or, under the family rule, that of its village's other primary band:
    then they may move although their school stays open."""
    family = (BANDS.index("p13"), BANDS.index("p46"))
    bands = [b]
    if problem.closing.families_together and b in family:
        bands = [x for x in family if problem.pupils[v, x] > 0]
    return any(_over_today(problem, v, x) for x in bands)


def _over_today(problem: Problem, v: int, b: int) -> bool:
    if not problem.moves.limits_apply_to_unmoved or problem.current[v, b] != problem.today[v, b]:
        return False
    way = today_way(problem, v, b)
    return way is not None and way[1] > problem.bands[BANDS[b]].limit_s


def _check_assigned_once(
    problem: Problem, seen: dict[tuple[int, int], int], out: list[Violation]
) -> None:
    """Every village band with pupils assigned exactly once, and none without."""
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
