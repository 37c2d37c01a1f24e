"""The plan as tidy tables: one row per record, for CSV files and GeoPackage layers.

Times of day are given in seconds after midnight (``*_s``) and as ``HH:MM`` strings,
durations in seconds and minutes, distances in metres and kilometres. A school's
enrolment in a band it does not teach is empty (``<NA>``), not zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from optimizer.outputs import figures
from optimizer.outputs.catchments import Catchment
from optimizer.outputs.columns import (
    ASSIGNMENT_COLUMNS,
    CATCHMENT_COLUMNS,
    ROUTE_COLUMNS,
    school_columns,
    stop_columns,
    village_columns,
)
from optimizer.outputs.figures import hhmm, km, minutes
from optimizer.outputs.town_tables import (
    DEPOT_COLUMNS,
    depot_rows,
    township_columns,
    township_rows,
)
from optimizer.outputs.townships import TownArea
from optimizer.plan import Assignment, Plan, Route, SchoolResult


def plan_tables(
    plan: Plan,
    catchments: Sequence[Catchment] | None = None,
    towns: Sequence[TownArea] = (),
) -> dict[str, pd.DataFrame]:
    """The plan as tidy tables, one row per record.

    Parameters
    ----------
    plan : Plan
        A finished plan.
    catchments : sequence of Catchment, optional
        The plan's catchments (see :mod:`optimizer.outputs.catchments`); without them the
        ``catchments`` table is left out.
    towns : sequence of TownArea, optional
        The towns' outlines (:mod:`optimizer.outputs.townships`): their ``area_km2`` in
        the ``townships`` table.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``schools`` (one row per school: enrolment per band before/after, role,
        classes, canteen, boarding, investment), ``villages`` (one row per village:
        pupils per band, and per band the school, mode and minutes after the plan),
        ``assignments`` (per village and band), ``routes`` (per bus route), ``stops``
        (per route stop, numbered from 1 along the run: the morning run's, then each
        afternoon run's, ``run`` saying which; ``walk_from`` lists the
        villages whose riders walk to the stop, with their walk), ``depots`` (per bus
        yard: town, buses and runs based there), ``townships`` (the plan's township
        summary, :mod:`optimizer.outputs.town_tables`) and ``catchments``. Every row
        of a place or of what serves it carries its ``town``.
    """
    names = {s.id: s.name for s in plan.schools}
    bands = figures.bands(plan)
    receivers = figures.receiving(plan)
    tables = {
        "schools": _frame(
            [_school_row(s, bands, receivers) for s in plan.schools],
            school_columns(bands),
            counts=[f"{when}_{b}" for when in ("before", "after") for b in bands],
        ),
        "villages": _frame(
            [_village_row(v, bands) for v in figures.villages(plan)],
            village_columns(bands),
        ),
        "assignments": _frame(
            [_assignment_row(a, names) for a in plan.assignments], ASSIGNMENT_COLUMNS
        ),
        "routes": _frame([_route_row(r, names) for r in plan.routes], ROUTE_COLUMNS),
        "stops": _frame(
            [row for r in plan.routes for row in _stop_rows(r, names, bands)],
            stop_columns(bands),
            counts=[f"boarding_{b}" for b in bands],
        ),
        "depots": _frame(depot_rows(plan), DEPOT_COLUMNS),
        "townships": _frame(
            township_rows(plan, towns),
            township_columns(),
            counts=[c for c in township_columns() if c.startswith("schools_")],
        ),
    }
    if catchments is not None:
        tables["catchments"] = _frame([_catchment_row(c) for c in catchments], CATCHMENT_COLUMNS)
    return tables


def _frame(
    rows: list[dict[str, Any]], columns: Iterable[str], counts: Iterable[str] = ()
) -> pd.DataFrame:
    """A table with fixed columns (also when empty); ``counts`` are nullable integers."""
    frame = pd.DataFrame.from_records(rows, columns=list(columns))
    for col in counts:
        frame[col] = frame[col].astype("Int64")
    return frame


def _school_row(
    s: SchoolResult, bands: tuple[str, ...], receivers: frozenset[str]
) -> dict[str, Any]:
    return {
        "school": s.id,
        "name": s.name,
        "town": s.town,
        "level": s.level,
        "lon": s.lon,
        "lat": s.lat,
        "snap_m": s.snap_m,
        "walk_snap_m": s.walk_snap_m,
        "status": s.status,
        "role": figures.role(s, receivers),
        "may_close": s.may_close,
        "must_keep": s.must_keep,
        "decision": s.decision or "",
        "ownership": s.ownership,
        "capacity": s.capacity,
        "running_cost": s.running_cost,
        "enrolment_before": sum(s.enrolment_before.values()),
        "enrolment_after": sum(s.enrolment_after.values()),
        **{f"before_{b}": s.enrolment_before.get(b) for b in bands},
        **{f"after_{b}": s.enrolment_after.get(b) for b in bands},
        "class_norm": s.class_norm,
        "classes_after": s.classes_after,
        "largest_class_after": s.largest_class_after,
        "over_class_norm": figures.over_class_norm(s),
        "canteen_seats": s.canteen_seats,
        "lunch_pupils_after": s.lunch_pupils_after,
        "boarding_beds": s.boarding_beds,
        "boarders_after": s.boarders_after,
        "investment": figures.investment_text(s.investment),
        "capital_cost": s.capital_cost,
    }


def _village_row(v: figures.Village, bands: tuple[str, ...]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "village": v.id,
        "name": v.name,
        "town": v.town,
        "lon": v.lon,
        "lat": v.lat,
        "snap_m": v.rows[0].snap_m,
        "walk_snap_m": v.rows[0].walk_snap_m,
        "pupils": v.pupils,
        "moved": sum(a.pupils for a in v.rows if a.moved),
        "bused": sum(a.pupils for a in v.rows if a.mode == "bus"),
        "change_s": v.change_s,
        "change_min": minutes(v.change_s),
        "over_limit": v.over_limit,
    }
    for b in bands:
        a = next((a for a in v.rows if a.band == b), None)
        row[f"pupils_{b}"] = v.pupils_in(b)
        row[f"school_{b}"] = a.school if a else ""
        row[f"mode_{b}"] = a.mode if a else ""
        row[f"time_min_{b}"] = minutes(a.time_s) if a else None
        row[f"before_mode_{b}"] = (a.before_mode or "") if a else ""
        row[f"before_time_min_{b}"] = minutes(a.before_time_s) if a else None
    return row


def _assignment_row(a: Assignment, names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "village": a.village,
        "village_name": a.village_name,
        "town": a.town,
        "lon": a.lon,
        "lat": a.lat,
        "band": a.band,
        "pupils": a.pupils,
        "school": a.school,
        "school_name": names.get(a.school, ""),
        "mode": a.mode,
        "moved": a.moved,
        "time_s": a.time_s,
        "time_min": minutes(a.time_s),
        "distance_m": a.distance_m,
        "distance_km": km(a.distance_m),
        "stop": a.stop,
        "walk_to_stop_m": a.walk_to_stop_m,
        "limit_s": a.limit_s,
        "limit_min": minutes(a.limit_s),
        "over_limit": a.over_limit,
        "before_school": a.before_school,
        "before_school_name": names.get(a.before_school, ""),
        "before_mode": a.before_mode or "",
        "before_time_s": a.before_time_s,
        "before_time_min": minutes(a.before_time_s),
        "before_distance_m": a.before_distance_m,
        "before_distance_km": km(a.before_distance_m),
        "change_s": a.time_s - a.before_time_s,
        "change_min": minutes(a.time_s - a.before_time_s),
    }


def _route_row(r: Route, names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "route": r.id,
        "school": r.school,
        "school_name": names.get(r.school, ""),
        "town": r.town,
        "start": r.start,
        "bus_type": r.bus_type,
        "seats": r.seats,
        "stops": len(r.stops),
        "pupils": figures.route_pupils(r),
        "depart_s": r.depart_s,
        "depart": hhmm(r.depart_s),
        "arrive_school_s": r.arrive_school_s,
        "arrive_school": hhmm(r.arrive_school_s),
        "bell": "" if r.bell_s is None else hhmm(r.bell_s),
        "distance_m": r.distance_m,
        "distance_km": km(r.distance_m),
        "drive_s": r.drive_s,
        "drive_min": minutes(r.drive_s),
        "longest_ride_s": r.longest_ride_s,
        "longest_ride_min": minutes(r.longest_ride_s),
        "geometry_points": len(r.geometry),
        # Multi-school runs: each school, its arrival and pupils ("P01 07:38 20; ...").
        "drops": "; ".join(f"{d.school} {hhmm(d.arrive_s)} {d.pupils}" for d in r.drops),
        # Afternoon runs: how many, when each leaves its first school, their km and rides.
        "afternoon_runs": len(r.afternoon),
        "afternoon_depart": "; ".join(hhmm(a.depart_s) for a in r.afternoon),
        "afternoon_distance_m": sum(a.distance_m for a in r.afternoon),
        "afternoon_longest_ride_s": max((a.longest_ride_s for a in r.afternoon), default=0),
        "afternoon_longest_ride_min": minutes(
            max((a.longest_ride_s for a in r.afternoon), default=0)
        ),
    }


def _stop_rows(r: Route, names: Mapping[str, str], bands: tuple[str, ...]) -> list[dict[str, Any]]:
    where = {(s.village, r.stop_school(s)): s for s in r.stops}
    morning = [
        {
            "route": r.id,
            "run": "morning",
            "school": r.stop_school(s),
            "school_name": names.get(r.stop_school(s), ""),
            "stop": n,
            "village": s.village,
            "village_name": s.village_name,
            "town": s.town,
            "lon": s.lon,
            "lat": s.lat,
            "arrive_s": s.arrive_s,
            "arrive": hhmm(s.arrive_s),
            "depart_s": s.depart_s,
            "depart": hhmm(s.depart_s),
            "boarding": sum(s.boarding.values()),
            **{f"boarding_{b}": s.boarding.get(b, 0) for b in bands},
            "alighting": 0,
            **{f"alighting_{b}": 0 for b in bands},
            "walking_pupils": sum(sum(w.boarding.values()) for w in s.walkers),
            "walk_from": "; ".join(f"{w.village} ({w.walk_m} m)" for w in s.walkers),
            "load_after": s.load_after,
            "seats": r.seats,
            "ride_s": s.ride_s,
            "ride_min": minutes(s.ride_s),
            "limit_s": s.limit_s,
            "limit_min": minutes(s.limit_s),
        }
        for n, s in enumerate(r.stops, start=1)
    ]
    afternoon = [
        {
            "route": r.id,
            "run": f"afternoon {k}",
            "school": s.school,
            "school_name": names.get(s.school, ""),
            "stop": n,
            "village": s.village,
            "village_name": s.village_name,
            "town": where[s.village, s.school].town,
            "lon": where[s.village, s.school].lon,
            "lat": where[s.village, s.school].lat,
            "arrive_s": s.arrive_s,
            "arrive": hhmm(s.arrive_s),
            "depart_s": s.depart_s,
            "depart": hhmm(s.depart_s),
            "boarding": 0,
            **{f"boarding_{b}": 0 for b in bands},
            "alighting": sum(s.alighting.values()),
            **{f"alighting_{b}": s.alighting.get(b, 0) for b in bands},
            "walking_pupils": 0,
            "walk_from": "",
            "load_after": s.load_after,
            "seats": r.seats,
            "ride_s": s.ride_s,
            "ride_min": minutes(s.ride_s),
            "limit_s": s.limit_s,
            "limit_min": minutes(s.limit_s),
        }
        for k, run in enumerate(r.afternoon, start=1)
        for n, s in enumerate(run.stops, start=1)
    ]
    return morning + afternoon


def _catchment_row(c: Catchment) -> dict[str, Any]:
    return {
        "school": c.school,
        "school_name": c.school_name,
        "town": c.town,
        "role": c.role,
        "band": "primary",
        "villages": len(c.villages),
        "village_ids": " ".join(c.villages),
        "pupils": c.pupils,
        "area_km2": c.area_km2,
    }
