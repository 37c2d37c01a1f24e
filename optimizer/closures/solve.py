"""Solve the closure model, in one or two lexicographic stages, or explain why not."""

from __future__ import annotations

import numpy as np

from geodata.kinds import BANDS
from optimizer.closures.cuts import Cut
from optimizer.closures.explanations import (
    NO_ROOM,
    capacity_reasons,
    contradictions,
    reachability_reasons,
    rule_in_the_way,
)
from optimizer.closures.model import ClosureModel, ClosureResult
from optimizer.closures.policy_reasons import policy_conflicts
from optimizer.closures.settings import ClosureSettings
from optimizer.errors import InfeasibleScenario
from optimizer.problem.data import Problem
from optimizer.problem.numbers import Objective
from optimizer.solvers.facility import FacilityResult, solve_facility


def solve_closures(
    problem: Problem, settings: ClosureSettings | None = None, *, cuts: tuple[Cut, ...] = ()
) -> ClosureResult:
    """Decide closures, teaching points, investments and assignments.

    Parameters
    ----------
    problem
        The planning problem.
    settings
        The closure model's settings; CP-SAT stops at a *deterministic* time limit so
        that the same inputs give the same plan on any machine.
    cuts
        Combinations of village bands the router refused (:mod:`optimizer.closures.cuts`).

    Raises
    ------
    InfeasibleScenario
        With the villages and limits that make the scenario impossible.
    """
    settings = settings or ClosureSettings()
    reasons = reachability_reasons(problem) or policy_conflicts(problem, relax=settings.relax)
    if reasons:
        raise InfeasibleScenario(reasons)
    solve = settings.solve_settings()
    builder = ClosureModel(problem, candidates=settings.candidates, cuts=cuts, relax=settings.relax)
    stages = []
    longest = None
    if problem.weights.objective == Objective.LEXICOGRAPHIC:
        first = solve_facility(builder.model(minimise_longest_p13=True), solve)
        _check(problem, builder, first)
        longest = int(round(first.objective))
        stages.append(f"longest grades 1-3 journey {longest} s")
    built = builder.build(longest_p13=longest)
    result = solve_facility(built.facility, solve)
    _check(problem, builder, result)
    return builder.decode(built, result, settings, stages)


def _check(problem: Problem, builder: ClosureModel, result: FacilityResult) -> None:
    """Raise :class:`InfeasibleScenario`, with the reason in words, for a model without a plan."""
    if result.status == "INFEASIBLE":
        raise InfeasibleScenario(contradictions(problem))
    if not result.has_solution:
        raise InfeasibleScenario(
            [
                f"the closure model found no plan within its limits ({result.status} after "
                f"{result.wall_time_s:.1f} s); raise solver.closures_time_limit_s (or, with "
                "the sat engine, solver.closures_deterministic_time)"
            ]
        )
    lacking = [builder.customers[c] for c in np.flatnonzero(result.choice < 0)]
    if lacking and result.status != "OPTIMAL":
        raise InfeasibleScenario(
            [
                f"the closure solver stopped at its limit ({result.status}, "
                f"{result.wall_time_s:.0f} s) with {len(lacking)} village bands not yet served: "
                "that proves nothing about capacity; raise solver.closures_time_limit_s (or the "
                "sat engine's solver.closures_deterministic_time)"
            ]
        )
    if lacking and builder.candidates is not None:
        raise InfeasibleScenario(
            [
                f"village {problem.village_ids[v]} band {BANDS[b]} ({problem.pupils[v, b]} "
                f"pupils): no place among its {builder.candidates} candidate schools "
                f"(solver.closures_candidates = {builder.candidates}); raise it, or leave it "
                "empty to weigh every school"
                for v, b in lacking
            ]
        )
    if lacking:
        raise InfeasibleScenario(_placement_reasons(problem, lacking))


def _placement_reasons(problem: Problem, lacking: list[tuple[int, int]]) -> list[str]:
    """Why village bands found no place: each band's own reason (the planner closed its
    schools, they can never reach the minimum enrolment, no room), and where room is
    said to lack, a school-wide or policy rule that, lifted alone, places every band."""
    reasons = capacity_reasons(problem, lacking)
    roomless = [band for band, r in zip(lacking, reasons, strict=True) if NO_ROOM in r]
    if not roomless:
        return reasons
    rule = rule_in_the_way(problem)
    if not rule:
        return reasons
    bands = ", ".join(f"{problem.village_ids[v]} {BANDS[b]}" for v, b in roomless[:12])
    more = f" and {len(roomless) - 12} more" if len(roomless) > 12 else ""
    return [
        *rule,
        *(r for r in reasons if NO_ROOM not in r),
        f"village bands left without a school under it: {bands}{more}",
    ]
