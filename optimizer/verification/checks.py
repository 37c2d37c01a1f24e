"""Independent verification: every rule re-checked from the raw problem and the plan.

Nothing here calls the models: it reads the Problem's numbers (pupils, capacities,
matrices, policy) and the Plan's records, recomputes times, loads and totals, and
lists every rule a plan breaks. The routes and buses are checked in
:mod:`optimizer.verification.routes`.
"""

from __future__ import annotations

import math
from collections import defaultdict

from geodata.places import BANDS
from optimizer.plan import Plan
from optimizer.problem.build import BAND_NORM, Problem
from optimizer.verification.routes import check_buses, check_routes
from optimizer.verification.violation import Violation


def verify(plan: Plan, problem: Problem) -> list[Violation]:
    """Re-check a plan against the problem; an empty list means it keeps every rule."""
    out: list[Violation] = []
    kept = _check_schools(plan, problem, out)
    bus_pupils = _check_assignments(plan, problem, kept, out)
    check_routes(plan, problem, bus_pupils, out)
    if plan.buses:  # plans from before bus duties have one bus per run
        check_buses(plan, problem, out)
    return out


def _check_schools(plan: Plan, problem: Problem, out: list[Violation]) -> set[str]:
    by_id = {s.id: s for s in plan.schools}
    if len(by_id) != len(plan.schools) or set(by_id) != set(problem.school_ids):
        out.append(Violation("schools", "plan", "every school must appear exactly once"))
    kept = set()
    for s, sid in enumerate(problem.school_ids):
        result = by_id.get(sid)
        if result is None:
            continue
        if result.status not in ("kept", "closed"):
            out.append(Violation("status", sid, f"unknown status {result.status!r}"))
        if result.status == "kept":
            kept.add(sid)
        elif problem.must_keep[s] or not problem.may_close[s]:
            out.append(Violation("closure", sid, "closed, but it must be kept"))
    return kept


