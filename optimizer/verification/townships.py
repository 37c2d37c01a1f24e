"""Towns re-checked: every record's town is the input's, and the townships add up.

A school's ``town`` must be the schools table's, an assignment's and a stop's their
village's, a route's its receiving school's, a depot's the depots table's (all from the
Problem). The township summary must count each town's schools today from the Problem,
and its pupils moved, newly bused and boarding, buses, runs, closures and money must sum
to the county's figures recomputed from the plan's records.
"""

from __future__ import annotations

from collections import Counter

from optimizer.plan import Mode, Plan, Status
from optimizer.problem.data import Problem
from optimizer.verification.violation import Violation


def check_towns(plan: Plan, problem: Problem, out: list[Violation]) -> None:
    """Append a :class:`Violation` for every town that disagrees with the input."""
    school_town = dict(zip(problem.school_ids, problem.closing.towns, strict=True))
    village_town = dict(zip(problem.village_ids, problem.village_towns, strict=False))
    depot_town = dict(zip(problem.depot_ids, problem.depot_towns, strict=False))

    def differs(subject: str, found: str, expected: str) -> None:
        if found != expected:
            out.append(Violation("town", subject, f"town {found!r}, the input says {expected!r}"))

    for s in plan.schools:
        differs(s.id, s.town, school_town.get(s.id, ""))
    for a in plan.assignments:
        differs(f"{a.village} {a.band}", a.town, village_town.get(a.village, ""))
    for r in plan.routes:
        differs(r.id, r.town, school_town.get(r.school, ""))
        for stop in r.stops:
            differs(f"{r.id} stop {stop.village}", stop.town, village_town.get(stop.village, ""))
    for d in plan.depots:
        differs(d.id, d.town, depot_town.get(d.id, ""))
    if plan.townships:
        _check_summary(plan, problem, out)


def _check_summary(plan: Plan, problem: Problem, out: list[Violation]) -> None:
    """The townships' schools today from the Problem; their sums equal the county's."""
    today = Counter(zip(problem.closing.towns, problem.school_levels))
    for t in plan.townships:
        for level, n in t.schools_before.items():
            if today[t.town, level] != n:
                out.append(
                    Violation(
                        "townships",
                        t.town or "-",
                        f"{n} {level} schools today, the schools table has {today[t.town, level]}",
                    )
                )
    a = plan.assignments
    money = plan.kpis.get("money", {})
    county = {
        "schools_closed": sum(1 for s in plan.schools if s.status is Status.CLOSED),
        "pupils": sum(x.pupils for x in a),
        "pupils_moved": sum(x.pupils for x in a if x.moved),
        "pupils_newly_bused": sum(x.pupils for x in a if x.mode is Mode.BUS),
        "weekly_boarders": sum(x.pupils for x in a if x.mode is Mode.BOARD),
        "buses": len(plan.buses) if plan.buses else len(plan.routes),
        "runs": len(plan.routes),
        "running_cost_saved": money.get("running_cost_saved"),
        "net_annual_saving": money.get("net_annual_saving"),
        "capital": money.get("capital"),
    }
    for key, total in county.items():
        summed = sum(getattr(t, key) for t in plan.townships)
        if total is not None and summed != total:
            out.append(
                Violation("townships", key, f"the towns sum to {summed}, the county has {total}")
            )
