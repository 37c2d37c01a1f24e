"""Independent re-check of today's journeys (``before_*``) and of the pupils who stay.

Part of :mod:`optimizer.verification.assignments`. Today's way is re-derived here from
the raw numbers, with this module's own code: the villages table's ``current_mode_*``
(the Problem's ``travel``) where it says, else a walk within the band's walking distance
and one-way limit, and a guardian beyond. A walk is the walking distance at the walking speed, a
guardian the road distance at the guardian's speed, a bus that runs today the drive with
its stop, a boarder the drive. Pupils who stay at today's school keep that journey.
"""

from __future__ import annotations

import math

from geodata.kinds import BANDS, TRAVELS
from optimizer.plan import Assignment, Mode
from optimizer.problem.data import Problem
from optimizer.verification.violation import Violation

#: The plan's mode of pupils who stay, by today's travel (a ride is ``as_today``; a
#: kindergarten child brought by a guardian stays ``guardian``).
STAYING_MODE = {"walk": Mode.WALK, "board": Mode.BOARD, "bus": Mode.AS_TODAY}


def today_way(problem: Problem, v: int, b: int) -> tuple[str, int, int] | None:
    """``(travel, seconds, metres)`` of band ``b`` of village ``v`` today; ``None``: no school."""
    s = int(problem.today[v, b])
    if s < 0:
        return None
    place = problem.n_villages + s
    walk, road = int(problem.walk_m[v, place]), int(problem.dist_m[v, place])
    drive = int(problem.time_s[v, place])
    given = -1 if problem.travel is None else int(problem.travel[v, b])
    if given >= 0:
        travel = str(TRAVELS[given])
    else:
        rule = problem.bands[BANDS[b]]
        on_foot = walk <= rule.walk_m and math.ceil(walk / problem.walk_mps) <= rule.limit_s
        travel = "walk" if on_foot else "guardian"
    if travel == "walk":
        return travel, math.ceil(walk / problem.walk_mps), walk
    if travel == "guardian":
        return travel, math.ceil(road / problem.guardian_mps), road
    if travel == "bus":
        seats = max(t.seats for t in problem.bus.types)
        boarding = min(int(problem.pupils[v, b]), seats)
        stop = problem.bus.stop_time_s + problem.bus.stop_time_per_pupil_s * boarding
        return travel, drive + stop, road
    return travel, drive, road


def check_today(
    a: Assignment, problem: Problem, v: int, b: int, subject: str, out: list[Violation]
) -> None:
    """Today's mode, time and distance as the raw inputs give them."""
    today = today_way(problem, v, b)
    if today is None:
        if a.before_mode is not None or a.before_time_s or a.before_distance_m:
            out.append(Violation("today", subject, "a journey today without a school today"))
        return
    travel, seconds, metres = today
    reported = (a.before_mode, a.before_time_s, a.before_distance_m)
    if reported != (travel, seconds, metres):
        out.append(
            Violation(
                "today",
                subject,
                f"today reported {a.before_mode} {a.before_time_s} s {a.before_distance_m} m; "
                f"the inputs give {travel} {seconds} s {metres} m",
            )
        )


def check_staying(
    a: Assignment, problem: Problem, v: int, b: int, subject: str, out: list[Violation]
) -> None:
    """A pupil who stays at today's school keeps today's journey: its mode, time, distance."""
    travel, seconds, metres = today_way(problem, v, b)
    if a.mode == Mode.BOARD and travel != "board":
        _check_newly_boarding(a, problem, v, b, seconds, subject, out)
        return
    if travel == "guardian":
        expected = Mode.GUARDIAN if BANDS[b] == "k" else Mode.AS_TODAY
    else:
        expected = STAYING_MODE[travel]
    told = f"stays at {a.school}; today's journey is {expected} {seconds} s {metres} m"
    if a.mode != expected or a.stop:
        out.append(Violation("mode", subject, f"{a.mode} (stop {a.stop!r}), but it {told}"))
    if a.time_s != seconds:
        out.append(Violation("time", subject, f"reported {a.time_s} s, but it {told}"))
    if a.distance_m != metres:
        out.append(Violation("distance", subject, f"reported {a.distance_m} m, but it {told}"))


def _check_newly_boarding(
    a: Assignment, problem: Problem, v: int, b: int, today_s: int, subject: str, out: list
) -> None:
    """Pupils who stay but board from now on: grades 4-9, where boarding is allowed, today's
    journey over the limit (the policy binding pupils who stay), the trip the drive."""
    place = problem.n_villages + int(problem.today[v, b])
    drive, road = int(problem.time_s[v, place]), int(problem.dist_m[v, place])
    band = BANDS[b]
    allowed = band in ("p46", "j79") and problem.school_rules.boarding
    over = today_s > problem.bands[band].limit_s and problem.moves.limits_apply_to_unmoved
    if not (allowed and over) or a.time_s != drive or a.distance_m != road:
        out.append(
            Violation(
                "staying",
                subject,
                f"boards at today's school {a.school} ({a.time_s} s, {a.distance_m} m) "
                f"although its journey today, {today_s} s, may stand or it may not board",
            )
        )


__all__ = ["check_staying", "check_today", "today_way"]
