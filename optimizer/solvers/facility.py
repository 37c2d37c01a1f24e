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
The model is linear and written once, as one sparse matrix, then solved by CP-SAT
(``"sat"``, reproducible under a deterministic time limit) or SCIP through OR-Tools'
model builder, or by HiGHS (``"highs"``) through :func:`scipy.optimize.milp`: OR-Tools'
HiGHS came back with no plan at all (status unknown) when the time limit stopped the
search on the 1000-village county of ``make bench``, where scipy's returns the best
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
from dataclasses import dataclass, field

import numpy as np
import scipy
import scipy.sparse as sp
from ortools.linear_solver.python import model_builder as mb
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

from optimizer.interrupt import interruptible

ENGINES = ("sat", "scip", "highs")
#: The ``highs`` engine without a hint: HiGHS inside scipy.
HIGHS = f"scipy {scipy.__version__} milp (HiGHS)"


@dataclass(frozen=True)
class SideModel:
    """Extra variables and linear rows on top of the facility model.

    The full variable vector is the core's ``y`` (``F``), ``x`` (``K``, one per pair),
    ``u`` (``C``, only with an unserved penalty), then the side variables: the
    closure model's class counts, investments and the like. Rows are given as
    coordinate entries over that whole vector.

    Attributes
    ----------
    lower, upper, integral, cost
        Per side variable: bounds, integrality, objective coefficient.
    rows, cols, coefs
        Matrix entries of the side rows.
    row_lower, row_upper
        Bounds of each side row.
    """

    lower: np.ndarray
    upper: np.ndarray
    integral: np.ndarray
    cost: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    coefs: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray


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
    side
        Extra variables and rows, or ``None``.
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
    side: SideModel | None = None

    @property
    def first_side_column(self) -> int:
        """Column of the first side variable in the full variable vector."""
        n_u = len(self.demand) if self.unserved_penalty is not None else 0
        return len(self.open_cost) + len(self.pair_cost) + n_u


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
        return {
            "engine": self.engine,
            "workers": self.workers,
            "seed": self.seed,
            "deterministic_time": self.deterministic_time,
            "time_limit_s": self.time_limit_s,
            "relative_gap": self.relative_gap,
        }


