"""School bus routing with staggered bells (the MIT study's synthetic districts).

Each instance is a folder with ``Schools.txt`` (``ID X Y AMEARLY AMLATE``: feet, the
arrival window as clock times ``HHMM``, e.g. ``545`` is 5:45 and ``1000`` is 10:00; the
study's own loader (``parseTime`` in mitschoolbus/SchoolBusRouting ``src/load.jl``)
reads them so, and no value has minutes of 60 or more) and ``Stops.txt`` (``ID X_COORD Y_COORD
EP_ID STUDENT_COUNT``); ``reference.csv`` gives, per instance and maximum ride, the
fewest buses the study found. Study settings: Manhattan distance, 29.33 ft/s, 66
seats, 19 s + 2.6 s per pupil at a stop, 154.4 s at the school, one yard at
(105600, 105600). A bus may serve several schools in sequence.

Method (as in the study: single-school runs first, then buses):

1. Route each school's stops into runs on the VRP core, backwards from the school
   (as :mod:`optimizer.buses.runs` does), so that each stop's ride limit is a plain time
   window; a fixed cost per run above any driving puts the fewest runs first, then
   the least loaded driving.
2. Time each run to reach its school inside the arrival window. Every run of a school
   gets the same arrival time, chosen per school from a few candidates in the window
   (``CANDIDATES``) by coordinate descent on the bus count.
3. Chain the timed runs into bus duties with :func:`optimizer.solvers.chaining.chain_trips`
   (fewest buses, then least empty driving, yard legs included).

Times are whole seconds rounded up (drives, stop and school times), so a schedule
feasible here is feasible in exact arithmetic; :func:`verify` re-checks it in exact
(floating point) figures from the files, independently of the model: every pupil
carried once, seats, ride limits, arrival windows, and each bus's runs in sequence.
A ride is the study's: from the bus leaving the pupil's stop to reaching the school
(the drives and the later stops' times; the school's 154.4 s follow the arrival).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.runner import Outcome
from optimizer.solvers.chaining import Trip, chain_trips
from optimizer.solvers.vrp import VehicleType, VrpModel, VrpSettings, solve_vrp

SPEED_FT_S = 29.33
SEATS = 66
STOP_S = 19.0
STOP_PER_PUPIL_S = 2.6
SCHOOL_S = 154.4
YARD_XY = (105600.0, 105600.0)
SEED = 1
#: PyVRP iterations and OR-Tools solutions per school (the time limit is only a guard).
ITERATIONS = 3000
SOLUTION_LIMIT = 300
#: Candidate arrival times per school, as shares of its window (0: opening, 1: close).
CANDIDATES = (0.0, 0.25, 0.5, 0.75, 1.0)
#: Coordinate-descent sweeps over the schools' arrival times.
SWEEPS = 3


class InstanceError(ValueError):
    """A malformed instance file; the message names the file, row and field."""


@dataclass(frozen=True)
class School:
    """A school: id, position (feet) and arrival window (seconds after midnight)."""

    id: str
    x: float
    y: float
    early_s: int
    late_s: int


@dataclass(frozen=True)
class Stop:
    """A stop: id, position (feet), the index of its pupils' school, pupils."""

    id: str
    x: float
    y: float
    school: int
    pupils: int


