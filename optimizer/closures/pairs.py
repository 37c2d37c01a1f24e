"""The allowed (village band, school) pairs of the closure model, with their costs.

Each (village, band) with pupils is a customer; a pair exists only where the pupils
can reach the school within the rules (:func:`optimizer.closures.options.option`).
A pair's cost is the yearly value of the pupils' daily travel time, or the boarding
cost for boarders.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geodata.kinds import BANDS, Band
from optimizer.closures.options import option
from optimizer.problem.data import Problem
from optimizer.problem.numbers import Way


@dataclass(frozen=True)
class Pairs:
    """Customers (village bands) and the schools each may attend, in pair order.

    Attributes
    ----------
    customers
        ``(village, band index)`` of each customer.
    demand, stay
        Per customer: pupils; the school it keeps while open (``-1``: free to move).
    pair_customer, pair_facility, pair_mode, pair_time, pair_cost, pair_band
        Per pair: customer, school, :class:`~optimizer.problem.numbers.Way`, one-way
        seconds, travel value (yuan/year), band index.
    pair_moves, pair_bus
        Per pair: the pupils move away from today's school; they move onto a school bus.
    """

    customers: tuple[tuple[int, int], ...]
    demand: np.ndarray
    stay: np.ndarray
    pair_customer: np.ndarray
    pair_facility: np.ndarray
    pair_mode: np.ndarray
    pair_time: np.ndarray
    pair_cost: np.ndarray
    pair_band: np.ndarray
    pair_moves: np.ndarray
    pair_bus: np.ndarray

    @property
    def pair_lunch(self) -> np.ndarray:
        """Pairs whose pupils eat lunch at school (bused or boarding)."""
        return self.pair_bus | (self.pair_mode == Way.BOARD)

    def subset(self, keep: np.ndarray) -> Pairs:
        """The same customers with only the pairs ``keep`` marks."""
        return Pairs(
            customers=self.customers,
            demand=self.demand,
            stay=self.stay,
            **{
                name: getattr(self, name)[keep]
                for name in (
                    "pair_customer",
                    "pair_facility",
                    "pair_mode",
                    "pair_time",
                    "pair_cost",
                    "pair_band",
                    "pair_moves",
                    "pair_bus",
                )
            },
        )


def _free_to_leave(
    problem: Problem, customers: list[tuple[int, int]], stay: list[int], pairs: set
) -> list[int]:
    """``stay`` with the families released where one band cannot stay: a band whose
    school today is no option (its journey breaks a limit binding pupils who stay) must
    move, and under the family rule its village's other primary band moves with it."""
    if not problem.closing.families_together:
        return stay
    stay = list(stay)
    index = {customer: c for c, customer in enumerate(customers)}
    family = (BANDS.index(Band.P13), BANDS.index(Band.P46))
    for v in range(problem.n_villages):
        both = [index[(v, b)] for b in family if (v, b) in index]
        if len(both) == 2 and any(stay[c] >= 0 and (c, stay[c]) not in pairs for c in both):
            for c in both:
                stay[c] = -1
    return stay


def build_pairs(problem: Problem, candidates: int | None = None) -> Pairs:
    """Every allowed pair; with ``candidates``, each customer's cheapest few only."""
    customers: list[tuple[int, int]] = []
    demand, stay, pc, pf, modes, times, cost = [], [], [], [], [], [], []
    per_min = problem.weights.travel_yuan_per_pupil_min
    board_cost = problem.weights.boarding_yuan_per_pupil
    for v in range(problem.n_villages):
        for b in range(len(BANDS)):
            pupils = int(problem.pupils[v, b])
            if pupils == 0:
                continue
            c = len(customers)
            customers.append((v, b))
            demand.append(pupils)
            stay.append(int(problem.current[v, b]) if problem.moves.move_only_from_closed else -1)
            for s in range(problem.n_schools):
                opt = option(problem, b, v, s)
                if opt is None:
                    continue
                pc.append(c)
                pf.append(s)
                modes.append(opt.mode)
                times.append(opt.time_s)
                daily = 0 if opt.mode == Way.BOARD else opt.time_s
                extra = board_cost * pupils if opt.mode == Way.BOARD else 0.0
                cost.append(int(round(per_min * pupils * daily / 60.0 + extra)))
    stay = _free_to_leave(problem, customers, stay, set(zip(pc, pf)))
    pair_customer = np.array(pc, dtype=np.int64)
    pair_facility = np.array(pf, dtype=np.int64)
    pair_mode = np.array([str(m) for m in modes])
    pair_band = np.array([customers[c][1] for c in pc], dtype=np.int64)
    today = np.array([problem.today[customers[c]] for c in pc], dtype=np.int64)
    pair_moves = pair_facility != today  # moved since the base year: a bus
    pairs = Pairs(
        customers=tuple(customers),
        demand=np.array(demand, dtype=np.int64),
        stay=np.array(stay, dtype=np.int64),
        pair_customer=pair_customer,
        pair_facility=pair_facility,
        pair_mode=pair_mode,
        pair_time=np.array(times, dtype=np.int64),
        pair_cost=np.array(cost, dtype=np.int64),
        pair_band=pair_band,
        pair_moves=pair_moves,
        pair_bus=(pair_mode == Way.RIDE) & pair_moves & (pair_band != BANDS.index(Band.K)),
    )
    keep = np.ones(len(pairs.pair_cost), bool)
    if problem.bus.max_new_buses == 0:  # no new bus: nobody may move onto one
        keep &= ~pairs.pair_bus
    if candidates is not None:
        keep &= cheapest(pairs, candidates)
    return pairs if keep.all() else pairs.subset(keep)


def cheapest(pairs: Pairs, candidates: int) -> np.ndarray:
    """Pairs among each customer's ``candidates`` cheapest by journey (the value of the
    travel time, or the boarding cost; then time, then school), and every pair to
    today's school or to a school pupils stay at.

    The bus estimate is left out of the ranking: with it, the 1000-village county
    kept fewer bus options and its plan came out 0.8 % dearer and slower to prove.
    """
    n_k = len(pairs.pair_cost)
    order = np.lexsort((pairs.pair_facility, pairs.pair_time, pairs.pair_cost, pairs.pair_customer))
    customer = pairs.pair_customer[order]
    rank = np.arange(n_k) - np.searchsorted(customer, customer, side="left")
    keep = np.zeros(n_k, bool)
    keep[order[rank < candidates]] = True
    stays = pairs.stay[pairs.pair_customer]
    return keep | ~pairs.pair_moves | (pairs.pair_facility == stays)
