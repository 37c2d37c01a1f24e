"""Build the immutable :class:`~optimizer.problem.data.Problem` from a region and a policy.

The policy's numbers are converted here, once, into the project's units (seconds,
metres, pupils, yuan): :func:`policy_numbers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from geodata.errors import IssueCollector
from geodata.kinds import BANDS, CURRENT_MODE_COLUMNS, TRAVELS, Band, Level, Ownership, Travel
from geodata.matrices import UNREACHABLE
from geodata.region import Region
from optimizer.plan import Decision
from optimizer.problem.closing import ClosingPolicy
from optimizer.problem.data import Problem
from optimizer.problem.data import frozen as _frozen
from optimizer.problem.money import MoneyRules
from optimizer.problem.numbers import (
    BAND_NORM,
    BOARDING_BANDS,
    LEVEL_BANDS,
    BandLimits,
    BusKind,
    BusRules,
    InvestmentCosts,
    MoveRules,
    Objective,
    ObjectiveWeights,
    SchoolRules,
)
from optimizer.problem.projection import project
from optimizer.problem.rules import parse_bell
from optimizer.scenario import schema
from optimizer.scenario.schema import Policy

#: The column of the villages table naming today's school for each band.
CURRENT_COLUMN = {
    Band.K: "current_k",
    Band.P13: "current_primary",
    Band.P46: "current_primary",
    Band.J79: "current_junior",
}


def policy_numbers(policy: Policy) -> dict[str, Any]:
    """The Problem's policy fields, in seconds, metres, pupils and yuan (built once)."""
    return {
        "bands": MappingProxyType(
            {
                Band(band): BandLimits(
                    limit_s=int(round(rule.one_way_min * 60)),
                    walk_m=rule.walk_km * 1000.0,
                    walk_to_stop_m=policy.walk_to_stop_m(band),
                )
                for band, rule in policy.bands.items()
            }
        ),
        "walk_mps": policy.walk_kph / 3.6,
        "guardian_mps": policy.guardian_kph / 3.6,
        "scenario_bell_s": parse_bell(policy.bell),
        "school_rules": _school_rules(policy.schools),
        "bus": _bus_rules(policy.bus),
        "weights": ObjectiveWeights(
            running_cost=policy.weights.running_cost,
            travel_yuan_per_pupil_min=policy.weights.travel_yuan_per_pupil_min,
            transport=policy.weights.transport,
            capital=policy.weights.capital,
            boarding_yuan_per_pupil=policy.weights.boarding_yuan_per_pupil,
            objective=Objective(policy.weights.objective),
        ),
        "investment": InvestmentCosts(**policy.investment.model_dump()),
        "money": _money_rules(policy.money),
        "moves": MoveRules(
            closures_allowed=policy.closures.allow,
            move_only_from_closed=policy.move_only_from_closed,
            limits_apply_to_unmoved=policy.limits_apply_to_unmoved,
            allow_second_move=policy.allow_second_move,
            years_ahead=policy.years_ahead,
        ),
    }


def _money_rules(money: schema.Money) -> MoneyRules:
    return MoneyRules(
        teacher_share=money.teacher_share,
        teachers_saved=money.teachers_saved,
        lunch_subsidy=money.lunch_subsidy_yuan_per_pupil,
        boarding_subsidy=money.boarding_subsidy_yuan_per_pupil,
        school_days=money.school_days,
        bus_price=money.bus_price,
        closing_must_pay=money.closing_must_pay,
        keep_open_exact=money.keep_open_exact,
        closure_year=money.closure_year,
        calibrate=money.bus_estimate_from_routes,
    )


def _school_rules(rules: schema.SchoolRules) -> SchoolRules:
    return SchoolRules(
        class_size=MappingProxyType(dict(rules.class_size)),
        max_classes=MappingProxyType(dict(rules.max_classes)),
        min_enrolment=rules.min_enrolment,
        min_enrolment_levels=frozenset(Level(level) for level in rules.min_enrolment_levels),
        teaching_points=rules.teaching_points,
        size_limits_apply_to_unmoved=rules.size_limits_apply_to_unmoved,
        lunch_sittings=rules.lunch_sittings,
        boarding=rules.boarding,
        kindergarten_public_share=rules.kindergarten_public_share,
        kindergarten_inclusive_share=rules.kindergarten_inclusive_share,
    )


