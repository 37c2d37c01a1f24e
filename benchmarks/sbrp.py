"""School bus routing with staggered bells (the MIT study's synthetic districts).

The files, the study's settings and the cases are in :mod:`benchmarks.sbrp_files`; the
independent re-check in :mod:`benchmarks.sbrp_check`. Two ways to time the schools
(:class:`Bells`):

``study`` (the default, the SUMMARY line compared with the study's bus counts)
    The study's own problem: each school's drop-off finishes at its ``AMEARLY``
    (``starttime = intervalStart`` in the study's loader, as its table S1 runs), and a
    bus leaves a school then.
``window``
    A relaxed variant, behind ``--bells window``: each school's bell may move inside
    ``[AMEARLY, AMLATE]``, chosen per school from a few candidates (``CANDIDATES``) by
    coordinate descent on the bus count. Its gap is to the study's counts for the
    study's problem, so it is not a like-for-like comparison.

Method (as in the study: single-school runs first, then buses):

1. Route each school's stops into runs on the VRP core, backwards from the school
   (as :mod:`optimizer.buses.runs` does), so that each stop's ride limit is a plain time
   window; a fixed cost per run above any driving puts the fewest runs first, then
   the least loaded driving.
2. Time each run to finish its drop-off at its school's bell.
3. Chain the timed runs into bus duties with :func:`optimizer.solvers.chaining.chain_trips`
   (fewest buses, then least empty driving, yard legs included).

Times are whole seconds rounded up (drives, stop and school times), so a schedule
feasible here is feasible in exact arithmetic; :func:`benchmarks.sbrp_check.verify`
re-checks it in exact figures from the files before a bus count is reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np

from benchmarks.budget import Budget
from benchmarks.runner import Outcome, Status
from benchmarks.sbrp_check import verify
from benchmarks.sbrp_files import (
    SCHOOL_S,
    SEATS,
    Instance,
    InstanceError,
    read_cases,
    read_instance,
    stop_s,
    travel_matrix,
)
from optimizer.solvers.chaining import Trip, chain_trips
from optimizer.solvers.vrp import VehicleType, VrpModel, VrpSettings, solve_vrp

__all__ = [
    "Bells",
    "InstanceError",
    "NoRuns",
    "read_cases",
    "read_instance",
    "schedule",
    "solve_case",
    "verify",
]

SEED = 1
#: PyVRP iterations and OR-Tools solutions per school (the time limit is only a guard).
ITERATIONS = 3000
SOLUTION_LIMIT = 300
#: ``window`` bells: candidates per school, as shares of its window (0: AMEARLY, 1: AMLATE).
CANDIDATES = (0.0, 0.25, 0.5, 0.75, 1.0)
#: Coordinate-descent sweeps over the schools' bells.
SWEEPS = 3
#: Whole seconds a bus spends at the school, rounded up.
DWELL_S = math.ceil(SCHOOL_S)


class Bells(StrEnum):
    """When each school's drop-off finishes."""

    STUDY = "study"
    WINDOW = "window"


class NoRuns(RuntimeError):
    """A school whose stops cannot be routed under the ride limit."""


@dataclass(frozen=True)
class Pickup:
    """Pupils boarding one run at one stop (a stop over the seats is split)."""

    stop: int
    pupils: int


@dataclass(frozen=True)
class Run:
    """One single-school run: pickups in driving order, then the school.

    ``duration_s`` runs from reaching the first stop to reaching the school.
    """

    school: int
    pickups: tuple[Pickup, ...]
    duration_s: int


@dataclass(frozen=True)
class Schedule:
    """Runs, the bell of each run's school, and the bus duties (indices into runs)."""

    runs: tuple[Run, ...]
    bell_s: tuple[int, ...]
    duties: tuple[tuple[int, ...], ...]
    reproducible: bool


def route_school(
    instance: Instance,
    travel: np.ndarray,
    school: int,
    max_ride_s: int,
    settings: VrpSettings,
) -> tuple[list[Run], bool]:
    """The runs of one school: fewest runs, then least loaded driving.

    The VRP runs backwards from the school (node 0) at time zero; the travel
    ``i -> j`` is the real drive ``j -> i`` after the stop at ``i``, so the arrival
    at a pickup is the ride of its pupils (from leaving their stop to the school) and
    the ride limit is the window ``[0, max_ride_s]``.

    Returns
    -------
    runs, reproducible
        Runs sorted by their pickups; whether the iteration limit, not the clock,
        stopped the search.

    Raises
    ------
    NoRuns
        When a stop is too far for the ride limit or the search found no feasible runs.
    """
    first_stop = 1 + len(instance.schools)
    pickups = []
    for k, stop in enumerate(instance.stops):
        if stop.school == school and stop.pupils > 0:
            left = stop.pupils
            while left > 0:
                pickups.append(Pickup(k, min(left, SEATS)))
                left -= SEATS
    if not pickups:
        return [], True
    nodes = np.array([1 + school, *(first_stop + p.stop for p in pickups)])
    backward = travel[np.ix_(nodes, nodes)].T.copy()
    service = np.array([stop_s(p.pupils) for p in pickups], dtype=np.int64)
    late = np.full(len(pickups), max_ride_s, dtype=np.int64)
    direct = backward[0, 1:]
    if np.any(direct > late):
        bad = instance.stops[pickups[int(np.argmax(direct > late))].stop].id
        raise NoRuns(f"{instance.name} stop {bad}: the direct ride is over {max_ride_s} s")
    cost = backward.copy()
    cost[:, 0] = 0  # the empty drive to the first stop belongs to the chaining
    fixed = 2 * int(cost.max()) * (len(nodes) + 1) + 1  # above any total driving
    model = VrpModel(
        duration=backward,
        distance=cost,
        depots=np.array([0]),
        clients=np.arange(1, len(nodes)),
        vehicle_types=(VehicleType(count=len(pickups), capacity=SEATS, fixed_cost=fixed),),
        demand=np.array([p.pupils for p in pickups], dtype=np.int64),
        service=service,
        tw_late=late,
        objective="distance",
    )
    result = solve_vrp(model, settings)
    if result.status != "FEASIBLE":
        raise NoRuns(
            f"{instance.name} school {instance.schools[school].id}: {result.status} "
            f"{'; '.join(result.violations)}"
        )
    runs = []
    for route in result.routes:
        last = route.visits[-1]  # the first stop in driving order
        runs.append(
            Run(
                school=school,
                pickups=tuple(pickups[c] for c in reversed(route.visits)),
                duration_s=route.start_s[-1] + int(service[last]),
            )
        )
    runs.sort(key=lambda r: [(p.stop, p.pupils) for p in r.pickups])
    return runs, result.reproducible


