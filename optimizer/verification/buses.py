"""Independent re-check of the fleet: each bus and the runs it drives in turn.

Part of :mod:`optimizer.verification.checks`: every run on exactly one bus of its own
type; a bus leaves its first run's yard and reaches each next run's first stop in
time, after its pupils have got off at the school before. Nothing here calls the
models.
"""

from __future__ import annotations

from collections import defaultdict

from optimizer.plan import Plan
from optimizer.problem.build import Problem
from optimizer.verification.violation import Violation


def check_buses(plan: Plan, problem: Problem, out: list[Violation]) -> None:
    """Every run on exactly one bus of its own type; each bus reaches its next run's first
    stop in time, after its pupils have got off at the school before."""
    bus = problem.bus
    routes = {r.id: r for r in plan.routes}
    village_index = {vid: i for i, vid in enumerate(problem.village_ids)}
    school_index = {sid: i for i, sid in enumerate(problem.school_ids)}
    runs: dict[str, int] = defaultdict(int)
    for duty in plan.buses:
        for rid in duty.routes:
            runs[rid] += 1
        chain = [routes[rid] for rid in duty.routes if rid in routes]
        if len(chain) != len(duty.routes) or not chain:
            out.append(Violation("bus", duty.id, "an unknown run, or no run"))
            continue
        if chain[0].start != duty.start:
            out.append(
                Violation(
                    "bus", duty.id, f"leaves {duty.start}, its first run's yard is {chain[0].start}"
                )
            )
        for r in chain:
            if (r.seats, r.bus_type) != (duty.seats, duty.bus_type):
                out.append(Violation("bus", duty.id, f"run {r.id} is planned for another bus"))
        for a, b in zip(chain, chain[1:]):
            on_board = a.drops[-1].pupils if a.drops else a.stops[-1].load_after
            free = a.arrive_school_s + bus.stop_time_s + bus.stop_time_per_pupil_s * on_board
            school = school_index.get(a.school)
            village = village_index.get(b.stops[0].village)
            if school is None or village is None:
                continue  # the route checks name these
            drive = int(problem.time_s[problem.school_place(school), village])
            if free + drive > b.stops[0].arrive_s:
                out.append(
                    Violation(
                        "bus",
                        duty.id,
                        f"free at {a.school} at {free} s, {drive} s from run {b.id}'s first stop, "
                        f"which it must reach at {b.stops[0].arrive_s} s",
                    )
                )
    for r in plan.routes:
        if runs.get(r.id, 0) != 1:
            out.append(Violation("bus", r.id, f"on {runs.get(r.id, 0)} buses, not one"))
