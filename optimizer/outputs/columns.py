"""The columns of each table of a plan, in order (see :mod:`optimizer.outputs.tables`)."""

from __future__ import annotations

from collections.abc import Iterable

ASSIGNMENT_COLUMNS = (
    "village",
    "village_name",
    "town",
    "lon",
    "lat",
    "band",
    "pupils",
    "school",
    "school_name",
    "mode",
    "moved",
    "time_s",
    "time_min",
    "distance_m",
    "distance_km",
    "stop",
    "walk_to_stop_m",
    "limit_s",
    "limit_min",
    "over_limit",
    "before_school",
    "before_school_name",
    "before_mode",
    "before_time_s",
    "before_time_min",
    "before_distance_m",
    "before_distance_km",
    "change_s",
    "change_min",
)

ROUTE_COLUMNS = (
    "route",
    "school",
    "school_name",
    "town",
    "start",
    "seats",
    "stops",
    "pupils",
    "depart_s",
    "depart",
    "arrive_school_s",
    "arrive_school",
    "bell",
    "distance_m",
    "distance_km",
    "drive_s",
    "drive_min",
    "longest_ride_s",
    "longest_ride_min",
    "geometry_points",
    "drops",
    "afternoon_runs",
    "afternoon_depart",
    "afternoon_distance_m",
    "afternoon_longest_ride_s",
    "afternoon_longest_ride_min",
)

CATCHMENT_COLUMNS = (
    "school",
    "school_name",
    "town",
    "role",
    "band",
    "villages",
    "village_ids",
    "pupils",
    "area_km2",
)


def school_columns(bands: Iterable[str]) -> tuple[str, ...]:
    """Columns of the ``schools`` table."""
    bands = tuple(bands)
    return (
        "school",
        "name",
        "town",
        "level",
        "lon",
        "lat",
        "snap_m",
        "walk_snap_m",
        "status",
        "role",
        "may_close",
        "must_keep",
        "decision",
        "ownership",
        "capacity",
        "running_cost",
        "enrolment_before",
        "enrolment_after",
        *(f"before_{b}" for b in bands),
        *(f"after_{b}" for b in bands),
        "class_norm",
        "classes_after",
        "largest_class_after",
        "over_class_norm",
        "canteen_seats",
        "lunch_pupils_after",
        "boarding_beds",
        "boarders_after",
        "investment",
        "capital_cost",
    )


def village_columns(bands: Iterable[str]) -> tuple[str, ...]:
    """Columns of the ``villages`` table."""
    bands = tuple(bands)
    per_band = ("pupils", "school", "mode", "time_min", "before_mode", "before_time_min")
    return (
        "village",
        "name",
        "town",
        "lon",
        "lat",
        "snap_m",
        "walk_snap_m",
        "pupils",
        "moved",
        "bused",
        "change_s",
        "change_min",
        "over_limit",
        *(f"{what}_{b}" for b in bands for what in per_band),
    )


def stop_columns(bands: Iterable[str]) -> tuple[str, ...]:
    """Columns of the ``stops`` table."""
    return (
        "route",
        "run",
        "school",
        "school_name",
        "stop",
        "village",
        "village_name",
        "town",
        "lon",
        "lat",
        "arrive_s",
        "arrive",
        "depart_s",
        "depart",
        "boarding",
        *(f"boarding_{b}" for b in bands),
        "alighting",
        *(f"alighting_{b}" for b in bands),
        "walking_pupils",
        "walk_from",
        "load_after",
        "seats",
        "ride_s",
        "ride_min",
        "limit_s",
        "limit_min",
    )
