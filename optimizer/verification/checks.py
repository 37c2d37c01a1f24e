"""Independent verification: every rule re-checked from the raw problem and the plan.

Nothing here calls the models: it reads the Problem's numbers (pupils, capacities,
matrices, policy) and the Plan's records, recomputes times, loads and totals, and
lists every rule a plan breaks. Each part has a module of its own, one check per
rule: the statuses here; where each village band goes and how in
:mod:`~optimizer.verification.assignments`; the schools after the plan in
:mod:`~optimizer.verification.school_sizes`; the bus runs in
:mod:`~optimizer.verification.routes` (multi-school runs in
:mod:`~optimizer.verification.mixed_routes`), their afternoon runs in
:mod:`~optimizer.verification.afternoons` and the buses that drive them in
:mod:`~optimizer.verification.buses`; every record's town and the township summary
in :mod:`~optimizer.verification.townships`.
"""

from __future__ import annotations

from optimizer.plan import Plan, Status
from optimizer.problem.build import Problem
from optimizer.verification.afternoons import check_afternoons
from optimizer.verification.assignments import check_assignments
from optimizer.verification.buses import check_buses
from optimizer.verification.closure_policy import check_closure_policy
from optimizer.verification.routes import check_routes
from optimizer.verification.school_sizes import check_school_sizes
from optimizer.verification.townships import check_towns
from optimizer.verification.violation import Violation


def verify(plan: Plan, problem: Problem) -> list[Violation]:
    """Re-check a plan against the problem; an empty list means it keeps every rule."""
    out: list[Violation] = []
    kept = _check_statuses(plan, problem, out)
    bus_pupils = check_assignments(plan, problem, kept, out)
    check_school_sizes(plan, problem, out)
    check_routes(plan, problem, bus_pupils, out)
    check_afternoons(plan, problem, out)
    if plan.buses:  # plans from before bus duties have one bus per run
        check_buses(plan, problem, out)
    check_closure_policy(plan, problem, out)
    check_towns(plan, problem, out)
    return out


def _check_statuses(plan: Plan, problem: Problem, out: list[Violation]) -> set[str]:
    """Every school once, with a known status; none closed that must stay.

    Returns the schools the plan keeps open: kept, or kept as a teaching point.
    """
    by_id = {s.id: s for s in plan.schools}
    if len(by_id) != len(plan.schools) or set(by_id) != set(problem.school_ids):
        out.append(Violation("schools", "plan", "every school must appear exactly once"))
    kept = set()
    for s, sid in enumerate(problem.school_ids):
        result = by_id.get(sid)
        if result is None:
            continue
        if result.status not in tuple(Status):
            out.append(Violation("status", sid, f"unknown status {result.status!r}"))
        elif result.status != Status.CLOSED:  # kept, or kept as a teaching point
            kept.add(sid)
        elif s in problem.closing.decisions:  # the planner's word (checked apart)
            continue
        elif problem.must_keep[s] or not problem.may_close[s]:
            out.append(Violation("closure", sid, "closed, but it must be kept"))
    return kept