def _check_assignments(
    plan: Plan, problem: Problem, kept: set[str], out: list[Violation]
) -> dict[tuple[str, str, str], int]:
    bands, moves = problem.bands, problem.moves
    school_index = {sid: i for i, sid in enumerate(problem.school_ids)}
    village_index = {vid: i for i, vid in enumerate(problem.village_ids)}
    seen: dict[tuple[int, int], int] = defaultdict(int)
    load: dict[str, int] = defaultdict(int)
    bus: dict[tuple[str, str, str], int] = {}
    for a in plan.assignments:
        subject = f"village {a.village} band {a.band}"
        v, s = village_index.get(a.village), school_index.get(a.school)
        if v is None or s is None or a.band not in BANDS:
            out.append(Violation("assignment", subject, f"unknown village/school/band {a}"))
            continue
        b = BANDS.index(a.band)
        seen[v, b] += 1
        if a.pupils != problem.pupils[v, b]:
            out.append(
                Violation(
                    "pupils",
                    subject,
                    f"{a.pupils} assigned, the village has {problem.pupils[v, b]}",
                )
            )
        if not problem.serves[s, b]:
            out.append(Violation("level", subject, f"{a.school} does not teach {a.band}"))
        if a.school not in kept:
            out.append(Violation("open", subject, f"assigned to {a.school}, which is closed"))
        load[a.school] += a.pupils
        place = problem.school_place(s)
        walk, dist = int(problem.walk_m[v, place]), int(problem.dist_m[v, place])
        drive = int(problem.time_s[v, place])
        walk_ok = walk <= bands[a.band].walk_m
        limit = bands[a.band].limit_s
        expected_m = walk if a.mode == "walk" else dist
        stop = village_index.get(a.stop) if a.stop else None
        if a.stop and (a.mode != "bus" or stop is None or stop == v):
            out.append(Violation("stop", subject, f"{a.mode} with a stop in {a.stop!r}"))
        elif stop is not None:
            walk_to_stop = int(problem.walk_m[v, stop])
            expected_m = walk_to_stop + int(problem.dist_m[stop, place])
            if a.walk_to_stop_m != walk_to_stop:
                out.append(
                    Violation(
                        "walk to stop",
                        subject,
                        f"reported {a.walk_to_stop_m} m to {a.stop}; the walk is {walk_to_stop} m",
                    )
                )
        if a.distance_m != expected_m:
            out.append(
                Violation(
                    "distance",
                    subject,
                    f"reported {a.distance_m} m, expected {expected_m} m (walking {walk} m, "
                    f"road {dist} m)",
                )
            )
        if a.mode == "walk":
            expected = math.ceil(walk / problem.walk_mps)
            if not walk_ok:
                out.append(Violation("walk", subject, f"walks {walk} m, over the walk limit"))
            if abs(a.time_s - expected) > 1:
                out.append(Violation("time", subject, f"reported {a.time_s} s, walk {expected} s"))
        elif walk_ok and math.ceil(walk / problem.walk_mps) <= limit:
            out.append(Violation("mode", subject, f"{a.mode}, but the walk is allowed"))
        elif a.mode in ("guardian", "as_today"):
            if a.mode == "guardian" and a.band != "k":
                out.append(Violation("mode", subject, "only kindergarten children are brought"))
            if a.time_s != drive:
                out.append(Violation("time", subject, f"reported {a.time_s} s, drive {drive} s"))
        elif a.mode == "bus":
            if a.band == "k":
                out.append(Violation("mode", subject, "no school bus for kindergarten children"))
            bus[a.village, a.band, a.school] = a.pupils
        elif a.mode == "board":
            if a.band not in ("p46", "j79") or not problem.school_rules.boarding:
                out.append(Violation("board", subject, "only grades 4-9 may board"))
            if drive <= limit:
                out.append(Violation("board", subject, "boards although the bus is within limit"))
            if a.time_s != drive:
                out.append(Violation("time", subject, f"reported {a.time_s} s, drive {drive} s"))
        else:
            out.append(Violation("mode", subject, f"unknown mode {a.mode!r}"))
        unmoved_exempt = not moves.limits_apply_to_unmoved and not a.moved
        if a.mode != "board" and a.time_s > limit and not unmoved_exempt:
            out.append(
                Violation("limit", subject, f"one-way {a.time_s / 60:.1f} min > {limit / 60:g} min")
            )
        cur, origin = int(problem.current[v, b]), int(problem.today[v, b])
        before = problem.school_ids[origin] if origin >= 0 else ""
        last = problem.school_ids[cur] if cur >= 0 else ""
        if a.before_school != before or a.moved != (a.school != before):
            out.append(Violation("before", subject, "today's school or the moved flag is wrong"))
        if moves.move_only_from_closed and last in kept and a.school != last:
            out.append(Violation("move", subject, f"moved although {last} stays open"))
        if problem.closed is not None and problem.closed[s]:
            out.append(Violation("closed", subject, f"{a.school} closed in an earlier year"))
    for v in range(problem.n_villages):
        for b in range(len(BANDS)):
            expected = 1 if problem.pupils[v, b] > 0 else 0
            if seen.get((v, b), 0) != expected:
                out.append(
                    Violation(
                        "assigned once",
                        f"village {problem.village_ids[v]} band {BANDS[b]}",
                        f"{seen.get((v, b), 0)} assignments",
                    )
                )
    _check_school_sizes(plan, problem, out)
    return bus


