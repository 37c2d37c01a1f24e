"""Bus duties from timed runs: hand-checked optima and a brute-force cross-check."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from optimizer.solvers.chaining import Trip, can_follow, chain_trips, empty_driving_s


def line_travel(positions: list[int]) -> np.ndarray:
    """Drive times between places on a line, one second per unit."""
    x = np.array(positions)
    return np.abs(x[:, None] - x[None, :])


def test_three_trips_only_one_chain_possible():
    # Places 0, 10, 20, 30 on a line. Trip 0 ends at 10 at t=100; trip 1 starts at 20
    # at t=110 (10 s away: just in time) and ends at 30 at t=200; trip 2 starts at 0 at
    # t=230 (30 s away from 30: just in time). Trip 2 cannot follow trip 0 directly
    # unless trip 1 is skipped, and trip 1 cannot precede trip 0: one bus for all three.
    travel = line_travel([0, 10, 20, 30])
    trips = [
        Trip(start_place=0, start_s=0, end_place=1, end_s=100, seats=66),
        Trip(start_place=2, start_s=110, end_place=3, end_s=200, seats=66),
        Trip(start_place=0, start_s=230, end_place=2, end_s=300, seats=66),
    ]
    assert chain_trips(trips, travel) == [[0, 1, 2]]
    assert empty_driving_s([[0, 1, 2]], trips, travel) == 10 + 30


def test_one_second_late_breaks_the_chain():
    travel = line_travel([0, 10, 20, 30])
    trips = [
        Trip(0, 0, 1, 100, 66),
        Trip(2, 109, 3, 200, 66),  # needs 10 s from place 1: arrives at 110, too late
    ]
    assert not can_follow(trips[0], trips[1], travel)
    assert chain_trips(trips, travel) == [[0], [1]]


def test_staggered_bells_two_buses_for_four_runs_least_empty_driving():
    # Two early schools at x=0 and x=100 (bell 8:00), a late school at x=50 (bell 9:00)
    # whose runs start at x=10 and x=90. Four runs, two buses; the pairing that drives
    # least (0 -> 10 and 100 -> 90: 20 s empty, against 180 s crossed) is the optimum.
    travel = line_travel([0, 100, 50, 40, 60, 10, 90])
    early, late = 8 * 3600, 9 * 3600
    trips = [
        Trip(start_place=3, start_s=early - 600, end_place=0, end_s=early, seats=66),
        Trip(start_place=4, start_s=early - 600, end_place=1, end_s=early, seats=66),
        Trip(start_place=6, start_s=late - 600, end_place=2, end_s=late, seats=66),
        Trip(start_place=5, start_s=late - 600, end_place=2, end_s=late, seats=66),
    ]
    duties = chain_trips(trips, travel)
    assert duties == [[0, 3], [1, 2]]
    assert empty_driving_s(duties, trips, travel) == 20


def test_the_cheaper_link_wins_and_a_yard_changes_which():
    # Trips 0 and 1 end at places 1 and 2; trip 2 starts at place 3 much later, so
    # either can precede it, but only one. Place 1 is 5 s from place 3, place 2 is 10 s.
    # The yard (place 0) is 1 s from place 1 and 20 s from place 2: sending trip 0's
    # bus home and chaining trip 1 drives 29 s in all (yard legs included), the other
    # way round 43 s.
    travel = np.array(
        [
            [0, 1, 20, 6],
            [1, 0, 21, 5],
            [20, 21, 0, 10],
            [6, 5, 10, 0],
        ]
    )
    trips = [Trip(3, 0, 1, 10, 40), Trip(3, 0, 2, 10, 40), Trip(3, 100, 3, 200, 40)]
    assert chain_trips(trips, travel) == [[0, 2], [1]]
    with_yard = chain_trips(trips, travel, yard=0)
    assert with_yard == [[0], [1, 2]]
    assert empty_driving_s(with_yard, trips, travel, yard=0) == (6 + 1) + (6 + 10 + 6)
    assert empty_driving_s([[0, 2], [1]], trips, travel, yard=0) == (6 + 5 + 6) + (6 + 20)


def test_only_runs_of_the_same_bus_size_share_a_bus():
    travel = line_travel([0, 1])
    trips = [Trip(0, 0, 1, 10, 66), Trip(0, 100, 1, 110, 30), Trip(0, 200, 1, 210, 66)]
    assert chain_trips(trips, travel) == [[0, 2], [1]]


def test_unreachable_trip_gets_its_own_bus():
    travel = line_travel([0, 1000, 5])
    trips = [
        Trip(0, 0, 0, 100, 66),
        Trip(1, 500, 1, 600, 66),  # 1 000 s away from place 0: nobody gets there by 500
        Trip(2, 200, 2, 300, 66),
    ]
    assert chain_trips(trips, travel) == [[0, 2], [1]]


def test_zero_length_trips_do_not_cycle():
    travel = np.zeros((1, 1), dtype=int)
    trips = [Trip(0, 50, 0, 50, 10)] * 3
    assert chain_trips(trips, travel) == [[0, 1, 2]]


def test_deterministic_and_independent_of_input_order():
    rng = np.random.default_rng(7)
    places = rng.integers(0, 3000, size=12).tolist()
    travel = line_travel(places)
    trips = []
    for _ in range(30):
        start = int(rng.integers(0, 20_000))
        trips.append(Trip(int(rng.integers(12)), start, int(rng.integers(12)), start + 900, 66))
    first = chain_trips(trips, travel)
    assert chain_trips(trips, travel) == first
    perm = rng.permutation(len(trips))
    shuffled = chain_trips([trips[p] for p in perm], travel)
    assert len(shuffled) == len(first)
    assert empty_driving_s(
        [[int(perm[k]) for k in d] for d in shuffled], trips, travel
    ) == empty_driving_s(first, trips, travel)
    assert sorted(k for d in first for k in d) == list(range(len(trips)))


def brute_force(trips, travel, yard):
    """(buses, empty driving) of the best duties, by trying every successor map."""
    n = len(trips)
    order = sorted(range(n), key=lambda k: (trips[k].start_s, k))
    rank = {k: r for r, k in enumerate(order)}
    options = [
        [None]
        + [j for j in range(n) if rank[i] < rank[j] and can_follow(trips[i], trips[j], travel)]
        for i in range(n)
    ]
    best = None
    for succ in itertools.product(*options):
        used = [j for j in succ if j is not None]
        if len(used) != len(set(used)):
            continue
        firsts = [k for k in range(n) if k not in used]
        duties = []
        for k in firsts:
            duty = [k]
            while succ[duty[-1]] is not None:
                duty.append(succ[duty[-1]])
            duties.append(duty)
        key = (len(duties), empty_driving_s(duties, trips, travel, yard=yard))
        best = key if best is None or key < best else best
    return best


@pytest.mark.parametrize("seed", range(6))
def test_matches_brute_force_on_small_random_cases(seed):
    rng = np.random.default_rng(seed)
    places = rng.integers(0, 400, size=5).tolist()
    travel = line_travel(places)
    trips = []
    for _ in range(6):
        start = int(rng.integers(0, 1500))
        trips.append(Trip(int(rng.integers(1, 5)), start, int(rng.integers(1, 5)), start + 200, 66))
    yard = 0 if seed % 2 else None
    duties = chain_trips(trips, travel, yard=yard)
    for a, b in (pair for d in duties for pair in zip(d, d[1:], strict=False)):
        assert can_follow(trips[a], trips[b], travel)
    assert (len(duties), empty_driving_s(duties, trips, travel, yard=yard)) == brute_force(
        trips, travel, yard
    )


def test_bad_input_is_named():
    travel = line_travel([0, 1])
    with pytest.raises(ValueError, match=r"trip 1: ends at 5, before it starts at 10"):
        chain_trips([Trip(0, 0, 1, 5, 66), Trip(0, 10, 1, 5, 66)], travel)
    with pytest.raises(ValueError, match=r"trip 0: place outside 0\.\.1"):
        chain_trips([Trip(0, 0, 2, 5, 66)], travel)