def trips_at(instance: Instance, runs: list[Run], bell_s: list[int]) -> list[Trip]:
    """The runs as timed trips on the travel-matrix places: each is at its first stop in
    time to finish the drop-off by its bell, and free at its school at the bell."""
    first_stop = 1 + len(instance.schools)
    return [
        Trip(
            start_place=first_stop + run.pickups[0].stop,
            start_s=bell - DWELL_S - run.duration_s,
            end_place=1 + run.school,
            end_s=bell,
            seats=SEATS,
        )
        for run, bell in zip(runs, bell_s, strict=True)
    ]


def _window_bells(instance: Instance, runs: list[Run], travel: np.ndarray) -> tuple[int, ...]:
    """``window`` bells: one per school from :data:`CANDIDATES`, by coordinate descent
    from every window's close, one school at a time while the bus count falls (ties
    keep the earlier choice: deterministic)."""
    windows = [
        [s.early_s + round(share * (s.late_s - s.early_s)) for share in CANDIDATES]
        for s in instance.schools
    ]

    def buses(choice: list[int]) -> int:
        bells = [windows[r.school][choice[r.school]] for r in runs]
        return len(chain_trips(trips_at(instance, runs, bells), travel, yard=0))

    choice = [len(CANDIDATES) - 1] * len(instance.schools)
    best = buses(choice)
    for _ in range(SWEEPS):
        improved = False
        for school in range(len(instance.schools)):
            for option in range(len(CANDIDATES)):
                trial = [*choice[:school], option, *choice[school + 1 :]]
                count = buses(trial)
                if count < best:
                    best, choice, improved = count, trial, True
        if not improved:
            break
    return tuple(windows[s][choice[s]] for s in range(len(instance.schools)))


def schedule(
    instance: Instance, max_ride_s: int, settings: VrpSettings, *, bells: Bells = Bells.STUDY
) -> Schedule:
    """Route every school, time its runs to its bell, chain the runs into buses."""
    travel = travel_matrix(instance)
    runs, reproducible = [], True
    for school in range(len(instance.schools)):
        school_runs, done = route_school(instance, travel, school, max_ride_s, settings)
        runs.extend(school_runs)
        reproducible &= done
    if bells is Bells.STUDY:
        school_bell = tuple(s.early_s for s in instance.schools)
    else:
        school_bell = _window_bells(instance, runs, travel)
    bell = [school_bell[r.school] for r in runs]
    duties = chain_trips(trips_at(instance, runs, bell), travel, yard=0)
    return Schedule(tuple(runs), tuple(bell), tuple(tuple(d) for d in duties), reproducible)


def solve_case(
    case: tuple[Path, int],
    time_limit_s: float,
    *,
    engine: str = "pyvrp",
    bells: Bells | str = Bells.STUDY,
) -> Outcome:
    """Schedule one instance at one ride limit within ``time_limit_s`` (reading
    included); the value is the verified bus count (the note adds the runs)."""
    budget = Budget(time_limit_s)
    bells = Bells(bells)
    folder, max_ride_s = case
    instance = read_instance(folder)
    settings = VrpSettings(
        engine=engine,
        seed=SEED,
        max_iterations=ITERATIONS,
        solution_limit=SOLUTION_LIMIT,
        time_limit_s=budget.solver_s(1 / max(1, len(instance.schools))),
    )
    try:
        plan = schedule(instance, max_ride_s, settings, bells=bells)
    except NoRuns as exc:
        return Outcome(None, Status.NO_SOLUTION, str(exc))
    problems = verify(instance, max_ride_s, plan, study_bells=bells is Bells.STUDY)
    if problems:
        return Outcome(None, Status.INFEASIBLE, problems[0])
    note = f"{len(plan.runs)} runs" + ("" if plan.reproducible else ", time guard")
    return Outcome(float(len(plan.duties)), Status.FEASIBLE, note)
