"""The reasons of every closure and of every boarding or over-limit placement.

Closures (:class:`~optimizer.reasons.ClosureReason`): the saving, what the closure adds
in the closure model's terms (:mod:`optimizer.closures.reasons`), the pupil-minutes
its moved pupils travel more, the buses carrying them, and what keeping it open would
cost: the closure model solved again with it kept (``money.keep_open_exact``), else
the upper bound of reopening it alone. Placements
(:class:`~optimizer.reasons.PlacementReason`): for each village band that boards or
travels over its limit, the nearest school nearer than its own and why it is not used.
"""

from __future__ import annotations

from geodata.kinds import BANDS
from optimizer.closures.model import ClosureResult
from optimizer.closures.options import option
from optimizer.closures.reasons import closure_balances, keep_open_cost
from optimizer.closures.settings import ClosureSettings
from optimizer.plan import Assignment, BusDuty, Mode, Route, SchoolResult, Status
from optimizer.problem.data import Problem
from optimizer.problem.money import closure_saving
from optimizer.problem.numbers import Way
from optimizer.problem.rules import places
from optimizer.reasons import ClosureReason, KeepOpen, PlacementReason, WhyNot


def closure_reasons(
    problem: Problem,
    closures: ClosureResult,
    settings: ClosureSettings,
    assignments: tuple[Assignment, ...],
    routes: tuple[Route, ...],
    buses: tuple[BusDuty, ...],
) -> tuple[ClosureReason, ...]:
    """One reason per closed school, in school order."""
    kept_cost, added = closure_balances(problem, closures.school, settings.candidates)
    saving = closure_saving(problem)
    duty_of = {r: b.id for b in buses for r in b.routes}
    out = []
    for s in [s for s in range(problem.n_schools) if not closures.open[s]]:
        sid = problem.school_ids[s]
        moved = [a for a in assignments if a.before_school == sid and a.moved]
        daily = [a for a in moved if a.mode is not Mode.BOARD]
        riders = {(a.village, a.band, a.school) for a in moved if a.mode is Mode.BUS}
        carrying = {
            duty_of.get(r.id, r.id)
            for r in routes
            for st in r.stops
            if any((st.village, b, r.stop_school(st)) in riders for b in st.boarding)
            or any(
                (w.village, b, r.stop_school(st)) in riders for w in st.walkers for b in w.boarding
            )
        }
        bound = int(kept_cost[s] - added[s])
        exact = problem.money.keep_open_exact
        out.append(
            ClosureReason(
                school=sid,
                saving=int(saving[s]),
                added_cost=int(added[s]),
                added_pupil_min=round(
                    sum(a.pupils * (a.time_s - a.before_time_s) for a in daily) / 60
                ),
                pupils_moved=sum(a.pupils for a in moved),
                boarders=sum(a.pupils for a in moved if a.mode is Mode.BOARD),
                buses=len(carrying),
                keep_open_cost=keep_open_cost(problem, s, closures.run.objective, settings)
                if exact
                else bound,
                keep_open=KeepOpen.RESOLVED if exact else KeepOpen.BOUND,
            )
        )
    return tuple(out)


def placement_reasons(
    problem: Problem, schools: tuple[SchoolResult, ...], assignments: tuple[Assignment, ...]
) -> tuple[PlacementReason, ...]:
    """Why each boarding or over-limit village band is not at a nearer school."""
    index = {sid: i for i, sid in enumerate(problem.school_ids)}
    village = {vid: i for i, vid in enumerate(problem.village_ids)}
    by_id = {s.id: s for s in schools}
    out = []
    for a in assignments:
        if a.mode is not Mode.BOARD and a.time_s <= a.limit_s:
            continue
        v, b, s = village[a.village], BANDS.index(a.band), index[a.school]
        own = int(problem.time_s[v, problem.school_place(s)])
        nearer = sorted(
            (int(problem.time_s[v, problem.school_place(t)]), t)
            for t in range(problem.n_schools)
            if t != s and problem.serves[t, b] and problem.time_s[v, problem.school_place(t)] < own
        )
        if not nearer:
            out.append(PlacementReason(a.village, a.band, a.school, "", WhyNot.NONE, ""))
            continue
        t = nearer[0][1]
        nearer_school, seats = by_id[problem.school_ids[t]], places(problem, t)
        why, detail = _why_not(problem, nearer_school, v, b, t, seats)
        out.append(
            PlacementReason(
                a.village,
                a.band,
                a.school,
                problem.school_ids[t],
                why,
                detail,
                nearer_min=round(int(problem.time_s[v, problem.school_place(t)]) / 60),
                limit_min=round(problem.bands[BANDS[b]].limit_s / 60),
                nearer_pupils=sum(nearer_school.enrolment_after.values()),
                nearer_places=seats,
            )
        )
    return tuple(out)


def _why_not(
    problem: Problem, school: SchoolResult, v: int, b: int, t: int, seats: int
) -> tuple[WhyNot, str]:
    """Why village ``v``'s band ``b`` is not at the nearer school ``t``."""
    minutes = int(problem.time_s[v, problem.school_place(t)]) / 60
    if school.status is Status.CLOSED:
        return WhyNot.CLOSED, f"{school.id} closes ({minutes:.0f} min away)"
    opt = option(problem, b, v, t)
    if opt is None or opt.mode == Way.BOARD:
        limit = problem.bands[BANDS[b]].limit_s / 60
        return (
            WhyNot.OVER_LIMIT,
            f"{school.id} is {minutes:.0f} min away, over the {limit:.0f}-min limit",
        )
    pupils = sum(school.enrolment_after.values())
    if pupils + int(problem.pupils[v, b]) > seats:
        return WhyNot.FULL, f"{school.id} holds {pupils} of {seats} places"
    return WhyNot.DEARER, f"{school.id} ({minutes:.0f} min) costs the plan more"
