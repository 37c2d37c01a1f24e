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

from dataclasses import dataclass
from importlib.metadata import version

import numpy as np
from ortools.constraint_solver import pywrapcp
from scipy.cluster.hierarchy import DisjointSet

from geodata.region import Region
from optimizer.buses.runs import (
    LOADED_WEIGHT,
    Riders,
    Run,
    ride_limit_s,
    route_school,
    split_pickups,
    stop_time_s,
    yard,
)
from optimizer.plan import Drop, Route, RouteStop, SolverRun
from optimizer.problem.build import Problem
from optimizer.scenario.schema import Solver
from optimizer.solvers.vrp import routing_search


@dataclass(frozen=True)
class SchoolPickup:
    """A group boarding at a village stop for one school."""

    village: int
    school: int
    boarding: dict[str, int]

    @property
    def pupils(self) -> int:
        """Pupils boarding."""
        return sum(self.boarding.values())


@dataclass(frozen=True)
class DropOff:
    """The bus at a school: ``pupils`` alight (every pupil on board for that school)."""

    school: int
    pupils: int


@dataclass(frozen=True)
class MixedRun:
    """One multi-school run: its visits in driving order, the bus type and the yard."""

    visits: tuple[SchoolPickup | DropOff, ...]
    bus: int
    yard: int
    yard_name: str

    @property
    def schools(self) -> tuple[int, ...]:
        """The schools delivered to, in driving order."""
        return tuple(v.school for v in self.visits if isinstance(v, DropOff))


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
    bus = problem.policy.bus
    reach = bus.multi_school_within_min * 60
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
    problem: Problem, riders: dict[int, Riders], config: Solver | None = None
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
    config = config or Solver()
    units: dict[int, tuple[list[Run | MixedRun], list[SolverRun]]] = {}
    for s in sorted(riders):
        runs, record = route_school(problem, s, riders[s], config)
        units[s] = (list(runs), [record])
    for group in school_groups(problem, sorted(riders)):
        separate = [run for s in group for run in units[s][0]]
        mixed, record = route_group(problem, group, riders, config, max_buses=len(separate))
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
    fleet = problem.policy.bus.fleet()
    return (
        len(runs),
        sum(fleet[r.bus].fixed_cost for r in runs),
        sum(run_drive_s(problem, r) for r in runs),
    )


def run_places(problem: Problem, run: Run | MixedRun) -> list[int]:
    """The places a run drives through: its yard, its stops and schools in order."""
    if isinstance(run, Run):
        return [
            yard(problem, run.school)[0],
            *(p.village for p in run.pickups),
            problem.school_place(run.school),
        ]
    return [
        run.yard,
        *(
            v.village if isinstance(v, SchoolPickup) else problem.school_place(v.school)
            for v in run.visits
        ),
    ]


def run_drive_s(problem: Problem, run: Run | MixedRun) -> int:
    """Driving time of a run from its yard to its last school (a route's ``drive_s``)."""
    places = run_places(problem, run)
    return sum(int(problem.time_s[a, b]) for a, b in zip(places, places[1:]))


