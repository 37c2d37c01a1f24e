"""The Plan: plain, immutable results of a run, its KPIs, and its JSON form.

Times of day are seconds after midnight; durations are seconds; distances metres.
Maps, reports and tables read a finished Plan and nothing else from the models.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from geodata.kinds import Band, Level, Ownership
from optimizer.afternoon import AfternoonRun
from optimizer.reasons import ClosureReason, PlacementReason
from optimizer.route_roads import RoadStretch
from optimizer.towns import Depot, Township
from optimizer.values import Decision, Mode, Role, Status, VetoStatus

__all__ = ["Band", "Decision", "Level", "Mode", "Ownership", "Role", "Status", "VetoStatus"]


#: The investment that is a yearly subsidy (private kindergarten places made inclusive),
#: not something built before a closure.
SUBSIDY = "inclusive_places"


def built_first(investment: dict[str, int]) -> dict[str, int]:
    """The units of ``investment`` built before a closure: all but the yearly subsidy."""
    return {k: n for k, n in investment.items() if n and k != SUBSIDY}


def _set(record: object, name: str, value: object) -> None:
    """Set a field of a frozen record while it is built (the typed form of a value)."""
    object.__setattr__(record, name, value)


def _by_band(counts: dict[str, int]) -> dict[Band, int]:
    """A per-band mapping keyed by :class:`Band` members, in its own order."""
    return {Band(band): n for band, n in counts.items()}


@dataclass(frozen=True)
class SchoolResult:
    """A school before and after the plan.

    ``status`` is a :class:`Status` (kept, closed, or kept small as a teaching point with
    the teaching-point class norm); enrolments are per :class:`Band`, only the bands the
    school teaches. Plain text values (from a model or a ``plan.json``) are turned into
    the members when the record is made; an unknown one raises ``ValueError``. The class,
    canteen and boarding figures describe the school after the plan, investments included
    (``investment``: units added, e.g. ``{"classrooms": 2}``; ``capital_cost`` in yuan).
    ``snap_m`` and ``walk_snap_m``: metres from the school's point to the bus and the
    walk network.
    ``decision`` is the planner's :class:`Decision` on the school, ``None`` where the
    model decided. ``town`` is the school's township (the schools table's ``town``).
    """

    id: str
    name: str
    level: Level
    lon: float
    lat: float
    status: Status
    may_close: bool
    must_keep: bool
    capacity: int
    running_cost: int
    enrolment_before: dict[Band, int]
    enrolment_after: dict[Band, int]
    ownership: Ownership = Ownership.PUBLIC
    class_norm: int = 0
    classes_after: int = 0
    largest_class_after: int = 0
    canteen_seats: int = 0
    lunch_pupils_after: int = 0
    boarding_beds: int = 0
    boarders_after: int = 0
    investment: dict[str, int] = field(default_factory=dict)
    capital_cost: int = 0
    decision: Decision | None = None
    snap_m: int = 0
    walk_snap_m: int = 0
    town: str = ""

    def __post_init__(self) -> None:
        _set(self, "level", Level(self.level))
        if self.decision is not None:
            _set(self, "decision", Decision(self.decision))
        _set(self, "status", Status(self.status))
        _set(self, "ownership", Ownership(self.ownership))
        _set(self, "enrolment_before", _by_band(self.enrolment_before))
        _set(self, "enrolment_after", _by_band(self.enrolment_after))


@dataclass(frozen=True)
class Assignment:
    """Where the pupils of one village and band go, and how.

    ``mode`` is a :class:`Mode`: ``"walk"`` (within the band's walking distance), ``"bus"`` (moved
    by the plan, beyond walking distance: the county's school bus, see routes),
    ``"board"`` (grades 4-9 boarding at the school, the journey home weekly),
    ``"guardian"`` (kindergarten children brought by guardians) or ``"as_today"``
    (not moved, beyond walking distance: the journey the family makes today).
    ``time_s`` is the one-way journey: walking time, the ride on the bus route (for
    pupils who walk to a stop in another village, ``stop``, the walk of
    ``walk_to_stop_m`` metres plus the ride), or the direct bus-speed drive time.
    ``distance_m`` is the walk to the stop plus the road distance from the stop to the
    school (from the village itself when it boards at home). ``before_*`` describe
    today's school. ``town`` is the village's township (the villages table's ``town``).
    """

    village: str
    village_name: str
    lon: float
    lat: float
    band: Band
    pupils: int
    school: str
    mode: Mode
    time_s: int
    distance_m: int
    limit_s: int
    moved: bool
    before_school: str
    before_time_s: int
    before_distance_m: int
    stop: str = ""
    walk_to_stop_m: int = 0
    before_mode: Mode | None = None
    snap_m: int = 0
    walk_snap_m: int = 0
    town: str = ""

    def __post_init__(self) -> None:
        _set(self, "band", Band(self.band))
        _set(self, "mode", Mode(self.mode))
        if self.before_mode is not None:
            _set(self, "before_mode", Mode(self.before_mode))

    @property
    def daily_both(self) -> bool:
        """Both today's and the plan's journeys are daily (neither boards)."""
        return Mode.BOARD not in (self.mode, self.before_mode) and bool(self.before_school)

    @property
    def extra_s(self) -> int:
        """How much longer the daily journey gets, seconds (0 when not longer or not daily)."""
        return max(0, self.time_s - self.before_time_s) if self.daily_both else 0

    @property
    def over_limit(self) -> bool:
        """The daily journey is over the band's limit (a boarder's weekly trip is not daily).

        The one flag the map, the tables, the report and the veto checklist show.
        """
        return self.mode is not Mode.BOARD and self.time_s > self.limit_s


@dataclass(frozen=True)
class Walker:
    """Riders who walk from their village to a stop in another village and board there."""

    village: str
    village_name: str
    walk_m: int
    walk_s: int
    boarding: dict[Band, int]

    def __post_init__(self) -> None:
        _set(self, "boarding", _by_band(self.boarding))


@dataclass(frozen=True)
class RouteStop:
    """One stop of a bus route: when the bus is there and who boards.

    ``boarding`` counts everyone boarding, by band; ``walkers`` are those of them who
    walked from other villages (the rest live in the stop's village). ``limit_s`` is
    the longest ride allowed from here: each band's one-way limit less its walk.

    ``ride_s`` runs from the bus reaching the stop to its arrival at the boarding
    pupils' school: ``school``, or the route's school when empty (every single-school
    route, and plans written before multi-school runs). ``town`` is the stop village's
    township.
    """

    village: str
    village_name: str
    lon: float
    lat: float
    arrive_s: int
    depart_s: int
    boarding: dict[Band, int]
    load_after: int
    ride_s: int
    limit_s: int
    walkers: tuple[Walker, ...] = ()
    school: str = ""
    town: str = ""

    def __post_init__(self) -> None:
        _set(self, "boarding", _by_band(self.boarding))


@dataclass(frozen=True)
class Drop:
    """A school a multi-school run delivers to: when and how many pupils alight.

    The bus reaches the school at ``arrive_s`` (the ride of its pupils ends there) and
    leaves at ``depart_s``; the drop comes after the route's first ``after_stop`` stops
    in driving order, and ``load_after`` pupils stay on board.
    """

    school: str
    arrive_s: int
    depart_s: int
    pupils: int
    after_stop: int
    load_after: int


@dataclass(frozen=True)
class Route:
    """One morning bus run to a receiving school.

    The bus leaves its yard (``start``) at ``depart_s``, drives empty to the first
    stop, collects pupils, and arrives at the school at ``arrive_school_s``.
    ``geometry`` is the road path as ``[lon, lat]`` pairs. ``bell_s`` is when the
    school starts (its own bell, else the scenario's); the bus arrives before it.

    A multi-school run (``policy.bus.multi_school_runs``) carries pupils of several
    schools at once: ``drops`` lists each school it delivers to in driving order, each
    stop names its pupils' school, and ``school`` / ``arrive_school_s`` are the last
    school and the arrival there. Single-school routes have no ``drops``.

    ``afternoon`` are the runs that take the same riders home (:mod:`optimizer.afternoon`):
    one per dismissal time among the route's bands, in the order the bus does them;
    empty in plans from before afternoon runs. ``town`` is the receiving school's
    township (of ``school``).
    empty in plans from before afternoon runs.

    ``start_name``, ``start_lon`` and ``start_lat`` name and place the yard (the depot's
    name, or the school's for its own yard); ``roads`` the roads from the first stop to
    the school (:mod:`optimizer.route_roads`). Both empty in older plans.
    """

    id: str
    school: str
    start: str
    seats: int
    depart_s: int
    stops: tuple[RouteStop, ...]
    arrive_school_s: int
    distance_m: int
    drive_s: int
    longest_ride_s: int
    geometry: tuple[tuple[float, float], ...]
    bus_type: str = ""
    bell_s: int | None = None
    drops: tuple[Drop, ...] = ()
    afternoon: tuple[AfternoonRun, ...] = ()
    town: str = ""
    start_name: str = ""
    start_lon: float = 0.0
    start_lat: float = 0.0
    roads: tuple[RoadStretch, ...] = ()

    def stop_school(self, stop: RouteStop) -> str:
        """The school the pupils boarding at ``stop`` ride to."""
        return stop.school or self.school

    def schools(self) -> tuple[str, ...]:
        """Every school the route delivers to, in driving order."""
        return tuple(d.school for d in self.drops) or (self.school,)


@dataclass(frozen=True)
class BusDuty:
    """One bus of the fleet and the runs it does in order (:mod:`optimizer.buses.fleet`).

    It leaves ``start`` (the yard of its first run) and drives ``empty_between_s``
    seconds in all from each school to the next run's first stop.
    """

    id: str
    bus_type: str
    seats: int
    start: str
    routes: tuple[str, ...]
    empty_between_s: int = 0


@dataclass(frozen=True)
class SolverRun:
    """How one model was solved: engine, status, objective, bound, gap, settings.

    ``bound`` and ``gap`` are ``None`` for heuristics that prove no bound (routing).
    ``reproducible`` is false when a wall-clock guard, not a deterministic limit,
    stopped the search.
    """

    stage: str
    engine: str
    status: str
    objective: float
    bound: float | None
    gap: float | None
    settings: dict[str, Any]
    reproducible: bool = True


@dataclass(frozen=True)
class VetoCheck:
    """One item of the closure veto checklist for a closed school.

    ``status`` is a :class:`VetoStatus`: pass, fail or manual (for what only the
    hearing can decide, such as whether most parents oppose).
    """

    school: str
    item: str
    status: VetoStatus
    detail: str

    def __post_init__(self) -> None:
        _set(self, "status", VetoStatus(self.status))


@dataclass(frozen=True)
class Plan:
    """The full result of a planning run.

    ``bell_s`` is the scenario's bell (``policy.bell``); a school with a bell of its own
    shows it on its routes (:attr:`Route.bell_s`). ``depots`` are the bus yards with
    the buses based there; ``townships`` what the plan does in each town
    (:mod:`optimizer.towns`); both empty in plans from before them.
    """

    scenario: str
    bell_s: int
    schools: tuple[SchoolResult, ...]
    assignments: tuple[Assignment, ...]
    routes: tuple[Route, ...]
    solver: tuple[SolverRun, ...]
    kpis: dict[str, Any] = field(default_factory=dict)
    vetoes: tuple[VetoCheck, ...] = ()
    buses: tuple[BusDuty, ...] = ()
    reasons: tuple[ClosureReason, ...] = ()
    placements: tuple[PlacementReason, ...] = ()
    depots: tuple[Depot, ...] = ()
    townships: tuple[Township, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready) of the whole plan."""
        return asdict(self)

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, fixed indentation; same plan, same bytes."""
        return json.dumps(self.to_dict(), sort_keys=True, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        """The plan back from :meth:`to_dict` (or a parsed ``plan.json``)."""

        def stop(s: dict[str, Any]) -> RouteStop:
            walkers = tuple(Walker(**w) for w in s.get("walkers", ()))
            return RouteStop(**{**s, "walkers": walkers})

        def route(r: dict[str, Any]) -> Route:
            return Route(
                **{
                    "bell_s": data["bell_s"],  # a plan from before per-school bells
                    **r,
                    "stops": tuple(stop(s) for s in r["stops"]),
                    "drops": tuple(Drop(**d) for d in r.get("drops", ())),
                    "afternoon": tuple(AfternoonRun.from_dict(a) for a in r.get("afternoon", ())),
                    "roads": tuple(RoadStretch(**s) for s in r.get("roads", ())),
                    "geometry": tuple(tuple(p) for p in r["geometry"]),
                }
            )

        return cls(
            scenario=data["scenario"],
            bell_s=data["bell_s"],
            schools=tuple(SchoolResult(**s) for s in data["schools"]),
            assignments=tuple(Assignment(**a) for a in data["assignments"]),
            routes=tuple(route(r) for r in data["routes"]),
            solver=tuple(SolverRun(**r) for r in data["solver"]),
            kpis=data["kpis"],
            vetoes=tuple(VetoCheck(**v) for v in data.get("vetoes", ())),
            buses=tuple(
                BusDuty(**{**b, "routes": tuple(b["routes"])}) for b in data.get("buses", ())
            ),
            reasons=tuple(ClosureReason(**r) for r in data.get("reasons", ())),
            placements=tuple(PlacementReason(**r) for r in data.get("placements", ())),
            depots=tuple(Depot(**d) for d in data.get("depots", ())),
            townships=tuple(Township(**t) for t in data.get("townships", ())),
        )

    @classmethod
    def from_json(cls, text: str) -> Plan:
        """The plan back from :meth:`to_json`."""
        return cls.from_dict(json.loads(text))

    def summary(self) -> str:
        """A short KPI summary for a terminal."""
        k = self.kpis
        runs = "; ".join(
            f"{r.stage}: {r.status}" + (f", gap {r.gap:.2%}" if r.gap is not None else "")
            for r in self.solver
        )
        return "\n".join(
            [
                f"scenario            {self.scenario}",
                f"schools closed      {k['schools_closed']} of {k['schools']}",
                f"pupils moved        {k['pupils_moved']}",
                f"newly on a bus      {k['pupils_newly_bused']}",
                f"buses               {k['buses']} ({_runs(k.get('runs', len(self.routes)))})",
                f"longest ride        {k['longest_ride_s'] / 60:.1f} min",
                f"running cost saved  {k['running_cost_saved']:,} yuan/year (gross)",
                f"net annual saving   {k.get('money', {}).get('net_annual_saving', 0):,} yuan/year",
                f"solver              {runs}",
            ]
        )


def _runs(n: int) -> str:
    return f"{n} run" if n == 1 else f"{n} runs"