def _check_school_sizes(plan: Plan, problem: Problem, out: list[Violation]) -> None:
    """Classes, class sizes, canteens, beds, enrolment, budget, kindergarten places."""
    rules, invest = problem.school_rules, problem.investment
    by_id = {s.id: s for s in plan.schools}
    load: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    lunch: dict[str, int] = defaultdict(int)
    boarders: dict[str, int] = defaultdict(int)
    for a in plan.assignments:
        load[a.school][a.band] += a.pupils
        lunch[a.school] += a.pupils if a.mode in ("bus", "board") else 0
        boarders[a.school] += a.pupils if a.mode == "board" else 0
    capital = 0.0
    public_places = inclusive_places = all_places = 0
    for s, sid in enumerate(problem.school_ids):
        result = by_id.get(sid)
        if result is None:
            continue
        total = sum(load[sid].values())
        added = result.investment
        if problem.closed is not None and problem.closed[s] and result.status != "closed":
            out.append(Violation("closed", sid, "reopened after an earlier year closed it"))
        if result.status == "closed":
            if added:
                out.append(Violation("investment", sid, "investment at a closed school"))
            continue
        tp = result.status == "teaching_point"
        if tp and (problem.school_levels[s] != "primary" or not rules.teaching_points):
            out.append(Violation("teaching point", sid, "only primary schools may be one"))
        rooms = int(problem.classrooms[s])
        if rooms > 0:
            classes, largest_ok = 0, True
            for band, pupils in load[sid].items():
                if pupils:
                    norm = rules.class_size["teaching_point" if tp else BAND_NORM[band]]
                    classes += math.ceil(pupils / norm)
            if classes > problem.room_limit(s) + added.get("classrooms", 0):
                out.append(
                    Violation(
                        "classrooms",
                        sid,
                        f"{classes} classes need rooms; "
                        f"{problem.room_limit(s)} + {added.get('classrooms', 0)} added",
                    )
                )
            if added.get("classrooms", 0) > invest.max_classrooms:
                out.append(Violation("investment", sid, "more classrooms than allowed"))
            limit = problem.size_limit(s)
            if limit is not None and classes > limit:
                out.append(Violation("oversized school", sid, f"{classes} classes > {limit}"))
            largest_ok = result.largest_class_after <= result.class_norm
            if not largest_ok:
                out.append(Violation("oversized class", sid, "largest class over the norm"))
        elif total > problem.capacity[s]:
            out.append(
                Violation("capacity", sid, f"{total} pupils > capacity {problem.capacity[s]}")
            )
        seats = int(problem.canteen_seats[s]) + added.get("canteen_seats", 0)
        if lunch[sid] > rules.lunch_sittings * seats:
            out.append(
                Violation(
                    "lunch",
                    sid,
                    f"{lunch[sid]} pupils eat at school; {seats} "
                    f"seats x {rules.lunch_sittings} sittings",
                )
            )
        beds = int(problem.boarding_beds[s]) + added.get("boarding_beds", 0)
        if boarders[sid] > beds:
            out.append(Violation("beds", sid, f"{boarders[sid]} boarders > {beds} beds"))
        if (
            rules.min_enrolment
            and not tp
            and not (problem.must_keep[s] or not problem.may_close[s])
            and problem.school_levels[s] in rules.min_enrolment_levels
            and problem.moves.closures_allowed
        ):
            if total < rules.min_enrolment:
                out.append(
                    Violation("min enrolment", sid, f"{total} pupils < {rules.min_enrolment}")
                )
        capital += (
            added.get("classrooms", 0) * invest.classroom_cost
            + added.get("canteen_seats", 0) * invest.canteen_seat_cost
            + added.get("boarding_beds", 0) * invest.bed_cost
        )
        if problem.school_levels[s] == "kindergarten":
            norm = rules.class_size["kindergarten"]
            base = rooms * norm if rooms else int(problem.capacity[s])
            places = base + added.get("classrooms", 0) * norm
            all_places += places
            public_places += places if problem.public[s] else 0
            # A subsidy makes today's private places inclusive, not added ones.
            made_inclusive = base if added.get("inclusive_places", 0) == base else 0
            inclusive_places += places if problem.inclusive[s] else made_inclusive
    if capital > invest.budget + 0.5:
        out.append(Violation("budget", "plan", f"capital {capital:,.0f} > {invest.budget:,.0f}"))
    for label, kept, share in (
        ("public", public_places, rules.kindergarten_public_share),
        ("inclusive", inclusive_places, rules.kindergarten_inclusive_share),
    ):
        if all_places and kept < share * all_places - 1e-9:
            out.append(
                Violation(
                    f"{label} kindergarten places",
                    "plan",
                    f"{kept} of {all_places} places {label} < {share:.0%}",
                )
            )
