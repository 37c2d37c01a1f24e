"""Which schools close and where each village's pupils go: a CP-SAT model.

Formulation (indices: village ``v``, band ``b``, school ``s``; only pairs whose
direct journey is within the band's one-way limit get a variable)::

    min  sum_s cost_s * open_s  +  sum_{v,b,s} w * pupils_vb * minutes_vbs * x_vbs
         + M * sum_{v,b} unserved_vb
    s.t. sum_s x_vbs + unserved_vb = 1                 every band of every village
         x_vbs <= open_s                               only open schools receive
         sum_{v,b} pupils_vb * x_vbs <= cap_s * open_s capacity
         open_s = 1                                    must_keep or not may_close
         x_{v,b,cur} >= open_cur                       (move_only_from_closed) pupils
                                                       stay while their school is open

``unserved`` is a slack with a prohibitive penalty: a plan that needs it has no
feasible answer, and the villages that use it are the explanation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import ortools
from ortools.sat.python import cp_model

from geodata.places import BANDS
from optimizer.problem import Problem
from optimizer.plan import SolverRun
from optimizer.scenario import Solver


class InfeasibleScenario(Exception):
    """No plan meets every rule; ``reasons`` says which villages and which limit."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__(
            "no plan meets every rule:\n  " + "\n  ".join(reasons)
        )


@dataclass(frozen=True)
class ClosureResult:
    """Which schools stay open and the school of every (village, band) with pupils."""

    open: np.ndarray
    school: np.ndarray
    run: SolverRun


def candidate_schools(problem: Problem, v: int, b: int) -> list[int]:
    """Schools teaching band ``b`` whose direct journey from village ``v`` is in the limit."""
    limit = problem.policy.limit_s(BANDS[b])
    return [s for s in range(problem.n_schools)
            if problem.serves[s, b] and problem.journey_s(b, v, s) <= limit]


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
                nearest = (f"the nearest, {problem.school_ids[best]}, is "
                           f"{problem.journey_s(b, v, best) / 60:.1f} min away")
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
    policy = problem.policy
    settings = {
        "num_workers": config.closures_workers,
        "random_seed": config.seed,
        "max_deterministic_time": config.closures_deterministic_time,
        # A wall-clock guard only; a run that reaches it is flagged not reproducible.
        "max_time_in_seconds": 20 * config.closures_deterministic_time,
    }
    model = cp_model.CpModel()
    n_s = problem.n_schools
    keep_forced = problem.must_keep | ~problem.may_close
    is_open = [model.new_bool_var(f"open_{problem.school_ids[s]}") for s in range(n_s)]
    for s in np.flatnonzero(keep_forced):
        model.add(is_open[s] == 1)
    per_min = policy.weights.travel_yuan_per_pupil_min
    penalty = int(10 * (problem.running_cost.sum() + 1) + 10**6)
    load: list[list[tuple[int, cp_model.IntVar]]] = [[] for _ in range(n_s)]
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    unserved: dict[tuple[int, int], cp_model.IntVar] = {}
    objective = [int(round(policy.weights.running_cost * problem.running_cost[s])) * is_open[s]
                 for s in range(n_s)]
    for v in range(problem.n_villages):
        for b in range(len(BANDS)):
            pupils = int(problem.pupils[v, b])
            if pupils == 0:
                continue
            choice = []
            for s in candidate_schools(problem, v, b):
                var = model.new_bool_var(f"x_{v}_{b}_{s}")
                x[v, b, s] = var
                model.add_implication(var, is_open[s])
                load[s].append((pupils, var))
                minutes = problem.journey_s(b, v, s) / 60.0
                objective.append(int(round(per_min * pupils * minutes)) * var)
                choice.append(var)
            slack = model.new_bool_var(f"unserved_{v}_{b}")
            unserved[v, b] = slack
            objective.append(penalty * slack)
            model.add_exactly_one([*choice, slack])
            cur = int(problem.current[v, b])
            if policy.move_only_from_closed and (v, b, cur) in x:
                model.add_bool_or([x[v, b, cur], slack]).only_enforce_if(is_open[cur])
    for s in range(n_s):
        if load[s]:
            model.add(sum(p * var for p, var in load[s]) <= int(problem.capacity[s]) * is_open[s])
    model.minimize(sum(objective))

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = settings["num_workers"]
    solver.parameters.random_seed = settings["random_seed"]
    solver.parameters.max_deterministic_time = settings["max_deterministic_time"]
    solver.parameters.max_time_in_seconds = settings["max_time_in_seconds"]
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InfeasibleScenario(
            [f"the closure model found no plan within its limits (CP-SAT "
             f"{solver.status_name(status)} after {solver.deterministic_time:.1f} "
             f"deterministic units); raise solver.closures_deterministic_time"]
        )
    lacking = [(v, b) for (v, b), var in sorted(unserved.items()) if solver.value(var)]
    if lacking:
        raise InfeasibleScenario(_capacity_reasons(problem, lacking))
    school = np.full(problem.pupils.shape, -1, dtype=np.int64)
    for (v, b, s), var in x.items():
        if solver.value(var):
            school[v, b] = s
    opened = np.array([bool(solver.value(var)) for var in is_open])
    objective_value, bound = solver.objective_value, solver.best_objective_bound
    gap = abs(objective_value - bound) / max(abs(objective_value), 1.0)
    timed_out = solver.wall_time >= settings["max_time_in_seconds"] * 0.99
    run = SolverRun(
        stage="closures",
        engine=f"OR-Tools CP-SAT {ortools.__version__}",
        status=solver.status_name(status),
        objective=float(objective_value),
        bound=float(bound),
        gap=float(gap),
        settings=settings,
        reproducible=not timed_out,
    )
    return ClosureResult(open=opened, school=school, run=run)


def _capacity_reasons(problem: Problem, lacking: list[tuple[int, int]]) -> list[str]:
    reasons = []
    for v, b in lacking:
        cands = candidate_schools(problem, v, b)
        names = ", ".join(f"{problem.school_ids[s]} (capacity {problem.capacity[s]})"
                          for s in cands)
        reasons.append(
            f"village {problem.village_ids[v]} band {BANDS[b]} ({problem.pupils[v, b]} pupils): "
            f"the schools within {problem.policy.bands[BANDS[b]].one_way_min:g} min "
            f"({names}) have no room left for them"
        )
    return reasons
