"""Townships in the plan: each record's town, the bus yards, and the summary per town.

:func:`with_towns` gives every school, assignment, route and stop its town from the
Problem (the places tables' ``town``: a school's own, a village's own, a route's
receiving school's). :func:`plan_depots` lists the bus yards and the buses based there.
:func:`township_summary` is what the plan does in each town (:class:`~optimizer.towns.
Township`), computed once from the plan's records and money, so that the towns add up
to the county: schools closed, pupils moved, newly bused and boarding (by the village's
town), buses and runs (by the receiving school's town; a bus by its first run), and the
money, apportioned so that every town's yuan sum to the county's figures exactly.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from geodata.kinds import BANDS, LEVELS
from geodata.region import Region
from optimizer.plan import Assignment, BusDuty, Mode, Route, SchoolResult, Status
from optimizer.planning.accounts import UNIT_PRICE, bus_operation, new_eaters
from optimizer.problem.data import Problem
from optimizer.problem.money import closure_saving
from optimizer.towns import Depot, Township


def with_towns(
    problem: Problem,
    schools: tuple[SchoolResult, ...],
    assignments: tuple[Assignment, ...],
    routes: tuple[Route, ...],
) -> tuple[tuple[SchoolResult, ...], tuple[Assignment, ...], tuple[Route, ...]]:
    """The records with their ``town`` set (the input's; ``""`` where it names none)."""
    school_town = dict(zip(problem.school_ids, problem.closing.towns, strict=True))
    village_town = dict(zip(problem.village_ids, problem.village_towns, strict=False))
    schools = tuple(dataclasses.replace(s, town=school_town.get(s.id, "")) for s in schools)
    assignments = tuple(
        dataclasses.replace(a, town=village_town.get(a.village, "")) for a in assignments
    )
    routes = tuple(
        dataclasses.replace(
            r,
            town=school_town.get(r.school, ""),
            stops=tuple(
                dataclasses.replace(s, town=village_town.get(s.village, "")) for s in r.stops
            ),
        )
        for r in routes
    )
    return schools, assignments, routes


def plan_depots(
    region: Region, buses: tuple[BusDuty, ...], routes: tuple[Route, ...]
) -> tuple[Depot, ...]:
    """Every bus yard of the region with the buses (duties) starting there and the runs
    that leave from it."""
    table = region.depots
    duties = Counter(b.start for b in buses)
    runs = Counter(r.start for r in routes)
    towns = table["town"] if "town" in table else [""] * len(table)
    return tuple(
        Depot(
            id=str(d),
            name=str(name),
            town=str(town),
            lon=round(float(geom.x), 7),
            lat=round(float(geom.y), 7),
            buses=duties.get(str(d), 0),
            runs=runs.get(str(d), 0),
        )
        for d, name, town, geom in zip(table["id"], table["name"], towns, table.geometry)
    )


def apportion(shares: Mapping[str, float], total: int) -> dict[str, int]:
    """Whole yuan per town summing to ``total``: each share rounded down, the rest given
    by largest remainder (ties by town); a rest that does not fit goes to the largest."""
    base = {t: math.floor(x) for t, x in shares.items()}
    rest = total - sum(base.values())
    order = sorted(shares, key=lambda t: (-(shares[t] - base[t]), t))
    if 0 <= rest <= len(order):
        for t in order[:rest]:
            base[t] += 1
    elif order:
        base[max(order, key=lambda t: (abs(shares[t]), t))] += rest
    return base


def township_summary(
    problem: Problem,
    schools: tuple[SchoolResult, ...],
    assignments: tuple[Assignment, ...],
    routes: tuple[Route, ...],
    buses: tuple[BusDuty, ...],
    money: Mapping[str, Any],
) -> tuple[Township, ...]:
    """What the plan does in each town, sorted by town; ``()`` when no place names one.

    ``money`` is the county's (:func:`optimizer.planning.accounts.plan_money`); the
    towns' running cost saved, net saving and capital sum to it exactly.
    """
    school_town = {s.id: s.town for s in schools}
    route_town = {r.id: school_town.get(r.school, "") for r in routes}
    towns = sorted({s.town for s in schools} | {a.town for a in assignments})
    if towns in ([], [""]):
        return ()
    fleet: Sequence[BusDuty | Route] = buses or routes
    bus_town = [route_town[b.routes[0]] if buses else route_town[b.id] for b in fleet]
    shares = {
        t: _money_shares(problem, t, schools, assignments, routes, fleet, bus_town) for t in towns
    }
    saved = apportion({t: s["saved"] for t, s in shares.items()}, money["saved"])
    costs = apportion(
        {t: s["costs"] for t, s in shares.items()},
        money["saved"] - money["net_annual_saving"],
    )
    capital = apportion({t: s["capital"] for t, s in shares.items()}, money["capital"])
    out = []
    for t in towns:
        mine = [s for s in schools if s.town == t]
        rows = [a for a in assignments if a.town == t]
        daily: dict[str, int] = defaultdict(int)
        for a in rows:
            if a.mode is not Mode.BOARD:
                daily[a.band] = max(daily[a.band], a.time_s)
        before = Counter(s.level for s in mine)
        after = Counter(s.level for s in mine if s.status is not Status.CLOSED)
        out.append(
            Township(
                town=t,
                schools_before={lv: before[lv] for lv in LEVELS if before[lv]},
                schools_after={lv: after[lv] for lv in LEVELS if before[lv]},
                schools_closed=sum(1 for s in mine if s.status is Status.CLOSED),
                villages=len({a.village for a in rows}),
                pupils=sum(a.pupils for a in rows),
                pupils_moved=sum(a.pupils for a in rows if a.moved),
                pupils_newly_bused=sum(a.pupils for a in rows if a.mode is Mode.BUS),
                weekly_boarders=sum(a.pupils for a in rows if a.mode is Mode.BOARD),
                buses=sum(1 for bt in bus_town if bt == t),
                runs=sum(1 for r in routes if route_town[r.id] == t),
                longest_journey_s={b: daily[b] for b in BANDS if b in daily},
                running_cost_saved=sum(s.running_cost for s in mine if s.status is Status.CLOSED),
                net_annual_saving=saved[t] - costs[t],
                capital=capital[t],
            )
        )
    return tuple(out)


def _money_shares(
    problem: Problem,
    town: str,
    schools: tuple[SchoolResult, ...],
    assignments: tuple[Assignment, ...],
    routes: tuple[Route, ...],
    fleet: Sequence[BusDuty | Route],
    bus_town: Sequence[str],
) -> dict[str, float]:
    """A town's saving, yearly costs and capital, unrounded yuan: its closed schools,
    the buses and runs it receives, the subsidies of the pupils its schools receive, and
    what is built at its schools."""
    index = {sid: i for i, sid in enumerate(problem.school_ids)}
    saving = closure_saving(problem)
    mine = [s for s in schools if s.town == town]
    ids = {s.id for s in mine}
    saved = float(sum(int(saving[index[s.id]]) for s in mine if s.status is Status.CLOSED))
    fixed_of = {t.name: t.fixed_cost for t in problem.bus.types}
    buses = [b for b, t in zip(fleet, bus_town) if t == town]
    fixed = float(sum(fixed_of.get(b.bus_type, problem.bus.fixed_cost) for b in buses))
    km_cost = bus_operation(problem, tuple(r for r in routes if r.school in ids), ())[1]
    lunch, board = new_eaters(tuple(a for a in assignments if a.school in ids))
    m, invest = problem.money, problem.investment
    inclusive = sum(s.investment.get("inclusive_places", 0) for s in mine)
    costs = (
        fixed
        + km_cost
        + lunch * m.lunch_subsidy
        + board * m.boarding_subsidy
        + inclusive * invest.inclusive_subsidy_per_place
    )
    capital = sum(
        sum(s.investment.get(item, 0) for s in mine) * getattr(invest, price)
        for item, price in UNIT_PRICE.items()
    )
    return {"saved": saved, "costs": costs, "capital": capital + len(buses) * m.bus_price}
