"""The plan's money: the annual net saving, capital by item and year, and the payback.

One set of figures (:mod:`optimizer.problem.money`) for the KPIs, the report and the
sweep, from the finished plan's own records: the closed schools, the routes' morning
and afternoon kilometres (each school day), the fleet, the
pupils who newly eat or board at school, and what is built. Stored in the plan's KPIs
as ``kpis["money"]`` (yuan; every key listed in :func:`plan_money`).
"""

from __future__ import annotations

from typing import Any

from optimizer.plan import Assignment, BusDuty, Mode, Route, SchoolResult, Status
from optimizer.problem.data import Problem
from optimizer.problem.money import closure_saving, km_cost_per_year, teacher_cost

#: Investment units and the InvestmentCosts field pricing each.
UNIT_PRICE = {
    "classrooms": "classroom_cost",
    "canteen_seats": "canteen_seat_cost",
    "boarding_beds": "bed_cost",
}
#: The build year of a single plan's capital: the year before its closures (build first).
BUILD_YEAR = 1


def bus_operation(
    problem: Problem, routes: tuple[Route, ...], buses: tuple[BusDuty, ...]
) -> tuple[float, float, float]:
    """``(fixed, per km, km a year)`` of the fleet: each bus's type cost, and every
    morning and afternoon run driven on each school day.

    A plan from before afternoon runs counts each morning run ``money.runs_per_day``
    times instead (the closure model's estimate).
    """
    fixed_of = {t.name: t.fixed_cost for t in problem.bus.types}
    fleet = buses or routes
    fixed = float(sum(fixed_of.get(b.bus_type, problem.bus.fixed_cost) for b in fleet))
    m = problem.money
    morning_km = sum(r.distance_m for r in routes) / 1000.0
    if not any(r.afternoon for r in routes):
        km_year = morning_km * m.runs_per_day * m.school_days
        return fixed, km_cost_per_year(problem, morning_km), km_year
    afternoon_km = sum(a.distance_m for r in routes for a in r.afternoon) / 1000.0
    km_year = (morning_km + afternoon_km) * m.school_days
    return fixed, km_year * problem.bus.cost_per_km, km_year


def new_eaters(assignments: tuple[Assignment, ...]) -> tuple[int, int]:
    """Pupils who newly eat lunch at school (moved onto a bus or into boarding), and
    those who newly board."""
    lunch = sum(a.pupils for a in assignments if a.moved and a.mode in (Mode.BUS, Mode.BOARD))
    board = sum(a.pupils for a in assignments if a.moved and a.mode is Mode.BOARD)
    return lunch, board


def plan_money(
    problem: Problem,
    schools: tuple[SchoolResult, ...],
    assignments: tuple[Assignment, ...],
    routes: tuple[Route, ...],
    buses: tuple[BusDuty, ...],
) -> dict[str, Any]:
    """The plan's money, yuan (a year unless capital).

    Returns
    -------
    dict
        ``running_cost_saved`` (gross, of the closed schools), ``teacher_cost_moved``
        (their teachers' pay, redeployed), ``saved`` (what counts as saved),
        ``bus_fixed``, ``bus_km_cost``, ``bus_km_year``, ``lunch_pupils``,
        ``lunch_subsidy``, ``boarders``, ``boarding_subsidy``, ``inclusive_subsidy``,
        ``net_annual_saving`` (saved less every new yearly cost), ``capital_by_item``,
        ``capital_by_year`` (``{year: yuan}``), ``capital``, ``payback_years`` (capital /
        net saving; ``None`` when the plan saves nothing), ``annual_cost`` (every
        school's running cost left + buses + subsidies + ``weights.capital`` x capital:
        the sweep's axis).
    """
    index = {sid: i for i, sid in enumerate(problem.school_ids)}
    closed = [index[s.id] for s in schools if s.status is Status.CLOSED]
    saving, teachers = closure_saving(problem), teacher_cost(problem)
    saved = int(sum(int(saving[s]) for s in closed))
    gross = int(sum(int(problem.running_cost[s]) for s in closed))
    fixed, km_cost, km_year = bus_operation(problem, routes, buses)
    lunch, board = new_eaters(assignments)
    m, invest = problem.money, problem.investment
    inclusive = sum(s.investment.get("inclusive_places", 0) for s in schools)
    costs = {
        "bus_fixed": round(fixed),
        "bus_km_cost": round(km_cost),
        "lunch_subsidy": round(lunch * m.lunch_subsidy),
        "boarding_subsidy": round(board * m.boarding_subsidy),
        "inclusive_subsidy": round(inclusive * invest.inclusive_subsidy_per_place),
    }
    by_item = {
        item: round(sum(s.investment.get(item, 0) for s in schools) * getattr(invest, price))
        for item, price in UNIT_PRICE.items()
    }
    by_item["buses"] = round(len(buses or routes) * m.bus_price)
    capital = sum(by_item.values())
    net = saved - sum(costs.values())
    kept_cost = int(problem.running_cost.sum()) - gross + (0 if m.teachers_saved else gross - saved)
    return {
        "running_cost_saved": gross,
        "teacher_cost_moved": 0 if m.teachers_saved else gross - saved,
        "teacher_cost": int(sum(int(teachers[s]) for s in closed)),
        "saved": saved,
        **costs,
        "bus_km_year": round(km_year, 1),
        "lunch_pupils": lunch,
        "boarders": board,
        "net_annual_saving": net,
        "capital_by_item": by_item,
        "capital_by_year": {str(BUILD_YEAR): capital} if capital else {},
        "capital": capital,
        "payback_years": round(capital / net, 1) if net > 0 else None,
        "annual_cost": round(kept_cost + sum(costs.values()) + problem.weights.capital * capital),
    }
