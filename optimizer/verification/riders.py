"""What the route checks record of the riders, and where a route's bus starts.

Shared by :mod:`optimizer.verification.routes` and
:mod:`optimizer.verification.mixed_routes`: per (village, band, school), the pupils
boarded, the stops they board at and their longest walk plus ride, which the route
checks then hold against the assignments.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from optimizer.problem.build import Problem

#: (village, band, school)
Riders = tuple[str, str, str]


@dataclass
class Boarded:
    """The riders the routes carry, per (village, band, school)."""

    pupils: dict[Riders, int] = field(default_factory=lambda: defaultdict(int))
    stops: dict[Riders, set[str]] = field(default_factory=lambda: defaultdict(set))
    journey_s: dict[Riders, int] = field(default_factory=lambda: defaultdict(int))

    def board(self, key: Riders, stop: str, journey_s: int, pupils: int | None = None) -> None:
        """Record riders boarding at ``stop`` with a walk plus ride of ``journey_s``
        (and, given ``pupils``, count them)."""
        if pupils is not None:
            self.pupils[key] += pupils
        self.stops[key].add(stop)
        self.journey_s[key] = max(self.journey_s[key], journey_s)


def yard_place(name: str, problem: Problem) -> int | None:
    """The place of a route's start: a depot id, or ``"<school id> yard"``."""
    depots = {
        d: problem.n_villages + problem.n_schools + i for i, d in enumerate(problem.depot_ids)
    }
    schools = {f"{sid} yard": problem.school_place(i) for i, sid in enumerate(problem.school_ids)}
    return depots.get(name, schools.get(name))
