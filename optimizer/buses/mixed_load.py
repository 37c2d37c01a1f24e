"""Multi-school (mixed-load) morning runs: one bus carries pupils of nearby schools.

Receiving schools close to each other may share buses: a run collects pupils for
two or more schools at once and drops each group at its own school, as in the
mixed-load school-bus literature. Which pupil alights where is a precedence between
two visits, which PyVRP cannot express, so this is a pickup-and-delivery problem in
OR-Tools routing:

* nodes: the bus yards of the group's schools (where buses start), one open end
  (routes finish at their last school, no return), and for every pickup group (a
  village's riders to one school, split into seat-sized groups) a pickup at the
  village and a delivery at its school;
* ``AddPickupAndDelivery``: the same bus, the pickup first;
* time (seconds of the day): a village stop takes ``stop_time_s`` +
  ``stop_time_per_pupil_s`` per pupil boarding, a school the bus drives on from
  ``stop_time_s`` (its pupils step off together). Each
  delivery lies in its school's window, from ``multi_school_earliest_min`` to
  ``arrive_before_bell_min`` before the bell; the ride, delivery minus the bus
  reaching the pickup, stays within the limit of the youngest band boarding;
* load: never over the seats of the bus type;
* unless ``multi_school_second_trips``, every pickup of a run comes before its first
  school (a counter of schools reached is zero at each pickup);
* cost: a fixed cost per bus above any driving (fewest buses first), then driving
  time, the empty leg from the yard once and every other leg twice (as
  :mod:`optimizer.buses.runs`: shorter rides);
* search: parallel cheapest insertion, then guided local search stopped by
  ``solver.routing_solution_limit`` (deterministic; the time limit is a guard).

The routes found are re-timed as late as the windows allow, with no waiting: every
school of a group shares one bell, so the last school is reached at the latest
arrival and each earlier visit as late as the drive onwards allows. This is never
earlier than the solver's own times (so every window still holds) and each ride is
the shortest the visit order allows (so every ride limit still holds).

:func:`route_schools` groups the receiving schools (:func:`school_groups`), routes
each group both ways and keeps the mixed runs only where they need fewer buses, or
as many buses and less driving, than each school's own runs (:func:`route_school`).
"""

from __future__ import annotations

from importlib.metadata import version

import numpy as np
from ortools.constraint_solver import pywrapcp
from scipy.cluster.hierarchy import DisjointSet

from optimizer.buses.mixed_runs import (
    DropOff,
    MixedRun,
    SchoolPickup,
    mixed_run,
    run_drive_s,
    run_key,
    run_places,
    timetable,
)
from optimizer.buses.runs import LOADED_WEIGHT, Riders, Run, route_school, split_pickups, yard
from optimizer.buses.settings import RoutingSettings
from optimizer.plan import SolverRun
from optimizer.problem.data import Problem
from optimizer.problem.rules import stop_time_s, youngest_limit_s
from optimizer.solvers.vrp import routing_search


def school_groups(problem: Problem, schools: list[int]) -> list[tuple[int, ...]]:
    """Schools whose runs may be shared: within ``multi_school_within_min`` of each other.

    Pairs are joined closest first (the longer of the two drive directions), and a
    pair is joined only while the group stays within ``multi_school_max_schools``
    (single-linkage clusters with a size cap). Only schools with the same bell
    (:meth:`~optimizer.problem.build.Problem.bell_s`) are joined.

    Returns
    -------
    list of tuple
        Groups of two or more school indices, sorted; schools in no group are left out.
    """
    bus = problem.bus
    reach = bus.multi_school_within_s
    places = {s: problem.school_place(s) for s in schools}
    pairs = sorted(
        (
            max(
                int(problem.time_s[places[a], places[b]]), int(problem.time_s[places[b], places[a]])
            ),
            a,
            b,
        )
        for i, a in enumerate(sorted(schools))
        for b in sorted(schools)[i + 1 :]
    )
    groups = DisjointSet(sorted(schools))
    for drive, a, b in pairs:
        if drive > reach:
            break
        if (
            problem.bell_s(a) == problem.bell_s(b)
            and not groups.connected(a, b)
            and len(groups.subset(a)) + len(groups.subset(b)) <= bus.multi_school_max_schools
        ):
            groups.merge(a, b)
    return sorted(tuple(sorted(g)) for g in groups.subsets() if len(g) > 1)


