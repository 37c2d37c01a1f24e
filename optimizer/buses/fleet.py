"""The county's fleet: which runs one bus does in sequence, and how many buses that takes.

Each route of a plan is one morning run. Where schools' bells are staggered
(the schools table's ``bell`` column), a bus that has delivered its pupils to one
school can drive on and do another school's run: the runs are chained into bus
*duties* by :func:`optimizer.solvers.chaining.chain_trips` (fewest buses, then least empty
driving between runs; exact, as an assignment problem). A run may follow another
when the bus, free at the first school after its pupils have alighted
(``stop_time_s`` + ``stop_time_per_pupil_s`` per pupil), reaches the next run's
first stop by its arrival time, and only runs of the same bus type share a bus.

A duty's bus leaves the yard of its first run; the county's fleet is the number of
duties, by bus type (``kpis["buses"]``; the runs are ``kpis["runs"]``).
"""

from __future__ import annotations

from collections import Counter

from optimizer.plan import BusDuty, Route
from optimizer.problem.data import Problem
from optimizer.problem.rules import stop_time_s
from optimizer.solvers.chaining import Trip, chain_trips


def alight_s(problem: Problem, route: Route) -> int:
    """Time the pupils still on board take to get off at the route's last school."""
    on_board = route.drops[-1].pupils if route.drops else route.stops[-1].load_after
    return stop_time_s(problem, on_board)


def trips(problem: Problem, routes: tuple[Route, ...]) -> list[Trip]:
    """Each run as a :class:`~optimizer.solvers.chaining.Trip`: first stop and time, last school
    and the time the bus is free there."""
    villages = {vid: i for i, vid in enumerate(problem.village_ids)}
    schools = {sid: i for i, sid in enumerate(problem.school_ids)}
    return [_trip(problem, r, villages, schools) for r in routes]


def _trip(
    problem: Problem, route: Route, villages: dict[str, int], schools: dict[str, int]
) -> Trip:
    return Trip(
        start_place=villages[route.stops[0].village],
        start_s=route.stops[0].arrive_s,
        end_place=problem.school_place(schools[route.school]),
        end_s=route.arrive_school_s + alight_s(problem, route),
        seats=route.seats,
    )


def bus_duties(problem: Problem, routes: tuple[Route, ...]) -> tuple[BusDuty, ...]:
    """The plan's buses: each an ordered sequence of runs, numbered ``B001``... in order of
    their first run's start."""
    if not routes:
        return ()
    timed = trips(problem, routes)
    duties = chain_trips(timed, problem.time_s)
    out = []
    for n, duty in enumerate(duties, start=1):
        first = routes[duty[0]]
        empty = sum(
            int(problem.time_s[timed[a].end_place, timed[b].start_place])
            for a, b in zip(duty, duty[1:])
        )
        out.append(
            BusDuty(
                id=f"B{n:03d}",
                bus_type=first.bus_type,
                seats=first.seats,
                start=first.start,
                routes=tuple(routes[k].id for k in duty),
                empty_between_s=empty,
            )
        )
    return tuple(out)


def fleet_by_type(duties: tuple[BusDuty, ...]) -> dict[str, int]:
    """Buses needed by bus type."""
    return dict(sorted(Counter(d.bus_type for d in duties).items()))
