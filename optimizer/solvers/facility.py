"""Single-source facility location: the core the planning models and the benchmarks share.

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
The model is linear and written once, as one sparse matrix, then solved by CP-SAT
(``"sat"``, reproducible under a deterministic time limit) or SCIP through OR-Tools'
model builder, or by HiGHS (``"highs"``) through :func:`scipy.optimize.milp`: OR-Tools'
HiGHS came back with no plan at all (status unknown) when the time limit stopped the
search on the largest instance of ``make bench``, where scipy's returns the best
plan found and its bound. With a hint, HiGHS runs through OR-Tools (scipy takes no
cutoff).

Two details keep the MIP solvers fast without changing any answer:

- for an uncapacitated model (``capacity`` None) they get ``x`` continuous: with the
  ``y`` and ``u`` fixed, each customer's rows are one equality and bounds, whose
  vertices are integral, so an optimum assigns every customer wholly; CP-SAT keeps
  ``x`` binary;
- a :class:`Hint` (a known feasible solution) is passed as a solution hint to CP-SAT
  and SCIP, and as an objective cutoff to HiGHS (OR-Tools' HiGHS hint crashes); a
  solver that returns nothing, or worse, within its limits yields the hint instead.
"""

from __future__ import annotations

import time

import numpy as np
import scipy
from ortools.linear_solver.python import model_builder as mb

from optimizer.interrupt import interruptible
from optimizer.solvers.facility_matrix import (
    decode_values,
    hint_values,
    model_arrays,
    model_builder,
    objective_vector,
    run_milp,
)
from optimizer.solvers.facility_model import (
    ENGINES,
    FacilityModel,
    FacilityResult,
    Hint,
    SideModel,
    SolveSettings,
)

__all__ = [
    "ENGINES",
    "FacilityModel",
    "FacilityResult",
    "Hint",
    "SideModel",
    "SolveSettings",
    "lp_bound",
    "solve_facility",
]

#: The ``highs`` engine without a hint: HiGHS inside scipy.
HIGHS = f"scipy {scipy.__version__} milp (HiGHS)"


def solve_facility(
    model: FacilityModel, settings: SolveSettings | None = None, hint: Hint | None = None
) -> FacilityResult:
    """Build and solve the model.

    Parameters
    ----------
    model
        The problem data.
    settings
        Engine and limits.
    hint
        A feasible solution to start from; the result is never worse than it.

    Raises
    ------
    ValueError
        For an unknown engine, or a hint that is not a feasible solution of ``model``.
    """
    settings = settings or SolveSettings()
    if settings.engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {settings.engine!r}")
    n_f, n_c = len(model.open_cost), len(model.demand)
    relax_x = model.capacity is None and model.side is None and settings.engine != "sat"
    if settings.engine == "highs" and hint is None:
        return _solve_highs(model, settings, integral_x=not relax_x)
    m = model_builder(model, integral_x=not relax_x)
    if hint is not None and model.side is not None:
        raise ValueError("hints are not supported for a model with side constraints")
    start = hint_values(model, hint) if hint is not None else None
    start_value = float(objective_vector(model) @ start) if start is not None else None
    cutoff = None
    if start is not None and settings.engine == "highs":
        # OR-Tools' HiGHS hint crashes (ortools 9.15); a cutoff just above the hint's
        # value (the objective is integral) prunes all that is worse and keeps the hint.
        cutoff = start_value + 0.5
    elif start is not None:
        for i, v in enumerate(start.tolist()):
            m.helper.add_hint(i, v)

    solver = mb.Solver(settings.engine)
    solver.set_time_limit_in_seconds(settings.time_limit_s)
    solver.set_solver_specific_parameters(_specific(settings, cutoff))
    status = interruptible(lambda: solver.solve(m))
    name = {
        mb.SolveStatus.OPTIMAL: "OPTIMAL",
        mb.SolveStatus.FEASIBLE: "FEASIBLE",
        mb.SolveStatus.INFEASIBLE: "INFEASIBLE",
    }.get(status, status.name)
    found = name in ("OPTIMAL", "FEASIBLE")
    objective = float(solver.objective_value) if found else float("nan")
    if start_value is not None and (
        not found or objective > start_value + 1e-6 * max(1.0, abs(start_value))
    ):
        bound = float(solver.best_objective_bound) if found else float("nan")
        return FacilityResult(
            "FEASIBLE",
            np.asarray(hint.is_open, bool),
            np.asarray(hint.choice, np.int64),
            start_value,
            bound,
            solver.wall_time,
            settings.as_dict(),
        )
    if not found:
        return FacilityResult(
            name,
            np.zeros(n_f, bool),
            np.full(n_c, -1),
            float("nan"),
            float("nan"),
            solver.wall_time,
            settings.as_dict(),
        )
    values = solver.values(m.get_variables()).to_numpy()
    is_open, choice = decode_values(model, values)
    return FacilityResult(
        name,
        is_open,
        choice,
        objective,
        float(solver.best_objective_bound),
        solver.wall_time,
        settings.as_dict(),
        side_values=np.rint(values[model.first_side_column :]),
    )


