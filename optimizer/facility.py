"""Single-source facility location: the core the closure model and the benchmarks share.

Formulation (customer ``c`` with demand ``d_c``, facility ``f``; only the allowed
pairs ``(c, f)`` get a variable ``x_cf``)::

    min  sum_f open_cost_f * y_f + sum_(c,f) cost_cf * x_cf + M * sum_c u_c
    s.t. sum_f x_cf + u_c = 1                  each customer wholly to one facility
         x_cf <= y_f                           only open facilities serve
         sum_c d_c * x_cf <= cap_f * y_f       capacity (when capacitated)
         y_f = 1                               forced open
         x_{c,stay_c} + u_c >= y_{stay_c}      a customer stays while its facility is open
         sum_f y_f = p                         (when p is given)

``u_c`` exists only when an unserved penalty ``M`` is given: a solution that uses
it has no feasible answer, and the customers that use it are the explanation.
The model is linear and written once with OR-Tools' model builder, then solved by
CP-SAT (``"sat"``, reproducible under a deterministic time limit) or a MIP solver
(``"scip"``, ``"highs"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver.python import model_builder as mb

ENGINES = ("sat", "scip", "highs")


@dataclass(frozen=True)
class FacilityModel:
    """The data of a single-source facility location problem (integers throughout).

    Attributes
    ----------
    open_cost
        ``F`` cost of opening (keeping) each facility.
    capacity
        ``F`` capacity, or ``None`` for an uncapacitated problem.
    demand
        ``C`` demand of each customer.
    pair_customer, pair_facility, pair_cost
        The allowed assignments and their costs.
    forced_open
        ``F`` facilities that must open.
    stay
        ``C`` facility a customer keeps while it is open (``-1``: free), or ``None``.
    p
        Exactly this many facilities open, or ``None``.
    unserved_penalty
        Cost of leaving a customer unserved, or ``None`` (every customer must be served).
    """

    open_cost: np.ndarray
    capacity: np.ndarray | None
    demand: np.ndarray
    pair_customer: np.ndarray
    pair_facility: np.ndarray
    pair_cost: np.ndarray
    forced_open: np.ndarray | None = None
    stay: np.ndarray | None = None
    p: int | None = None
    unserved_penalty: int | None = None


@dataclass(frozen=True)
class SolveSettings:
    """How to solve: engine and limits (a deterministic limit for ``sat``)."""

    engine: str = "sat"
    workers: int = 1
    seed: int = 0
    deterministic_time: float | None = 60.0
    time_limit_s: float = 1200.0
    relative_gap: float = 0.0

    def as_dict(self) -> dict[str, object]:
        """The settings, for the record in a plan."""
        return {"engine": self.engine, "workers": self.workers, "seed": self.seed,
                "deterministic_time": self.deterministic_time,
                "time_limit_s": self.time_limit_s, "relative_gap": self.relative_gap}


@dataclass(frozen=True)
class FacilityResult:
    """Open facilities, the facility of each customer (``-1`` unserved), solver facts."""

    status: str
    is_open: np.ndarray
    choice: np.ndarray
    objective: float
    bound: float
    wall_time_s: float
    settings: dict[str, object] = field(default_factory=dict)

    @property
    def has_solution(self) -> bool:
        """Whether a feasible assignment was found."""
        return self.status in ("OPTIMAL", "FEASIBLE")

    @property
    def gap(self) -> float:
        """Relative gap between objective and bound."""
        return abs(self.objective - self.bound) / max(abs(self.objective), 1.0)


def solve_facility(model: FacilityModel, settings: SolveSettings | None = None) -> FacilityResult:
    """Build and solve the model.

    Parameters
    ----------
    model
        The problem data.
    settings
        Engine and limits.
    """
    settings = settings or SolveSettings()
    if settings.engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {settings.engine!r}")
    n_f, n_c = len(model.open_cost), len(model.demand)
    m = mb.Model()
    y = [m.new_bool_var(f"y{f}") for f in range(n_f)]
    x = [m.new_bool_var(f"x{k}") for k in range(len(model.pair_cost))]
    u = ([m.new_bool_var(f"u{c}") for c in range(n_c)]
         if model.unserved_penalty is not None else None)
    by_customer: list[list[int]] = [[] for _ in range(n_c)]
    by_facility: list[list[int]] = [[] for _ in range(n_f)]
    for k, (c, f) in enumerate(zip(model.pair_customer.tolist(), model.pair_facility.tolist())):
        by_customer[c].append(k)
        by_facility[f].append(k)
    for c in range(n_c):
        terms = [x[k] for k in by_customer[c]] + ([u[c]] if u is not None else [])
        m.add(mb.LinearExpr.sum(terms) == 1)
    for k, f in enumerate(model.pair_facility.tolist()):
        m.add(x[k] <= y[f])
    if model.capacity is not None:
        for f in range(n_f):
            ks = by_facility[f]
            if ks:
                m.add(mb.LinearExpr.weighted_sum(
                    [x[k] for k in ks], [int(model.demand[model.pair_customer[k]]) for k in ks])
                    <= int(model.capacity[f]) * y[f])
    if model.forced_open is not None:
        for f in np.flatnonzero(model.forced_open).tolist():
            m.add(y[f] == 1)
    if model.stay is not None:
        pair_index = {(c, f): k for k, (c, f) in enumerate(
            zip(model.pair_customer.tolist(), model.pair_facility.tolist()))}
        for c, f in enumerate(model.stay.tolist()):
            k = pair_index.get((c, f))
            if f >= 0 and k is not None:
                m.add(x[k] + (u[c] if u is not None else 0) >= y[f])
    if model.p is not None:
        m.add(mb.LinearExpr.sum(y) == int(model.p))
    objective = (mb.LinearExpr.weighted_sum(y, model.open_cost.tolist())
                 + mb.LinearExpr.weighted_sum(x, model.pair_cost.tolist()))
    if u is not None:
        objective += mb.LinearExpr.weighted_sum(u, [int(model.unserved_penalty)] * n_c)
    m.minimize(objective)

    solver = mb.Solver(settings.engine)
    solver.set_time_limit_in_seconds(settings.time_limit_s)
    solver.set_solver_specific_parameters(_specific(settings))
    status = solver.solve(m)
    name = {mb.SolveStatus.OPTIMAL: "OPTIMAL", mb.SolveStatus.FEASIBLE: "FEASIBLE",
            mb.SolveStatus.INFEASIBLE: "INFEASIBLE"}.get(status, status.name)
    if name not in ("OPTIMAL", "FEASIBLE"):
        return FacilityResult(name, np.zeros(n_f, bool), np.full(n_c, -1), float("nan"),
                              float("nan"), solver.wall_time, settings.as_dict())
    is_open = np.array([solver.value(v) > 0.5 for v in y])
    choice = np.full(n_c, -1, dtype=np.int64)
    chosen = np.array([solver.value(v) > 0.5 for v in x], dtype=bool)
    choice[model.pair_customer[chosen]] = model.pair_facility[chosen]
    return FacilityResult(name, is_open, choice, float(solver.objective_value),
                          float(solver.best_objective_bound), solver.wall_time,
                          settings.as_dict())


def _specific(settings: SolveSettings) -> str:
    if settings.engine == "sat":
        parts = [f"num_workers: {settings.workers}", f"random_seed: {settings.seed}",
                 f"relative_gap_limit: {settings.relative_gap}"]
        if settings.deterministic_time is not None:
            parts.append(f"max_deterministic_time: {settings.deterministic_time}")
        return ", ".join(parts)
    if settings.engine == "scip":
        return (f"limits/gap = {settings.relative_gap}\nrandomization/randomseedshift = "
                f"{settings.seed}\n")
    return ""
