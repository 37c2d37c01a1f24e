"""Closing pays: a school closes only where its closure saves more than it adds.

For each school ``s`` that may close, with ``y_s`` its keep variable and ``x_k`` the
pairs of the village bands that attend it today::

    sum_k (cost_k - base_c(k)) x_k  <=  saving_s - 1 + M_s y_s

``cost_k`` is the pair's objective cost (:mod:`optimizer.closures.objective`: the value
of the journey, boarding, its share of buses, the lunch and boarding subsidies);
``base_c`` is what the village band costs while ``s`` stays open (its pair to ``s``,
or, where it may not stay, its cheapest pair); ``saving_s`` is the weighted running
cost its closure saves. ``M_s`` makes the row free while ``s`` is kept. Investment at
the receiving schools is shared between closures and left to the objective.
Switched off by ``money.closing_must_pay: false``. The verifier re-checks the same
balance from the plan and the raw inputs (:mod:`optimizer.verification.closing_pays`).
"""

from __future__ import annotations

import numpy as np

from optimizer.closures.pairs import Pairs
from optimizer.closures.side import Side
from optimizer.problem.data import Problem


def added_costs(problem: Problem, pairs: Pairs, pair_cost: np.ndarray) -> np.ndarray:
    """Per pair, what it costs beyond its village band's cost while today's school stays.

    Pairs of village bands without a school today are 0.
    """
    n_c = len(pairs.customers)
    today = np.array([problem.today[v, b] for v, b in pairs.customers], np.int64)
    base = np.full(n_c, np.iinfo(np.int64).max, np.int64)
    np.minimum.at(base, pairs.pair_customer, pair_cost)  # the cheapest pair
    at_today = pairs.pair_facility == today[pairs.pair_customer]
    base[pairs.pair_customer[at_today]] = pair_cost[at_today]
    added = pair_cost - base[pairs.pair_customer]
    return np.where(today[pairs.pair_customer] >= 0, added, 0)


def write_closing_pays(
    problem: Problem,
    pairs: Pairs,
    side: Side,
    open_cost: np.ndarray,
    pair_cost: np.ndarray,
    forced_open: np.ndarray,
) -> None:
    """One row per school that may close (see the module)."""
    if not problem.money.closing_must_pay:
        return
    added = added_costs(problem, pairs, pair_cost)
    today = np.array([problem.today[v, b] for v, b in pairs.customers], np.int64)
    pair_today = today[pairs.pair_customer]
    for s in np.flatnonzero(~forced_open).tolist():
        ks = np.flatnonzero(pair_today == s)
        most = np.zeros(len(pairs.customers), np.int64)
        np.maximum.at(most, pairs.pair_customer[ks], np.maximum(added[ks], 0))
        big = float(most.sum() + abs(int(open_cost[s])) + 1)
        terms = [(problem.n_schools + int(k), float(added[k])) for k in ks if added[k] != 0]
        side.row([*terms, (s, -big)], -np.inf, float(open_cost[s]) - 1.0)
