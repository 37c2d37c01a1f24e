"""Re-check of the county's closure policy, from the Problem's numbers and the Plan.

Its own code, not the model's helpers (:mod:`optimizer.problem.closing`): which
schools may close (candidates, the planner's decisions), what every township keeps,
families together, boarding only where needed and within its distance, no capital
below the small-scale size, the cap and the target on closures. Each broken rule names
the school, the township or the village.
"""

from __future__ import annotations

import math
from collections import defaultdict

from geodata.kinds import BANDS, Band, Level
from optimizer.plan import Assignment, Decision, Mode, Plan, SchoolResult, Status
from optimizer.problem.data import Problem
from optimizer.verification.violation import Violation

#: The decision each status honours.
_HONOURS = {
    Decision.KEEP: Status.KEPT,
    Decision.CLOSE: Status.CLOSED,
    Decision.TEACHING_POINT: Status.TEACHING_POINT,
}


def check_closure_policy(plan: Plan, problem: Problem, out: list[Violation]) -> None:
    """Every rule of the closure policy whose switch is on."""
    closing = problem.closing
    by_id = {s.id: s for s in plan.schools}
    _check_decisions(problem, by_id, out)
    _check_candidates(problem, by_id, out)
    if closing.township_keeps:
        _check_townships(problem, by_id, out)
    if closing.families_together:
        _check_families(plan.assignments, out)
    _check_boarders(plan, problem, out)
    if closing.no_capital_below_small:
        _check_capital(plan.schools, closing.small_school_pupils, out)
    _check_cap(plan, problem, out)


def _check_decisions(
    problem: Problem, by_id: dict[str, SchoolResult], out: list[Violation]
) -> None:
    for s, decision in sorted(problem.closing.decisions.items()):
        sid = problem.school_ids[s]
        school = by_id.get(sid)
        if school is not None and school.status != _HONOURS[decision]:
            out.append(
                Violation(
                    "decision", sid, f"the planner decided {decision}, the plan has {school.status}"
                )
            )


def _small_or_shrinking(problem: Problem, s: int) -> bool:
    """Fewer pupils than the small-scale size today or in the horizon year, or a fall of
    more than the shrinking share."""
    closing = problem.closing
    today = int(closing.enrolment_today[s])
    later = int(closing.enrolment_horizon[s])
    if today < closing.small_school_pupils or later < closing.small_school_pupils:
        return True
    share = closing.shrinking_share
    return share is not None and today > 0 and today - later > share * today


def _check_candidates(
    problem: Problem, by_id: dict[str, SchoolResult], out: list[Violation]
) -> None:
    """A closed school the planner did not close is a candidate (when the rule is on)."""
    closing = problem.closing
    if not closing.candidates_only:
        return
    for s, sid in enumerate(problem.school_ids):
        school = by_id.get(sid)
        if school is None or school.status != Status.CLOSED or s in closing.decisions:
            continue
        if not (_small_or_shrinking(problem, s) or closing.flagged[s] or closing.listed[s]):
            out.append(
                Violation(
                    "closure candidate",
                    sid,
                    f"closed with {int(closing.enrolment_today[s])} pupils today and "
                    f"{int(closing.enrolment_horizon[s])} in the horizon year (small-scale: "
                    f"< {closing.small_school_pupils}), neither shrinking, flagged nor listed",
                )
            )


def _serves_township(problem: Problem, s: int, level: Level, school: SchoolResult) -> bool:
    if school.status == Status.CLOSED:
        return False
    own = problem.school_levels[s]
    if level == Level.KINDERGARTEN:
        return own == Level.KINDERGARTEN and bool(problem.public[s])
    if level == Level.PRIMARY:
        return own == Level.NINE_YEAR or (own == Level.PRIMARY and school.status == Status.KEPT)
    return own in (Level.JUNIOR, Level.NINE_YEAR)


def _check_townships(
    problem: Problem, by_id: dict[str, SchoolResult], out: list[Violation]
) -> None:
    """Each township that has a school of a kept level today keeps one open (the central
    one where the data marks one)."""
    closing = problem.closing
    schools_of: dict[str, list[int]] = defaultdict(list)
    for s, town in enumerate(closing.towns):
        if town:
            schools_of[town].append(s)
    for town in sorted(schools_of):
        for level in sorted(closing.township_keeps):
            eligible = [s for s in schools_of[town] if _eligible(problem, s, level)]
            central = [s for s in eligible if closing.central[s]]
            needed = central or eligible
            if not needed:
                continue
            if not any(
                _serves_township(problem, s, level, by_id[problem.school_ids[s]]) for s in needed
            ):
                which = "central " if central else ""
                out.append(
                    Violation(
                        "township",
                        town,
                        f"no {which}{_LEVEL_WORD[level]} stays open (of "
                        + ", ".join(problem.school_ids[s] for s in needed)
                        + ")",
                    )
                )


_LEVEL_WORD = {
    Level.KINDERGARTEN: "public kindergarten",
    Level.PRIMARY: "complete primary or nine-year school",
    Level.JUNIOR: "junior or nine-year school",
}


def _eligible(problem: Problem, s: int, level: Level) -> bool:
    own = problem.school_levels[s]
    if level == Level.KINDERGARTEN:
        return own == Level.KINDERGARTEN and bool(problem.public[s])
    if level == Level.PRIMARY:
        return own in (Level.PRIMARY, Level.NINE_YEAR)
    return own in (Level.JUNIOR, Level.NINE_YEAR)


