"""How the pupils of a village band would reach a school, if the rules allow it at all.

- ``walk``: within the band's walking distance and one-way limit;
- ``ride``: the bus-speed drive is within the band's one-way limit (a school bus when
  the pupils move, the family's own way when they stay; kindergarten children are
  brought by guardians within their limit);
- ``board``: grades 4-9 only, when the drive is over the limit, within the boarding
  distance (``policy.closures.boarding_max_km``).
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.kinds import BANDS
from optimizer.problem.data import Problem
from optimizer.problem.numbers import Way
from optimizer.problem.rules import limit_s, may_board


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
    how, seconds, metres = problem.journey(b, v, s)
    today = s == problem.current[v, b] and not problem.moves.limits_apply_to_unmoved
    if seconds <= limit or today:  # (today's journey may stand, if the policy says so)
        return Option(how, seconds, metres)
    drive = int(problem.time_s[v, problem.school_place(s)])
    dist = int(problem.dist_m[v, problem.school_place(s)])
    if drive <= limit:
        return Option(Way.RIDE, drive, dist)
    most = problem.closing.boarding_max_m  # boarders live within the boarding distance
    if may_board(problem, band) and (most is None or dist <= most):
        return Option(Way.BOARD, drive, dist)
    return None


def candidate_schools(problem: Problem, v: int, b: int) -> list[int]:
    """Schools that pupils of band ``b`` in village ``v`` may attend."""
    return [s for s in range(problem.n_schools) if option(problem, b, v, s) is not None]
