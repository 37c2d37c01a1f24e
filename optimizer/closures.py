"""Which schools close and where each village's pupils go.

Each (village, band) with pupils is a customer of the single-source facility
model in :mod:`optimizer.facility`; schools are the facilities:

- a school's open cost is its running cost (yuan/year, weighted);
- only schools teaching the band within its one-way limit are candidates;
- assignment cost: ``w * pupils * minutes`` of the direct journey (walk or drive);
- capacity: pupils of all bands a school teaches;
- ``must_keep`` schools and those not ``may_close`` are forced open;
- with ``move_only_from_closed`` a band stays at today's school while it is open.

An unserved slack with a prohibitive penalty keeps the model feasible; villages
that need it are reported with the limit at fault instead of a solver status.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import ortools

from geodata.places import BANDS
from optimizer.facility import FacilityModel, SolveSettings, solve_facility
from optimizer.plan import SolverRun
from optimizer.problem import Problem
from optimizer.scenario import Solver


class InfeasibleScenario(Exception):
    """No plan meets every rule; ``reasons`` says which villages and which limit."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("no plan meets every rule:\n  " + "\n  ".join(reasons))


@dataclass(frozen=True)
class ClosureResult:
    """Which schools stay open and the school of every (village, band) with pupils."""

    open: np.ndarray
    school: np.ndarray
    run: SolverRun


def candidate_schools(problem: Problem, v: int, b: int) -> list[int]:
    """Schools teaching band ``b`` whose direct journey from village ``v`` is in the limit."""
    limit = problem.policy.limit_s(BANDS[b])
    return [
        s
        for s in range(problem.n_schools)
        if problem.serves[s, b] and problem.journey_s(b, v, s) <= limit
    ]


def reachability_reasons(problem: Problem) -> list[str]:
    """Villages and bands with no school of their level within the one-way limit."""
    reasons = []
    for v in range(problem.n_villages):
        for b, band in enumerate(BANDS):
            if problem.pupils[v, b] == 0 or candidate_schools(problem, v, b):
                continue
            teaching = [s for s in range(problem.n_schools) if problem.serves[s, b]]
            limit_min = problem.policy.bands[band].one_way_min
            if teaching:
                best = min(teaching, key=lambda s: problem.journey_s(b, v, s))
                nearest = (
                    f"the nearest, {problem.school_ids[best]}, is "
                    f"{problem.journey_s(b, v, best) / 60:.1f} min away"
                )
            else:
                nearest = "no school teaches this band"
            reasons.append(
                f"village {problem.village_ids[v]} band {band} ({problem.pupils[v, b]} pupils): "
                f"no school within the {limit_min:g}-minute one-way limit; {nearest}"
            )
    return reasons


def solve_closures(problem: Problem, config: Solver | None = None) -> ClosureResult:
    """Decide closures and assignments.

    Parameters
    ----------
    problem
        The planning problem.
    config
        Solver settings; CP-SAT stops at a *deterministic* time limit so that the
        same inputs give the same plan on any machine.

    Raises
    ------
    InfeasibleScenario
        With the villages and limits that make the scenario impossible.
    """
    reasons = reachability_reasons(problem)
    if reasons:
        raise InfeasibleScenario(reasons)
    config = config or Solver()
    model, customers = closure_model(problem)
    settings = SolveSettings(
        engine=config.closures_engine,
        workers=config.closures_workers,
        seed=config.seed,
        deterministic_time=config.closures_deterministic_time,
        # A wall-clock guard only; a run that reaches it is flagged not reproducible.
        time_limit_s=20 * config.closures_deterministic_time,
    )
    result = solve_facility(model, settings)
    if not result.has_solution:
        raise InfeasibleScenario(
            [
                f"the closure model found no plan within its limits ({result.status} after "
                f"{result.wall_time_s:.1f} s); raise solver.closures_deterministic_time"
            ]
        )
    lacking = [customers[c] for c in np.flatnonzero(result.choice < 0)]
    if lacking:
        raise InfeasibleScenario(_capacity_reasons(problem, lacking))
    school = np.full(problem.pupils.shape, -1, dtype=np.int64)
    for c, (v, b) in enumerate(customers):
        school[v, b] = result.choice[c]
    run = SolverRun(
        stage="closures",
        engine=f"OR-Tools {ortools.__version__} model builder, {config.closures_engine}",
        status=result.status,
        objective=result.objective,
        bound=result.bound,
        gap=result.gap,
        settings=result.settings,
        reproducible=result.wall_time_s < 0.98 * settings.time_limit_s
        and config.closures_engine == "sat"
        and config.closures_workers == 1,
    )
    return ClosureResult(open=result.is_open, school=school, run=run)


def closure_model(problem: Problem) -> tuple[FacilityModel, list[tuple[int, int]]]:
    """The closure decision as a facility model: one customer per (village, band).

    Returns
    -------
    model, customers
        The model, and the ``(village, band)`` of each customer.
    """
    policy = problem.policy
    per_min = policy.weights.travel_yuan_per_pupil_min
    customers, demand, stay = [], [], []
    pc, pf, cost = [], [], []
    for v in range(problem.n_villages):
        for b in range(len(BANDS)):
            pupils = int(problem.pupils[v, b])
            if pupils == 0:
                continue
            c = len(customers)
            customers.append((v, b))
            demand.append(pupils)
            stay.append(int(problem.current[v, b]) if policy.move_only_from_closed else -1)
            for s in candidate_schools(problem, v, b):
                pc.append(c)
                pf.append(s)
                cost.append(int(round(per_min * pupils * problem.journey_s(b, v, s) / 60.0)))
    open_cost = np.rint(policy.weights.running_cost * problem.running_cost).astype(np.int64)
    model = FacilityModel(
        open_cost=open_cost,
        capacity=problem.capacity,
        demand=np.array(demand, dtype=np.int64),
        pair_customer=np.array(pc, dtype=np.int64),
        pair_facility=np.array(pf, dtype=np.int64),
        pair_cost=np.array(cost, dtype=np.int64),
        forced_open=problem.must_keep | ~problem.may_close,
        stay=np.array(stay, dtype=np.int64),
        # Prohibitive: more than keeping every school open and every journey paid.
        unserved_penalty=int(open_cost.sum() + sum(cost) + 1),
    )
    return model, customers


def _capacity_reasons(problem: Problem, lacking: list[tuple[int, int]]) -> list[str]:
    reasons = []
    for v, b in lacking:
        cands = candidate_schools(problem, v, b)
        names = ", ".join(
            f"{problem.school_ids[s]} (capacity {problem.capacity[s]})" for s in cands
        )
        reasons.append(
            f"village {problem.village_ids[v]} band {BANDS[b]} ({problem.pupils[v, b]} pupils): "
            f"the schools within {problem.policy.bands[BANDS[b]].one_way_min:g} min "
            f"({names}) have no room left for them"
        )
    return reasons
