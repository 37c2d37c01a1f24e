"""The afternoon runs a Plan's routes carry: the same bus takes the same riders home.

Records only (built by :mod:`optimizer.planning.afternoons`, re-checked by
:mod:`optimizer.verification.afternoons`). Times of day are seconds after midnight,
durations seconds, distances metres, as in :mod:`optimizer.plan`.

A morning route's riders go home on one afternoon run per dismissal time
(``policy.bus.dismissal``, by band): where a route carries bands dismissed at different
times, each time has its own run, done by the same bus one after the other, and a run
the bus reaches late leaves late, the wait counted in its pupils' rides. An afternoon
run visits the morning's schools and stops in reverse order: it collects its pupils at
each school (never before their dismissal) and sets them down at the stops they boarded
at in the morning.
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.kinds import Band


def _by_band(counts: dict[str, int]) -> dict[Band, int]:
    return {Band(band): n for band, n in counts.items()}


@dataclass(frozen=True)
class HomeStop:
    """One stop of an afternoon run: when the bus is there and who alights.

    ``ride_s`` runs from the alighting pupils' dismissal at their school (``school``) to
    the bus reaching this stop: any wait for the bus, the drive and every stop before
    (as a morning ride runs from the bus reaching the stop to its arrival at school).
    ``limit_s`` is the longest ride allowed: each band's one-way limit, less the walk
    home for those who walk on to another village (as at the morning stop).
    """

    village: str
    village_name: str
    arrive_s: int
    depart_s: int
    alighting: dict[Band, int]
    load_after: int
    ride_s: int
    limit_s: int
    school: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "alighting", _by_band(self.alighting))


@dataclass(frozen=True)
class Collect:
    """A school where an afternoon run collects pupils.

    The bus is there at ``arrive_s`` and leaves at ``depart_s``, never before the pupils'
    ``dismissal_s``; ``pupils`` board, after the run's first ``after_stop`` stops, and
    ``load_after`` are on board as it leaves.
    """

    school: str
    dismissal_s: int
    arrive_s: int
    depart_s: int
    pupils: int
    after_stop: int
    load_after: int


@dataclass(frozen=True)
class AfternoonRun:
    """One afternoon run of a route: the riders of ``bands`` (one dismissal time) home.

    After its last stop the bus drives on to ``end`` (the next afternoon run's first
    school for a bus with more to do, else the yard the route started from), arriving
    at ``arrive_end_s``; ``distance_m`` and ``drive_s`` run from the first school to
    ``end``.
    """

    bands: tuple[Band, ...]
    collects: tuple[Collect, ...]
    stops: tuple[HomeStop, ...]
    end: str
    arrive_end_s: int
    distance_m: int
    drive_s: int
    longest_ride_s: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "bands", tuple(Band(b) for b in self.bands))

    @property
    def depart_s(self) -> int:
        """When the run leaves its first school."""
        return self.collects[0].depart_s

    @classmethod
    def from_dict(cls, data: dict) -> AfternoonRun:
        """The run back from its ``asdict`` form (a parsed ``plan.json``)."""
        return cls(
            **{
                **data,
                "bands": tuple(data["bands"]),
                "collects": tuple(Collect(**c) for c in data["collects"]),
                "stops": tuple(HomeStop(**s) for s in data["stops"]),
            }
        )