def route_schools(
    problem: Problem, riders: dict[int, Riders], settings: RoutingSettings | None = None
) -> tuple[list[Run | MixedRun], list[SolverRun]]:
    """Every receiving school's runs, shared where that needs fewer buses or less driving.

    Each school is routed on its own (:func:`optimizer.buses.runs.route_school`); each group
    of :func:`school_groups` is also routed as one pickup-and-delivery problem, and its
    runs replace the group's own runs when they need fewer buses, or as many and a
    lower fixed cost, or the same buses and less driving (:func:`run_drive_s`).

    Returns
    -------
    runs, solver_runs
        Runs ordered by their first school; the solver record of every model solved
        (a mixed model not used says so in its stage).
    """
    settings = settings or RoutingSettings()
    units: dict[int, tuple[list[Run | MixedRun], list[SolverRun]]] = {}
    for s in sorted(riders):
        runs, record = route_school(problem, s, riders[s], settings)
        units[s] = (list(runs), [record])
    for group in school_groups(problem, sorted(riders)):
        separate = [run for s in group for run in units[s][0]]
        mixed, record = route_group(problem, group, riders, settings, max_buses=len(separate))
        used = mixed is not None and _score(problem, mixed) < _score(problem, separate)
        if used:
            mixed_records = [record]
            for s in group:
                mixed_records += [_not_used(r, "the mixed runs are used") for r in units[s][1]]
                del units[s]
            units[group[0]] = (list(mixed), mixed_records)
        else:
            units[group[0]][1].append(_not_used(record, "no fewer buses or less driving"))
    runs_out: list[Run | MixedRun] = []
    records: list[SolverRun] = []
    for s in sorted(units):
        runs_out += units[s][0]
        records += units[s][1]
    return runs_out, records


def _not_used(record: SolverRun, why: str) -> SolverRun:
    return SolverRun(**{**record.__dict__, "stage": f"{record.stage} (not used: {why})"})


def _score(problem: Problem, runs: list[Run | MixedRun]) -> tuple[int, float, int]:
    fleet = problem.bus.types
    return (
        len(runs),
        sum(fleet[r.bus].fixed_cost for r in runs),
        sum(run_drive_s(problem, r) for r in runs),
    )


