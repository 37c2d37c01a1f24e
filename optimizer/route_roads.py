"""The roads a Plan's route drives along with pupils on board: the permit's road list.

Records only (built in :mod:`optimizer.planning.timetables` from the road graph, where
the route's path is known; read by the route sheets). Lengths are metres, as in
:mod:`optimizer.plan`.
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.kinds import Hazard


@dataclass(frozen=True)
class RoadStretch:
    """A stretch of one road of a route, from its first stop to its (last) school.

    ``name`` and ``ref`` are the road's OSM name and number (``S231``), empty where the
    map has none; ``hazards`` why the stretch is a 20 km/h hazard segment (steep,
    narrow, unpaved...), empty on an ordinary road. Consecutive stretches differ in
    road or hazards; their lengths add up to the path the route's geometry draws.
    """

    name: str
    ref: str
    length_m: int
    hazards: tuple[Hazard, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "hazards", tuple(Hazard(h) for h in self.hazards))

    @property
    def named(self) -> bool:
        """The stretch has a name or a road number."""
        return bool(self.name or self.ref)
