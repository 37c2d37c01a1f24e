"""Independent re-check of each school after the plan: rooms, sizes, meals, beds, money.

Part of :mod:`optimizer.verification.checks`. From the plan's assignments alone it
recounts each school's pupils per band, lunch pupils and boarders, then re-checks one
rule per check: closed schools (no investment, none reopened), teaching points, classes
against rooms and size limits (or pupils against capacity), canteen seats and beds,
the minimum enrolment, the capital budget, and the public and inclusive shares of
kindergarten places. Nothing here calls the models.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from optimizer.plan import Level, Mode, Plan, SchoolResult, Status
from optimizer.problem.build import BAND_NORM, Problem
from optimizer.verification.violation import Violation


@dataclass
class _Loads:
    """What the assignments bring to each school: pupils per band, lunches, boarders."""

    pupils: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    lunch: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    boarders: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @classmethod
    def of(cls, plan: Plan) -> _Loads:
        loads = cls()
        for a in plan.assignments:
            loads.pupils[a.school][a.band] += a.pupils
            loads.lunch[a.school] += a.pupils if a.mode in (Mode.BUS, Mode.BOARD) else 0
            loads.boarders[a.school] += a.pupils if a.mode == "board" else 0
        return loads


@dataclass
class _Places:
    """Kindergarten places after the plan: all, public, inclusive."""

    all: int = 0
    public: int = 0
    inclusive: int = 0


def check_school_sizes(plan: Plan, problem: Problem, out: list[Violation]) -> None:
    """Classes, class sizes, canteens, beds, enrolment, budget, kindergarten places."""
    by_id = {s.id: s for s in plan.schools}
    loads = _Loads.of(plan)
    capital = 0.0
    places = _Places()
    for s, sid in enumerate(problem.school_ids):
        result = by_id.get(sid)
        if result is None:
            continue
        if _check_closed_school(problem, s, result, out):
            continue
        tp = result.status == Status.TEACHING_POINT
        _check_teaching_point(problem, s, tp, out)
        _check_rooms_or_capacity(problem, s, result, loads.pupils[sid], tp, out)
        _check_lunch_and_beds(problem, s, result, loads, out)
        _check_min_enrolment(problem, s, sid, sum(loads.pupils[sid].values()), tp, out)
        capital += _capital(problem, result.investment)
        _count_kindergarten_places(problem, s, result.investment, places)
    _check_budget(problem, capital, out)
    _check_kindergarten_shares(problem, places, out)


def _check_closed_school(
    problem: Problem, s: int, result: SchoolResult, out: list[Violation]
) -> bool:
    """A school an earlier year closed stays closed; a closed school gets no investment.

    Returns whether the school is closed (nothing more to check of it).
    """
    sid = result.id
    if problem.closed is not None and problem.closed[s] and result.status != "closed":
        out.append(Violation("closed", sid, "reopened after an earlier year closed it"))
    if result.status == "closed":
        if result.investment:
            out.append(Violation("investment", sid, "investment at a closed school"))
        return True
    return False


def _check_teaching_point(problem: Problem, s: int, tp: bool, out: list[Violation]) -> None:
    """Only a primary school may be kept as a teaching point, where the policy allows them."""
    rules = problem.school_rules
    if tp and (problem.school_levels[s] != Level.PRIMARY or not rules.teaching_points):
        out.append(
            Violation("teaching point", problem.school_ids[s], "only primary schools may be one")
        )


def _check_rooms_or_capacity(
    problem: Problem,
    s: int,
    result: SchoolResult,
    pupils: dict[str, int],
    tp: bool,
    out: list[Violation],
) -> None:
    """Classes within the rooms (and added ones) and the size limit, the largest class
    within its norm; a school whose rooms are unknown holds no more than its capacity."""
    rules, invest = problem.school_rules, problem.investment
    sid, added = result.id, result.investment
    rooms = int(problem.classrooms[s])
    if rooms <= 0:
        total, limit = sum(pupils.values()), int(problem.pupil_limit()[s])
        if total > limit:
            out.append(Violation("capacity", sid, f"{total} pupils > capacity {limit}"))
        return
    classes = 0
    for band, n in pupils.items():
        if n:
            norm = rules.class_size["teaching_point" if tp else BAND_NORM[band]]
            classes += math.ceil(n / norm)
    room_limit = problem.room_limit(s, teaching_point=tp)
    total = sum(pupils.values())
    if room_limit > problem.room_limit(s) and total > problem.today_pupils(s):
        out.append(
            Violation(
                "teaching point",
                sid,
                f"{total} pupils in rooms counted for today's {problem.today_pupils(s)} "
                "at the teaching-point norm",
            )
        )
    if classes > room_limit + added.get("classrooms", 0):
        out.append(
            Violation(
                "classrooms",
                sid,
                f"{classes} classes need rooms; {room_limit} + {added.get('classrooms', 0)} added",
            )
        )
    if added.get("classrooms", 0) > invest.max_classrooms:
        out.append(Violation("investment", sid, "more classrooms than allowed"))
    limit = problem.size_limit(s)
    if limit is not None and classes > limit:
        out.append(Violation("oversized school", sid, f"{classes} classes > {limit}"))
    if result.largest_class_after > result.class_norm:
        out.append(Violation("oversized class", sid, "largest class over the norm"))


def _check_lunch_and_beds(
    problem: Problem, s: int, result: SchoolResult, loads: _Loads, out: list[Violation]
) -> None:
    """Canteen seats (times the sittings) for every pupil at lunch; a bed for each boarder."""
    rules = problem.school_rules
    sid, added = result.id, result.investment
    seats = int(problem.canteen_seats[s]) + added.get("canteen_seats", 0)
    if loads.lunch[sid] > rules.lunch_sittings * seats:
        out.append(
            Violation(
                "lunch",
                sid,
                f"{loads.lunch[sid]} pupils eat at school; {seats} "
                f"seats x {rules.lunch_sittings} sittings",
            )
        )
    beds = int(problem.boarding_beds[s]) + added.get("boarding_beds", 0)
    if loads.boarders[sid] > beds:
        out.append(Violation("beds", sid, f"{loads.boarders[sid]} boarders > {beds} beds"))


def _check_min_enrolment(
    problem: Problem, s: int, sid: str, total: int, tp: bool, out: list[Violation]
) -> None:
    """A school that could close and stays (not as a teaching point) has the minimum
    enrolment, where closures are allowed and the rule covers its level."""
    rules = problem.school_rules
    if (
        rules.min_enrolment
        and not tp
        and not (problem.must_keep[s] or not problem.may_close[s])
        and problem.school_levels[s] in rules.min_enrolment_levels
        and problem.moves.closures_allowed
    ):
        if total < rules.min_enrolment:
            out.append(Violation("min enrolment", sid, f"{total} pupils < {rules.min_enrolment}"))


def _capital(problem: Problem, added: dict[str, int]) -> float:
    """The capital cost of one school's investment, in yuan."""
    invest = problem.investment
    return (
        added.get("classrooms", 0) * invest.classroom_cost
        + added.get("canteen_seats", 0) * invest.canteen_seat_cost
        + added.get("boarding_beds", 0) * invest.bed_cost
    )


