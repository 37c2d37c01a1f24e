"""The afternoon runs: each morning route's riders taken home by the same bus.

The morning run is reversed (see :mod:`optimizer.afternoon`): its schools and stops in
the opposite order, timed forwards with the same matrices and stop times (where a
one-way road makes a ride home longer than its limit, the late stop comes earlier:
:func:`_repaired`). Its riders are split by dismissal time (``policy.bus.dismissal``;
a school with its own bell dismisses as much earlier or later), one afternoon run per
time (:func:`optimizer.problem.money.dismissal_groups`, the rule the closure model's
bus estimate counts too), and a bus does the
afternoon runs of all its routes (its duty, :mod:`optimizer.buses.fleet`) in order of
dismissal, then of its morning runs. Timing, mirroring the morning timetable:

- the first school: the bus leaves at the pupils' dismissal, or as soon as it gets
  there from its previous afternoon run (the wait is counted in the rides);
- a later school of a multi-school run: ``stop_time_s`` there, and not before its
  dismissal;
- a stop: the pupils alighting take ``stop_time_s + stop_time_per_pupil_s`` each;
  their ride runs from their dismissal to the bus reaching their stop (as a morning
  ride runs to the bus reaching the school);
- after the last stop the bus drives to its next afternoon run's first school, or back
  to the yard its route started from.

Nothing is chosen here, so nothing is solved: every ride is then re-checked against
its band's limit by :mod:`optimizer.verification.afternoons`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from geodata.kinds import BANDS, Band
from geodata.region import Region
from optimizer.afternoon import AfternoonRun, Collect, HomeStop
from optimizer.plan import BusDuty, Route, RouteStop
from optimizer.problem.data import Problem
from optimizer.problem.money import dismissal_groups
from optimizer.problem.rules import stop_time_s


@dataclass(frozen=True)
class _Leg:
    """One afternoon run to time: a route's riders of ``bands``."""

    route: Route
    bands: tuple[Band, ...]
    visits: tuple[tuple[str, int], ...]  # ("school", drop index) / ("stop", stop index)


def with_afternoons(
    problem: Problem, region: Region, routes: tuple[Route, ...], buses: tuple[BusDuty, ...]
) -> tuple[Route, ...]:
    """``routes``, each with its afternoon runs (:attr:`~optimizer.plan.Route.afternoon`).

    ``buses`` are the fleet's duties; without them each route has its own bus.
    """
    by_id = {r.id: r for r in routes}
    duties = [b.routes for b in buses] or [(r.id,) for r in routes]
    runs: dict[str, list[AfternoonRun]] = {r.id: [] for r in routes}
    for duty in duties:
        legs = []
        for position, route_id in enumerate(duty):
            for leg in _legs(problem, by_id[route_id]):
                legs.append((_first_dismissal(problem, leg), position, leg))
        legs.sort(key=lambda item: (item[0], item[1]))
        ready: tuple[int, int] | None = None
        for n, (_, _, leg) in enumerate(legs):
            if n + 1 < len(legs):
                following = legs[n + 1][2]
                end_school = _school_of(following, following.visits[0])
                end = (problem.school_place(_index(problem.school_ids, end_school)), end_school)
            else:
                end = (_yard_place(problem, leg.route.start), leg.route.start)
            run = _repaired(problem, region, leg, ready, end)
            runs[leg.route.id].append(run)
            ready = (end[0], run.arrive_end_s)
    return tuple(dataclasses.replace(r, afternoon=tuple(runs[r.id])) for r in routes)


def _repaired(
    problem: Problem,
    region: Region,
    leg: _Leg,
    ready: tuple[int, int] | None,
    end: tuple[int, str],
) -> AfternoonRun:
    """The leg timed in reverse order; where a ride then breaks its limit (a one-way
    road makes the way home longer, or the bus came late), a single-school run's first
    stop over its limit moves one place earlier at a time while that helps.

    Never more than ``stops**2`` moves; a run still over its limit is left for the
    verifier to report.
    """
    run = _timed(problem, region, leg, ready, end)
    if leg.route.drops:
        return run
    visits = list(leg.visits)
    for _ in range(len(visits) ** 2):
        over = [k for k, s in enumerate(run.stops) if s.ride_s > s.limit_s]
        if not over or over[0] == 0:
            return run
        k = over[0] + 1  # the stop's place among the visits (the school first)
        visits[k - 1], visits[k] = visits[k], visits[k - 1]
        run = _timed(problem, region, dataclasses.replace(leg, visits=tuple(visits)), ready, end)
    return run


def _legs(problem: Problem, route: Route) -> list[_Leg]:
    """The route's afternoon runs to time, one per dismissal time, earliest first."""
    bands = [b for b in BANDS if any(s.boarding.get(b, 0) for s in route.stops)]
    morning = _morning_visits(route)
    legs = []
    for group in dismissal_groups(problem, bands):
        carried = {k for k, s in enumerate(route.stops) if any(s.boarding.get(b, 0) for b in group)}
        used_drops = {_drop_of(route, k) for k in carried}
        visits = tuple(
            v
            for v in reversed(morning)
            if (v[0] == "stop" and v[1] in carried) or (v[0] == "school" and v[1] in used_drops)
        )
        legs.append(_Leg(route, group, visits))
    return legs


