"""One journey for both models: closures the router can serve, or the reason there are none.

The closure model times a school-bus ride as the drive with the bus's stop, for each
band alone (:func:`optimizer.problem.rules.journey`). Before the buses are routed, the
router's own direct-ride check runs on the closure model's answer
(:func:`optimizer.buses.runs.overlong_stops`): where bands of one village share a stop
whose ride is over the youngest's limit, that combination is cut from the closure model
(:mod:`optimizer.closures.cuts`) and the model solved again, until the router accepts
every stop. Every round cuts the previous answer off, so the rounds end; a closure
model left without a plan names the cuts that emptied it.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import numpy as np

from geodata.kinds import BANDS, Band
from optimizer.buses.runs import Riders, overlong_stops
from optimizer.closures.cuts import Cut
from optimizer.closures.model import ClosureResult
from optimizer.closures.options import option
from optimizer.closures.settings import ClosureSettings
from optimizer.closures.solve import solve_closures
from optimizer.errors import InfeasibleScenario
from optimizer.problem.data import Problem
from optimizer.problem.numbers import Way
from optimizer.problem.rules import on_school_bus

#: At most this many rounds of cuts (each round cuts at least one stop off).
MAX_ROUNDS = 100


def routable_closures(problem: Problem, settings: ClosureSettings) -> ClosureResult:
    """The closure model's answer whose every bus stop the router accepts.

    The solver record's settings list the cuts (``router_cuts``, the router's reasons)
    and the rounds it took (``journey_rounds``).

    Raises
    ------
    InfeasibleScenario
        When the closure model has no plan (with the cuts that left it none, if any).
    """
    cuts: tuple[Cut, ...] = ()
    for rounds in range(1, MAX_ROUNDS + 1):
        try:
            closures = solve_closures(problem, settings, cuts=cuts)
        except InfeasibleScenario as exc:
            if not cuts:
                raise
            raise InfeasibleScenario(
                [
                    *exc.reasons,
                    "no school bus could take these villages' pupils together (the ride "
                    "with their shared stop is over the limit), so the plan may not send "
                    "them together: " + "; ".join(c.reason for c in cuts),
                ]
            ) from exc
        new = refused(problem, closures.school)
        if not new:
            run = dataclasses.replace(
                closures.run,
                settings={
                    **closures.run.settings,
                    "journey_rounds": rounds,
                    "router_cuts": [c.reason for c in cuts],
                },
            )
            return dataclasses.replace(closures, run=run)
        cuts += tuple(new)
    raise InfeasibleScenario(
        [
            f"the closure model's answers were refused by the router {MAX_ROUNDS} times "
            "(the rides with their stops over the limits): "
            + "; ".join(c.reason for c in cuts[-5:])
        ]
    )


def bus_riders(problem: Problem, school: np.ndarray) -> dict[int, Riders]:
    """Who rides a school bus to each school under the assignment ``school`` (``V x 4``)."""
    riders: dict[int, Riders] = defaultdict(lambda: defaultdict(dict))
    for v in range(problem.n_villages):
        for b, band in enumerate(BANDS):
            s = int(school[v, b])
            if problem.pupils[v, b] == 0 or s < 0:
                continue
            way = option(problem, b, v, s)
            if way is not None and way.mode == Way.RIDE and on_school_bus(problem, b, v, s):
                riders[s][v][band] = int(problem.pupils[v, b])
    return {s: {v: dict(r) for v, r in riders[s].items()} for s in sorted(riders)}


def refused(problem: Problem, school: np.ndarray) -> list[Cut]:
    """The stops of the assignment ``school`` the router refuses, as cuts."""
    return [
        Cut(stop.village, stop.school, tuple(Band(b) for b in stop.bands), stop.reason)
        for s, riders in bus_riders(problem, school).items()
        for stop in overlong_stops(problem, s, riders)
    ]


__all__ = ["MAX_ROUNDS", "bus_riders", "refused", "routable_closures"]