@dataclass(frozen=True)
class Hint:
    """A known feasible solution to start from.

    Attributes
    ----------
    is_open
        ``F`` booleans, the open facilities.
    choice
        ``C`` facility of each customer (``-1``: unserved, only with a penalty).
    """

    is_open: np.ndarray
    choice: np.ndarray


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
    side_values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    engine: str = ""

    @property
    def has_solution(self) -> bool:
        """Whether a feasible assignment was found."""
        return self.status in ("OPTIMAL", "FEASIBLE")

    @property
    def gap(self) -> float:
        """Relative gap between objective and bound."""
        return abs(self.objective - self.bound) / max(abs(self.objective), 1.0)


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
    m = _build(model, integral_x=not relax_x)
    if hint is not None and model.side is not None:
        raise ValueError("hints are not supported for a model with side constraints")
    start = _hint_values(model, hint) if hint is not None else None
    start_value = float(_objective(model) @ start) if start is not None else None
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
    is_open, choice = _decode(model, values)
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
    thousand villages means no plan at all; scipy returns it with the bound.
    """
    started = time.perf_counter()
    res = _milp(
        _arrays(model, integral_x=integral_x),
        {"time_limit": settings.time_limit_s, "mip_rel_gap": settings.relative_gap},
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
    is_open, choice = _decode(model, values)
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
    res = _milp(_arrays(model, integral_x=False), {}, relax=True)
    if res.status != 0:
        raise RuntimeError(f"the LP relaxation has no optimum: {res.message}")
    return float(res.fun)


def _milp(a: Arrays, options: dict[str, float], *, relax: bool = False) -> OptimizeResult:
    """:func:`scipy.optimize.milp` (HiGHS) on the arrays; ``relax``: every variable continuous."""
    return interruptible(
        lambda: milp(
            a.cost,
            constraints=LinearConstraint(a.matrix, a.row_lower, a.row_upper),
            integrality=np.zeros(len(a.cost), np.uint8) if relax else a.integral.astype(np.uint8),
            bounds=Bounds(a.lower, a.upper),
            options={**options, "disp": False},
        )
    )


def _arrays(model: FacilityModel, *, integral_x: bool) -> Arrays:
    """The model as one sparse matrix; variables ``y`` (F), then ``x`` (K), then ``u`` (C)."""
    n_f, n_c, n_k = len(model.open_cost), len(model.demand), len(model.pair_cost)
    pc = np.asarray(model.pair_customer, dtype=np.int64)
    pf = np.asarray(model.pair_facility, dtype=np.int64)
    has_u = model.unserved_penalty is not None
    xs, us, ys = n_f + np.arange(n_k), n_f + n_k + np.arange(n_c), np.arange(n_f)
    rows = _Rows()
    # sum_f x_cf + u_c = 1
    rows.add(
        np.concatenate([pc, np.arange(n_c)]) if has_u else pc,
        np.concatenate([xs, us]) if has_u else xs,
        1.0,
        np.arange(n_c),
        1.0,
        1.0,
    )
    # x_cf - y_f <= 0
    link = np.arange(n_k)
    rows.add(
        np.concatenate([link, link]),
        np.concatenate([xs, pf]),
        np.concatenate([np.ones(n_k), -np.ones(n_k)]),
        link,
        -np.inf,
        0.0,
    )
    if model.capacity is not None:
        # sum_c d_c x_cf - cap_f y_f <= 0, for facilities with pairs
        served = np.unique(pf)
        slot = np.searchsorted(served, pf)
        rows.add(
            np.concatenate([slot, np.arange(len(served))]),
            np.concatenate([xs, served]),
            np.concatenate([model.demand[pc], -np.asarray(model.capacity)[served]]),
            np.arange(len(served)),
            -np.inf,
            0.0,
        )
    if model.stay is not None:
        # x_{c,stay_c} + u_c - y_{stay_c} >= 0
        customers = np.flatnonzero(np.asarray(model.stay) >= 0)
        k = _pair_index(model, customers, np.asarray(model.stay)[customers])
        customers, k = customers[k >= 0], k[k >= 0]
        r = np.arange(len(k))
        f = pf[k]
        rows.add(
            np.concatenate([r, r, r]) if has_u else np.concatenate([r, r]),
            np.concatenate([xs[k], ys[f], us[customers]])
            if has_u
            else np.concatenate([xs[k], ys[f]]),
            np.concatenate(
                [np.ones(len(k)), -np.ones(len(k))] + ([np.ones(len(k))] if has_u else [])
            ),
            r,
            0.0,
            np.inf,
        )
    if model.p is not None:
        rows.add(np.zeros(n_f, np.int64), ys, 1.0, np.arange(1), float(model.p), float(model.p))
    n_core = n_f + n_k + (n_c if has_u else 0)
    side = model.side
    n_var = n_core + (len(side.cost) if side is not None else 0)
    lower, upper = np.zeros(n_var), np.ones(n_var)
    if model.forced_open is not None:
        lower[np.flatnonzero(model.forced_open)] = 1.0
    if side is not None:
        lower[n_core:], upper[n_core:] = side.lower, side.upper
        n_rows = len(side.row_lower)
        rows.add(side.rows, side.cols, side.coefs, np.arange(n_rows), 0.0, 0.0)
        rows.lower[-1], rows.upper[-1] = (
            np.asarray(side.row_lower, float),
            np.asarray(side.row_upper, float),
        )
    integral = np.ones(n_var, bool)
    if not integral_x:
        integral[xs] = False
    if side is not None:
        integral[n_core:] = side.integral
    return Arrays(lower, upper, _objective(model), *rows.matrix(n_var), integral)


def _build(model: FacilityModel, *, integral_x: bool) -> mb.Model:
    """The model for OR-Tools' model builder."""
    a = _arrays(model, integral_x=integral_x)
    m = mb.Model()
    m.helper.fill_model_from_sparse_data(
        a.lower, a.upper, a.cost, a.row_lower, a.row_upper, a.matrix
    )
    for i in np.flatnonzero(a.integral).tolist():
        m.helper.set_var_integrality(i, True)
    return m


@dataclass(frozen=True)
class Arrays:
    """A model as arrays: ``row_lower <= matrix @ x <= row_upper``, bounds, integrality."""

    lower: np.ndarray
    upper: np.ndarray
    cost: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    matrix: sp.csr_matrix
    integral: np.ndarray


