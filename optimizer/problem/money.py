"""The money of a plan, one set of unit figures for the closure objective and the accounts.

Every figure is yuan (a year, unless it is capital). The closure model's objective
(:mod:`optimizer.closures.objective`), the plan's accounts
(:mod:`optimizer.planning.accounts`: the KPIs, the report and the sweep) and the
"closing pays" rule (:mod:`optimizer.closures.closing_pays`) read these functions, so
that the plan is chosen and reported with the same numbers.

Annual net saving of a plan::

    net = running cost saved
          - bus operation   (fixed per bus + a day's driving on each school day)
          - lunch subsidies (every pupil who moves onto a bus or into boarding eats at school)
          - boarding subsidies (every pupil who moves into boarding)
          - inclusive subsidies (private kindergarten places made inclusive)

The running cost saved by closing a school is its running cost less its teachers'
pay, unless ``money.teachers_saved``: the teachers of a closed school are redeployed
to the receiving schools and their pay moves with them. A school's teacher cost is
its ``teacher_cost`` column where the data has one, else ``money.teacher_share`` of
its running cost (default 0.7: staff pay is most of a rural school's running cost).
Capital: classrooms, canteen seats, beds and new buses (``money.bus_price`` each),
all built in the calendar year before the closures take effect (``money.closure_year``,
build first, close after; a timeline's phase ``k`` closes in ``closure_year + k - 1``).

A day of bus driving (:func:`driving_cost`) costs ``bus.cost_per_km`` a km on each of
``money.school_days``: the accounts price the routes' own morning and afternoon km with
it, and the closure model's estimate prices each bus seat's km with it. The estimate
counts a morning run and the afternoon runs that take its riders home by the afternoon
router's rule (:func:`dismissal_groups`: one run per dismissal time among the bands
on board), for a run carrying every bus band the school teaches (:func:`runs_a_day`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from geodata.kinds import BANDS, Band

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
    bus_price
        Capital for each new bus, yuan.
    closing_must_pay
        Each closure must save more than it adds (the rule of
        :mod:`optimizer.closures.closing_pays`).
    keep_open_exact
        The cost of keeping each closed school open is found by solving the closure
        model again with it kept (one solve per closed school); else an upper bound.
    closure_year
        Calendar year the plan's closures take effect (the building is done the year
        before).
    buses_before
        Buses already bought for the plan (a timeline's earlier phases): only the buses
        beyond them are new capital.
    bus_fill, route_km_factor
        The estimate's corrections from a routed plan (1.0: none): the share of the seats
        its fleet fills (a bus's fixed cost and price are shared by that many pupils), and
        its routed km a day over the estimate's (the drive from the yard, detours).
    calibrate
        The planning flow plans once, takes ``bus_fill`` and ``route_km_factor`` from that
        plan's routes, and plans again with them.
    """

    teacher_share: float = 0.7
    teachers_saved: bool = False
    lunch_subsidy: float = 1000.0
    boarding_subsidy: float = 1000.0
    school_days: int = 200
    bus_price: float = 450_000.0
    closing_must_pay: bool = True
    keep_open_exact: bool = False
    closure_year: int = 2027
    buses_before: int = 0
    bus_fill: float = 1.0
    route_km_factor: float = 1.0
    calibrate: bool = False


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


def dismissal_groups(problem: Problem, bands: Iterable[Band]) -> tuple[tuple[Band, ...], ...]:
    """``bands`` grouped by dismissal time, earliest first: one afternoon run each.

    The afternoon router's rule (:mod:`optimizer.planning.afternoons`): a morning run's
    riders go home on one afternoon run per dismissal time among their bands.
    """
    given = [b for b in BANDS if b in set(bands)]
    times = sorted({problem.bus.dismissal_s[b] for b in given})
    return tuple(tuple(b for b in given if problem.bus.dismissal_s[b] == at) for at in times)


def runs_a_day(problem: Problem) -> np.ndarray:
    """``S`` runs a day for each morning run to each school: the morning run and one
    afternoon run per dismissal time of the bus bands the school teaches."""
    bused = [b for b in BANDS if b is not Band.K]
    return np.array(
        [
            1 + len(dismissal_groups(problem, [b for b in bused if serves[BANDS.index(b)]]))
            for serves in np.asarray(problem.serves, bool)
        ],
        np.int64,
    )


def driving_cost(problem: Problem, km_a_day: float | np.ndarray) -> float | np.ndarray:
    """Yuan/year of driving ``km_a_day`` km on each school day (``bus.cost_per_km``)."""
    return km_a_day * problem.money.school_days * problem.bus.cost_per_km


def bus_seat_cost(problem: Problem, distance_m: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """Yuan/year of one bus seat over ``distance_m`` (a pupil's share of a full bus).

    The bus's fixed cost and its kilometres from the pupils' village to the school,
    ``runs`` times a day (:func:`runs_a_day` of the school), divided by its seats: the
    closure model's estimate; the routes give the real fleet and kilometres (and, with
    ``money.calibrate``, the corrections ``bus_fill`` and ``route_km_factor``).
    """
    m = problem.money
    km = np.asarray(distance_m, float) / 1000.0 * np.asarray(runs, float) * m.route_km_factor
    return (problem.bus.fixed_cost / m.bus_fill + driving_cost(problem, km)) / problem.bus.seats


def bus_price_per_seat(problem: Problem) -> float:
    """Capital of a new bus shared by the pupils it carries (``money.bus_fill`` of its seats)."""
    return problem.money.bus_price / (problem.bus.seats * problem.money.bus_fill)


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
    "bus_price_per_seat",
    "bus_seat_cost",
    "closure_saving",
    "dismissal_groups",
    "driving_cost",
    "runs_a_day",
    "lunch_subsidy",
    "teacher_cost",
    "to_wan",
]
