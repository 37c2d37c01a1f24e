"""Multi-year plans: one verified plan per year, build first and close after.

Year ``k`` (1..N) plans the enrolment projected ``k`` years ahead. Its starting
point is the end of year ``k - 1``: pupils are where that year put them, schools it
closed stay closed (they may not receive pupils), and what it built is there.
Unless ``policy.allow_second_move``, a school that received moved pupils stays
open, so nobody moves twice. Buses, lunches and boarding follow every pupil who
has moved since the base year. The timeline schedules each year's building work
(classrooms, canteen seats, beds) in the year before its closures take effect:
build first, close after. Year ``k``'s closures take effect in the calendar year
``money.closure_year + k - 1``; its plan's money counts its own building and the buses
beyond the earlier years' fleet, in the calendar year before
(:func:`optimizer.planning.accounts.phased_money` adds the phases up: capital by item
and year, and the payback on the net saving after the last phase).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from html import escape

import numpy as np

from geodata.kinds import BANDS
from geodata.region import Region
from optimizer.errors import NoPlan
from optimizer.plan import Plan, Status
from optimizer.planning.accounts import phased_money
from optimizer.planning.flow import make_plan
from optimizer.planning.school_results import to_build
from optimizer.problem.build import Problem, build_problem
from optimizer.scenario.schema import Scenario


@dataclass(frozen=True)
class YearPlan:
    """The plan of one year of the timeline (``year``: years after the base year)."""

    year: int
    plan: Plan
    problem: Problem


def plan_timeline(scenario: Scenario, region: Region) -> list[YearPlan]:
    """A verified plan for each year 1..``policy.timeline_years``.

    Raises
    ------
    optimizer.closures.model.InfeasibleScenario, optimizer.buses.runs.UnroutableRiders
        For the first year without a plan (the message names the year).
    """
    policy = scenario.policy
    base = build_problem(region, policy.model_copy(update={"years_ahead": 0}), name="base")
    origin = base.current
    current = base.current.copy()
    closed = np.zeros(base.n_schools, dtype=bool)
    keep = base.must_keep.copy()
    rooms, seats, beds = base.classrooms, base.canteen_seats, base.boarding_beds
    index = {sid: i for i, sid in enumerate(base.school_ids)}
    village = {vid: i for i, vid in enumerate(base.village_ids)}
    years = []
    fleet = 0  # buses bought by the earlier phases
    for k in range(1, policy.timeline_years + 1):
        name = f"{scenario.name} (year +{k})"
        year = scenario.model_copy(
            update={"name": name, "policy": policy.model_copy(update={"years_ahead": k})}
        )
        problem = build_problem(region, year.policy, name=name, decisions=scenario.decisions)
        problem = dataclasses.replace(
            problem,
            current=_frozen(current),
            origin=origin,
            closed=_frozen(closed),
            must_keep=_frozen(keep),
            classrooms=rooms,
            canteen_seats=seats,
            boarding_beds=beds,
            money=dataclasses.replace(
                problem.money,
                closure_year=problem.money.closure_year + k - 1,
                buses_before=fleet,
            ),
        )
        try:
            plan, problem = make_plan(year, region, problem)
        except NoPlan as exc:
            raise type(exc)([f"year +{k} of the timeline:", *exc.reasons]) from None
        years.append(YearPlan(k, plan, problem))
        fleet = max(fleet, len(plan.buses or plan.routes))
        for a in plan.assignments:
            current[village[a.village], BANDS.index(a.band)] = index[a.school]
        for s in plan.schools:
            i = index[s.id]
            closed[i] |= s.status == Status.CLOSED
            if not problem.moves.allow_second_move and any(
                a.school == s.id and a.moved for a in plan.assignments
            ):
                keep[i] = True
        added = {s.id: s.investment for s in plan.schools}
        rooms = _frozen(rooms + _vector(base, added, "classrooms"))
        seats = _frozen(seats + _vector(base, added, "canteen_seats"))
        beds = _frozen(beds + _vector(base, added, "boarding_beds"))
    return years


def timeline_rows(years: list[YearPlan]) -> list[dict[str, object]]:
    """What happens when: build the year before a closure, close, move, buses."""
    rows = []
    for y in years:
        closing = {s.id for s in y.plan.schools if s.status == Status.CLOSED} - {
            s.id
            for prev in years
            if prev.year < y.year
            for s in prev.plan.schools
            if s.status == Status.CLOSED
        }
        for s in y.plan.schools:
            detail = to_build(s.investment)
            if detail:
                rows.append(
                    {
                        "year": y.year - 1,
                        "event": "build",
                        "school": s.id,
                        "detail": f"{detail} (ready for year +{y.year})",
                    }
                )
        for sid in sorted(closing):
            moved = sum(
                a.pupils
                for a in y.plan.assignments
                if a.moved and any(a.before_school == sid for _ in [0])
            )
            rows.append(
                {
                    "year": y.year,
                    "event": "close",
                    "school": sid,
                    "detail": f"{moved} pupils of its villages now elsewhere",
                }
            )
        for calendar, yuan in y.plan.kpis["money"]["capital_by_year"].items():
            rows.append(
                {
                    "year": y.year - 1,
                    "event": "capital",
                    "school": "",
                    "detail": f"{yuan:,} yuan in {calendar} (ready for year +{y.year})",
                }
            )
        k = y.plan.kpis
        rows.append(
            {
                "year": y.year,
                "event": "totals",
                "school": "",
                "detail": f"{k['schools_closed']} closed, {k['pupils']} pupils, "
                f"{k['pupils_newly_bused']} on school buses, {k['buses']} buses",
            }
        )
    if years:
        money = phased_money([y.plan.kpis["money"] for y in years])
        payback = money["payback_years"]
        rows.append(
            {
                "year": years[-1].year,
                "event": "payback",
                "school": "",
                "detail": f"capital {money['capital']:,} yuan, net saving after the last phase "
                f"{money['net_annual_saving']:,} yuan/year: "
                + ("never" if payback is None else f"{payback} years"),
            }
        )
    order = ["build", "capital", "close", "totals", "payback"]
    return sorted(rows, key=lambda r: (r["year"], order.index(r["event"]), r["school"]))


def _vector(problem: Problem, added: dict[str, dict[str, int]], what: str) -> np.ndarray:
    return np.array([added.get(sid, {}).get(what, 0) for sid in problem.school_ids], dtype=np.int64)


def _frozen(array: np.ndarray) -> np.ndarray:
    out = np.array(array, copy=True)
    out.setflags(write=False)
    return out


def timeline_html(title: str, years: list[YearPlan]) -> str:
    """A self-contained page: the timeline table and a link to each year's map and report."""
    links = "".join(
        f'<li>year +{y.year}: <a href="year+{y.year}/map.html">map</a> · '
        f'<a href="year+{y.year}/report.html">report</a> — '
        f"{y.plan.kpis['schools_closed']} closed, {y.plan.kpis['pupils']} pupils, "
        f"{y.plan.kpis['buses']} buses</li>"
        for y in years
    )
    rows = "".join(
        "<tr>"
        + "".join(f"<td>{escape(str(r[k]))}</td>" for k in ("year", "event", "school", "detail"))
        + "</tr>"
        for r in timeline_rows(years)
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}: timeline</title><style>body{{font-family:system-ui,"
        "sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #bbb;"
        "padding:.2em .5em}</style></head><body>"
        f"<h1>{escape(title)}: timeline</h1><p>Building work is scheduled the year before "
        "the closures it serves (build first, close after). Year 0 is the base year.</p>"
        f"<ul>{links}</ul><table><tr><th>year</th><th>event</th><th>school</th>"
        f"<th>detail</th></tr>{rows}</table></body></html>\n"
    )
