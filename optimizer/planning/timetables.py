"""The plan's routes: each bus run timetabled, with its stops, times, loads and road path."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from geodata.region import Region
from optimizer.buses.mixed_runs import DropOff, MixedRun, run_drive_s, run_places, timetable
from optimizer.buses.runs import Run, pickup_limit_s, yard
from optimizer.plan import Drop, Route, RouteStop, Walker
from optimizer.problem.data import Problem
from optimizer.problem.rules import stop_time_s, youngest_limit_s
from optimizer.route_roads import RoadStretch


def point(frame: pd.DataFrame, i: int) -> tuple[float, float]:
    """Longitude and latitude of row ``i`` of a places table, to 7 decimals."""
    return round(float(frame["lon"].iloc[i]), 7), round(float(frame["lat"].iloc[i]), 7)


def yard_fields(region: Region, place: int, places: list[int]) -> dict[str, object]:
    """The route's yard by name and point, and the roads of its loaded path (``places``:
    the first stop to the last school), as :class:`~optimizer.plan.Route` fields."""
    tables = (region.villages, region.schools, region.depots)
    row = place
    for table in tables:
        if row < len(table):
            break
        row -= len(table)
    lon, lat = point(table, row)
    roads = tuple(
        RoadStretch(s.name, s.ref, int(round(s.length_m)), s.hazards)
        for s in region.route_roads(places)
    )
    return {
        "start_name": str(table["name"].iloc[row]),
        "start_lon": lon,
        "start_lat": lat,
        "roads": roads,
    }


def plan_route(problem: Problem, region: Region, run: Run | MixedRun, route_id: str) -> Route:
    """The plan's route of a single-school or a multi-school run."""
    if isinstance(run, Run):
        return single_route(problem, region, run, route_id)
    return mixed_route(problem, region, run, route_id)


def single_route(problem: Problem, region: Region, run: Run, route_id: str) -> Route:
    """The plan's :class:`~optimizer.plan.Route` of a single-school run, timetabled
    backwards from its arrival at school."""
    school_place = problem.school_place(run.school)
    bell = problem.bell_s(run.school)
    arrive_school = bell - problem.bus.arrive_before_bell_s
    t, nxt = arrive_school, school_place
    timed = []
    for pickup in reversed(run.pickups):
        depart = t - int(problem.time_s[pickup.village, nxt])
        arrive = depart - stop_time_s(problem, pickup.pupils)
        timed.append((pickup, arrive, depart))
        t, nxt = arrive, pickup.village
    timed.reverse()
    first = run.pickups[0].village
    yard_place, yard_name = yard(problem, run.school)
    depart_yard = timed[0][1] - int(problem.time_s[yard_place, first])
    stops, load = [], 0
    for pickup, arrive, depart in timed:
        load += pickup.pupils
        lon, lat = point(region.villages, pickup.village)
        walked: dict[int, dict[str, int]] = defaultdict(dict)
        for origin, band, n in pickup.walkers:
            walked[origin][band] = walked[origin].get(band, 0) + n
        walkers = []
        for origin in sorted(walked):
            walk = int(problem.walk_m[origin, pickup.village])
            walkers.append(
                Walker(
                    village=problem.village_ids[origin],
                    village_name=problem.village_names[origin],
                    walk_m=walk,
                    walk_s=int(problem.walk_time_s(walk)),
                    boarding={band: n for band, n in sorted(walked[origin].items())},
                )
            )
        stops.append(
            RouteStop(
                village=problem.village_ids[pickup.village],
                village_name=problem.village_names[pickup.village],
                lon=lon,
                lat=lat,
                arrive_s=arrive,
                depart_s=depart,
                boarding={band: n for band, n in sorted(pickup.boarding.items())},
                load_after=load,
                ride_s=arrive_school - arrive,
                limit_s=pickup_limit_s(problem, pickup),
                walkers=tuple(walkers),
            )
        )
    sequence = [yard_place, *(p.village for p in run.pickups), school_place]
    drive = sum(int(problem.time_s[a, b]) for a, b in zip(sequence, sequence[1:]))
    geometry, _ = region.route_path(sequence[1:])
    _, length = region.route_path(sequence)
    return Route(
        id=route_id,
        school=problem.school_ids[run.school],
        start=yard_name,
        seats=problem.bus.types[run.bus].seats,
        bus_type=problem.bus.types[run.bus].name,
        depart_s=depart_yard,
        stops=tuple(stops),
        arrive_school_s=arrive_school,
        distance_m=int(round(length)),
        drive_s=drive,
        longest_ride_s=max(s.ride_s for s in stops),
        geometry=tuple(geometry),
        bell_s=bell,
        **yard_fields(region, yard_place, sequence[1:]),
    )


def mixed_route(problem: Problem, region: Region, run: MixedRun, route_id: str) -> Route:
    """The plan's :class:`~optimizer.plan.Route` of a run (no ``drops`` when it has one school)."""
    times = timetable(problem, run)
    schools = run.schools
    single = len(schools) == 1
    stops: list[RouteStop] = []
    drops: list[Drop] = []
    load = 0
    for k, (visit, (arrive, depart)) in enumerate(zip(run.visits, times)):
        if isinstance(visit, DropOff):
            load -= visit.pupils
            drops.append(
                Drop(
                    problem.school_ids[visit.school], arrive, depart, visit.pupils, len(stops), load
                )
            )
            continue
        load += visit.pupils
        reached = next(
            times[j][0]
            for j in range(k + 1, len(run.visits))
            if isinstance(run.visits[j], DropOff) and run.visits[j].school == visit.school
        )
        v = visit.village
        stops.append(
            RouteStop(
                village=problem.village_ids[v],
                village_name=problem.village_names[v],
                lon=point(region.villages, v)[0],
                lat=point(region.villages, v)[1],
                arrive_s=arrive,
                depart_s=depart,
                boarding={band: n for band, n in sorted(visit.boarding.items())},
                load_after=load,
                ride_s=reached - arrive,
                limit_s=youngest_limit_s(problem, visit.boarding),
                school="" if single else problem.school_ids[visit.school],
            )
        )
    places = run_places(problem, run)
    geometry, _ = region.route_path(places[1:])
    _, length = region.route_path(places)
    first = places[1]
    bus = problem.bus.types[run.bus]
    return Route(
        id=route_id,
        school=problem.school_ids[schools[-1]],
        start=run.yard_name,
        seats=bus.seats,
        bus_type=bus.name,
        depart_s=times[0][0] - int(problem.time_s[run.yard, first]),
        stops=tuple(stops),
        arrive_school_s=times[-1][0],
        distance_m=int(round(length)),
        drive_s=run_drive_s(problem, run),
        longest_ride_s=max(s.ride_s for s in stops),
        geometry=tuple(geometry),
        bell_s=problem.bell_s(schools[-1]),
        drops=() if single else tuple(drops),
        **yard_fields(region, run.yard, places[1:]),
    )
