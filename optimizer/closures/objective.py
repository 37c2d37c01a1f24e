"""The closure model's objective terms, in yuan per year, from the plan's own money figures.

Per school kept: what closing it would save (:func:`optimizer.problem.money.closure_saving`:
its running cost less its teachers' pay unless ``money.teachers_saved``), weighted by
``weights.running_cost``. Per pair (village band -> school):

- the value of the pupils' daily journey (``weights.travel_yuan_per_pupil_min`` per
  pupil and one-way minute; nothing for boarders) and ``weights.boarding_yuan_per_pupil``
  for each boarder (:mod:`optimizer.closures.pairs`);
- for pupils who move onto a bus: their seats' share of a bus (fixed cost and
  kilometres from the village, the morning run and the afternoon runs home, one per
  dismissal time: :func:`~optimizer.problem.money.bus_seat_cost`)
  weighted by ``weights.transport``, and the bus's price weighted by ``weights.capital``;
- the lunch subsidy for every pupil who moves onto a bus or into boarding, and the
  boarding subsidy for every pupil who moves into boarding (both unweighted: money
  the county pays).

Teachers' pay that moves with redeployed teachers is the same in every plan and left
out. Investments (classrooms, seats, beds) are the side model's, weighted by
``weights.capital`` (:mod:`optimizer.closures.side_rules`).
"""

from __future__ import annotations

import numpy as np

from optimizer.closures.pairs import Pairs
from optimizer.problem.data import Problem
from optimizer.problem.money import (
    boarding_subsidy,
    bus_price_per_seat,
    bus_seat_cost,
    closure_saving,
    lunch_subsidy,
    runs_a_day,
)
from optimizer.problem.numbers import Way


def open_costs(problem: Problem) -> np.ndarray:
    """``S`` yuan/year of keeping each school (the saving its closure would bring), weighted."""
    return np.rint(problem.weights.running_cost * closure_saving(problem)).astype(np.int64)


def pair_money(problem: Problem, pairs: Pairs) -> np.ndarray:
    """Per pair, yuan/year of buses and subsidies for its pupils (0 where they do not move)."""
    w = problem.weights
    pupils = pairs.demand[pairs.pair_customer].astype(float)
    villages = np.array([pairs.customers[c][0] for c in pairs.pair_customer.tolist()], np.int64)
    schools = problem.n_villages + pairs.pair_facility
    distance = problem.dist_m[villages, schools] if len(villages) else np.zeros(0)
    runs = runs_a_day(problem)[pairs.pair_facility]
    seat = w.transport * bus_seat_cost(problem, distance, runs)
    seat = seat + w.capital * bus_price_per_seat(problem)
    boards = (pairs.pair_mode == Way.BOARD) & pairs.pair_moves
    lunch = (pairs.pair_bus | boards) * lunch_subsidy(problem)
    money = pupils * (pairs.pair_bus * seat + lunch + boards * boarding_subsidy(problem))
    return np.rint(money).astype(np.int64)


def objective_costs(problem: Problem, pairs: Pairs) -> tuple[np.ndarray, np.ndarray]:
    """Yearly cost of keeping each school, and of each pair (journey value and money)."""
    return open_costs(problem), pairs.pair_cost + pair_money(problem, pairs)
