"""Morning school-bus runs to each receiving school: an OR-Tools routing model.

A run collects pupils at village stops and arrives at the school before the bell.
Each pupil's ride, from the bus reaching their stop to the school, must stay within
the one-way limit of the youngest band at that stop. A ride time depends on what
comes *after* a stop, so the model routes the run backwards: it starts at the
school at time zero and follows every road the other way round (the transit from
``i`` to ``j`` is the stop time at ``i`` plus the real drive ``j -> i``). The time
dimension at a stop is then exactly the ride of the pupils boarding there, and the
limit is a plain upper bound. Objective: fewest buses (a fixed cost per bus), then
driving time, then (as a tie-break) the sum of the rides. Stops with more riders
than seats are split into seat-sized groups.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import ortools
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from geodata.places import BANDS
from optimizer.plan import SolverRun
from optimizer.problem import Problem
from optimizer.scenario import Solver

#: Driving time weighs this much more than pupils' ride time in the objective.
DRIVE_WEIGHT = 10
#: Riders of one school: village index -> band -> pupils.
Riders = dict[int, dict[str, int]]


@dataclass(frozen=True)
class Pickup:
    """One group boarding at a stop (a village's riders, split when over the seats)."""

    village: int
    boarding: dict[str, int]

    @property
    def pupils(self) -> int:
        """Pupils boarding."""
        return sum(self.boarding.values())


@dataclass(frozen=True)
class Run:
    """One bus run in driving order: pickups, then the school."""

    school: int
    pickups: tuple[Pickup, ...]


class UnroutableRiders(Exception):
    """Riders that no bus can take within the limits; ``reasons`` says which and why."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("riders no bus can serve:\n  " + "\n  ".join(reasons))


def stop_time_s(problem: Problem, pupils: int) -> int:
    """Time a bus spends at a stop where ``pupils`` board."""
    bus = problem.policy.bus
    return bus.stop_time_s + bus.stop_time_per_pupil_s * pupils


def ride_limit_s(problem: Problem, boarding: dict[str, int]) -> int:
    """The ride limit at a stop: the limit of the youngest band boarding there."""
    return min(problem.policy.limit_s(band) for band, n in boarding.items() if n > 0)


def split_pickups(problem: Problem, village: int, boarding: dict[str, int]) -> list[Pickup]:
    """Split a village's riders into groups that each fit one bus (youngest first)."""
    seats = problem.policy.bus.seats
    groups: list[dict[str, int]] = [{}]
    room = seats
    for band in BANDS:
        left = boarding.get(band, 0)
        while left > 0:
            if room == 0:
                groups.append({})
                room = seats
            take = min(left, room)
            groups[-1][band] = groups[-1].get(band, 0) + take
            left -= take
            room -= take
    return [Pickup(village, g) for g in groups if g]


def route_school(
    problem: Problem, school: int, riders: Riders, config: Solver | None = None
) -> tuple[list[Run], SolverRun]:
    """Route the buses of one receiving school.

    Parameters
    ----------
    problem
        The planning problem (times, stop times, seats, limits).
    school
        School index.
    riders
        Who rides to this school, by village and band.
    config
        Solver settings: a solution limit makes the result reproducible; the time
        limit is a guard.

    Raises
    ------
    UnroutableRiders
        When a stop's direct ride alone is over its limit.
    """
    config = config or Solver()
    pickups = [p for v in sorted(riders) for p in split_pickups(problem, v, riders[v])]
    school_place = problem.school_place(school)
    places = [school_place] + [p.village for p in pickups]
    service = [0] + [stop_time_s(problem, p.pupils) for p in pickups]
    limits = [0] + [ride_limit_s(problem, p.boarding) for p in pickups]
    reasons = []
    for i, p in enumerate(pickups, start=1):
        direct = int(problem.time_s[places[i], school_place]) + service[i]
        if direct > limits[i]:
            reasons.append(
                f"village {problem.village_ids[p.village]} -> school "
                f"{problem.school_ids[school]}: the direct ride with its stop takes "
                f"{direct / 60:.1f} min, over the {limits[i] / 60:g}-minute limit"
            )
    if reasons:
        raise UnroutableRiders(reasons)
    n = len(places)
    manager = pywrapcp.RoutingIndexManager(n, max(n - 1, 1), 0)
    routing = pywrapcp.RoutingModel(manager)
    drive = problem.time_s

    def backward_drive(i: int, j: int) -> int:
        return int(drive[places[j], places[i]])

    def arc_cost(from_index: int, to_index: int) -> int:
        i, j = manager.IndexToNode(from_index), manager.IndexToNode(to_index)
        return DRIVE_WEIGHT * backward_drive(i, j)

    def transit(from_index: int, to_index: int) -> int:
        i, j = manager.IndexToNode(from_index), manager.IndexToNode(to_index)
        return service[i] + backward_drive(i, j)

    cost_cb = routing.RegisterTransitCallback(arc_cost)
    routing.SetArcCostEvaluatorOfAllVehicles(cost_cb)
    # Fewest buses first: one more bus costs more than any possible driving time.
    routing.SetFixedCostOfAllVehicles(
        DRIVE_WEIGHT * int(drive[places][:, places].max()) * (n + 1) + sum(limits) + 1
    )
    time_cb = routing.RegisterTransitCallback(transit)
    horizon = max(limits) + max(service) + int(drive[places][:, places].max()) + 1
    routing.AddDimension(time_cb, 0, horizon, True, "ride")
    ride = routing.GetDimensionOrDie("ride")
    for i in range(1, n):
        index = manager.NodeToIndex(i)
        ride.CumulVar(index).SetRange(0, limits[i] - service[i])
        # Tie-break between equally long runs: shorter rides for the pupils.
        ride.SetCumulVarSoftUpperBound(index, 0, 1)
    demand_cb = routing.RegisterUnaryTransitCallback(
        lambda index: (
            0 if manager.IndexToNode(index) == 0 else pickups[manager.IndexToNode(index) - 1].pupils
        )
    )
    seats = problem.policy.bus.seats
    routing.AddDimensionWithVehicleCapacity(demand_cb, 0, [seats] * (max(n - 1, 1)), True, "load")

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.solution_limit = config.routing_solution_limit
    params.time_limit.FromMilliseconds(int(config.routing_time_limit_s * 1000))
    started = time.perf_counter()
    solution = routing.SolveWithParameters(params)
    # A run cut by the wall-clock guard (not by the solution limit) may differ elsewhere.
    timed_out = time.perf_counter() - started >= 0.98 * config.routing_time_limit_s
    settings = {
        "first_solution": "PARALLEL_CHEAPEST_INSERTION",
        "metaheuristic": "GUIDED_LOCAL_SEARCH",
        "solution_limit": config.routing_solution_limit,
        "time_limit_s": config.routing_time_limit_s,
    }
    engine = f"OR-Tools routing {ortools.__version__}"
    if solution is None:
        # Every stop alone fits its limit (checked above), so this means the limits
        # stopped the search before a first solution: say so rather than drop riders.
        raise UnroutableRiders(
            [
                f"school {problem.school_ids[school]}: the routing search found no solution "
                f"within {config.routing_time_limit_s:g} s; raise solver.routing_time_limit_s"
            ]
        )
    runs = []
    for vehicle in range(routing.vehicles()):
        index = routing.Start(vehicle)
        backward = []
        index = solution.Value(routing.NextVar(index))
        while not routing.IsEnd(index):
            backward.append(pickups[manager.IndexToNode(index) - 1])
            index = solution.Value(routing.NextVar(index))
        if backward:
            runs.append(Run(school, tuple(reversed(backward))))
    runs.sort(key=lambda r: [(p.village, sorted(p.boarding.items())) for p in r.pickups])
    run = SolverRun(
        stage=f"buses {problem.school_ids[school]}",
        engine=engine,
        status=routing_enums_pb2.RoutingSearchStatus.Value.Name(routing.status()),
        objective=float(solution.ObjectiveValue()),
        bound=None,
        gap=None,
        settings=settings,
        reproducible=not timed_out,
    )
    return runs, run
