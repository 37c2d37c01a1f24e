"""One vehicle routing model, two back ends: PyVRP (default) and OR-Tools routing.

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
import warnings
from dataclasses import dataclass
from importlib.metadata import version
from typing import Literal

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from pyvrp import Model, SolveParams
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.search import NeighbourhoodParams
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

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
        if problems:
            raise ValueError("invalid VrpModel: " + "; ".join(problems))

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
    search = (_solve_pyvrp if settings.engine == "pyvrp" else _solve_ortools)(model, settings)
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


@dataclass(frozen=True)
class _Search:
    """What a back end found: (vehicle type, visits) per vehicle (``None``: nothing
    feasible), the engine's objective, and whether the limits, not the clock, stopped it."""

    orders: list[tuple[int, list[int]]] | None
    cost: int | None
    reproducible: bool


def _solve_pyvrp(model: VrpModel, settings: VrpSettings) -> _Search:
    """PyVRP's iterated local search, stopped by iterations (time as a guard)."""
    pm = Model()
    used = sorted({int(v) for v in model.depots} | {int(v) for v in model.clients})
    locations = {node: pm.add_location(0.0, 0.0, name=str(node)) for node in used}
    depots = [
        pm.add_depot(locations[int(node)], name=f"depot {d}") for d, node in enumerate(model.depots)
    ]
    for c in range(model.num_clients):
        optional = not model.required[c]
        pm.add_client(
            locations[int(model.clients[c])],
            delivery=[int(model.demand[c])],
            service_duration=int(model.service[c]),
            tw_early=int(model.tw_early[c]),
            tw_late=int(model.tw_late[c]),
            prize=int(model.prize[c]) if optional else 0,
            required=not optional,
            name=f"client {c}",
        )
    by_distance = model.objective == "distance"
    for vt in model.vehicle_types:
        pm.add_vehicle_type(
            num_available=vt.count,
            capacity=[vt.capacity],
            start_depot=depots[vt.depot],
            end_depot=depots[vt.depot],
            fixed_cost=vt.fixed_cost,
            tw_early=vt.tw_early,
            tw_late=vt.tw_late,
            shift_duration=UNBOUNDED if vt.max_duration is None else vt.max_duration,
            unit_distance_cost=1 if by_distance else 0,
            unit_duration_cost=0 if by_distance else 1,
        )
    for i in used:
        for j in used:
            if i != j:
                pm.add_edge(
                    locations[i],
                    locations[j],
                    distance=int(model.distance[i, j]),
                    duration=int(model.duration[i, j]),
                )
    stop = MultipleCriteria(
        [MaxIterations(settings.max_iterations), MaxRuntime(settings.time_limit_s)]
    )
    params = SolveParams(neighbourhood=NeighbourhoodParams(num_neighbours=settings.neighbours))
    with warnings.catch_warnings():
        # Raised while PyVRP struggles towards a first feasible solution: the result says.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = pm.solve(
            stop=stop, seed=settings.seed, collect_stats=False, display=False, params=params
        )
    reproducible = result.num_iterations >= settings.max_iterations
    if not result.is_feasible():
        return _Search(None, None, reproducible)
    orders = [
        (route.vehicle_type(), [act.idx for act in route if act.is_client()])
        for route in result.best.routes()
    ]
    return _Search(orders, int(result.cost()), reproducible)


