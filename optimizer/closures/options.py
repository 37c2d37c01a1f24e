"""How the pupils of a village band would reach a school, if the rules allow it at all.

- ``walk``: within the band's walking distance and one-way limit;
- ``ride``: the ride is within the band's one-way limit. On a school bus (pupils who
  move, kindergarten children aside) the ride is the drive *with the bus's stop*, the
  same journey the router times (:func:`optimizer.problem.rules.journey`); guardians
  (kindergarten children) drive the road distance at ``policy.guardian_kph``;
- pupils who stay at today's school keep today's journey
  (:func:`optimizer.problem.rules.today_journey`: walk, guardian, a bus that runs
  today, or boarding), within the limit unless the policy lets it stand; beyond it,
  grades 4-9 may board there;
- ``board``: grades 4-9 only, when the ride is over the limit, within the boarding
  distance (``policy.closures.boarding_max_km``).

The router may still refuse a village whose bands share one stop (their stop time
together is longer): the planning flow then cuts that combination from the closure
model and solves again (:mod:`optimizer.closures.cuts`).
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.kinds import BANDS
from optimizer.problem.data import Problem
from optimizer.problem.numbers import Way
from optimizer.problem.rules import bus_ride_s, journey, limit_s, may_board, on_school_bus


@dataclass(frozen=True)
class Option:
    """How the pupils of a (village, band) would reach a school."""

    mode: Way
    time_s: int
    distance_m: int


def option(problem: Problem, b: int, v: int, s: int) -> Option | None:
    """The way pupils of band ``b`` in village ``v`` reach school ``s``, if allowed."""
    if not problem.serves[s, b] or (problem.closed is not None and problem.closed[s]):
        return None
    band = BANDS[b]
    limit = limit_s(problem, band)
    how, seconds, metres = journey(problem, b, v, s)
    staying = s == problem.today[v, b]
    today = s == problem.current[v, b] and not problem.moves.limits_apply_to_unmoved
    if seconds <= limit or today or how == Way.BOARD:
        # Today's journey may stand, if the policy says so; today's boarders keep boarding.
        return Option(how, seconds, metres)
    place = problem.school_place(s)
    drive = int(problem.time_s[v, place])
    dist = int(problem.dist_m[v, place])
    if not staying:  # (pupils who stay have no other daily way than today's)
        ride = bus_ride_s(problem, b, v, s) if on_school_bus(problem, b, v, s) else None
        if ride is None:
            ride = problem.guardian_time_s(dist)  # a kindergarten child's guardian
        if ride <= limit:
            return Option(Way.RIDE, ride, dist)
    most = problem.closing.boarding_max_m  # boarders live within the boarding distance
    if may_board(problem, band) and (most is None or dist <= most):
        return Option(Way.BOARD, drive, dist)
    return None


def candidate_schools(problem: Problem, v: int, b: int) -> list[int]:
    """Schools that pupils of band ``b`` in village ``v`` may attend."""
    return [s for s in range(problem.n_schools) if option(problem, b, v, s) is not None]
