"""Why a scenario has no plan: the villages and the limit at fault, in words.

Three kinds of reason, from the cheapest check to the dearest:

- a village band with no school of its level within its one-way limit (and the
  limit that would serve it);
- a village band the solved model could not place: its schools are full, or can never
  reach the minimum enrolment;
- rules that contradict each other: which rule of the closure policy
  (:mod:`optimizer.closures.policy_reasons`), else which school-wide rule, lifted
  alone, gives a plan.
"""

from __future__ import annotations

import dataclasses
import math
from types import MappingProxyType

import numpy as np

from geodata.kinds import BANDS
from optimizer.closures.model import ClosureModel
from optimizer.closures.options import candidate_schools
from optimizer.closures.policy_reasons import POLICY_RELAXATIONS, lifted_policy
from optimizer.problem.data import Problem
from optimizer.problem.numbers import Way
from optimizer.problem.rules import journey, limit_s, on_school_bus
from optimizer.solvers.facility import SolveSettings, solve_facility
from optimizer.values import Decision


def reachability_reasons(problem: Problem) -> list[str]:
    """Villages and bands with no school of their level within the one-way limit."""
    reasons = []
    for v in range(problem.n_villages):
        for b, band in enumerate(BANDS):
            if problem.pupils[v, b] == 0 or candidate_schools(problem, v, b):
                continue
            closed = problem.closed if problem.closed is not None else [False] * problem.n_schools
            teaching = [
                s for s in range(problem.n_schools) if problem.serves[s, b] and not closed[s]
            ]
            limit_min = limit_s(problem, band) / 60
            if teaching:
                best = min(teaching, key=lambda s: journey(problem, b, v, s)[1])
                how, seconds, _ = journey(problem, b, v, best)
                minutes = seconds / 60
                if how == Way.RIDE and on_school_bus(problem, b, v, best):
                    stop = " with the bus's stop"
                elif how == Way.RIDE:
                    stop = " brought by a guardian" + (
                        " (as today)" if best == problem.today[v, b] else ""
                    )
                else:
                    stop = ""
                nearest = (
                    f"the nearest, {problem.school_ids[best]}, is {minutes:.1f} min away"
                    f"{stop} (a limit of {math.ceil(minutes)} min would serve it)"
                )
            else:
                nearest = "no school teaches this band"
            reasons.append(
                f"village {problem.village_ids[v]} band {band} ({problem.pupils[v, b]} pupils): "
                f"no school within the {limit_min:g}-minute one-way limit; {nearest}"
            )
    return reasons


#: School-wide rules that can contradict each other: the Problem's field, the setting
#: that lifts each, and its lifted value.
_RELAXATIONS = (
    ("the minimum enrolment", "policy.schools.min_enrolment", ("school_rules", "min_enrolment"), 0),
    (
        "the largest school size",
        "policy.schools.max_classes",
        ("school_rules", "max_classes"),
        MappingProxyType({}),
    ),
    (
        "teaching points being off",
        "policy.schools.teaching_points",
        ("school_rules", "teaching_points"),
        True,
    ),
    (
        "the closing-pays rule",
        "policy.money.closing_must_pay",
        ("money", "closing_must_pay"),
        False,
    ),
    ("the investment budget", "policy.investment.budget", ("investment", "budget"), 1e15),
    (
        "the public share of kindergarten places",
        "policy.schools.kindergarten_public_share",
        ("school_rules", "kindergarten_public_share"),
        0.0,
    ),
)


def contradictions(problem: Problem) -> list[str]:
    """Which rule of the closure policy, else which school-wide rule, lifted alone, would
    let a plan exist."""
    found = _policy_rules(problem, first=False) or _school_rules(problem, first=False)
    return found or [
        "the school-wide rules (minimum enrolment, school size, budget, "
        "kindergarten places) cannot all be met together; no single one of "
        "them, lifted alone, gives a plan"
    ]


def rule_in_the_way(problem: Problem) -> list[str]:
    """The first school-wide rule, else rule of the closure policy, that lifted alone
    gives every village band a place (none: it is room that lacks)."""
    return _school_rules(problem, first=True) or _policy_rules(problem, first=True)