@dataclass(frozen=True)
class Instance:
    """One district as read from its folder."""

    name: str
    schools: tuple[School, ...]
    stops: tuple[Stop, ...]


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
    """Runs, their arrival times at school, and the bus duties (indices into runs)."""

    runs: tuple[Run, ...]
    arrival_s: tuple[int, ...]
    duties: tuple[tuple[int, ...], ...]
    reproducible: bool


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a whitespace-separated table with a header naming ``columns``."""
    if not path.is_file():
        raise InstanceError(f"{path}: file missing")
    lines = [(k, line.split()) for k, line in enumerate(path.read_text().splitlines(), 1)]
    lines = [(k, f) for k, f in lines if f]
    if not lines or tuple(lines[0][1]) != columns:
        raise InstanceError(f"{path}: line 1: header {' '.join(columns)} expected")
    out = []
    for k, fields in lines[1:]:
        if len(fields) != len(columns):
            raise InstanceError(f"{path}: line {k}: {len(columns)} fields expected")
        out.append((k, dict(zip(columns, fields, strict=True))))
    return out


def _number(path: Path, line: int, row: dict[str, str], field: str, kind: type) -> float:
    try:
        value = kind(row[field])
    except ValueError:
        raise InstanceError(
            f"{path}: line {line}: {field} = {row[field]!r}, {kind.__name__} expected"
        ) from None
    if value < 0:
        raise InstanceError(f"{path}: line {line}: {field} = {value}, non-negative expected")
    return value


def _clock_s(path: Path, line: int, row: dict[str, str], field: str) -> int:
    """Seconds after midnight of a clock time written ``HHMM`` (``545`` is 5:45)."""
    value = int(_number(path, line, row, field, int))
    hours, minutes = divmod(value, 100)
    if minutes >= 60 or hours >= 24:
        raise InstanceError(f"{path}: line {line}: {field} = {value}, a time HHMM expected")
    return 3600 * hours + 60 * minutes


def read_instance(folder: Path) -> Instance:
    """Read ``Schools.txt`` and ``Stops.txt`` of an instance folder.

    Raises
    ------
    InstanceError
        Naming the file, line and field of a malformed value, a window that closes
        before it opens, or a stop whose school is not in ``Schools.txt``.
    """
    folder = Path(folder)
    path = folder / "Schools.txt"
    schools = []
    for k, row in _rows(path, ("ID", "X", "Y", "AMEARLY", "AMLATE")):
        early, late = (_clock_s(path, k, row, f) for f in ("AMEARLY", "AMLATE"))
        if late < early:
            raise InstanceError(
                f"{path}: line {k}: AMLATE {row['AMLATE']} before AMEARLY {row['AMEARLY']}"
            )
        x, y = (_number(path, k, row, f, float) for f in ("X", "Y"))
        schools.append(School(row["ID"], x, y, early, late))
    index = {s.id: i for i, s in enumerate(schools)}
    path = folder / "Stops.txt"
    stops = []
    for k, row in _rows(path, ("ID", "X_COORD", "Y_COORD", "EP_ID", "STUDENT_COUNT")):
        if row["EP_ID"] not in index:
            raise InstanceError(f"{path}: line {k}: EP_ID {row['EP_ID']} is not in Schools.txt")
        x, y = (_number(path, k, row, f, float) for f in ("X_COORD", "Y_COORD"))
        pupils = int(_number(path, k, row, "STUDENT_COUNT", int))
        stops.append(Stop(row["ID"], x, y, index[row["EP_ID"]], pupils))
    return Instance(folder.name, tuple(schools), tuple(stops))


def drive_ft(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Manhattan distance in feet."""
    return abs(a[0] - b[0]) + abs(a[1] - b[1])


def places(instance: Instance) -> list[tuple[float, float]]:
    """Matrix places: the yard, then the schools, then the stops."""
    return [
        YARD_XY,
        *((s.x, s.y) for s in instance.schools),
        *((s.x, s.y) for s in instance.stops),
    ]


def travel_matrix(instance: Instance) -> np.ndarray:
    """Drive times between :func:`places`, whole seconds rounded up."""
    xy = np.array(places(instance))
    feet = np.abs(xy[:, None, :] - xy[None, :, :]).sum(axis=2)
    return np.ceil(feet / SPEED_FT_S).astype(np.int64)


