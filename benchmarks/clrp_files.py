"""Prodhon's capacitated location-routing instances (CLRP): the files and the costs.

File format, one stream of numbers (blank lines and tabs carry no meaning): ``n`` and
``m`` (customers, depots); ``m`` depot coordinates ``x y``; ``n`` customer coordinates;
the vehicle capacity; ``m`` depot capacities; ``n`` demands; ``m`` depot opening costs;
the cost of one vehicle (route); the cost flag. Total cost = opening costs of the
open depots + the distance of every route + the vehicle cost per route. Each route
starts and ends at one open depot and carries at most the vehicle capacity; the demand
served from a depot is at most its capacity; vehicles are unlimited.

Flag ``0`` (every shipped file): a distance is ``ceil(100 x Euclidean)``, computed
exactly in integers (the coordinates are integers). Rounded *up*, because the routes
found here then cost exactly the four best known totals; measured with truncated
distances the same routes cost 20-24 less than the best known (unrounded, 10-15 less),
i.e. those units would put all four best known totals above a solution found here.

:func:`evaluate` prices a solution from the file's numbers alone, after checking every
capacity and that each customer is served once.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isqrt
from pathlib import Path

import numpy as np

from benchmarks.files import read_numbers


class InstanceError(ValueError):
    """A malformed instance file; the message names the file and what was expected."""


@dataclass(frozen=True)
class Instance:
    """The numbers of one Prodhon file; node ``i < m`` is depot ``i``, node ``m + c``
    customer ``c`` in :attr:`distance`."""

    name: str
    depot_xy: np.ndarray
    customer_xy: np.ndarray
    vehicle_capacity: int
    depot_capacity: np.ndarray
    demand: np.ndarray
    opening_cost: np.ndarray
    vehicle_cost: int
    distance: np.ndarray

    @property
    def num_depots(self) -> int:
        """Number of depots ``m``."""
        return len(self.depot_capacity)

    @property
    def num_customers(self) -> int:
        """Number of customers ``n``."""
        return len(self.demand)


@dataclass(frozen=True)
class Route:
    """One vehicle: its depot and the customers (0-based) in visiting order."""

    depot: int
    customers: tuple[int, ...]


@dataclass(frozen=True)
class Solution:
    """Open depots and routes, as returned by :func:`solve`."""

    open_depots: tuple[int, ...]
    routes: tuple[Route, ...]
    reproducible: bool = True


def read_instance(path: Path) -> Instance:
    """Read a Prodhon CLRP file.

    Raises
    ------
    InstanceError
        Naming the file and what was expected (counts, integrality, cost flag).
    """
    path = Path(path)
    values = read_numbers(path, "CLRP", InstanceError)
    if len(values) < 2 or values[0] < 1 or values[1] < 1 or (values[:2] % 1).any():
        raise InstanceError(f"{path}: expected a header 'customers depots' of positive integers")
    n, m = int(values[0]), int(values[1])
    expected = 2 + 2 * m + 2 * n + 1 + m + n + m + 1 + 1
    if len(values) != expected:
        raise InstanceError(
            f"{path}: expected {expected} numbers for {n} customers and {m} depots (header, "
            f"{m} depot and {n} customer coordinates, vehicle capacity, {m} depot "
            f"capacities, {n} demands, {m} opening costs, vehicle cost, cost flag), "
            f"got {len(values)}"
        )
    cut = np.cumsum([2, 2 * m, 2 * n, 1, m, n, m, 1])
    fields = (
        ["vehicle capacity"]
        + [f"capacity of depot {f + 1}" for f in range(m)]
        + [f"demand of customer {c + 1}" for c in range(n)]
        + [f"opening cost of depot {f + 1}" for f in range(m)]
        + ["vehicle cost", "cost flag"]
    )
    bad = [
        f"{name} = {values[cut[2] + k]:g}"
        for k, name in enumerate(fields)
        if values[cut[2] + k] < 0 or values[cut[2] + k] % 1
    ]
    if bad:
        raise InstanceError(f"{path}: non-negative integers expected: {'; '.join(bad)}")
    flag = int(values[-1])
    if flag != 0:
        raise InstanceError(
            f"{path}: cost flag {flag}: only 0 (distances ceil(100 x Euclidean)) is read"
        )
    if (values[cut[0] : cut[2]] % 1).any():
        raise InstanceError(f"{path}: coordinates must be integers (cost flag 0)")
    depot_xy = values[cut[0] : cut[1]].reshape(m, 2).astype(np.int64)
    customer_xy = values[cut[1] : cut[2]].reshape(n, 2).astype(np.int64)
    distance = distance_matrix(np.vstack([depot_xy, customer_xy]))
    ints = values.astype(np.int64)
    return Instance(
        name=path.stem,
        depot_xy=depot_xy,
        customer_xy=customer_xy,
        vehicle_capacity=int(ints[cut[2]]),
        depot_capacity=ints[cut[3] : cut[4]],
        demand=ints[cut[4] : cut[5]],
        opening_cost=ints[cut[5] : cut[6]],
        vehicle_cost=int(ints[cut[6]]),
        distance=distance,
    )


def distance_matrix(xy: np.ndarray) -> np.ndarray:
    """``ceil(100 x Euclidean)`` between integer points, exactly: the integer square
    root of ``10 000 x squared distance``, plus one where that is not a perfect square."""
    squared = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2) * 10_000
    root = np.array([[isqrt(int(v)) for v in row] for row in squared], dtype=np.int64)
    distance = root + (root * root < squared)
    distance.setflags(write=False)
    return distance


def evaluate(instance: Instance, solution: Solution) -> tuple[int, list[str]]:
    """Total cost of ``solution`` from the file's numbers, and what it breaks.

    Checks each route's load against the vehicle capacity, each depot's load against
    its capacity, that routes leave open depots only, and that every customer is
    served exactly once. The cost is the open depots' opening costs plus, per route,
    the vehicle cost and the distance ``depot -> customers -> depot``.
    """
    m, d = instance.num_depots, instance.distance
    problems = []
    is_open = np.zeros(m, bool)
    is_open[list(solution.open_depots)] = True
    depot_load = np.zeros(m, np.int64)
    served = np.zeros(instance.num_customers, np.int64)
    cost = int(instance.opening_cost[is_open].sum())
    for k, route in enumerate(solution.routes):
        if not route.customers:
            problems.append(f"route {k}: no customer")
            continue
        if not is_open[route.depot]:
            problems.append(f"route {k}: leaves depot {route.depot}, which is not open")
        load = int(instance.demand[list(route.customers)].sum())
        if load > instance.vehicle_capacity:
            problems.append(f"route {k}: load {load} over the capacity {instance.vehicle_capacity}")
        depot_load[route.depot] += load
        served[list(route.customers)] += 1
        path = [route.depot, *(m + c for c in route.customers), route.depot]
        cost += instance.vehicle_cost + int(sum(d[a, b] for a, b in zip(path, path[1:])))
    for f in np.flatnonzero(depot_load > instance.depot_capacity):
        problems.append(
            f"depot {f}: serves {depot_load[f]}, over its capacity {instance.depot_capacity[f]}"
        )
    if (served != 1).any():
        wrong = np.flatnonzero(served != 1).tolist()
        problems.append(f"customers not served exactly once: {wrong}")
    return cost, problems