def route_group(
    problem: Problem,
    group: tuple[int, ...],
    riders: dict[int, Riders],
    config: Solver,
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
    config
        ``routing_solution_limit`` stops the search; ``routing_time_limit_s`` is a guard.
    max_buses
        Buses of each type per yard: the group's own runs need this many, so more is
        never better.

    Returns
    -------
    runs, record
        The runs, or ``None`` when the search left a pupil out; the solver record.
    """
    policy = problem.policy
    bus = policy.bus
    pickups = [
        SchoolPickup(p.village, s, p.boarding)
        for s in group
        for v in sorted(riders[s])
        for p in split_pickups(problem, v, riders[s][v])
    ]
    yards = sorted({yard(problem, s) for s in group})
    fleet = bus.fleet()
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
    latest = bell - 60 * bus.arrive_before_bell_min
    earliest = bell - 60 * max(bus.multi_school_earliest_min, bus.arrive_before_bell_min)
    drop_penalty = base * (len(vehicles) + 1) * 4
    solver = routing.solver()
    for i, p in enumerate(pickups):
        pick = manager.NodeToIndex(n_yards + 1 + 2 * i)
        deliver = manager.NodeToIndex(n_yards + 2 + 2 * i)
        routing.AddPickupAndDelivery(pick, deliver)
        solver.Add(routing.VehicleVar(pick) == routing.VehicleVar(deliver))
        solver.Add(clock.CumulVar(pick) <= clock.CumulVar(deliver))
        solver.Add(
            clock.CumulVar(deliver) - clock.CumulVar(pick) <= ride_limit_s(problem, p.boarding)
        )
        clock.CumulVar(deliver).SetRange(earliest, latest)
        # Optional at a penalty above any routes: the first solution always exists; a
        # solution still leaving a pupil out counts as none.
        routing.AddDisjunction([pick], drop_penalty)
        routing.AddDisjunction([deliver], drop_penalty)

    solution, reproducible = routing_search(
        routing, config.routing_solution_limit, config.routing_time_limit_s
    )
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
                runs.append(_mixed_run(nodes, pickups, n_yards, k, yards[y]))
        served = sum(len([x for x in r.visits if isinstance(x, SchoolPickup)]) for r in runs)
        if served < n:
            runs = None
        else:
            status = "FEASIBLE"
            runs.sort(key=_run_key)
    record = SolverRun(
        stage="buses " + "+".join(problem.school_ids[s] for s in group) + " mixed",
        engine=f"OR-Tools routing {version('ortools')}",
        status=status,
        objective=float(solution.ObjectiveValue()) if runs is not None else 0.0,
        bound=None,
        gap=None,
        settings={
            "engine": "ortools",
            "solution_limit": config.routing_solution_limit,
            "time_limit_s": config.routing_time_limit_s,
        },
        reproducible=reproducible,
    )
    return runs, record


def _run_key(run: MixedRun) -> list[tuple]:
    return [
        (0, v.village, v.school, sorted(v.boarding.items()))
        if isinstance(v, SchoolPickup)
        else (1, v.school, v.pupils)
        for v in run.visits
    ]


def _mixed_run(
    nodes: list[int],
    pickups: list[SchoolPickup],
    n_yards: int,
    bus: int,
    yard_place: tuple[int, str],
) -> MixedRun:
    """A vehicle's node sequence as visits; at each school every pupil on board for it
    alights (the search may leave some on board for a later visit: they alight at the
    first, never later, so no ride grows and no time moves earlier)."""
    visits: list[SchoolPickup | DropOff] = []
    on_board: dict[int, int] = {}
    for node in nodes:
        i, is_delivery = divmod(node - n_yards - 1, 2)
        p = pickups[i]
        if not is_delivery:
            visits.append(p)
            on_board[p.school] = on_board.get(p.school, 0) + p.pupils
        elif on_board.get(p.school):
            visits.append(DropOff(p.school, on_board.pop(p.school)))
    return MixedRun(tuple(visits), bus, yard_place[0], yard_place[1])


def timetable(problem: Problem, run: MixedRun) -> list[tuple[int, int]]:
    """Arrival and departure of each visit: the last school at the latest arrival, every
    earlier visit as late as the drive onwards allows (no waiting).

    A stop takes its boarding time; a school the bus drives on from takes
    ``stop_time_s`` (its pupils step off together); the last school takes none.
    """
    bus = problem.policy.bus
    latest = problem.bell_s(run.schools[-1]) - 60 * bus.arrive_before_bell_min
    places = run_places(problem, run)[1:]
    times: list[tuple[int, int]] = []
    t = latest
    for k in range(len(run.visits) - 1, -1, -1):
        visit = run.visits[k]
        if k == len(run.visits) - 1:
            stay = 0
        elif isinstance(visit, DropOff):
            stay = bus.stop_time_s
        else:
            stay = stop_time_s(problem, visit.pupils)
        if k < len(run.visits) - 1:
            t = times[0][0] - int(problem.time_s[places[k], places[k + 1]]) - stay
            if isinstance(visit, DropOff):
                t = min(t, latest)
        times.insert(0, (t, t + stay))
    return times


def mixed_route(problem: Problem, region: Region, run: MixedRun, route_id: str) -> Route:
    """The plan's :class:`~optimizer.plan.Route` of a run (no ``drops`` when it has one school)."""
    policy = problem.policy
    times = timetable(problem, run)
    schools = run.schools
    single = len(schools) == 1
    stops: list[RouteStop] = []
    drops: list[Drop] = []
    load = 0
    for k, (visit, (arrive, depart)) in enumerate(zip(run.visits, times)):
        if isinstance(visit, DropOff):
            load -= visit.pupils
            drops.append(
                Drop(
                    problem.school_ids[visit.school], arrive, depart, visit.pupils, len(stops), load
                )
            )
            continue
        load += visit.pupils
        reached = next(
            times[j][0]
            for j in range(k + 1, len(run.visits))
            if isinstance(run.visits[j], DropOff) and run.visits[j].school == visit.school
        )
        v = visit.village
        stops.append(
            RouteStop(
                village=problem.village_ids[v],
                village_name=problem.village_names[v],
                lon=round(float(region.villages["lon"].iloc[v]), 7),
                lat=round(float(region.villages["lat"].iloc[v]), 7),
                arrive_s=arrive,
                depart_s=depart,
                boarding={band: n for band, n in sorted(visit.boarding.items())},
                load_after=load,
                ride_s=reached - arrive,
                limit_s=ride_limit_s(problem, visit.boarding),
                school="" if single else problem.school_ids[visit.school],
            )
        )
    places = run_places(problem, run)
    geometry, _ = region.route_path(places[1:])
    _, length = region.route_path(places)
    first = places[1]
    bus = policy.bus.fleet()[run.bus]
    return Route(
        id=route_id,
        school=problem.school_ids[schools[-1]],
        start=run.yard_name,
        seats=bus.seats,
        bus_type=bus.name,
        depart_s=times[0][0] - int(problem.time_s[run.yard, first]),
        stops=tuple(stops),
        arrive_school_s=times[-1][0],
        distance_m=int(round(length)),
        drive_s=run_drive_s(problem, run),
        longest_ride_s=max(s.ride_s for s in stops),
        geometry=tuple(geometry),
        bell_s=problem.bell_s(schools[-1]),
        drops=() if single else tuple(drops),
    )
