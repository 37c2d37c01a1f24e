"""The two back ends of :func:`optimizer.solvers.vrp.solve_vrp`: PyVRP and OR-Tools routing.

Each returns the visit order of every vehicle (a :class:`Search`), never the engine's
own schedule; :func:`routing_search` is the one way an OR-Tools routing model is
searched in the project.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from pyvrp import Model, SolveParams
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.search import NeighbourhoodParams
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from optimizer.solvers.vrp_model import UNBOUNDED, VrpModel, VrpSettings


@dataclass(frozen=True)
class Search:
    """What a back end found: (vehicle type, visits) per vehicle (``None``: nothing
    feasible), the engine's objective, and whether the limits, not the clock, stopped it."""

    orders: list[tuple[int, list[int]]] | None
    cost: int | None
    reproducible: bool


def solve_pyvrp(model: VrpModel, settings: VrpSettings) -> Search:
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
        return Search(None, None, reproducible)
    orders = [
        (route.vehicle_type(), [act.idx for act in route if act.is_client()])
        for route in result.best.routes()
    ]
    return Search(orders, int(result.cost()), reproducible)


def solve_ortools(model: VrpModel, settings: VrpSettings) -> Search:
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
        return Search(None, None, reproducible)
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
        return Search(None, None, reproducible)
    return Search(orders, int(solution.ObjectiveValue()), reproducible)


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
