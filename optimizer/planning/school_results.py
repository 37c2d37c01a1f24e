"""Each school after the plan: enrolment, classes, canteen, beds and what to build."""

from __future__ import annotations

import math
from collections import defaultdict

from geodata.kinds import BANDS, Ownership
from geodata.region import Region
from optimizer.closures.model import ClosureResult
from optimizer.plan import SUBSIDY, Assignment, Mode, SchoolResult, Status, built_first
from optimizer.planning.decoding import snap_metres
from optimizer.planning.timetables import point
from optimizer.problem.closing import decided
from optimizer.problem.data import Problem
from optimizer.problem.rules import class_norm, places


def to_build(investment: dict[str, int]) -> str:
    """What a school builds before a closure: ``canteen_seats 23, classrooms 1`` (keys
    sorted; the yearly subsidy is left out); empty when nothing."""
    return ", ".join(f"{k} {n}" for k, n in sorted(built_first(investment).items()))


def school_needs(problem: Problem, s: int, assignments) -> dict[str, int]:
    """Classes, largest class, lunch and beds a school needs for its assigned pupils.

    ``assignments`` are the plan's records for school ``s``; ``teaching_point`` (in
    the returned dict as 0/1 input via the caller) is not considered here.
    """
    load = {band: 0 for band in BANDS}
    lunch = boarders = 0
    for a in assignments:
        load[a.band] += a.pupils
        lunch += a.pupils if a.mode in (Mode.BUS, Mode.BOARD) else 0
        boarders += a.pupils if a.mode == Mode.BOARD else 0
    return {"load": load, "lunch": lunch, "boarders": boarders}


def school_results(
    problem: Problem, region: Region, closures: ClosureResult, assignments: tuple[Assignment, ...]
) -> tuple[SchoolResult, ...]:
    """Each school before and after the plan: status, enrolment, classes, investments."""
    rules, invest = problem.school_rules, problem.investment
    by_school: dict[str, list[Assignment]] = defaultdict(list)
    for a in assignments:
        by_school[a.school].append(a)
    out = []
    snaps = snap_metres(region.schools)
    for s in range(problem.n_schools):
        sid = problem.school_ids[s]
        bands = [b for b in range(len(BANDS)) if problem.serves[s, b]]
        lon, lat = point(region.schools, s)
        kept = bool(closures.open[s])
        tp = kept and bool(closures.teaching_point[s])
        needs = school_needs(problem, s, by_school.get(sid, []))
        classes, largest, norm_shown = 0, 0, 0
        for band, pupils in needs["load"].items():
            if pupils == 0:
                continue
            norm = class_norm(problem, band, teaching_point=tp)
            n = math.ceil(pupils / norm)
            classes += n
            largest = max(largest, math.ceil(pupils / n))
            norm_shown = max(norm_shown, norm)
        rooms = int(problem.classrooms[s])
        added = {
            # At least what the classes need; more where the model builds public
            # kindergarten places for the public share.
            "classrooms": max(
                classes - problem.room_limit(s, teaching_point=tp),
                int(closures.added_classrooms[s]),
            )
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
            SUBSIDY: places(problem, s) if kept and closures.subsidised[s] else 0,
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
                status=Status.TEACHING_POINT if tp else (Status.KEPT if kept else Status.CLOSED),
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
                ownership=Ownership.PUBLIC if problem.public[s] else Ownership.PRIVATE,
                class_norm=norm_shown,
                classes_after=classes,
                largest_class_after=largest,
                canteen_seats=int(problem.canteen_seats[s]) + added["canteen_seats"],
                lunch_pupils_after=needs["lunch"],
                boarding_beds=int(problem.boarding_beds[s]) + added["boarding_beds"],
                boarders_after=needs["boarders"],
                investment={k: v for k, v in added.items() if v},
                capital_cost=int(round(capital)),
                decision=decided(problem, s),
                snap_m=snaps[s][0],
                walk_snap_m=snaps[s][1],
            )
        )
    return tuple(out)