def _check_budget(problem: Problem, capital: float, out: list[Violation]) -> None:
    """The plan's capital within the investment budget."""
    invest = problem.investment
    if capital > invest.budget + 0.5:
        out.append(Violation("budget", "plan", f"capital {capital:,.0f} > {invest.budget:,.0f}"))


def _count_kindergarten_places(
    problem: Problem, s: int, added: dict[str, int], places: _Places
) -> None:
    """Add a kept kindergarten's places after the plan (rooms x norm, or its capacity)."""
    rules = problem.school_rules
    if problem.school_levels[s] != Level.KINDERGARTEN:
        return
    rooms = int(problem.classrooms[s])
    norm = rules.class_size["kindergarten"]
    base = rooms * norm if rooms else int(problem.capacity[s])
    total = base + added.get("classrooms", 0) * norm
    places.all += total
    places.public += total if problem.public[s] else 0
    # A subsidy makes today's private places inclusive, not added ones.
    made_inclusive = base if added.get("inclusive_places", 0) == base else 0
    places.inclusive += total if problem.inclusive[s] else made_inclusive


def _check_kindergarten_shares(problem: Problem, places: _Places, out: list[Violation]) -> None:
    """The public and inclusive shares of kindergarten places after the plan."""
    rules = problem.school_rules
    for label, kept, share in (
        ("public", places.public, rules.kindergarten_public_share),
        ("inclusive", places.inclusive, rules.kindergarten_inclusive_share),
    ):
        if places.all and kept < share * places.all - 1e-9:
            out.append(
                Violation(
                    f"{label} kindergarten places",
                    "plan",
                    f"{kept} of {places.all} places {label} < {share:.0%}",
                )
            )
