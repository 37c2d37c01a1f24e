"""Holmberg et al. (1999) single-source capacitated facility location, p1-p24.

File format, read as one stream of numbers (rows may wrap over lines): ``I J``
(facilities, customers); ``I`` capacities; ``I`` opening costs; ``J`` demands; then
``J`` rows of ``I`` assignment costs (customer ``j`` to facility ``i``). Each customer
goes wholly to one open facility. The files write integers, some as ``366.000000``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.budget import Budget
from benchmarks.files import read_numbers
from benchmarks.runner import Outcome, Status
from optimizer.solvers.facility import FacilityModel, SolveSettings, solve_facility

PATTERN = "p*.txt"
#: CP-SAT, two workers: every p1-p24 instance proves optimal in a few seconds.
ENGINE = "sat"
WORKERS = 2


@dataclass(frozen=True)
class Instance:
    """The numbers of one file: ``cost[j, i]`` is customer ``j`` to facility ``i``."""

    capacity: np.ndarray
    open_cost: np.ndarray
    demand: np.ndarray
    cost: np.ndarray


def parse(path: Path) -> Instance:
    """The numbers of a Holmberg file, checked for count and integrality.

    Raises
    ------
    ValueError
        Naming the file and what was expected.
    """
    values = read_numbers(path, "SSCFLP")
    if len(values) < 2:
        raise ValueError(f"{path}: expected a header 'I J', got {len(values)} numbers")
    n_i, n_j = values[:2]
    if n_i != int(n_i) or n_j != int(n_j) or n_i < 1 or n_j < 1:
        raise ValueError(
            f"{path}: expected a header 'I J' of positive integers, got {values[0]:g} {values[1]:g}"
        )
    n_i, n_j = int(n_i), int(n_j)
    expected = 2 + 2 * n_i + n_j + n_j * n_i
    if len(values) != expected:
        raise ValueError(
            f"{path}: expected {expected} numbers for I={n_i}, J={n_j} (header, "
            f"{n_i} capacities, {n_i} opening costs, {n_j} demands, "
            f"{n_j}x{n_i} costs), got {len(values)}"
        )
    if not np.isfinite(values).all() or (values < 0).any() or (values != np.round(values)).any():
        raise ValueError(f"{path}: expected non-negative integer values (the core is integral)")
    ints = values.astype(np.int64)
    cut = np.cumsum([2, n_i, n_i, n_j])
    return Instance(
        capacity=ints[cut[0] : cut[1]],
        open_cost=ints[cut[1] : cut[2]],
        demand=ints[cut[2] : cut[3]],
        cost=ints[cut[3] :].reshape(n_j, n_i),
    )


def facility_model(instance: Instance) -> FacilityModel:
    """All customer-facility pairs, capacitated; a pair whose demand exceeds the capacity
    cannot be used and is left out."""
    n_j, n_i = instance.cost.shape
    customer, facility = np.divmod(np.arange(n_j * n_i, dtype=np.int64), n_i)
    fits = instance.demand[customer] <= instance.capacity[facility]
    return FacilityModel(
        open_cost=instance.open_cost,
        capacity=instance.capacity,
        demand=instance.demand,
        pair_customer=customer[fits],
        pair_facility=facility[fits],
        pair_cost=instance.cost.ravel()[fits],
    )


def read_instance(path: Path) -> FacilityModel:
    """The SSCFLP file as a facility model.

    Raises
    ------
    ValueError
        Naming the file and what was expected, for malformed input.
    """
    return facility_model(parse(Path(path)))


def solve_instance(path: Path, time_limit_s: float) -> Outcome:
    """Solve one file within ``time_limit_s`` (reading included); the value is
    recomputed from the assignment, not the solver's."""
    budget = Budget(time_limit_s)
    instance = parse(Path(path))
    model = facility_model(instance)
    settings = SolveSettings(
        engine=ENGINE, workers=WORKERS, deterministic_time=None, time_limit_s=budget.solver_s()
    )
    result = solve_facility(model, settings)
    choice = result.choice
    if not result.has_solution or (choice < 0).any() or not result.is_open[choice].all():
        return Outcome(None, Status.NO_SOLUTION)
    load = np.bincount(choice, weights=instance.demand, minlength=len(instance.capacity))
    if (load > instance.capacity).any():
        return Outcome(None, Status.NO_SOLUTION)
    value = (
        instance.open_cost[result.is_open].sum()
        + instance.cost[np.arange(len(choice)), choice].sum()
    )
    return Outcome(float(value), Status(result.status))
