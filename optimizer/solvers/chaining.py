"""Vehicle duties from timed trips: one vehicle does several trips in sequence.

A :class:`Trip` is one timed run of one bus: it must be at ``start_place`` at
``start_s`` and is free again at ``end_place`` at ``end_s`` (its destination,
after unloading). :func:`chain_trips` links trips into *duties*, the ordered runs of one
bus, so that as few buses as possible cover every trip, and among those fleets the
empty driving is least.

Formulation
-----------
Trip ``j`` may follow trip ``i`` on the same bus when

* the bus gets there in time: ``end_s[i] + travel_s[end_place[i], start_place[j]]
  <= start_s[j]``,
* the bus is the same size: ``seats[i] == seats[j]`` (only runs planned for the same
  bus type share a bus; a duty's bus type is that of its trips), and
* ``(start_s[i], i) < (start_s[j], j)``, which keeps the graph acyclic even for
  trips of zero length and zero travel (it never removes a link the first two
  conditions allow between trips of positive length).

These links form a DAG; a set of duties is a path cover of it, and a path cover of
``n`` trips with ``k`` links has ``n - k`` paths. The fewest buses is therefore the
largest set of links in which every trip has at most one successor and at most one
predecessor: a bipartite assignment (trip as predecessor -> trip as successor, or
"no successor"), solved exactly by ``scipy.optimize.linear_sum_assignment``. Each
link costs ``-M`` plus its empty driving, with ``M`` above any total of empty
driving, so the assignment maximises the links first, then minimises the empty
driving. With a ``yard`` the empty driving includes the drive out of the yard to
each duty's first run and back from its last; a link then saves the trip's return
to and departure from the yard, which the link cost accounts for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment


@dataclass(frozen=True)
class Trip:
    """One run of one bus.

    Parameters
    ----------
    start_place
        Matrix index where the run starts (its first stop).
    start_s
        Time the bus must be there.
    end_place
        Matrix index where it ends (its destination).
    end_s
        Time the bus is free there (arrival plus unloading).
    seats
        Seats of the bus type the run was planned for.
    """

    start_place: int
    start_s: int
    end_place: int
    end_s: int
    seats: int


def _check(trips: Sequence[Trip], travel_s: np.ndarray, yard: int | None) -> None:
    """One ValueError naming every trip or argument that is out of range."""
    shape = np.shape(travel_s)
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ValueError(f"chain_trips: travel_s must be a square matrix, got shape {shape}")
    n = shape[0]
    problems = []
    if np.size(travel_s) and np.min(travel_s) < 0:
        problems.append("travel_s has negative times")
    if yard is not None and not 0 <= yard < n:
        problems.append(f"yard {yard} is not a matrix index (0..{n - 1})")
    for k, t in enumerate(trips):
        if not (0 <= t.start_place < n and 0 <= t.end_place < n):
            problems.append(f"trip {k}: place outside 0..{n - 1}")
        if t.end_s < t.start_s:
            problems.append(f"trip {k}: ends at {t.end_s}, before it starts at {t.start_s}")
        if t.seats < 0:
            problems.append(f"trip {k}: negative seats {t.seats}")
    if problems:
        raise ValueError("chain_trips: " + "; ".join(problems))


def can_follow(a: Trip, b: Trip, travel_s: np.ndarray) -> bool:
    """Whether one bus can drive trip ``b`` after trip ``a`` (time and bus size only;
    :func:`chain_trips` adds the order tie-break)."""
    return a.seats == b.seats and a.end_s + int(travel_s[a.end_place, b.start_place]) <= b.start_s


def chain_trips(
    trips: Sequence[Trip], travel_s: np.ndarray, *, yard: int | None = None
) -> list[list[int]]:
    """Link ``trips`` into the fewest bus duties, then the least empty driving.

    Parameters
    ----------
    trips
        The timed runs.
    travel_s
        ``(n, n)`` drive time between matrix places (seconds, non-negative).
    yard
        Matrix index of the bus yard, or ``None``: with a yard the empty driving
        counted (second objective) includes each duty's drive out of the yard and back.

    Returns
    -------
    list of list of int
        Each duty's trip indices in driving order; duties sorted by their first trip's
        start time, then index. Every trip is in exactly one duty.

    Raises
    ------
    ValueError
        For a non-square or negative ``travel_s``, a place outside it, a trip ending
        before it starts, or negative seats.
    """
    _check(trips, travel_s, yard)
    n = len(trips)
    if n == 0:
        return []
    travel = np.asarray(travel_s, dtype=np.int64)
    start_place = np.array([t.start_place for t in trips])
    end_place = np.array([t.end_place for t in trips])
    start = np.array([t.start_s for t in trips], dtype=np.int64)
    end = np.array([t.end_s for t in trips], dtype=np.int64)
    seats = np.array([t.seats for t in trips])
    empty = travel[np.ix_(end_place, start_place)]  # empty drive from i's end to j's start
    order = np.lexsort((np.arange(n), start))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    link = (
        (end[:, None] + empty <= start[None, :])
        & (seats[:, None] == seats[None, :])
        & (rank[:, None] < rank[None, :])
    )
    if yard is None:
        saving = np.zeros((n, n), dtype=np.int64)
        worst = int(empty.max())
    else:
        back = travel[end_place, yard]
        out = travel[yard, start_place]
        saving = back[:, None] + out[None, :]
        worst = int(empty.max()) + int(back.max()) + int(out.max())
    # A link is worth more than any empty driving the whole solution can hold.
    big = n * (worst + 1) + 1
    cost = np.zeros((n, 2 * n))  # columns n..2n-1: "no successor", free
    cost[:, :n] = np.where(link, (empty - saving - big).astype(float), np.inf)
    rows, cols = linear_sum_assignment(cost)
    successor = {int(i): int(j) for i, j in zip(rows, cols, strict=True) if j < n}
    has_predecessor = set(successor.values())
    duties = []
    for first in order.tolist():
        if first in has_predecessor:
            continue
        duty = [first]
        while duty[-1] in successor:
            duty.append(successor[duty[-1]])
        duties.append(duty)
    return duties


def empty_driving_s(
    duties: Sequence[Sequence[int]],
    trips: Sequence[Trip],
    travel_s: np.ndarray,
    *,
    yard: int | None = None,
) -> int:
    """Total empty driving of ``duties``: between runs, and from and to the ``yard``."""
    total = 0
    for duty in duties:
        for a, b in zip(duty, duty[1:], strict=False):
            total += int(travel_s[trips[a].end_place, trips[b].start_place])
        if yard is not None and duty:
            total += int(travel_s[yard, trips[duty[0]].start_place])
            total += int(travel_s[trips[duty[-1]].end_place, yard])
    return total
