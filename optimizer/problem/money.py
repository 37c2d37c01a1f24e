"""The money of a plan, one set of unit figures for the closure objective and the accounts.

Every figure is yuan (a year, unless it is capital). The closure model's objective
(:mod:`optimizer.closures.objective`), the plan's accounts
(:mod:`optimizer.planning.accounts`: the KPIs, the report and the sweep) and the
"closing pays" rule (:mod:`optimizer.closures.closing_pays`) read these functions, so
that the plan is chosen and reported with the same numbers.

Annual net saving of a plan::

    net = running cost saved
          - bus operation   (fixed per bus + per km, runs_per_day runs a day, school_days)
          - lunch subsidies (every pupil who moves onto a bus or into boarding eats at school)
          - boarding subsidies (every pupil who moves into boarding)
          - inclusive subsidies (private kindergarten places made inclusive)

The running cost saved by closing a school is its running cost less its teachers'
pay, unless ``money.teachers_saved``: the teachers of a closed school are redeployed
to the receiving schools and their pay moves with them. A school's teacher cost is
its ``teacher_cost`` column where the data has one, else ``money.teacher_share`` of
its running cost (default 0.7: staff pay is most of a rural school's running cost).
Capital: classrooms, canteen seats, beds and new buses (``money.bus_price`` each),
all built in the year before the closures take effect (build first, close after).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the Problem holds the MoneyRules
    from optimizer.problem.data import Problem


@dataclass(frozen=True)
class MoneyRules:
    """The money of the plan: subsidies, teachers, bus use and price.

    Attributes
    ----------
    teacher_share
        Share of a school's running cost that is teachers' pay, where the data has no
        ``teacher_cost``.
    teachers_saved
        Whether a closed school's teacher cost counts as saved (False: the teachers are
        redeployed and their pay moves with them).
    lunch_subsidy
        Yuan a year for each pupil who newly eats lunch at school (bused or boarding).
    boarding_subsidy
        Yuan a year for each pupil who newly boards.
    school_days
        School days a year.
    runs_per_day
        Bus runs a day for each morning run (morning and afternoon: 2).
    bus_price
        Capital for each new bus, yuan.
    closing_must_pay
        Each closure must save more than it adds (the rule of
        :mod:`optimizer.closures.closing_pays`).
    keep_open_exact
        The cost of keeping each closed school open is found by solving the closure
        model again with it kept (one solve per closed school); else an upper bound.
    """

    teacher_share: float = 0.7
    teachers_saved: bool = False
    lunch_subsidy: float = 1000.0
    boarding_subsidy: float = 1000.0
    school_days: int = 200
    runs_per_day: int = 2
    bus_price: float = 450_000.0
    closing_must_pay: bool = True
    keep_open_exact: bool = False


def teacher_cost(problem: Problem) -> np.ndarray:
    """``S`` teachers' pay of each school, yuan/year (its data, else the default share)."""
    given = problem.teacher_cost
    share = np.rint(problem.money.teacher_share * problem.running_cost)
    if given is None:
        return share.astype(np.int64)
    return np.where(given >= 0, given, share).astype(np.int64)


def closure_saving(problem: Problem) -> np.ndarray:
    """``S`` yuan/year saved by closing each school (its teachers' pay only if saved)."""
    if problem.money.teachers_saved:
        return problem.running_cost.astype(np.int64)
    return np.maximum(problem.running_cost - teacher_cost(problem), 0).astype(np.int64)


def km_cost_per_year(problem: Problem, morning_km: float) -> float:
    """Yuan/year of driving ``morning_km`` km of morning runs, afternoon runs included."""
    m = problem.money
    return morning_km * m.runs_per_day * m.school_days * problem.bus.cost_per_km


def bus_seat_cost(problem: Problem, distance_m: np.ndarray) -> np.ndarray:
    """Yuan/year of one bus seat over ``distance_m`` (a pupil's share of a full bus).

    The bus's fixed cost and its kilometres from the pupils' village to the school
    (both runs a day), divided by its seats: the closure model's estimate; the routes
    give the real fleet and kilometres.
    """
    seats = problem.bus.seats
    km = np.asarray(distance_m, float) / 1000.0
    return (problem.bus.fixed_cost + km_cost_per_year(problem, 1.0) * km) / seats


def lunch_subsidy(problem: Problem) -> float:
    """Yuan/year for each pupil who newly eats lunch at school."""
    return problem.money.lunch_subsidy


def boarding_subsidy(problem: Problem) -> float:
    """Yuan/year for each pupil who newly boards."""
    return problem.money.boarding_subsidy


def to_wan(yuan: float) -> float:
    """Yuan as 万元 (ten thousand yuan), one decimal."""
    return round(yuan / 10_000.0, 1)


__all__ = [
    "MoneyRules",
    "boarding_subsidy",
    "bus_seat_cost",
    "closure_saving",
    "km_cost_per_year",
    "lunch_subsidy",
    "teacher_cost",
    "to_wan",
]
