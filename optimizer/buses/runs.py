"""Morning school-bus runs to each receiving school, on the shared VRP core.

A run collects pupils at village stops and arrives at the school before the bell.
Each pupil's ride, from the bus reaching their stop to the school, must stay within
the one-way limit of the youngest band at that stop. A ride time depends on what
comes *after* a stop, so the model routes the run backwards: it starts at the
school at time zero and follows every road the other way round (the travel from
``i`` to ``j`` is the real drive ``j -> i``, after the stop time at ``i``). The
arrival at a stop is then exactly the ride of the pupils boarding there, and the
limit is a plain time window. Objective: fewest buses (a fixed cost per bus), then
driving time (loaded legs count twice: shorter rides). Stops with more riders
than seats are split into seat-sized groups. The engines (PyVRP by default,
OR-Tools routing as the alternative) live in :mod:`optimizer.solvers.vrp`; both return
the same route objects and every run is re-timed and re-checked by the verifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from geodata.kinds import BANDS
from optimizer.buses.settings import RoutingSettings
from optimizer.errors import UnroutableRiders
from optimizer.plan import SolverRun
from optimizer.problem.data import Problem
from optimizer.problem.rules import limit_s, stop_time_s
from optimizer.solvers.vrp import VehicleType, VrpModel, VrpSettings, solve_vrp

#: Loaded driving counts this many times (empty driving from the yard once).
LOADED_WEIGHT = 2
#: Riders of one school: village index -> band -> pupils.
Riders = dict[int, dict[str, int]]


@dataclass(frozen=True)
class Pickup:
    """One group boarding at a stop (a village's riders, split when over the seats).

    ``village`` is the stop; ``boarding`` counts everyone boarding by band, of whom
    ``walkers`` (``(village, band, pupils)``) walked there from other villages.
    """

    village: int
    boarding: dict[str, int]
    walkers: tuple[tuple[int, str, int], ...] = ()

    @property
    def pupils(self) -> int:
        """Pupils boarding."""
        return sum(self.boarding.values())


@dataclass(frozen=True)
class Run:
    """One bus run in driving order: pickups, then the school; ``bus`` indexes the fleet."""

    school: int
    pickups: tuple[Pickup, ...]
    bus: int = 0


def yard(problem: Problem, school: int) -> tuple[int, str]:
    """Where the buses of a school start: the nearest bus yard (depot), by drive time to
    the school, or the school's own yard when the region has no depots.

    Returns
    -------
    place, label
        The yard's place index and its name in the plan (a depot id or ``"<school> yard"``).
    """
    school_place = problem.school_place(school)
    if not problem.depot_ids:
        return school_place, f"{problem.school_ids[school]} yard"
    first = problem.n_villages + problem.n_schools
    d = int(np.argmin(problem.time_s[first : first + len(problem.depot_ids), school_place]))
    return first + d, problem.depot_ids[d]


def pickup_limit_s(problem: Problem, pickup: Pickup) -> int:
    """The ride limit of a pickup: each band's one-way limit, less the walk to the stop
    for those who walked there (walk + ride stays within the limit)."""
    own = dict(pickup.boarding)
    limits = []
    for origin, band, n in pickup.walkers:
        own[band] -= n
        walk = int(problem.walk_time_s(int(problem.walk_m[origin, pickup.village])))
        limits.append(limit_s(problem, band) - walk)
    limits += [limit_s(problem, band) for band, n in own.items() if n > 0]
    return min(limits)


def split_pickups(
    problem: Problem,
    village: int,
    boarding: dict[str, int],
    walkers: dict[int, dict[str, int]] | None = None,
) -> list[Pickup]:
    """Split the riders boarding at a stop into groups that each fit the largest bus
    (youngest first; in a band the stop's own riders, then each walking village)."""
    seats = problem.bus.largest_seats
    walkers = walkers or {}
    groups: list[dict[str, int]] = [{}]
    walked: list[list[tuple[int, str, int]]] = [[]]
    room = seats
    for band in BANDS:
        sources = [(village, boarding.get(band, 0))]
        sources += [(w, walkers[w].get(band, 0)) for w in sorted(walkers)]
        for origin, left in sources:
            while left > 0:
                if room == 0:
                    groups.append({})
                    walked.append([])
                    room = seats
                take = min(left, room)
                groups[-1][band] = groups[-1].get(band, 0) + take
                if origin != village:
                    walked[-1].append((origin, band, take))
                left -= take
                room -= take
    return [Pickup(village, g, tuple(w)) for g, w in zip(groups, walked) if g]


def route_school(
    problem: Problem,
    school: int,
    riders: Riders,
    settings: RoutingSettings | None = None,
    *,
    stops: Mapping[int, int] | None = None,
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
    settings
        The engine (PyVRP by default, OR-Tools routing as the alternative), a seed and
        an iteration or solution limit make the result reproducible; the time limit is
        a guard.
    stops
        Riding village -> the village whose stop its riders walk to and board at
        (see :mod:`optimizer.buses.stops`); ``None``: every village is its own stop.

    Raises
    ------
    UnroutableRiders
        When a stop's direct ride alone is over its limit, or the search found none.
    """
    settings = settings or RoutingSettings()
    boarding, walkers = _at_stops(riders, stops)
    if not problem.bus.split_stops:
        _check_whole_stops(problem, school, boarding, walkers)
    pickups = [
        p
        for v in sorted(set(boarding) | set(walkers))
        for p in split_pickups(problem, v, boarding.get(v, {}), walkers.get(v))
    ]
    service = np.array([stop_time_s(problem, p.pupils) for p in pickups], dtype=np.int64)
    limits = np.array([pickup_limit_s(problem, p) for p in pickups], dtype=np.int64)
    _check_direct_rides(problem, school, pickups, service, limits)
    model = backward_model(problem, school, pickups, service, limits)
    vrp = VrpSettings(
        engine=settings.engine.value,
        seed=settings.seed,
        max_iterations=settings.iterations,
        solution_limit=settings.solution_limit,
        time_limit_s=settings.time_limit_s,
    )
    result = solve_vrp(model, vrp)
    if result.status != "FEASIBLE":
        raise UnroutableRiders(
            [
                f"school {problem.school_ids[school]}: the {settings.engine} search "
                f"found no routes for every rider ({result.status}); raise "
                "solver.routing_iterations or solver.routing_time_limit_s"
            ]
        )
    runs = [
        Run(school, tuple(pickups[c] for c in reversed(route.visits)), route.vehicle_type)
        for route in result.routes
    ]
    runs.sort(key=lambda r: [(p.village, sorted(p.boarding.items())) for p in r.pickups])
    run = SolverRun(
        stage=f"buses {problem.school_ids[school]}",
        engine=result.engine,
        status=result.status,
        objective=float(result.cost),
        bound=None,
        gap=None,
        settings={
            "engine": vrp.engine,
            "seed": vrp.seed,
            "max_iterations": vrp.max_iterations,
            "solution_limit": vrp.solution_limit,
            "time_limit_s": vrp.time_limit_s,
        },
        reproducible=result.reproducible,
    )
    return runs, run


def _at_stops(
    riders: Riders, stops: Mapping[int, int] | None
) -> tuple[dict[int, dict[str, int]], dict[int, dict[int, dict[str, int]]]]:
    """Who boards at each stop: its own riders, and by village those who walk there."""
    stop_of = {v: v for v in riders} if stops is None else dict(stops)
    boarding: dict[int, dict[str, int]] = {}
    walkers: dict[int, dict[int, dict[str, int]]] = {}
    for v in sorted(riders):
        stop = stop_of[v]
        if stop == v:
            boarding[v] = dict(riders[v])
        else:
            walkers.setdefault(stop, {})[v] = dict(riders[v])
    return boarding, walkers


def _check_whole_stops(
    problem: Problem,
    school: int,
    boarding: dict[int, dict[str, int]],
    walkers: dict[int, dict[int, dict[str, int]]],
) -> None:
    """Where a stop's riders may not be split, they fit the largest bus."""
    largest = problem.bus.largest_seats
    at_stop = {
        v: sum(boarding.get(v, {}).values())
        + sum(sum(b.values()) for b in walkers.get(v, {}).values())
        for v in set(boarding) | set(walkers)
    }
    crowded = [v for v in sorted(at_stop) if at_stop[v] > largest]
    if crowded:
        raise UnroutableRiders(
            [
                f"village {problem.village_ids[v]} -> school {problem.school_ids[school]}: "
                f"{at_stop[v]} riders, the largest bus has {largest} seats and "
                "policy.bus.split_stops is false"
                for v in crowded
            ]
        )


def _check_direct_rides(
    problem: Problem,
    school: int,
    pickups: list[Pickup],
    service: np.ndarray,
    limits: np.ndarray,
) -> None:
    """Each pickup's direct ride with its own stop is within its limit."""
    reasons = [reason for _, reason in _overlong(problem, school, pickups, service, limits)]
    if reasons:
        raise UnroutableRiders(reasons)


def _overlong(
    problem: Problem,
    school: int,
    pickups: list[Pickup],
    service: np.ndarray,
    limits: np.ndarray,
) -> list[tuple[int, str]]:
    """The pickups whose direct ride with their own stop is over their limit, each with
    the reason in words."""
    school_place = problem.school_place(school)
    out = []
    for i, p in enumerate(pickups):
        direct = int(problem.time_s[p.village, school_place]) + int(service[i])
        if direct > limits[i]:
            out.append(
                (
                    i,
                    f"village {problem.village_ids[p.village]} -> school "
                    f"{problem.school_ids[school]}: the direct ride with its stop takes "
                    f"{direct / 60:.1f} min, over the {limits[i] / 60:g}-minute limit",
                )
            )
    return out


@dataclass(frozen=True)
class OverlongStop:
    """A village whose riders to a school cannot all board one stop within their limit:
    the direct ride with the stop they make together is too long.

    ``bands`` are every band riding from ``village`` to ``school`` (the combination that
    fails; each alone is within its limit, or the closure model would not have sent it).
    """

    village: int
    school: int
    bands: tuple[str, ...]
    reason: str


def overlong_stops(problem: Problem, school: int, riders: Riders) -> list[OverlongStop]:
    """The villages among ``riders`` whose own stop's direct ride is over its limit.

    The router's own direct-ride check (:func:`route_school` raises on the same), run
    before routing so that the planning flow can send those pupils elsewhere.
    """
    pickups = [p for v in sorted(riders) for p in split_pickups(problem, v, riders[v])]
    service = np.array([stop_time_s(problem, p.pupils) for p in pickups], dtype=np.int64)
    limits = np.array([pickup_limit_s(problem, p) for p in pickups], dtype=np.int64)
    found: dict[int, OverlongStop] = {}
    for i, reason in _overlong(problem, school, pickups, service, limits):
        v = pickups[i].village
        bands = tuple(band for band in BANDS if riders[v].get(band, 0) > 0)
        found.setdefault(v, OverlongStop(v, school, bands, reason))
    return [found[v] for v in sorted(found)]


def backward_model(
    problem: Problem,
    school: int,
    pickups: list[Pickup],
    service: np.ndarray,
    limits: np.ndarray,
) -> VrpModel:
    """The morning run of one school as a VRP routed backwards from the school.

    Node 0 is the school (the depot), then each village with pickups. Travel from
    ``i`` to ``j`` is the real drive ``j -> i``; a pickup's latest arrival is its ride
    limit less its own stop, so the arrival time is the ride of its pupils. The cost
    counts loaded legs twice and the empty leg from the yard once: fewest buses,
    then driving, then shorter rides.
    """
    villages = sorted({p.village for p in pickups})
    places = np.array([problem.school_place(school), *villages], dtype=np.int64)
    node = {v: i + 1 for i, v in enumerate(villages)}
    drive = problem.time_s[np.ix_(places, places)].astype(np.int64)
    backward = drive.T.copy()
    cost = LOADED_WEIGHT * backward
    # Back to the "depot" in the backward run = the empty drive out from the yard.
    cost[1:, 0] = problem.time_s[yard(problem, school)[0], places[1:]]
    n = len(pickups)
    # A bus costs more than any driving: cheapest fleet first (fewest buses, one type).
    base = int(cost.max(initial=0)) * (len(places) + 1) * 2 + 1
    fleet = problem.bus.types
    dearest = max(max(t.fixed_cost for t in fleet), 1.0)
    return VrpModel(
        duration=backward,
        distance=cost,
        depots=np.array([0]),
        clients=np.array([node[p.village] for p in pickups], dtype=np.int64),
        vehicle_types=tuple(
            VehicleType(
                count=n if t.count is None else t.count,
                capacity=t.seats,
                depot=0,
                fixed_cost=int(round(base * max(t.fixed_cost, 1.0) / dearest)),
            )
            for t in fleet
        ),
        demand=np.array([p.pupils for p in pickups], dtype=np.int64),
        service=service,
        tw_early=np.zeros(n, dtype=np.int64),
        tw_late=limits - service,
        objective="distance",
    )
