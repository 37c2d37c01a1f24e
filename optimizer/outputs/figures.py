"""Every figure the consultation outputs show, derived from the plan's records alone.

The map, the print map, the report, the tables, the GeoPackage and the comparison
all call these functions, so one number is computed in one place and reads the
same in every file. Nothing here looks at the models or the region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from optimizer.kpis import compute_kpis
from optimizer.plan import (
    Assignment,
    Drop,
    Plan,
    Role,
    Route,
    RouteStop,
    SchoolResult,
    Status,
)

#: The usual order of the grade bands; unknown bands follow, sorted.
BAND_ORDER = ("k", "p13", "p46", "j79")

#: The bands whose villages make up a primary catchment, in order of preference.
PRIMARY_BANDS = ("p13", "p46")


def hhmm(seconds: int | float) -> str:
    """A time of day as ``HH:MM``.

    Parameters
    ----------
    seconds : int or float
        Seconds after midnight.

    Returns
    -------
    str
        Hours and minutes, rounded down to the minute (a bus timetable never shows
        a time later than the bus is actually there).
    """
    minutes = int(seconds) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def minutes(seconds: int | float) -> float:
    """Seconds as minutes, one decimal."""
    return round(seconds / 60.0, 1)


def km(metres: int | float) -> float:
    """Metres as kilometres, two decimals."""
    return round(metres / 1000.0, 2)


@dataclass(frozen=True)
class Village:
    """A village and its assignments (one per band), in the plan's order."""

    id: str
    name: str
    lon: float
    lat: float
    rows: tuple[Assignment, ...]

    @property
    def pupils(self) -> int:
        """Pupils of every band."""
        return sum(a.pupils for a in self.rows)

    @property
    def town(self) -> str:
        """The village's township (the input's ``town``; ``""``: none named)."""
        return self.rows[0].town if self.rows else ""

    def pupils_in(self, band: str) -> int:
        """Pupils of one band (0 when the village has none)."""
        return sum(a.pupils for a in self.rows if a.band == band)

    @property
    def change_s(self) -> int:
        """The largest change of one-way journey time over the village's bands, seconds.

        Positive when some band's journey gets longer; the worst band decides, so a
        village is never shown as better off than its worst-off pupils.
        """
        return max((a.time_s - a.before_time_s for a in self.rows), default=0)

    @property
    def over_limit(self) -> bool:
        """Whether any band's journey after the plan exceeds its limit."""
        return any(a.over_limit for a in self.rows)

    def primary(self) -> Assignment | None:
        """The assignment that decides the village's primary catchment, if any."""
        for band in PRIMARY_BANDS:
            for a in self.rows:
                if a.band == band:
                    return a
        return None


def villages(plan: Plan) -> tuple[Village, ...]:
    """The plan's villages, in order of first appearance among the assignments."""
    rows: dict[str, list[Assignment]] = {}
    for a in plan.assignments:
        rows.setdefault(a.village, []).append(a)
    return tuple(
        Village(id=v, name=r[0].village_name, lon=r[0].lon, lat=r[0].lat, rows=tuple(r))
        for v, r in rows.items()
    )


def bands(plan: Plan) -> tuple[str, ...]:
    """Every band in the plan, in the usual order (unknown bands after, sorted)."""
    seen = {a.band for a in plan.assignments}
    for s in plan.schools:
        seen.update(s.enrolment_before, s.enrolment_after)
    for r in plan.routes:
        for stop in r.stops:
            seen.update(stop.boarding)
    return tuple(b for b in BAND_ORDER if b in seen) + tuple(sorted(seen - set(BAND_ORDER)))


def receiving(plan: Plan) -> frozenset[str]:
    """Schools that take in pupils moved by the plan."""
    return frozenset(a.school for a in plan.assignments if a.moved)


def role(school: SchoolResult, receivers: frozenset[str]) -> Role:
    """Closed, teaching point, receiving (kept, takes in moved pupils) or kept."""
    if school.status is Status.CLOSED:
        return Role.CLOSED
    if school.status is Status.TEACHING_POINT:
        return Role.TEACHING_POINT
    return Role.RECEIVING if school.id in receivers else Role.KEPT


def over_class_norm(school: SchoolResult) -> bool:
    """Whether the school's largest class after the plan is above its class norm."""
    return school.class_norm > 0 and school.largest_class_after > school.class_norm


