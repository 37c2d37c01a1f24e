"""The MIT school-bus study's synthetic districts: the files and the study's settings.

Each instance is a folder with ``Schools.txt`` (``ID X Y AMEARLY AMLATE``: feet, the
bell window as clock times ``HHMM``, e.g. ``545`` is 5:45 and ``1000`` is 10:00; the
study's own loader (``parseTime`` in mitschoolbus/SchoolBusRouting ``src/load.jl``)
reads them so, and no value has minutes of 60 or more) and ``Stops.txt`` (``ID X_COORD
Y_COORD EP_ID STUDENT_COUNT``); ``reference.csv`` gives, per instance and maximum ride,
the fewest buses the study found (its table S1).

The study's settings (``loadSyntheticBenchmark`` in ``src/load.jl``, ``School`` in
``src/problem.jl``): Manhattan distance at 29.3333333 ft/s, 66 seats, 19 s + 2.6 s per
pupil at a stop, a dwell of 154.4 s at the school, one yard at (105600, 105600). A
school's ``starttime``, "the time at which buses finish drop-off", is ``AMEARLY`` (the
loader's default; table S1 is run with it): every bus of the school has finished its
drop-off by then and leaves the school then. A pupil's ride runs from the bus leaving
their stop to its reaching the school (the drives and the later stops' times).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SPEED_FT_S = 29.3333333
SEATS = 66
STOP_S = 19.0
STOP_PER_PUPIL_S = 2.6
SCHOOL_S = 154.4
YARD_XY = (105600.0, 105600.0)


class InstanceError(ValueError):
    """A malformed instance file; the message names the file, row and field."""


@dataclass(frozen=True)
class School:
    """A school: id, position (feet) and bell window (seconds after midnight)."""

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
