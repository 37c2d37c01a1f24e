"""One vehicle routing model, two back ends: PyVRP (default) and OR-Tools routing.

The model and settings are in :mod:`~optimizer.solvers.vrp_model`, the back ends in
:mod:`~optimizer.solvers.vrp_engines`; this module schedules, checks and costs routes.

A :class:`VrpModel` holds integer travel matrices over ``n`` nodes, the depots and the
clients (each a node; several clients may share a node), the clients' demand, service
time and time window, optional prizes, and a heterogeneous fleet of
:class:`VehicleType`. :func:`solve_vrp` hands it to the engine named in
:class:`VrpSettings` and turns the engine's visit orders into :class:`VrpRoute` objects
the same way for both engines: the schedule, distance, duration and cost are computed
here from the model's matrices, never taken from the engine.

Conventions
-----------
* Indices: ``VrpRoute.visits`` holds *client* indices (positions in the client arrays),
  ``VehicleType.depot`` and ``VrpRoute.depot`` *depot* indices (positions in
  ``depots``); ``model.clients[c]`` and ``model.depots[d]`` are the matrix nodes.
* Time: a client's window bounds the *start* of its service. Travel ``i -> j`` takes
  ``duration[i, j]``; service at a client follows the arrival (after any wait for its
  window). A vehicle type's window bounds its departure from and return to its depot,
  ``max_duration`` bounds return minus departure.
* Cost: the sum over used vehicles of the fixed cost plus the route's distance (or its
  duration, return minus departure, with ``objective="duration"``), plus the prizes of
  the optional clients left out.
* Reproducibility: a seed and an iteration limit (PyVRP) or a solution limit (OR-Tools)
  decide the result; the time limit is only a guard, and a run stopped by it is flagged
  ``reproducible=False``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from importlib.metadata import version

import numpy as np

from optimizer.solvers.vrp_engines import routing_search, solve_ortools, solve_pyvrp
from optimizer.solvers.vrp_model import (
    REQUIRED,
    UNBOUNDED,
    Engine,
    Objective,
    VehicleType,
    VrpModel,
    VrpSettings,
)

__all__ = [
    "REQUIRED",
    "UNBOUNDED",
    "Engine",
    "Objective",
    "VehicleType",
    "VrpModel",
    "VrpResult",
    "VrpRoute",
    "VrpSettings",
    "check_route",
    "check_solution",
    "routing_search",
    "schedule_route",
    "solution_cost",
    "solve_vrp",
]


@dataclass(frozen=True)
class VrpRoute:
    """One vehicle's route and its schedule, computed from the model's matrices.

    ``arrival_s[k]`` is when the vehicle reaches ``visits[k]``, ``start_s[k]`` when its
    service starts (after waiting for the window). The vehicle leaves its depot at
    ``depart_s``, the latest departure that does not delay its return at ``return_s``,
    so ``duration = return_s - depart_s`` is the shortest for this visit order.
    """

    vehicle_type: int
    depot: int
    visits: tuple[int, ...]
    arrival_s: tuple[int, ...]
    start_s: tuple[int, ...]
    depart_s: int
    return_s: int
    load: int
    distance: int
    duration: int


@dataclass(frozen=True)
class VrpResult:
    """A solved model: routes (ordered by vehicle type, then first visit) and their cost.

    ``status`` is ``"FEASIBLE"``, ``"INFEASIBLE"`` (the engine's best routes break a
    constraint; ``violations`` says which) or ``"NO_SOLUTION"`` (no routes, cost
    ``None``). ``engine_cost`` is the engine's own objective, a cross-check of ``cost``.
    """

    routes: tuple[VrpRoute, ...]
    cost: int | None
    status: str
    engine: str
    settings: VrpSettings
    reproducible: bool
    unvisited: tuple[int, ...] = ()
    engine_cost: int | None = None
    seconds: float = 0.0
    violations: tuple[str, ...] = ()


def schedule_route(
    model: VrpModel, vehicle_type: int, visits: tuple[int, ...] | list[int]
) -> VrpRoute:
    """The route of a vehicle of ``vehicle_type`` serving ``visits`` in this order.

    Each service starts as early as its window allows; the departure is then delayed as
    far as it goes without delaying the return (the route's shortest duration). Late
    arrivals are kept as they are (service starts on arrival): :func:`check_route`
    reports them.
    """
    vt = model.vehicle_types[vehicle_type]
    depot_node = int(model.depots[vt.depot])
    visits = tuple(int(c) for c in visits)
    nodes = [int(model.clients[c]) for c in visits]
    path = [depot_node, *nodes, depot_node]
    legs = [int(model.duration[a, b]) for a, b in zip(path, path[1:], strict=False)]

    def forward(depart: int) -> tuple[list[int], list[int], int]:
        t, arrivals, starts = depart, [], []
        for k, c in enumerate(visits):
            t += legs[k]
            arrivals.append(t)
            t = max(t, int(model.tw_early[c]))
            starts.append(t)
            t += int(model.service[c])
        return arrivals, starts, t + legs[-1]

    arrivals, starts, back = forward(vt.tw_early)
    waited, delay = 0, None
    for k, c in enumerate(visits):
        waited += starts[k] - arrivals[k]
        room = int(model.tw_late[c]) - starts[k] + waited
        delay = room if delay is None else min(delay, room)
    delay = max(0, waited if delay is None else min(delay, waited))
    if delay:
        arrivals, starts, back = forward(vt.tw_early + delay)
    return VrpRoute(
        vehicle_type=vehicle_type,
        depot=vt.depot,
        visits=visits,
        arrival_s=tuple(arrivals),
        start_s=tuple(starts),
        depart_s=vt.tw_early + delay,
        return_s=back,
        load=int(sum(int(model.demand[c]) for c in visits)),
        distance=int(sum(int(model.distance[a, b]) for a, b in zip(path, path[1:], strict=False))),
        duration=back - vt.tw_early - delay,
    )


def check_route(model: VrpModel, route: VrpRoute) -> list[str]:
    """What ``route`` breaks: time windows, capacity, shift, duration (empty if none)."""
    vt = model.vehicle_types[route.vehicle_type]
    problems = []
    for c, start in zip(route.visits, route.start_s, strict=True):
        if start > model.tw_late[c]:
            problems.append(
                f"client {c} served at {start}, after its window closes at {model.tw_late[c]}"
            )
    if route.load > vt.capacity:
        problems.append(f"load {route.load} over the capacity {vt.capacity}")
    if route.return_s > vt.tw_late:
        problems.append(f"returns at {route.return_s}, after the shift ends at {vt.tw_late}")
    if vt.max_duration is not None and route.duration > vt.max_duration:
        problems.append(f"lasts {route.duration}, over the limit {vt.max_duration}")
    return problems


def check_solution(model: VrpModel, routes: tuple[VrpRoute, ...]) -> list[str]:
    """What ``routes`` break as a whole: each route, visits, fleet size (empty if none)."""
    problems = [f"route {k}: {p}" for k, r in enumerate(routes) for p in check_route(model, r)]
    seen = [c for r in routes for c in r.visits]
    counts = np.bincount(np.asarray(seen, dtype=np.int64), minlength=model.num_clients)
    if np.any(counts > 1):
        problems.append(f"clients visited twice: {np.flatnonzero(counts > 1).tolist()}")
    missing = np.flatnonzero((counts == 0) & model.required)
    if missing.size:
        problems.append(f"required clients not visited: {missing.tolist()}")
    for k, vt in enumerate(model.vehicle_types):
        used = sum(1 for r in routes if r.vehicle_type == k)
        if used > vt.count:
            problems.append(f"vehicle type {k}: {used} routes for {vt.count} vehicles")
    return problems


def solution_cost(model: VrpModel, routes: tuple[VrpRoute, ...]) -> int:
    """Fixed costs plus route distances (or durations) plus the prizes left uncollected."""
    visited = {c for r in routes for c in r.visits}
    cost = sum(
        model.vehicle_types[r.vehicle_type].fixed_cost
        + (r.distance if model.objective == "distance" else r.duration)
        for r in routes
    )
    left = [c for c in range(model.num_clients) if c not in visited and not model.required[c]]
    return int(cost + sum(int(model.prize[c]) for c in left))


ENGINES = {"pyvrp": "PyVRP", "ortools": "OR-Tools routing"}


def solve_vrp(model: VrpModel, settings: VrpSettings | None = None) -> VrpResult:
    """Solve ``model`` with the engine of ``settings`` (default: PyVRP, seed 0).

    Returns
    -------
    VrpResult
        Routes scheduled by :func:`schedule_route`, their cost by :func:`solution_cost`.
    """
    settings = settings or VrpSettings()
    if settings.engine not in ENGINES:
        raise ValueError(f"engine {settings.engine!r}: one of {sorted(ENGINES)}")
    engine = f"{ENGINES[settings.engine]} {version(settings.engine)}"
    if model.num_clients == 0:
        return VrpResult((), 0, "FEASIBLE", engine, settings, reproducible=True)
    started = time.perf_counter()
    search = (solve_pyvrp if settings.engine == "pyvrp" else solve_ortools)(model, settings)
    seconds = time.perf_counter() - started
    if search.orders is None:
        return VrpResult(
            (),
            None,
            "NO_SOLUTION",
            engine,
            settings,
            reproducible=search.reproducible,
            seconds=seconds,
        )
    routes = tuple(
        sorted(
            (schedule_route(model, vt, visits) for vt, visits in search.orders if visits),
            key=lambda r: (r.vehicle_type, r.visits),
        )
    )
    visited = {c for r in routes for c in r.visits}
    violations = tuple(check_solution(model, routes))
    return VrpResult(
        routes=routes,
        cost=solution_cost(model, routes),
        status="INFEASIBLE" if violations else "FEASIBLE",
        engine=engine,
        settings=settings,
        reproducible=search.reproducible,
        unvisited=tuple(c for c in range(model.num_clients) if c not in visited),
        engine_cost=search.cost,
        seconds=seconds,
        violations=violations,
    )