def _policy_rules(problem: Problem, *, first: bool) -> list[str]:
    found = []
    for label, key, field, lifted in POLICY_RELAXATIONS:
        relaxed = lifted_policy(problem, field, lifted)
        if relaxed is not None and _has_plan(relaxed):
            found.append(
                f"{label} ({key} = {_shown(getattr(problem.closing, field), problem)}) blocks "
                "every plan with the rest of the policy; without it a plan exists"
            )
            if first:
                break
    return found


def _school_rules(problem: Problem, *, first: bool) -> list[str]:
    found = []
    for label, key, (section, field), lifted in _RELAXATIONS:
        part = getattr(problem, section)
        value = getattr(part, field)
        if value == lifted:
            continue
        relaxed = dataclasses.replace(
            problem, **{section: dataclasses.replace(part, **{field: lifted})}
        )
        if _has_plan(relaxed):
            shown = dict(value) if isinstance(value, MappingProxyType) else value
            found.append(
                f"{label} ({key} = {shown!r}) cannot be met together "
                "with the schools that must stay open and the journey limits; "
                f"without it a plan exists"
            )
            if first:
                break
    return found


def _has_plan(problem: Problem) -> bool:
    """Whether the closure model has a plan that places every village band (a quick
    HiGHS solve, 60 s at most)."""
    solved = solve_facility(
        ClosureModel(problem).model(), SolveSettings(engine="highs", time_limit_s=60)
    )
    return solved.has_solution and bool((np.asarray(solved.choice) >= 0).all())


def _shown(value: object, problem: Problem) -> str:
    """A policy setting as the scenario writes it (schools by id, levels by name)."""
    if isinstance(value, frozenset):
        return repr(sorted(str(v) for v in value))
    if isinstance(value, MappingProxyType):
        return repr({problem.school_ids[s]: str(d) for s, d in sorted(value.items())})
    return repr(value)


#: The words of a capacity reason that blames room alone.
NO_ROOM = "have no room left for them"


def capacity_reasons(problem: Problem, lacking: list[tuple[int, int]]) -> list[str]:
    """Why each lacking village band found no place: full schools, or too small to keep."""
    rules = problem.school_rules
    reach = np.zeros(problem.n_schools, dtype=np.int64)  # pupils who could go to each school
    for v in range(problem.n_villages):
        for b in range(len(BANDS)):
            for s in candidate_schools(problem, v, b):
                reach[s] += problem.pupils[v, b]
    reasons = []
    for v, b in lacking:
        cands = candidate_schools(problem, v, b)
        small = [
            s
            for s in cands
            if problem.school_levels[s] in rules.min_enrolment_levels
            and reach[s] < rules.min_enrolment
            and not problem.must_keep[s]
        ]
        if rules.min_enrolment and small == cands:
            names = ", ".join(f"{problem.school_ids[s]} (at most {reach[s]} pupils)" for s in cands)
            reasons.append(
                f"village {problem.village_ids[v]} band {BANDS[b]} ({problem.pupils[v, b]} "
                f"pupils): the only schools within "
                f"{limit_s(problem, BANDS[b]) / 60:g} min ({names}) can never "
                f"reach the minimum enrolment of {rules.min_enrolment} "
                "(policy.schools.min_enrolment); keep one as a teaching point or must_keep"
            )
            continue
        closed = [s for s in cands if problem.closing.decisions.get(s) == Decision.CLOSE]
        if closed and len(closed) == len(cands):
            names = ", ".join(problem.school_ids[s] for s in closed)
            reasons.append(
                f"village {problem.village_ids[v]} band {BANDS[b]} ({problem.pupils[v, b]} "
                f"pupils): every school within {limit_s(problem, BANDS[b]) / 60:g} min "
                f"({names}) is closed by the planner's decisions; keep one or raise the limit"
            )
            continue
        names = ", ".join(
            f"{problem.school_ids[s]} (capacity {problem.capacity[s]}, "
            f"{problem.classrooms[s]} classrooms"
            + (", closed by the planner's decisions" if s in closed else "")
            + ")"
            for s in cands
        )
        reasons.append(
            f"village {problem.village_ids[v]} band {BANDS[b]} ({problem.pupils[v, b]} pupils): "
            f"the schools within {limit_s(problem, BANDS[b]) / 60:g} min "
            f"({names}) {NO_ROOM}, even with the investment budget"
        )
    return reasons
