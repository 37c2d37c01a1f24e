"""The closure model's decisions as the plan's assignments: who goes where, how, how long."""

from __future__ import annotations

import numpy as np

from geodata.kinds import BANDS, Travel
from geodata.region import Region
from optimizer.closures.options import option
from optimizer.plan import Assignment, Mode, Route, Walker
from optimizer.planning.timetables import point
from optimizer.problem.data import Problem
from optimizer.problem.rules import limit_s, mode, today_journey

#: Today's travel as a plan's mode.
TODAY_MODE = {
    Travel.WALK: Mode.WALK,
    Travel.GUARDIAN: Mode.GUARDIAN,
    Travel.BUS: Mode.BUS,
    Travel.BOARD: Mode.BOARD,
}


def snap_metres(places) -> list[tuple[int, int]]:
    """Each place's metres from its point to the bus and the walk network (rounded)."""
    if "snap_m" not in places:
        return [(0, 0)] * len(places)
    walk = places["walk_snap_m"] if "walk_snap_m" in places else places["snap_m"]
    return [(int(round(d)), int(round(w))) for d, w in zip(places["snap_m"], walk)]


def draft_assignments(problem: Problem, region: Region, school: np.ndarray) -> list[Assignment]:
    """Where each village band goes and how, with the direct journey (bus rides are
    replaced by the route's in :func:`with_rides`)."""
    out = []
    snaps = snap_metres(region.villages)
    for v in range(problem.n_villages):
        lon, lat = point(region.villages, v)
        for b, band in enumerate(BANDS):
            pupils = int(problem.pupils[v, b])
            if pupils == 0:
                continue
            s, cur = int(school[v, b]), int(problem.today[v, b])
            way = option(problem, b, v, s)
            seconds, dist = way.time_s, way.distance_m
            moved = s != cur
            today = today_journey(problem, b, v)
            how = mode(band, way.mode, moved=moved)
            if not moved and today[0] is Travel.BUS:
                how = Mode.AS_TODAY  # the bus that runs today (a kindergarten one too)
            out.append(
                Assignment(
                    village=problem.village_ids[v],
                    village_name=problem.village_names[v],
                    lon=lon,
                    lat=lat,
                    band=band,
                    pupils=pupils,
                    school=problem.school_ids[s],
                    mode=how,
                    time_s=seconds,
                    distance_m=dist,
                    limit_s=limit_s(problem, band),
                    moved=moved,
                    before_school=problem.school_ids[cur] if cur >= 0 else "",
                    before_time_s=today[1] if today else 0,
                    before_distance_m=today[2] if today else 0,
                    before_mode=TODAY_MODE[today[0]] if today else None,
                    snap_m=snaps[v][0],
                    walk_snap_m=snaps[v][1],
                )
            )
    return out


def with_rides(
    problem: Problem, draft: list[Assignment], routes: list[Route]
) -> tuple[Assignment, ...]:
    """Bus riders' journey time is their ride on the route (the longest if split), after
    the walk for those who walk to a stop in another village."""
    journey: dict[tuple[str, str, str], int] = {}
    stop_of: dict[tuple[str, str, str], Walker | None] = {}
    stop_village: dict[tuple[str, str, str], str] = {}
    for route in routes:
        for stop in route.stops:
            own = dict(stop.boarding)
            for w in stop.walkers:
                for band, n in w.boarding.items():
                    own[band] -= n
                    key = (w.village, band, route.stop_school(stop))
                    journey[key] = max(journey.get(key, 0), w.walk_s + stop.ride_s)
                    stop_of[key], stop_village[key] = w, stop.village
            for band, n in own.items():
                if n > 0:
                    key = (stop.village, band, route.stop_school(stop))
                    journey[key] = max(journey.get(key, 0), stop.ride_s)
                    stop_of[key], stop_village[key] = None, stop.village
    school_index = {sid: i for i, sid in enumerate(problem.school_ids)}
    village_index = {vid: i for i, vid in enumerate(problem.village_ids)}
    out = []
    for a in draft:
        if a.mode == Mode.BUS:
            key = (a.village, a.band, a.school)
            update: dict[str, object] = {"time_s": journey[key]}
            walker = stop_of[key]
            if walker is not None:
                place = problem.school_place(school_index[a.school])
                ride_m = int(problem.dist_m[village_index[stop_village[key]], place])
                update |= {
                    "stop": stop_village[key],
                    "walk_to_stop_m": walker.walk_m,
                    "distance_m": walker.walk_m + ride_m,
                }
            a = Assignment(**{**a.__dict__, **update})
        out.append(a)
    return tuple(out)