def _bus_rules(bus: schema.BusRule) -> BusRules:
    return BusRules(
        types=tuple(BusKind(t.name, t.seats, t.fixed_cost, t.count) for t in bus.fleet()),
        seats=bus.seats,
        fixed_cost=bus.fixed_cost,
        cost_per_km=bus.cost_per_km,
        split_stops=bus.split_stops,
        stop_time_s=bus.stop_time_s,
        stop_time_per_pupil_s=bus.stop_time_per_pupil_s,
        arrive_before_bell_s=60 * bus.arrive_before_bell_min,
        max_new_buses=bus.max_new_buses,
        walk_to_stop_m=bus.walk_to_stop_m,
        multi_school_runs=bus.multi_school_runs,
        multi_school_within_s=bus.multi_school_within_min * 60,
        multi_school_max_schools=bus.multi_school_max_schools,
        multi_school_earliest_s=60 * bus.multi_school_earliest_min,
        multi_school_second_trips=bus.multi_school_second_trips,
        dismissal_s=MappingProxyType(
            {Band(band): parse_bell(clock) for band, clock in bus.dismissal.items()}
        ),
    )


def build_problem(
    region: Region,
    policy: Policy,
    *,
    name: str,
    decisions: Mapping[str, str] | None = None,
    scenario_file: str = "scenario",
) -> Problem:
    """Turn a region and a policy (and the planner's ``decisions``) into a :class:`Problem`.

    Raises
    ------
    geodata.errors.InputError
        When a village names a current school that does not exist or does not teach
        the band, or a decision names an unknown school or a teaching point that is no
        primary school.
    """
    villages, schools = region.villages, region.schools
    school_index = {sid: i for i, sid in enumerate(schools["id"])}
    levels = tuple(Level(level) for level in schools["level"])
    serves = np.array([[band in LEVEL_BANDS[level] for band in BANDS] for level in levels])
    issues = IssueCollector()
    current = np.full((len(villages), len(BANDS)), -1, dtype=np.int64)
    source = villages.attrs.get("source", "villages")
    for v, row in enumerate(villages.itertuples(index=False)):
        for column in dict.fromkeys(CURRENT_COLUMN.values()):  # each column once
            named = getattr(row, column)
            if not named:
                continue
            s = school_index.get(named)
            bands = [b for b, band in enumerate(BANDS) if CURRENT_COLUMN[band] == column]
            if s is None:
                issues.add(
                    source, f"id {row.id}", column, "the id of a school in the schools table", named
                )
            elif not all(serves[s, b] for b in bands):
                teaching = ", ".join(BANDS[b] for b in bands)
                issues.add(
                    source,
                    f"id {row.id}",
                    column,
                    f"a school teaching {teaching}",
                    f"{named} ({levels[s]})",
                )
            else:
                current[v, bands] = s
    closing = closing_policy(
        region, policy, decisions or {}, current, levels, issues, scenario_file
    )
    travel = _travel(villages, current, issues)
    issues.raise_if_any()
    return Problem(
        name=name,
        village_ids=tuple(villages["id"]),
        village_names=tuple(villages["name"]),
        school_ids=tuple(schools["id"]),
        school_names=tuple(schools["name"]),
        school_levels=levels,
        depot_ids=tuple(region.depots["id"]),
        pupils=_frozen(
            project(
                villages[list(BANDS)].to_numpy(dtype=np.int64),
                villages["annual_change"].to_numpy(dtype=float),
                policy.years_ahead,
            )
        ),
        current=_frozen(current),
        capacity=_frozen(schools["capacity"].to_numpy(dtype=np.int64)),
        running_cost=_frozen(np.rint(schools["running_cost"].to_numpy(float)).astype(np.int64)),
        may_close=_frozen(schools["may_close"].to_numpy(dtype=bool)),
        must_keep=_frozen(schools["must_keep"].to_numpy(dtype=bool)),
        classrooms=_frozen(schools["classrooms"].to_numpy(dtype=np.int64)),
        canteen_seats=_frozen(schools["canteen_seats"].to_numpy(dtype=np.int64)),
        boarding_beds=_frozen(schools["boarding_beds"].to_numpy(dtype=np.int64)),
        public=_frozen(schools["ownership"].eq(Ownership.PUBLIC).to_numpy(dtype=bool)),
        inclusive=_frozen(schools["ownership"].ne(Ownership.PRIVATE).to_numpy(dtype=bool)),
        serves=_frozen(serves),
        time_s=_frozen(region.bus_time_s),
        dist_m=_frozen(region.road_m),
        walk_m=_frozen(region.walk_m),
        bells_s=_frozen(_bells(schools, policy)),
        teacher_cost=_teacher_cost(schools),
        travel=travel,
        **policy_numbers(policy),
        closing=closing,
        village_towns=_towns(villages),
        depot_towns=_towns(region.depots),
    )


def _towns(table: Any) -> tuple[str, ...]:
    """Each row's ``town`` (``""`` where the table has no such column)."""
    towns = table["town"] if "town" in table else [""] * len(table)
    return tuple(str(t) for t in towns)