def stop_s(pupils: int) -> int:
    """Whole seconds at a stop where ``pupils`` board (rounded up)."""
    return math.ceil(STOP_S + STOP_PER_PUPIL_S * pupils)


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
    RuntimeError
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
        raise RuntimeError(f"stop {bad}: the direct ride is over {max_ride_s} s")
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
        raise RuntimeError(
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


def trips_at(instance: Instance, runs: list[Run], arrival_s: list[int]) -> list[Trip]:
    """The runs as timed trips on the :func:`travel_matrix` places."""
    first_stop = 1 + len(instance.schools)
    return [
        Trip(
            start_place=first_stop + run.pickups[0].stop,
            start_s=arrive - run.duration_s,
            end_place=1 + run.school,
            end_s=arrive + math.ceil(SCHOOL_S),
            seats=SEATS,
        )
        for run, arrive in zip(runs, arrival_s, strict=True)
    ]


def schedule(instance: Instance, max_ride_s: int, settings: VrpSettings) -> Schedule:
    """Route every school, choose each school's arrival time, chain the runs."""
    travel = travel_matrix(instance)
    runs, reproducible = [], True
    for school in range(len(instance.schools)):
        school_runs, done = route_school(instance, travel, school, max_ride_s, settings)
        runs.extend(school_runs)
        reproducible &= done
    windows = [
        [s.early_s + round(share * (s.late_s - s.early_s)) for share in CANDIDATES]
        for s in instance.schools
    ]

    def duties_for(choice: list[int]) -> list[list[int]]:
        arrival = [windows[r.school][choice[r.school]] for r in runs]
        return chain_trips(trips_at(instance, runs, arrival), travel, yard=0)

    # Start at every window's close; move one school's time at a time while the bus
    # count falls (ties keep the earlier choice: deterministic).
    choice = [len(CANDIDATES) - 1] * len(instance.schools)
    best = len(duties_for(choice))
    for _ in range(SWEEPS):
        improved = False
        for school in range(len(instance.schools)):
            for option in range(len(CANDIDATES)):
                trial = [*choice[:school], option, *choice[school + 1 :]]
                buses = len(duties_for(trial))
                if buses < best:
                    best, choice, improved = buses, trial, True
        if not improved:
            break
    arrival = tuple(windows[r.school][choice[r.school]] for r in runs)
    duties = chain_trips(trips_at(instance, runs, list(arrival)), travel, yard=0)
    return Schedule(tuple(runs), arrival, tuple(tuple(d) for d in duties), reproducible)


def verify(instance: Instance, max_ride_s: float, plan: Schedule) -> list[str]:
    """What ``plan`` breaks, re-checked from the instance in exact figures (empty: none).

    Checks every stop's pupils carried exactly, seats, each pickup's ride (from the
    bus leaving the stop to reaching the school) within
    ``max_ride_s``, each run reaching its school inside the window, and each bus
    getting from one run's school (after unloading) to the next run's first stop in
    time; every run on exactly one bus.
    """
    problems = []
    carried = [0] * len(instance.stops)
    starts, ends = [], []
    for k, (run, arrive) in enumerate(zip(plan.runs, plan.arrival_s, strict=True)):
        school = instance.schools[run.school]
        load = sum(p.pupils for p in run.pickups)
        if load > SEATS:
            problems.append(f"run {k}: {load} pupils on {SEATS} seats")
        if not school.early_s <= arrive <= school.late_s:
            problems.append(f"run {k}: reaches school {school.id} at {arrive} s, outside")
        # Backwards from the school: ride of each pickup = drives after it + stops.
        ride, here = 0.0, (school.x, school.y)
        for p in reversed(run.pickups):
            stop = instance.stops[p.stop]
            if stop.school != run.school:
                problems.append(f"run {k}: stop {stop.id} belongs to another school")
            carried[p.stop] += p.pupils
            ride += drive_ft((stop.x, stop.y), here) / SPEED_FT_S
            here = (stop.x, stop.y)
            if ride > max_ride_s + 1e-9:
                problems.append(f"run {k}: stop {stop.id} rides {ride:.1f} s > {max_ride_s}")
            ride += STOP_S + STOP_PER_PUPIL_S * p.pupils  # the later pupils wait for these
        starts.append((here, arrive - ride))
        ends.append(((school.x, school.y), arrive + SCHOOL_S))
    for stop, n in zip(instance.stops, carried, strict=True):
        if n != stop.pupils:
            problems.append(f"stop {stop.id}: {n} of {stop.pupils} pupils carried")
    on_bus = sorted(k for duty in plan.duties for k in duty)
    if on_bus != list(range(len(plan.runs))):
        problems.append("runs not each on exactly one bus")
    for b, duty in enumerate(plan.duties):
        for i, j in zip(duty, duty[1:], strict=False):
            there = ends[i][1] + drive_ft(ends[i][0], starts[j][0]) / SPEED_FT_S
            if there > starts[j][1] + 1e-9:
                problems.append(f"bus {b}: reaches run {j} at {there:.1f} s, {starts[j][1]:.1f}")
    return problems


def read_cases(folder: Path) -> list[tuple[str, float | None, tuple[Path, int]]]:
    """``(name, reference buses, (instance folder, max ride))`` per ``reference.csv`` row."""
    path = Path(folder) / "reference.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no reference.csv in the benchmark folder")
    cases = []
    with path.open(newline="") as fh:
        for k, row in enumerate(csv.DictReader(fh), start=2):
            try:
                name, ride = row["instance"].strip(), int(row["max_ride_s"])
                ref = float(row["reference_buses"])
            except (KeyError, TypeError, ValueError):
                raise InstanceError(
                    f"{path}: line {k}: instance, max_ride_s (integer) and "
                    "reference_buses (number) expected"
                ) from None
            cases.append((f"{name}-{ride}", ref, (Path(folder) / name, ride)))
    return sorted(cases)


def solve_case(case: tuple[Path, int], time_limit_s: float, *, engine: str = "pyvrp") -> Outcome:
    """Schedule one instance at one ride limit; the value is the verified bus count
    (the status adds the number of single-school runs the buses drive)."""
    folder, max_ride_s = case
    instance = read_instance(folder)
    per_school = time_limit_s / max(1, len(instance.schools))
    settings = VrpSettings(
        engine=engine,
        seed=SEED,
        max_iterations=ITERATIONS,
        solution_limit=SOLUTION_LIMIT,
        time_limit_s=per_school,
    )
    plan = schedule(instance, max_ride_s, settings)
    problems = verify(instance, max_ride_s, plan)
    if problems:
        return Outcome(None, f"INFEASIBLE ({problems[0]})")
    status = "FEASIBLE" if plan.reproducible else "FEASIBLE (time guard)"
    return Outcome(float(len(plan.duties)), f"{status}, {len(plan.runs)} runs")