def investment_text(investment: dict[str, int], words: dict[str, str] | None = None) -> str:
    """``classrooms 2, canteen_seats 40`` (keys sorted; translated when ``words`` given)."""
    words = words or {}
    return ", ".join(f"{words.get(k, k)} {n}" for k, n in sorted(investment.items()) if n)


def route_pupils(route: Route) -> int:
    """Pupils who board the route."""
    return sum(sum(s.boarding.values()) for s in route.stops)


def route_drops(route: Route) -> tuple[Drop, ...]:
    """The schools a route delivers to, in driving order (a single-school route: one)."""
    if route.drops:
        return route.drops
    at = route.arrive_school_s
    return (Drop(route.school, at, at, route_pupils(route), len(route.stops), 0),)


def route_visits(route: Route) -> list[tuple[int, RouteStop | Drop]]:
    """Stops (numbered from 1) and school drops (numbered 0) in driving order."""
    drops = route_drops(route)
    out: list[tuple[int, RouteStop | Drop]] = []
    for k in range(len(route.stops) + 1):
        out += [(0, d) for d in drops if d.after_stop == k]
        if k < len(route.stops):
            out.append((k + 1, route.stops[k]))
    return out


def route_path(route: Route, plan: Plan) -> list[tuple[float, float]]:
    """The route as ``(lon, lat)`` points: its road geometry, else stops and schools."""
    if len(route.geometry) >= 2:
        return [(lon, lat) for lon, lat in route.geometry]
    where = {s.id: (s.lon, s.lat) for s in plan.schools}
    return [
        (v.lon, v.lat) if isinstance(v, RouteStop) else where[v.school]
        for _, v in route_visits(route)
        if isinstance(v, RouteStop) or v.school in where
    ]


def buses_by_seats(plan: Plan) -> dict[int, int]:
    """Number of buses by rated seats, smallest bus first (the fleet's bus duties; one bus
    per route in a plan from before duties)."""
    out: dict[int, int] = {}
    for r in plan.buses or plan.routes:
        out[r.seats] = out.get(r.seats, 0) + 1
    return dict(sorted(out.items()))


def bus_runs(plan: Plan) -> dict[str, tuple[str, int, int]]:
    """Route id -> (its bus, the run's number on that bus, the bus's runs)."""
    return {
        rid: (b.id, n, len(b.routes)) for b in plan.buses for n, rid in enumerate(b.routes, start=1)
    }


def investments(plan: Plan) -> dict[str, int]:
    """Units added by the plan's investments, summed over schools, keys sorted."""
    out: dict[str, int] = {}
    for s in plan.schools:
        for k, n in s.investment.items():
            out[k] = out.get(k, 0) + n
    return dict(sorted(out.items()))


def kpis(plan: Plan) -> dict[str, Any]:
    """The headline numbers of a consultation.

    The plan's own ``kpis`` (written by the planner) win over the ones recomputed here
    from its records by :func:`~optimizer.kpis.compute_kpis`; the rest are added.

    Returns
    -------
    dict
        ``compute_kpis`` keys plus ``pupils_affected`` (pupils whose school today
        closes), ``buses_by_seats``, ``lunch_pupils``, ``canteen_seats``, ``boarders``,
        ``boarding_beds`` (over schools open after the plan), ``investments`` (units
        added) and ``capital_cost`` (yuan).
    """
    closed = {s.id for s in plan.schools if s.status == "closed"}
    open_after = [s for s in plan.schools if s.status != "closed"]
    extra = {
        "pupils_affected": sum(a.pupils for a in plan.assignments if a.before_school in closed),
        "buses_by_seats": buses_by_seats(plan),
        "lunch_pupils": sum(s.lunch_pupils_after for s in open_after),
        "canteen_seats": sum(s.canteen_seats for s in open_after),
        "boarders": sum(s.boarders_after for s in open_after),
        "boarding_beds": sum(s.boarding_beds for s in open_after),
        "investments": investments(plan),
        "capital_cost": sum(s.capital_cost for s in plan.schools),
    }
    recomputed = compute_kpis(plan.schools, plan.assignments, plan.routes, plan.buses)
    return {**recomputed, **extra, **plan.kpis}
