"""The facility location core's data, settings and results.

Solved by :func:`optimizer.solvers.facility.solve_facility`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

ENGINES = ("sat", "scip", "highs")


@dataclass(frozen=True)
class SideModel:
    """Extra variables and linear rows on top of the facility model.

    The full variable vector is the core's ``y`` (``F``), ``x`` (``K``, one per pair),
    ``u`` (``C``, only with an unserved penalty), then the side variables: the
    caller's own counts and the like. Rows are given as
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
    node_limit: int | None = None

    def as_dict(self) -> dict[str, object]:
        """The settings, for the record in a plan."""
        return {
            "engine": self.engine,
            "workers": self.workers,
            "seed": self.seed,
            "deterministic_time": self.deterministic_time,
            "time_limit_s": self.time_limit_s,
            "relative_gap": self.relative_gap,
            "node_limit": self.node_limit,
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
