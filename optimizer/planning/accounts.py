"""The plan's money: the annual net saving, capital by item and year, and the payback.

One set of figures (:mod:`optimizer.problem.money`) for the KPIs, the report and the
sweep, from the finished plan's own records: the closed schools, the routes' morning
and afternoon kilometres (each school day), the fleet, the
pupils who newly eat or board at school, and what is built. Stored in the plan's KPIs
as ``kpis["money"]`` (yuan; every key listed in :func:`plan_money`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from optimizer.plan import Assignment, BusDuty, Mode, Route, SchoolResult, Status
from optimizer.problem.data import Problem
from optimizer.problem.money import (
    bus_seat_cost,
    closure_saving,
    driving_cost,
    runs_a_day,
    teacher_cost,
)

#: Investment units and the InvestmentCosts field pricing each.
UNIT_PRICE = {
    "classrooms": "classroom_cost",
    "canteen_seats": "canteen_seat_cost",
    "boarding_beds": "bed_cost",
}


def bus_operation(
    problem: Problem, routes: tuple[Route, ...], buses: tuple[BusDuty, ...]
) -> tuple[float, float, float]:
    """``(fixed, per km, km a year)`` of the fleet: each bus's type cost, and a day's
    driving (:func:`~optimizer.problem.money.driving_cost`) of every morning and
    afternoon run on each school day.

    A plan without afternoon runs (read from before they were routed) counts each
    morning run :func:`~optimizer.problem.money.runs_a_day` times, as the closure
    model's estimate does.
    """
    fixed_of = {t.name: t.fixed_cost for t in problem.bus.types}
    fleet = buses or routes
    fixed = float(sum(fixed_of.get(b.bus_type, problem.bus.fixed_cost) for b in fleet))
    if any(r.afternoon for r in routes):
        km_day = sum(r.distance_m + sum(a.distance_m for a in r.afternoon) for r in routes) / 1e3
    else:
        runs, index = runs_a_day(problem), {sid: i for i, sid in enumerate(problem.school_ids)}
        km_day = sum(r.distance_m * max(runs[index[s]] for s in r.schools()) for r in routes) / 1e3
    return fixed, float(driving_cost(problem, km_day)), km_day * problem.money.school_days


def bus_estimate(problem: Problem, assignments: tuple[Assignment, ...]) -> int:
    """Yuan/year the closure model's objective counts for the plan's buses: every pupil
    who moves onto a bus, a seat's share of a bus's fixed cost and driving from the
    village (:func:`~optimizer.problem.money.bus_seat_cost`, unweighted)."""
    index = {sid: i for i, sid in enumerate(problem.school_ids)}
    village = {vid: i for i, vid in enumerate(problem.village_ids)}
    riders = [a for a in assignments if a.moved and a.mode is Mode.BUS]
    if not riders:
        return 0
    v = np.array([village[a.village] for a in riders], np.int64)
    s = np.array([index[a.school] for a in riders], np.int64)
    seat = bus_seat_cost(problem, problem.dist_m[v, problem.n_villages + s], runs_a_day(problem)[s])
    return round(float(np.dot([a.pupils for a in riders], seat)))


def routed_corrections(
    problem: Problem, assignments: tuple[Assignment, ...], fixed: float, km_cost: float
) -> tuple[float, float]:
    """``(bus_fill, route_km_factor)`` that make the closure model's estimate
    (:func:`bus_estimate`) of these riders equal the routed fleet's ``fixed`` cost and
    ``km_cost`` (yuan/year): the share of seats the fleet fills, and the routed km over
    the estimate's. ``1.0`` where there is nothing to compare."""
    plain = dataclasses.replace(
        problem, money=dataclasses.replace(problem.money, bus_fill=1.0, route_km_factor=1.0)
    )
    seats_fixed = bus_estimate(
        dataclasses.replace(plain, bus=dataclasses.replace(plain.bus, cost_per_km=0.0)),
        assignments,
    )
    km = bus_estimate(
        dataclasses.replace(plain, bus=dataclasses.replace(plain.bus, fixed_cost=0.0)),
        assignments,
    )
    fill = seats_fixed / fixed if fixed > 0 and seats_fixed > 0 else 1.0
    factor = km_cost / km if km > 0 and km_cost > 0 else 1.0
    return round(fill, 4), round(factor, 4)


def capital_years(problem: Problem, capital: int) -> dict[str, int]:
    """``{calendar year: yuan}``: everything built the year before the closures
    (``money.closure_year``; build first, close after)."""
    return {str(problem.money.closure_year - 1): capital} if capital else {}


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
        ``bus_fixed``, ``bus_km_cost``, ``bus_km_year``, ``bus_estimate`` (what the
        closure model's objective counted for these buses, with the corrections
        ``bus_fill`` and ``route_km_factor`` it used), ``lunch_pupils``,
        ``lunch_subsidy``, ``boarders``, ``boarding_subsidy``, ``inclusive_subsidy``,
        ``net_annual_saving`` (saved less every new yearly cost), ``capital_by_item``,
        ``capital_by_year`` (``{calendar year: yuan}``), ``capital`` (new buses only beyond
        ``money.buses_before``), ``payback_years`` (capital /
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
    by_item["buses"] = round(max(len(buses or routes) - m.buses_before, 0) * m.bus_price)
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
        "bus_estimate": bus_estimate(problem, assignments),
        "bus_fill": m.bus_fill,
        "route_km_factor": m.route_km_factor,
        "lunch_pupils": lunch,
        "boarders": board,
        "net_annual_saving": net,
        "capital_by_item": by_item,
        "capital_by_year": capital_years(problem, capital),
        "capital": capital,
        "payback_years": round(capital / net, 1) if net > 0 else None,
        "annual_cost": round(kept_cost + sum(costs.values()) + problem.weights.capital * capital),
    }


def phased_money(phases: list[dict[str, Any]]) -> dict[str, Any]:
    """The money of a plan carried out in phases (a timeline: one plan's money a phase,
    each with only its own building and new buses; the last holds every closure).

    Returns
    -------
    dict
        ``capital_by_item`` and ``capital_by_year`` (every phase's, added up),
        ``capital``, ``net_annual_saving`` (after the last phase) and ``payback_years``
        (capital / that saving; ``None`` when it saves nothing).
    """
    by_item: dict[str, int] = {}
    by_year: dict[str, int] = {}
    for money in phases:
        for item, yuan in money["capital_by_item"].items():
            by_item[item] = by_item.get(item, 0) + yuan
        for year, yuan in money["capital_by_year"].items():
            by_year[year] = by_year.get(year, 0) + yuan
    capital = sum(by_item.values())
    net = phases[-1]["net_annual_saving"] if phases else 0
    return {
        "capital_by_item": by_item,
        "capital_by_year": dict(sorted(by_year.items())),
        "capital": capital,
        "net_annual_saving": net,
        "payback_years": round(capital / net, 1) if net > 0 else None,
    }
