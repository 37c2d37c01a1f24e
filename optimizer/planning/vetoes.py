"""The closure veto checklist: for each closed school, each veto of the domain rules."""

from __future__ import annotations

from optimizer.plan import Assignment, Mode, Route, SchoolResult, Status, VetoCheck
from optimizer.planning.school_results import to_build
from optimizer.problem.data import Problem
from optimizer.reasons import ClosureReason, KeepOpen


def veto_checklist(
    problem: Problem,
    schools: tuple[SchoolResult, ...],
    assignments: tuple[Assignment, ...],
    routes: tuple[Route, ...],
    reasons: tuple[ClosureReason, ...] = (),
) -> tuple[VetoCheck, ...]:
    """The closure vetoes of the domain rules, checked for each closed school.

    A closure is vetoed when, after the merge, getting to school becomes
    inconvenient or unsafe, the receiving school cannot feed or board the pupils,
    the merge makes an oversized school or class, or most parents oppose (the last
    is for the hearing: ``manual``). A journey is over its limit exactly where the map
    flags it (:attr:`~optimizer.plan.Assignment.over_limit`); boarders are counted
    apart. With ``reasons``, the item "closing pays" gives the closure's balance.
    """
    rules = problem.school_rules
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
    why = {r.school: r for r in reasons}
    checks = []
    for school in schools:
        if school.status != Status.CLOSED:
            continue
        moved = [a for a in assignments if a.before_school == school.id and a.moved]
        over = [a for a in moved if a.over_limit]
        longest = max((a.time_s for a in moved if a.mode != Mode.BOARD), default=0)
        checks.append(
            VetoCheck(
                school.id,
                "journey",
                "fail" if over else "pass",
                f"{sum(a.pupils for a in moved)} pupils move; longest daily journey "
                f"{longest / 60:.1f} min; {sum(a.pupils for a in over)} over their limit"
                + _boarders(moved),
            )
        )
        if school.id in why:
            checks.append(_closing_pays(why[school.id]))
        bused = [a for a in moved if a.mode == Mode.BUS]
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
        builds = {r: to_build(by_id[r].investment) for r in receivers}
        built = [f"{r}: {what}" for r, what in builds.items() if what]
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


def _boarders(moved: list[Assignment]) -> str:
    """The boarders among a closed school's moved pupils, with their longest weekly trip."""
    board = [a for a in moved if a.mode == Mode.BOARD]
    if not board:
        return ""
    weekly = max(a.time_s for a in board) / 60
    return f"; {sum(a.pupils for a in board)} board (weekly trip up to {weekly:.1f} min)"


def _closing_pays(reason: ClosureReason) -> VetoCheck:
    """Whether the closure saves more than it adds, in the closure objective's terms."""
    how = "solved again with it kept" if reason.keep_open is KeepOpen.RESOLVED else "at most"
    return VetoCheck(
        reason.school,
        "closing pays",
        "pass" if reason.saving > reason.added_cost else "fail",
        f"saves {reason.saving:,} yuan/year; adds {reason.added_cost:,} yuan/year (pupils' "
        f"time, buses, boarding, lunches: {reason.added_pupil_min:,} pupil-minutes a day "
        f"more, {reason.buses} buses, {reason.boarders} boarders); keeping it open costs "
        f"{reason.keep_open_cost:,} yuan/year more ({how})",
    )