def _check_families(assignments: tuple[Assignment, ...], out: list[Violation]) -> None:
    """Grades 1-3 and 4-6 of a village at one school."""
    primary: dict[str, dict[Band, str]] = defaultdict(dict)
    for a in assignments:
        if a.band in (Band.P13, Band.P46):
            primary[a.village][a.band] = a.school
    for village in sorted(primary):
        schools = primary[village]
        if len(set(schools.values())) > 1:
            out.append(
                Violation(
                    "families",
                    village,
                    f"grades 1-3 at {schools[Band.P13]}, grades 4-6 at {schools[Band.P46]}",
                )
            )


def _day_reachable(problem: Problem, v: int, s: int, band: Band) -> bool:
    """Whether pupils of ``band`` in village ``v`` reach school ``s`` daily within their
    limit: walking (within the band's walking distance) or by the bus-speed drive."""
    place = problem.n_villages + s
    limit = problem.bands[band].limit_s
    walk = int(problem.walk_m[v, place])
    if walk <= problem.bands[band].walk_m and math.ceil(walk / problem.walk_mps) <= limit:
        return True
    return int(problem.time_s[v, place]) <= limit


def _check_boarders(plan: Plan, problem: Problem, out: list[Violation]) -> None:
    """Boarders live within the boarding distance and, where the rule is on, have no open
    school within their band's daily limit."""
    closing = problem.closing
    village = {vid: i for i, vid in enumerate(problem.village_ids)}
    open_schools = [
        s for s, sid in enumerate(problem.school_ids) if _status(plan, sid) != Status.CLOSED
    ]
    for a in plan.assignments:
        if a.mode is not Mode.BOARD:
            continue
        where = f"{a.village} {a.band}"
        if closing.boarding_max_m is not None and a.distance_m > closing.boarding_max_m:
            out.append(
                Violation(
                    "boarding distance",
                    where,
                    f"boards {a.distance_m / 1000:.1f} km away at {a.school} (at most "
                    f"{closing.boarding_max_m / 1000:g} km)",
                )
            )
        if not closing.board_only_when_needed:
            continue
        v, b = village[a.village], BANDS.index(a.band)
        limit = problem.bands[a.band].limit_s
        near = [
            problem.school_ids[s]
            for s in open_schools
            if problem.serves[s, b] and _day_reachable(problem, v, s, a.band)
        ]
        if near:
            out.append(
                Violation(
                    "boarding only when needed",
                    where,
                    f"{a.pupils} pupils board at {a.school} while {', '.join(near)} "
                    f"(open) is within the daily limit of {limit / 60:g} min",
                )
            )


def _status(plan: Plan, sid: str) -> Status | None:
    for s in plan.schools:
        if s.id == sid:
            return s.status
    return None


def _check_capital(schools: tuple[SchoolResult, ...], least: int, out: list[Violation]) -> None:
    """No classrooms or beds for a school under the small-scale size (canteen seats for
    bused pupils' lunch are guaranteed)."""
    for s in schools:
        built = {
            k: n for k, n in s.investment.items() if k in ("classrooms", "boarding_beds") and n
        }
        total = sum(s.enrolment_after.values())
        if built and total < least:
            out.append(
                Violation(
                    "no capital below small",
                    s.id,
                    f"{total} pupils after the plan (< {least}) and capital for "
                    + ", ".join(f"{n} {k}" for k, n in sorted(built.items())),
                )
            )


def _check_cap(plan: Plan, problem: Problem, out: list[Violation]) -> None:
    """At most ``max_closures`` schools closed, exactly ``target_closures`` if set."""
    closing = problem.closing
    closed = sum(1 for s in plan.schools if s.status == Status.CLOSED)
    if closing.max_closures is not None and closed > closing.max_closures:
        out.append(
            Violation("closures cap", "plan", f"{closed} schools closed > {closing.max_closures}")
        )
    if closing.target_closures is not None and closed != closing.target_closures:
        out.append(
            Violation(
                "closures target", "plan", f"{closed} schools closed != {closing.target_closures}"
            )
        )


def check_proposal(plan: Plan, problem: Problem) -> list[Violation]:
    """What a proposal's own closures break: a closed school that is no candidate, or
    that the data says must stay (``must_keep``, not ``may_close``)."""
    out: list[Violation] = []
    by_id = {s.id: s for s in plan.schools}
    closing = problem.closing
    for s, decision in sorted(closing.decisions.items()):
        sid = problem.school_ids[s]
        if decision != Decision.CLOSE or by_id[sid].status != Status.CLOSED:
            continue
        if problem.must_keep[s] or not problem.may_close[s]:
            out.append(Violation("closure", sid, "closed, but the schools table keeps it"))
        small = _small_or_shrinking(problem, s)
        if closing.candidates_only and not (small or closing.flagged[s] or closing.listed[s]):
            out.append(
                Violation(
                    "closure candidate",
                    sid,
                    f"closed with {int(closing.enrolment_today[s])} pupils today and "
                    f"{int(closing.enrolment_horizon[s])} in the horizon year, neither "
                    "small-scale, shrinking, flagged nor listed",
                )
            )
    return out
