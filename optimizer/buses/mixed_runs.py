"""What a multi-school run is: its visits in driving order, its places and its timetable.

Built by :mod:`optimizer.buses.mixed_load`; a run carries pupils of several schools and
drops each group at its own school.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.buses.runs import Run, yard
from optimizer.problem.data import Problem
from optimizer.problem.rules import stop_time_s


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


def run_key(run: MixedRun) -> list[tuple]:
    """A sort key of runs: their visits in order."""
    return [
        (0, v.village, v.school, sorted(v.boarding.items()))
        if isinstance(v, SchoolPickup)
        else (1, v.school, v.pupils)
        for v in run.visits
    ]


def mixed_run(
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
    bus = problem.bus
    latest = problem.bell_s(run.schools[-1]) - bus.arrive_before_bell_s
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