def closing_policy(
    region: Region,
    policy: Policy,
    decisions: Mapping[str, str],
    current: np.ndarray,
    levels: tuple[Level, ...],
    issues: IssueCollector,
    file: str = "scenario",
) -> ClosingPolicy:
    """The closure policy's numbers: towns, flags, enrolment today and in the horizon year
    (today's schools, nobody moved), the planner's decisions by school index."""
    villages, schools = region.villages, region.schools
    rules = policy.closures
    index = {sid: i for i, sid in enumerate(schools["id"])}
    raw = villages[list(BANDS)].to_numpy(dtype=np.int64)
    horizon = project(raw, villages["annual_change"].to_numpy(dtype=float), rules.horizon_years)

    def enrolment(pupils: np.ndarray) -> np.ndarray:
        out = np.zeros(len(schools), dtype=np.int64)
        for b in range(len(BANDS)):
            at = current[:, b] >= 0
            np.add.at(out, current[at, b], pupils[at, b])
        return _frozen(out)

    by_index: dict[int, Decision] = {}
    for sid, word in sorted(decisions.items()):
        s = index.get(sid)
        if s is None:
            issues.add(file, f"decisions.{sid}", "school id", "a school of the region", sid)
        elif word == Decision.TEACHING_POINT and levels[s] != Level.PRIMARY:
            issues.add(
                file,
                f"decisions.{sid}",
                "decision",
                "keep or close (only a primary school may be a teaching point)",
                f"{word} ({levels[s]})",
            )
        else:
            by_index[s] = Decision(word)
    for sid in rules.listed:
        if sid not in index:
            issues.add(file, "policy.closures.listed", "school id", "a school of the region", sid)
    flagged = {c.strip().lower() for c in rules.flagged_conditions}
    conditions = schools["condition"] if "condition" in schools else [""] * len(schools)
    central = schools["central"] if "central" in schools else [False] * len(schools)
    towns = schools["town"] if "town" in schools else [""] * len(schools)
    return ClosingPolicy(
        towns=tuple(str(t) for t in towns),
        central=_frozen(np.array([bool(c) for c in central], dtype=bool)),
        flagged=_frozen(np.array([str(c).strip().lower() in flagged for c in conditions])),
        listed=_frozen(np.array([sid in set(rules.listed) for sid in schools["id"]], bool)),
        enrolment_today=enrolment(raw),
        enrolment_horizon=enrolment(horizon),
        decisions=MappingProxyType(by_index),
        candidates_only=rules.candidates_only,
        small_school_pupils=rules.small_school_pupils,
        shrinking_share=rules.shrinking_share,
        township_keeps=frozenset(Level(level) for level in rules.township_keeps),
        families_together=rules.families_together,
        board_only_when_needed=rules.board_only_when_needed,
        boarding_max_m=None if rules.boarding_max_km is None else rules.boarding_max_km * 1000,
        no_capital_below_small=rules.no_capital_below_small,
        max_closures=rules.max_closures,
        target_closures=rules.target_closures,
    )


def _travel(villages: Any, current: np.ndarray, issues: IssueCollector) -> np.ndarray | None:
    """``V x 4`` today's travel from the ``current_mode_*`` columns (index into
    :data:`~geodata.kinds.TRAVELS`, -1 where empty); ``None`` when no column is there.

    A band can travel today only to a school named for it, and only grades 4-9 board.
    """
    if not any(column in villages for column in CURRENT_MODE_COLUMNS.values()):
        return None
    source = villages.attrs.get("source", "villages")
    travel = np.full((len(villages), len(BANDS)), -1, dtype=np.int8)
    for b, band in enumerate(BANDS):
        column = CURRENT_MODE_COLUMNS[band]
        for v, word in enumerate(villages[column] if column in villages else []):
            if not word:
                continue
            where = f"id {villages['id'].iloc[v]}"
            if current[v, b] < 0:
                issues.add(source, where, column, f"empty: no school is named for {band}", word)
            elif Travel(word) is Travel.BOARD and band not in BOARDING_BANDS:
                issues.add(
                    source, where, column, "walk, guardian or bus (only grades 4-9 board)", word
                )
            else:
                travel[v, b] = TRAVELS.index(Travel(word))
    return _frozen(travel)


def _teacher_cost(schools: Any) -> np.ndarray | None:
    """``S`` teachers' pay from the schools table's ``teacher_cost`` (-1 where empty)."""
    if "teacher_cost" not in schools:
        return None
    given = schools["teacher_cost"].to_numpy(dtype=float)
    return _frozen(np.where(np.isnan(given), -1, np.rint(given)).astype(np.int64))


def _bells(schools: Any, policy: Policy) -> np.ndarray:
    """``S`` each school's bell, seconds: its own (the table's ``bell``), else the scenario's."""
    own = schools["bell"] if "bell" in schools else [""] * len(schools)
    default = parse_bell(policy.bell)
    return np.array([parse_bell(b) if b else default for b in own], dtype=np.int64)


__all__ = [
    "BANDS",
    "BAND_NORM",
    "BOARDING_BANDS",
    "LEVEL_BANDS",
    "Problem",
    "UNREACHABLE",
    "build_problem",
    "policy_numbers",
]