def _morning_visits(route: Route) -> list[tuple[str, int]]:
    """The morning run's stops and schools in driving order (a school as its drop index)."""
    if not route.drops:
        return [*(("stop", k) for k in range(len(route.stops))), ("school", 0)]
    out: list[tuple[str, int]] = []
    k = 0
    for d, drop in enumerate(route.drops):
        while k < drop.after_stop:
            out.append(("stop", k))
            k += 1
        out.append(("school", d))
    return out


def _drop_of(route: Route, k: int) -> int:
    """The drop (index) where the pupils boarding at stop ``k`` alight in the morning."""
    if not route.drops:
        return 0
    school = route.stop_school(route.stops[k])
    return next(
        d for d, drop in enumerate(route.drops) if drop.school == school and drop.after_stop > k
    )


def _school_of(leg: _Leg, visit: tuple[str, int]) -> str:
    """The school of a school visit."""
    route = leg.route
    return route.drops[visit[1]].school if route.drops else route.school


def _index(ids: tuple[str, ...], wanted: str) -> int:
    return ids.index(wanted)


def _first_dismissal(problem: Problem, leg: _Leg) -> int:
    school = _index(problem.school_ids, _school_of(leg, leg.visits[0]))
    return problem.dismissal_s(school, leg.bands[0])


def _yard_place(problem: Problem, label: str) -> int:
    """The place of a route's yard: a depot id, or ``"<school id> yard"``."""
    if label in problem.depot_ids:
        return problem.n_villages + problem.n_schools + problem.depot_ids.index(label)
    return problem.school_place(_index(problem.school_ids, label.removesuffix(" yard")))


def _alighting(stop: RouteStop, bands: tuple[Band, ...]) -> dict[Band, int]:
    return {b: stop.boarding[b] for b in bands if stop.boarding.get(b, 0) > 0}


def _limit_s(problem: Problem, stop: RouteStop, alighting: dict[Band, int]) -> int:
    """Each alighting band's limit, less the walk home of those who walk on."""
    limits = []
    for band, n in alighting.items():
        walked = [w for w in stop.walkers if w.boarding.get(band, 0) > 0]
        if n > sum(w.boarding[band] for w in walked):
            limits.append(problem.bands[band].limit_s)
        limits += [problem.bands[band].limit_s - w.walk_s for w in walked]
    return min(limits)


def _timed(
    problem: Problem,
    region: Region,
    leg: _Leg,
    ready: tuple[int, int] | None,
    end: tuple[int, str],
) -> AfternoonRun:
    """One afternoon run timed forwards from its first school (see the module)."""
    route, bus = leg.route, problem.bus
    schools = {sid: i for i, sid in enumerate(problem.school_ids)}
    villages = {vid: i for i, vid in enumerate(problem.village_ids)}
    collects: list[Collect] = []
    stops: list[HomeStop] = []
    places: list[int] = []
    dismissal: dict[str, int] = {}
    load, depart = 0, 0
    for kind, i in leg.visits:
        if kind == "school":
            sid = _school_of(leg, (kind, i))
            place = problem.school_place(schools[sid])
            at = problem.dismissal_s(schools[sid], leg.bands[0])
            dismissal[sid] = at
            if not places:
                arrive = at if ready is None else ready[1] + int(problem.time_s[ready[0], place])
                leave = max(arrive, at)
            else:
                arrive = depart + int(problem.time_s[places[-1], place])
                leave = max(arrive + bus.stop_time_s, at)
            pupils = sum(
                sum(_alighting(route.stops[k], leg.bands).values())
                for kk, k in leg.visits
                if kk == "stop" and _drop_of(route, k) == i
            )
            load += pupils
            collects.append(Collect(sid, at, arrive, leave, pupils, len(stops), load))
            depart = leave
        else:
            stop = route.stops[i]
            place = villages[stop.village]
            alighting = _alighting(stop, leg.bands)
            arrive = depart + int(problem.time_s[places[-1], place])
            depart = arrive + stop_time_s(problem, sum(alighting.values()))
            load -= sum(alighting.values())
            school = route.stop_school(stop)
            stops.append(
                HomeStop(
                    village=stop.village,
                    village_name=stop.village_name,
                    arrive_s=arrive,
                    depart_s=depart,
                    alighting=alighting,
                    load_after=load,
                    ride_s=arrive - dismissal[school],
                    limit_s=_limit_s(problem, stop, alighting),
                    school=school,
                )
            )
        places.append(place)
    sequence = [*places, end[0]]
    drive = sum(int(problem.time_s[a, b]) for a, b in zip(sequence, sequence[1:]))
    _, length = region.route_path(sequence)
    return AfternoonRun(
        bands=leg.bands,
        collects=tuple(collects),
        stops=tuple(stops),
        end=end[1],
        arrive_end_s=depart + int(problem.time_s[places[-1], end[0]]),
        distance_m=int(round(length)),
        drive_s=drive,
        longest_ride_s=max(s.ride_s for s in stops),
    )
