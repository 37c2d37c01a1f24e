"""The townships and bus yards of a plan, as records the Plan carries (beside plan.py).

:class:`Township`: one town (镇 / 街道, the places tables' ``town``) and what the plan
does there: schools before and after by level, pupils moved and newly bused (by their
village's town), buses and runs (by the receiving school's town), the longest daily
journey per band, and the money (running cost saved, net change, capital), so that the
townships add up to the county's KPIs. :class:`Depot`: a bus yard with the buses based
there. Built by :mod:`optimizer.planning.townships`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geodata.kinds import Band, Level


def _set(record: object, name: str, value: object) -> None:
    object.__setattr__(record, name, value)


@dataclass(frozen=True)
class Depot:
    """A bus yard: where it is, its town, and the buses whose first run leaves from it."""

    id: str
    name: str
    town: str
    lon: float
    lat: float
    buses: int = 0
    runs: int = 0


@dataclass(frozen=True)
class Township:
    """What the plan does in one town (``town`` is ``""`` for places without a town).

    Attributes
    ----------
    schools_before, schools_after
        Schools by :class:`~geodata.kinds.Level` today and open after the plan (kept or
        teaching point), only the levels the town has.
    schools_closed
        Schools of the town the plan closes.
    villages, pupils
        The town's villages and their pupils (every band).
    pupils_moved, pupils_newly_bused, weekly_boarders
        Pupils of the town's villages who change school, newly ride a school bus, board.
    buses, runs
        Buses whose first run goes to a school of the town; runs (routes) whose receiving
        school is in the town.
    longest_journey_s
        Per band, the longest daily one-way journey of the town's villages (boarders'
        weekly trips left out), seconds.
    running_cost_saved, net_annual_saving, capital
        Yuan: the gross running cost of the town's closed schools; the town's share of
        the county's annual net saving (buses and subsidies where their receiving
        school is); capital built at the town's schools and its buses.
    """

    town: str
    schools_before: dict[Level, int]
    schools_after: dict[Level, int]
    schools_closed: int
    villages: int
    pupils: int
    pupils_moved: int
    pupils_newly_bused: int
    weekly_boarders: int
    buses: int
    runs: int
    longest_journey_s: dict[Band, int] = field(default_factory=dict)
    running_cost_saved: int = 0
    net_annual_saving: int = 0
    capital: int = 0

    def __post_init__(self) -> None:
        _set(self, "schools_before", {Level(k): n for k, n in self.schools_before.items()})
        _set(self, "schools_after", {Level(k): n for k, n in self.schools_after.items()})
        _set(self, "longest_journey_s", {Band(k): n for k, n in self.longest_journey_s.items()})