def _solve_ortools(model: VrpModel, settings: VrpSettings) -> _Search:
    """OR-Tools routing: time and load dimensions, prizes as disjunction penalties."""
    nodes = np.concatenate([model.depots, model.clients])  # routing node -> matrix node
    num_depots = model.depots.size
    vehicle_types = model.vehicle_type_of()
    starts = [model.vehicle_types[k].depot for k in vehicle_types]
    manager = pywrapcp.RoutingIndexManager(len(nodes), len(vehicle_types), starts, starts)
    routing = pywrapcp.RoutingModel(manager)

    service = np.concatenate([np.zeros(num_depots, np.int64), model.service])
    travel = model.duration[np.ix_(nodes, nodes)]
    time_cb = routing.RegisterTransitMatrix((travel + service[:, None]).tolist())
    if model.objective == "distance":
        cost_cb = routing.RegisterTransitMatrix(model.distance[np.ix_(nodes, nodes)].tolist())
    else:
        cost_cb = time_cb  # service and driving; waiting is the slack cost below
    routing.SetArcCostEvaluatorOfAllVehicles(cost_cb)

    shifts = [vt.tw_late for vt in model.vehicle_types if vt.tw_late < UNBOUNDED]
    latest = max([int(model.tw_late.max()), *(vt.tw_early for vt in model.vehicle_types)])
    horizon = max([latest + int(service.max()) + int(travel.max()), *shifts])
    routing.AddDimension(time_cb, horizon, horizon, False, "time")
    clock = routing.GetDimensionOrDie("time")
    if model.objective == "duration":
        clock.SetSlackCostCoefficientForAllVehicles(1)  # arcs + waiting = route duration
    demand = np.concatenate([np.zeros(num_depots, np.int64), model.demand])
    load_cb = routing.RegisterUnaryTransitVector(demand.tolist())
    routing.AddDimensionWithVehicleCapacity(
        load_cb, 0, [model.vehicle_types[k].capacity for k in vehicle_types], True, "load"
    )

    for v, k in enumerate(vehicle_types):
        vt = model.vehicle_types[k]
        late = min(vt.tw_late, horizon)
        clock.CumulVar(routing.Start(v)).SetRange(vt.tw_early, late)
        clock.CumulVar(routing.End(v)).SetRange(vt.tw_early, late)
        routing.SetFixedCostOfVehicle(vt.fixed_cost, v)
        if vt.max_duration is not None:
            clock.SetSpanUpperBoundForVehicle(min(vt.max_duration, horizon), v)
    # Required clients may be dropped too, at a penalty above any set of routes: the
    # first-solution heuristics then always succeed (they fail outright on a tight fleet)
    # and the search inserts them; a solution still dropping one counts as none.
    drop_required = _drop_penalty(model, len(vehicle_types), horizon)
    for c in range(model.num_clients):
        index = manager.NodeToIndex(num_depots + c)
        clock.CumulVar(index).SetRange(int(model.tw_early[c]), min(int(model.tw_late[c]), horizon))
        penalty = drop_required if model.required[c] else int(model.prize[c])
        routing.AddDisjunction([index], penalty)

    solution, reproducible = routing_search(routing, settings.solution_limit, settings.time_limit_s)
    if solution is None:
        return _Search(None, None, reproducible)
    orders = []
    for v, k in enumerate(vehicle_types):
        visits = []
        index = solution.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(index):
            visits.append(manager.IndexToNode(index) - num_depots)
            index = solution.Value(routing.NextVar(index))
        orders.append((k, visits))
    visited = {c for _, visits in orders for c in visits}
    if any(model.required[c] and c not in visited for c in range(model.num_clients)):
        return _Search(None, None, reproducible)
    return _Search(orders, int(solution.ObjectiveValue()), reproducible)


def _drop_penalty(model: VrpModel, num_vehicles: int, horizon: int) -> int:
    """A penalty for leaving out a required client, above the cost of any set of routes."""
    fixed = sum(vt.fixed_cost * vt.count for vt in model.vehicle_types)
    prizes = int(model.prize[~model.required].sum())
    if model.objective == "distance":
        arcs = (model.num_clients + num_vehicles) * int(model.distance.max())
    else:
        arcs = num_vehicles * horizon  # a route lasts at most the horizon
    # Bounded so that every client dropped still fits the int64 objective.
    return min(fixed + prizes + arcs + 1, 2**62 // (model.num_clients + 1))


def routing_search(
    routing: pywrapcp.RoutingModel, solution_limit: int, time_limit_s: float
) -> tuple[pywrapcp.Assignment | None, bool]:
    """Solve an OR-Tools routing model the project's one way: parallel cheapest insertion,
    then guided local search stopped by ``solution_limit`` (deterministic).

    Returns
    -------
    solution, reproducible
        The solution (``None``: none found), and whether the solution limit, not the
        wall-clock guard ``time_limit_s``, stopped the search (a run cut by the guard
        may differ on another machine).
    """
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.solution_limit = solution_limit
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    started = time.perf_counter()
    solution = routing.SolveWithParameters(params)
    return solution, time.perf_counter() - started < 0.98 * time_limit_s
