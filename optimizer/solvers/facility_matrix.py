"""The facility location model as one sparse matrix, for scipy's HiGHS and OR-Tools' model builder.

Variables ``y`` (``F``), then ``x`` (``K``, one per allowed pair), then ``u`` (``C``, only
with an unserved penalty), then the side variables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from ortools.linear_solver.python import model_builder as mb
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

from optimizer.interrupt import interruptible
from optimizer.solvers.facility_model import FacilityModel, Hint


def run_milp(a: Arrays, options: dict[str, float], *, relax: bool = False) -> OptimizeResult:
    """:func:`scipy.optimize.milp` (HiGHS) on the arrays; ``relax``: every variable continuous.

    Run through :func:`optimizer.interrupt.interruptible`, so Ctrl-C is honoured at once.
    """
    return interruptible(
        lambda: milp(
            a.cost,
            constraints=LinearConstraint(a.matrix, a.row_lower, a.row_upper),
            integrality=np.zeros(len(a.cost), np.uint8) if relax else a.integral.astype(np.uint8),
            bounds=Bounds(a.lower, a.upper),
            options={**options, "disp": False},
        )
    )


def model_arrays(model: FacilityModel, *, integral_x: bool) -> Arrays:
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
        k = pair_index(model, customers, np.asarray(model.stay)[customers])
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
    return Arrays(lower, upper, objective_vector(model), *rows.matrix(n_var), integral)


def model_builder(model: FacilityModel, *, integral_x: bool) -> mb.Model:
    """The model for OR-Tools' model builder."""
    a = model_arrays(model, integral_x=integral_x)
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


def objective_vector(model: FacilityModel) -> np.ndarray:
    """Objective coefficients in variable order."""
    parts = [np.asarray(model.open_cost, float), np.asarray(model.pair_cost, float)]
    if model.unserved_penalty is not None:
        parts.append(np.full(len(model.demand), float(model.unserved_penalty)))
    if model.side is not None:
        parts.append(np.asarray(model.side.cost, float))
    return np.concatenate(parts)


def pair_index(model: FacilityModel, customers: np.ndarray, facilities: np.ndarray) -> np.ndarray:
    """Index of each ``(customer, facility)`` pair, ``-1`` where it is not allowed."""
    n_f = len(model.open_cost)
    keys = np.asarray(model.pair_customer, np.int64) * n_f + model.pair_facility
    wanted = np.asarray(customers, np.int64) * n_f + facilities
    if not len(keys):
        return np.full(len(wanted), -1, np.int64)
    order = np.argsort(keys, kind="stable")
    k = order[np.minimum(np.searchsorted(keys, wanted, sorter=order), len(keys) - 1)]
    return np.where((keys[k] == wanted) & (facilities >= 0), k, -1)


def decode_values(model: FacilityModel, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def hint_values(model: FacilityModel, hint: Hint) -> np.ndarray:
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
    k = pair_index(model, np.arange(n_c), choice)
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
        if (kept & (pair_index(model, np.arange(n_c), stay) >= 0)).any():
            problems.append("a customer leaves a facility that stays open")
    if problems:
        raise ValueError("hint is not a feasible solution: " + "; ".join(problems))
    x = np.zeros(len(model.pair_cost))
    x[k[served]] = 1.0
    parts = [is_open.astype(float), x]
    if model.unserved_penalty is not None:
        parts.append((~served).astype(float))
    return np.concatenate(parts)