def _solve_highs(
    model: FacilityModel, settings: SolveSettings, *, integral_x: bool
) -> FacilityResult:
    """HiGHS as scipy ships it (:func:`scipy.optimize.milp`).

    OR-Tools' model builder also drives HiGHS, but a run it stops at the time limit
    comes back without the best plan found (status unknown), which on a county of a
    thousand customers means no plan at all; scipy returns it with the bound.
    """
    started = time.perf_counter()
    res = run_milp(
        model_arrays(model, integral_x=integral_x),
        {
            "time_limit": settings.time_limit_s,
            "mip_rel_gap": settings.relative_gap,
            **({} if settings.node_limit is None else {"node_limit": settings.node_limit}),
        },
    )
    wall = time.perf_counter() - started
    n_f, n_c = len(model.open_cost), len(model.demand)
    if res.x is None:
        name = {2: "INFEASIBLE", 3: "UNBOUNDED"}.get(res.status, "NOT_SOLVED")
        return FacilityResult(
            name,
            np.zeros(n_f, bool),
            np.full(n_c, -1),
            np.nan,
            np.nan,
            wall,
            settings.as_dict(),
            engine=HIGHS,
        )
    values = np.asarray(res.x, float)
    is_open, choice = decode_values(model, values)
    bound = getattr(res, "mip_dual_bound", None)
    return FacilityResult(
        "OPTIMAL" if res.status == 0 else "FEASIBLE",
        is_open,
        choice,
        float(res.fun),
        float(res.fun if bound is None or not np.isfinite(bound) else bound),
        wall,
        settings.as_dict(),
        side_values=np.rint(values[model.first_side_column :]),
        engine=HIGHS,
    )


def lp_bound(model: FacilityModel) -> float:
    """The optimum of the model's linear relaxation: no plan of the model costs less.

    Solved by HiGHS through :func:`scipy.optimize.milp` with every variable continuous.

    Raises
    ------
    RuntimeError
        When the relaxation has no optimum (it is infeasible: so is the model).
    """
    res = run_milp(model_arrays(model, integral_x=False), {}, relax=True)
    if res.status != 0:
        raise RuntimeError(f"the LP relaxation has no optimum: {res.message}")
    return float(res.fun)


def _specific(settings: SolveSettings, cutoff: float | None = None) -> str:
    if settings.engine == "sat":
        parts = [
            f"num_workers: {settings.workers}",
            f"random_seed: {settings.seed}",
            f"relative_gap_limit: {settings.relative_gap}",
        ]
        if settings.deterministic_time is not None:
            parts.append(f"max_deterministic_time: {settings.deterministic_time}")
        return ", ".join(parts)
    if settings.engine == "scip":
        nodes = "" if settings.node_limit is None else f"limits/nodes = {settings.node_limit}\n"
        return (
            f"limits/gap = {settings.relative_gap}\nrandomization/randomseedshift = "
            f"{settings.seed}\n{nodes}"
        )
    # HiGHS: no banner on stdout (it would land in the middle of reports).
    parts = [
        "output_flag=false",
        f"mip_rel_gap={settings.relative_gap}",
        f"random_seed={settings.seed}",
    ]
    if cutoff is not None:
        parts.append(f"objective_bound={cutoff}")
    if settings.node_limit is not None:
        parts.append(f"mip_max_nodes={settings.node_limit}")
    return ",".join(parts)
