"""The vehicle routing model's data and settings (see :mod:`optimizer.solvers.vrp`).

A :class:`VrpModel` holds integer travel matrices over ``n`` nodes, the depots and the
clients, their demand, service time, time window and prizes, and a heterogeneous fleet
of :class:`VehicleType`; it checks itself when built. :class:`VrpSettings` names the
engine, the seed and the limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

#: Prize value marking a client as required (any prize >= 0 makes the visit optional).
REQUIRED = -1
#: "No limit" for times and durations (about 35 000 years in seconds; fits int64 sums).
UNBOUNDED = 2**40

Objective = Literal["distance", "duration"]
Engine = Literal["pyvrp", "ortools"]


@dataclass(frozen=True)
class VehicleType:
    """A kind of vehicle: how many there are, what they carry, where and when they run.

    Parameters
    ----------
    count
        Vehicles of this type available (at least one).
    capacity
        Load each vehicle carries (the sum of its clients' demand).
    depot
        Depot index (position in ``VrpModel.depots``) where its routes start and end.
    fixed_cost
        Cost of using one vehicle of this type.
    tw_early, tw_late
        The shift: earliest departure from the depot, latest return to it.
    max_duration
        Longest route (return minus departure, waiting included); ``None`` for none.
    """

    count: int
    capacity: int
    depot: int = 0
    fixed_cost: int = 0
    tw_early: int = 0
    tw_late: int = UNBOUNDED
    max_duration: int | None = None


def _int_array(name: str, value: object, shape: tuple[int, ...]) -> np.ndarray:
    """``value`` as a read-only int64 array of ``shape``; integral values only."""
    arr = np.asarray(value)
    if arr.shape != shape:
        raise ValueError(f"VrpModel.{name}: shape {arr.shape}, expected {shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        if not np.issubdtype(arr.dtype, np.number) or not np.all(np.mod(arr, 1) == 0):
            raise ValueError(f"VrpModel.{name}: integer values expected (dtype {arr.dtype})")
    out = arr.astype(np.int64)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, kw_only=True, eq=False)
class VrpModel:
    """A vehicle routing problem with time windows, several depots and optional clients.

    Parameters
    ----------
    duration
        ``(n, n)`` travel time between nodes (travel only: no service, no waiting).
    distance
        ``(n, n)`` distance between nodes.
    depots
        Node of each depot.
    clients
        Node of each client (``m`` clients; nodes may repeat, e.g. split pick-ups).
    demand, service, tw_early, tw_late
        Per client: load, service time, and the window for the start of service.
        Defaults: no demand, no service, open windows.
    prize
        Per client: ``REQUIRED`` (-1) for a client that must be visited, or the prize
        (>= 0) collected by visiting an optional one. ``None``: every client required.
    vehicle_types
        The fleet.
    objective
        ``"distance"`` or ``"duration"``: what a route costs besides its fixed cost.

    Arrays are stored as read-only int64 copies; models compare by identity.
    """

    duration: np.ndarray
    distance: np.ndarray
    depots: np.ndarray
    clients: np.ndarray
    vehicle_types: tuple[VehicleType, ...]
    demand: np.ndarray | None = None
    service: np.ndarray | None = None
    tw_early: np.ndarray | None = None
    tw_late: np.ndarray | None = None
    prize: np.ndarray | None = None
    objective: Objective = "distance"

    def __post_init__(self) -> None:
        shape = np.shape(self.duration)
        if len(shape) != 2 or shape[0] != shape[1]:
            raise ValueError(f"VrpModel.duration: square (n, n) matrix expected, got {shape}")
        n = shape[0]
        depots = _int_array("depots", self.depots, (np.size(self.depots),))
        clients = _int_array("clients", self.clients, (np.size(self.clients),))
        m = clients.size
        defaults = {
            "demand": 0,
            "service": 0,
            "tw_early": 0,
            "tw_late": UNBOUNDED,
            "prize": REQUIRED,
        }
        values = {
            "duration": _int_array("duration", self.duration, (n, n)),
            "distance": _int_array("distance", self.distance, (n, n)),
            "depots": depots,
            "clients": clients,
        }
        for name, default in defaults.items():
            given = getattr(self, name)
            values[name] = _int_array(name, np.full(m, default) if given is None else given, (m,))
        values["vehicle_types"] = tuple(self.vehicle_types)
        for name, value in values.items():
            object.__setattr__(self, name, value)
        self._validate()

    def _validate(self) -> None:
        problems = self._node_problems() + self._vehicle_problems()
        if problems:
            raise ValueError("invalid VrpModel: " + "; ".join(problems))

    def _node_problems(self) -> list[str]:
        """What is wrong with the nodes, matrices, clients and objective."""
        n = self.duration.shape[0]
        problems = []
        if self.depots.size == 0:
            problems.append("no depot")
        for name in ("depots", "clients"):
            nodes = getattr(self, name)
            if nodes.size and (nodes.min() < 0 or nodes.max() >= n):
                problems.append(f"{name}: node index outside 0..{n - 1}")
        for name in ("duration", "distance", "demand", "service", "tw_early"):
            if getattr(self, name).size and getattr(self, name).min() < 0:
                problems.append(f"{name}: negative value")
        if np.any(self.tw_late < self.tw_early):
            bad = np.flatnonzero(self.tw_late < self.tw_early)[:5].tolist()
            problems.append(f"tw_late < tw_early for clients {bad}")
        if np.any(self.prize < REQUIRED):
            problems.append(f"prize: below {REQUIRED} (REQUIRED)")
        if self.objective not in ("distance", "duration"):
            problems.append(f"objective {self.objective!r}: 'distance' or 'duration'")
        return problems

    def _vehicle_problems(self) -> list[str]:
        """What is wrong with the vehicle types."""
        problems = []
        if not self.vehicle_types:
            problems.append("no vehicle type")
        for k, vt in enumerate(self.vehicle_types):
            if vt.count < 1 or vt.capacity < 0 or vt.fixed_cost < 0:
                problems.append(f"vehicle type {k}: count >= 1, capacity and fixed cost >= 0")
            if not 0 <= vt.depot < self.depots.size:
                problems.append(f"vehicle type {k}: depot {vt.depot} is not a depot index")
            if not 0 <= vt.tw_early <= vt.tw_late:
                problems.append(f"vehicle type {k}: 0 <= tw_early <= tw_late expected")
            if vt.max_duration is not None and vt.max_duration < 0:
                problems.append(f"vehicle type {k}: negative max_duration")
        return problems

    @property
    def num_clients(self) -> int:
        """Number of clients."""
        return int(self.clients.size)

    @property
    def required(self) -> np.ndarray:
        """Per client: must it be visited."""
        return self.prize == REQUIRED

    def vehicle_type_of(self) -> list[int]:
        """Vehicle type of each single vehicle, types in order (``count`` times each)."""
        return [k for k, vt in enumerate(self.vehicle_types) for _ in range(vt.count)]


@dataclass(frozen=True)
class VrpSettings:
    """How to solve: engine, seed and the limits that decide the result.

    Parameters
    ----------
    engine
        ``"pyvrp"`` (default) or ``"ortools"``.
    seed
        PyVRP's random seed (OR-Tools routing's search is deterministic, no seed).
    max_iterations
        PyVRP: iterations of its iterated local search.
    neighbours
        PyVRP: how many nearest clients each client's moves consider (its granular
        neighbourhood; PyVRP's own default is 50). Fewer is faster per iteration.
    solution_limit
        OR-Tools: solutions found before it stops (guided local search).
    time_limit_s
        Guard only: a run stopped by it is flagged non-reproducible.
    """

    engine: Engine = "pyvrp"
    seed: int = 0
    max_iterations: int = 10_000
    neighbours: int = 50
    solution_limit: int = 1_000
    time_limit_s: float = 60.0