class _Rows:
    """Blocks of constraint rows, stacked into one CSR matrix."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.coefs: list[np.ndarray] = []
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.count = 0

    def add(
        self,
        rows: np.ndarray,
        cols: np.ndarray,
        coefs: float | np.ndarray,
        block: np.ndarray,
        lower: float,
        upper: float,
    ) -> None:
        """Entries ``(rows, cols, coefs)`` of the ``len(block)`` rows of a block."""
        self.rows.append(np.asarray(rows, np.int64) + self.count)
        self.cols.append(np.asarray(cols, np.int64))
        self.coefs.append(np.broadcast_to(np.asarray(coefs, float), len(rows)))
        self.lower.append(np.full(len(block), lower))
        self.upper.append(np.full(len(block), upper))
        self.count += len(block)

    def matrix(self, n_var: int) -> tuple[np.ndarray, np.ndarray, sp.csr_matrix]:
        """Row lower bounds, row upper bounds and the matrix."""
        matrix = sp.csr_matrix(
            (np.concatenate(self.coefs), (np.concatenate(self.rows), np.concatenate(self.cols))),
            shape=(self.count, n_var),
        )
        return np.concatenate(self.lower), np.concatenate(self.upper), matrix


def _objective(model: FacilityModel) -> np.ndarray:
    """Objective coefficients in variable order."""
    parts = [np.asarray(model.open_cost, float), np.asarray(model.pair_cost, float)]
    if model.unserved_penalty is not None:
        parts.append(np.full(len(model.demand), float(model.unserved_penalty)))
    if model.side is not None:
        parts.append(np.asarray(model.side.cost, float))
    return np.concatenate(parts)


def _pair_index(model: FacilityModel, customers: np.ndarray, facilities: np.ndarray) -> np.ndarray:
    """Index of each ``(customer, facility)`` pair, ``-1`` where it is not allowed."""
    n_f = len(model.open_cost)
    keys = np.asarray(model.pair_customer, np.int64) * n_f + model.pair_facility
    wanted = np.asarray(customers, np.int64) * n_f + facilities
    if not len(keys):
        return np.full(len(wanted), -1, np.int64)
    order = np.argsort(keys, kind="stable")
    k = order[np.minimum(np.searchsorted(keys, wanted, sorter=order), len(keys) - 1)]
    return np.where((keys[k] == wanted) & (facilities >= 0), k, -1)


def _decode(model: FacilityModel, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Open facilities and each customer's facility: its largest ``x`` unless unserved."""
    n_f, n_c, n_k = len(model.open_cost), len(model.demand), len(model.pair_cost)
    is_open = values[:n_f] > 0.5
    x = values[n_f : n_f + n_k]
    choice = np.full(n_c, -1, dtype=np.int64)
    used = np.flatnonzero(x > 1e-6)
    # Sorted by customer, then by decreasing x: the first of each customer wins.
    used = used[np.lexsort((-x[used], model.pair_customer[used]))]
    customers, first = np.unique(model.pair_customer[used], return_index=True)
    choice[customers] = model.pair_facility[used[first]]
    if model.unserved_penalty is not None:
        choice[values[n_f + n_k : n_f + n_k + n_c] > 0.5] = -1
    return is_open, choice


def _hint_values(model: FacilityModel, hint: Hint) -> np.ndarray:
    """The hint as a variable vector, after checking that it is feasible."""
    n_f, n_c = len(model.open_cost), len(model.demand)
    is_open = np.asarray(hint.is_open, bool)
    choice = np.asarray(hint.choice, np.int64)
    if is_open.shape != (n_f,) or choice.shape != (n_c,):
        raise ValueError(
            f"hint: expected {n_f} open flags and {n_c} choices, "
            f"got {is_open.shape} and {choice.shape}"
        )
    served = choice >= 0
    k = _pair_index(model, np.arange(n_c), choice)
    problems = []
    if (served & (k < 0)).any():
        problems.append("a customer goes to a facility it may not use")
    if (~served).any() and model.unserved_penalty is None:
        problems.append("a customer is unserved but every customer must be served")
    if not is_open[choice[served]].all():
        problems.append("a customer goes to a closed facility")
    if model.capacity is not None:
        load = np.bincount(choice[served], weights=model.demand[served], minlength=n_f)
        if (load > np.asarray(model.capacity)).any():
            problems.append("a facility is over capacity")
    if model.forced_open is not None and not is_open[np.asarray(model.forced_open, bool)].all():
        problems.append("a forced facility is closed")
    if model.p is not None and is_open.sum() != model.p:
        problems.append(f"{is_open.sum()} facilities open, not p = {model.p}")
    if model.stay is not None:
        stay = np.asarray(model.stay)
        kept = (stay >= 0) & is_open[np.maximum(stay, 0)] & served & (choice != stay)
        if (kept & (_pair_index(model, np.arange(n_c), stay) >= 0)).any():
            problems.append("a customer leaves a facility that stays open")
    if problems:
        raise ValueError("hint is not a feasible solution: " + "; ".join(problems))
    x = np.zeros(len(model.pair_cost))
    x[k[served]] = 1.0
    parts = [is_open.astype(float), x]
    if model.unserved_penalty is not None:
        parts.append((~served).astype(float))
    return np.concatenate(parts)


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
        return (
            f"limits/gap = {settings.relative_gap}\nrandomization/randomseedshift = "
            f"{settings.seed}\n"
        )
    # HiGHS: no banner on stdout (it would land in the middle of reports).
    parts = [
        "output_flag=false",
        f"mip_rel_gap={settings.relative_gap}",
        f"random_seed={settings.seed}",
    ]
    if cutoff is not None:
        parts.append(f"objective_bound={cutoff}")
    return ",".join(parts)