def route_group(
    problem: Problem,
    group: tuple[int, ...],
    riders: dict[int, Riders],
    settings: RoutingSettings,
    *,
    max_buses: int,
) -> tuple[list[MixedRun] | None, SolverRun]:
    """Solve the pickup-and-delivery model of one group of schools.

    Parameters
    ----------
    group
        School indices routed together.
    riders
        Who rides to each school, by village and band.
    settings
        ``solution_limit`` stops the search; ``time_limit_s`` is a guard.
    max_buses
        Buses of each type per yard: the group's own runs need this many, so more is
        never better.

    Returns
    -------
    runs, record
        The runs, or ``None`` when the search left a pupil out; the solver record.
    """
    bus = problem.bus
    pickups = [
        SchoolPickup(p.village, s, p.boarding)
        for s in group
        for v in sorted(riders[s])
        for p in split_pickups(problem, v, riders[s][v])
    ]
    yards = sorted({yard(problem, s) for s in group})
    fleet = bus.types
    vehicles = [
        (y, k)
        for y in range(len(yards))
        for k, t in enumerate(fleet)
        for _ in range(min(max_buses, max_buses if t.count is None else t.count * len(group)))
    ]
    n_yards, n = len(yards), len(pickups)
    end = n_yards
    # Node places: yards, the open end (-1), then pickup, delivery for each group.
    places = [p for p, _ in yards] + [-1]
    for p in pickups:
        places += [p.village, problem.school_place(p.school)]
    service = [0] * (n_yards + 1)
    for p in pickups:
        service += [stop_time_s(problem, p.pupils), bus.stop_time_s]
    size = len(places)
    travel = np.zeros((size, size), dtype=np.int64)
    real = [i for i in range(size) if i != end]
    travel[np.ix_(real, real)] = problem.time_s[
        np.ix_([places[i] for i in real], [places[i] for i in real])
    ]
    travel[:, end] = 0
    cost = LOADED_WEIGHT * travel
    cost[:n_yards] = travel[:n_yards]

    manager = pywrapcp.RoutingIndexManager(
        size, len(vehicles), [y for y, _ in vehicles], [end] * len(vehicles)
    )
    routing = pywrapcp.RoutingModel(manager)
    transit = (travel + np.array(service, dtype=np.int64)[:, None]).tolist()
    time_cb = routing.RegisterTransitMatrix(transit)
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(cost.tolist()))
    bell = problem.bell_s(group[0])  # the group's schools share one bell
    horizon = bell + max(service)
    routing.AddDimension(time_cb, horizon, horizon, False, "time")
    clock = routing.GetDimensionOrDie("time")
    change = [0] * (n_yards + 1) + [sign * p.pupils for p in pickups for sign in (1, -1)]
    routing.AddDimensionWithVehicleCapacity(
        routing.RegisterUnaryTransitVector(change),
        0,
        [fleet[k].seats for _, k in vehicles],
        True,
        "load",
    )
    if not bus.multi_school_second_trips:
        # Schools reached so far: none at a pickup, so every pickup comes before every drop.
        routing.AddDimension(
            routing.RegisterUnaryTransitVector([0] * (n_yards + 1) + [0, 1] * n),
            0,
            n,
            True,
            "schools reached",
        )
        reached = routing.GetDimensionOrDie("schools reached")
        for i in range(n):
            reached.CumulVar(manager.NodeToIndex(n_yards + 1 + 2 * i)).SetMax(0)
    base = int(cost.max(initial=0)) * (size + 1) * 2 + 1
    dearest = max(max(t.fixed_cost for t in fleet), 1.0)
    for v, (_, k) in enumerate(vehicles):
        routing.SetFixedCostOfVehicle(int(round(base * max(fleet[k].fixed_cost, 1.0) / dearest)), v)
    latest = bell - bus.arrive_before_bell_s
    earliest = bell - max(bus.multi_school_earliest_s, bus.arrive_before_bell_s)
    drop_penalty = base * (len(vehicles) + 1) * 4
    solver = routing.solver()
    for i, p in enumerate(pickups):
        pick = manager.NodeToIndex(n_yards + 1 + 2 * i)
        deliver = manager.NodeToIndex(n_yards + 2 + 2 * i)
        routing.AddPickupAndDelivery(pick, deliver)
        solver.Add(routing.VehicleVar(pick) == routing.VehicleVar(deliver))
        solver.Add(clock.CumulVar(pick) <= clock.CumulVar(deliver))
        solver.Add(
            clock.CumulVar(deliver) - clock.CumulVar(pick) <= youngest_limit_s(problem, p.boarding)
        )
        clock.CumulVar(deliver).SetRange(earliest, latest)
        # Optional at a penalty above any routes: the first solution always exists; a
        # solution still leaving a pupil out counts as none.
        routing.AddDisjunction([pick], drop_penalty)
        routing.AddDisjunction([deliver], drop_penalty)

    solution, reproducible = routing_search(routing, settings.solution_limit, settings.time_limit_s)
    runs: list[MixedRun] | None = None
    status = "NO_SOLUTION"
    if solution is not None:
        runs = []
        for v, (y, k) in enumerate(vehicles):
            nodes = []
            index = solution.Value(routing.NextVar(routing.Start(v)))
            while not routing.IsEnd(index):
                nodes.append(manager.IndexToNode(index))
                index = solution.Value(routing.NextVar(index))
            if nodes:
                runs.append(mixed_run(nodes, pickups, n_yards, k, yards[y]))
        served = sum(len([x for x in r.visits if isinstance(x, SchoolPickup)]) for r in runs)
        if served < n:
            runs = None
        else:
            status = "FEASIBLE"
            runs.sort(key=run_key)
    record = SolverRun(
        stage="buses " + "+".join(problem.school_ids[s] for s in group) + " mixed",
        engine=f"OR-Tools routing {version('ortools')}",
        status=status,
        objective=float(solution.ObjectiveValue()) if runs is not None else 0.0,
        bound=None,
        gap=None,
        settings={
            "engine": "ortools",
            "solution_limit": settings.solution_limit,
            "time_limit_s": settings.time_limit_s,
        },
        reproducible=reproducible,
    )
    return runs, record


__all__ = [
    "DropOff",
    "MixedRun",
    "SchoolPickup",
    "route_group",
    "route_schools",
    "run_drive_s",
    "run_places",
    "school_groups",
    "timetable",
]
