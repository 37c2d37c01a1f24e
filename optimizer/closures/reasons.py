"""What each closure is worth in the closure model's own terms.

:func:`closure_balances`: per closed school, the yearly saving forgone by keeping it
(weighted) and what its closure adds for its pupils (:mod:`optimizer.closures.closing_pays`);
their difference bounds what keeping it open would cost (reopen it, its own pupils
back, nothing else changed). :func:`keep_open_cost` finds that cost exactly: the
model solved again with the school kept, less the plan's objective.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from optimizer.closures.closing_pays import added_costs
from optimizer.closures.objective import objective_costs
from optimizer.closures.pairs import build_pairs
from optimizer.closures.settings import ClosureSettings
from optimizer.closures.solve import solve_closures
from optimizer.problem.data import Problem, frozen


def closure_balances(
    problem: Problem, school: np.ndarray, candidates: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(S kept cost, S added cost)``, yuan/year: the weighted saving of closing each
    school, and what the plan's choice ``school`` (``V x 4``) adds for the pupils of
    each school today beyond their cost while it stays."""
    pairs = build_pairs(problem, candidates)
    open_cost, pair_cost = objective_costs(problem, pairs)
    added = added_costs(problem, pairs, pair_cost)
    chosen = (
        np.array([school[pairs.customers[c]] for c in pairs.pair_customer.tolist()], np.int64)
        == pairs.pair_facility
        if len(pairs.pair_customer)
        else np.zeros(0, bool)
    )
    today = np.array([problem.today[pairs.customers[c]] for c in pairs.pair_customer.tolist()])
    at = today[chosen] if chosen.any() else np.zeros(0, np.int64)
    out = np.zeros(problem.n_schools, np.int64)
    np.add.at(out, at[at >= 0], added[chosen][at >= 0])
    return open_cost, out


def keep_open_cost(problem: Problem, s: int, objective: float, settings: ClosureSettings) -> int:
    """Yuan/year the closure model's optimum rises when school ``s`` must stay open.

    Raises
    ------
    optimizer.errors.InfeasibleScenario
        When no plan keeps it open.
    """
    keep = np.array(problem.must_keep, copy=True)
    keep[s] = True
    kept = solve_closures(dataclasses.replace(problem, must_keep=frozen(keep)), settings)
    return int(round(kept.run.objective - objective))
