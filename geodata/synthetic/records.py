"""Records of a generated county and the numbers that shape it (km, seconds, pupils)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

import numpy as np

CENTRE_LON = 118.90
CENTRE_LAT = 36.30
HALF_X_KM = 22.5
HALF_Y_KM = 20.0
KM_PER_DEG_LAT = 111.195
KM_PER_DEG_LON = KM_PER_DEG_LAT * math.cos(math.radians(CENTRE_LAT))
EARTH_RADIUS_M = 6_371_009.0  # as osmnx measures edge lengths
GENERATOR = "schoolplan synthetic county"
SEAT_NAME = "Chengguan Jiedao"
N_RING_TOWNS = 9
N_NINE_YEAR_TOWNS = 3
N_VILLAGE_PRIMARY = 21  # besides the two hill schools
N_VILLAGE_KINDERGARTEN = 5  # besides the two hill kindergartens
HILL_LINK_KM = 7.5  # hill road (20 km/h) from the hill villages to the nearest village
REMOTE_LINK_KM = 2.8  # the same for each remote village
VILLAGE_SCHOOL_REACH_S = 4.5 * 60.0  # a village school draws villages this close
CLASS_SIZE: Mapping[str, int] = MappingProxyType(
    {"kindergarten": 30, "primary": 45, "junior": 50, "nine_year": 45}
)
BANDS = ("k", "p13", "p46", "j79")
BAND_FACTOR = (0.80, 0.92, 1.00, 1.05)  # younger cohorts are smaller: births keep falling
ROAD_RANK: Mapping[str, int] = MappingProxyType(
    {"residential": 1, "unclassified": 2, "tertiary": 3, "secondary": 4, "primary": 5}
)
HAZARD_TAGS: tuple[Mapping[str, str], ...] = (
    MappingProxyType({"highway": "track", "surface": "gravel", "tracktype": "grade3"}),
    MappingProxyType({"highway": "unclassified", "width": "3"}),
    MappingProxyType({"highway": "unclassified", "incline": "12%"}),
    MappingProxyType({"highway": "track", "surface": "gravel", "incline": "12%"}),
    MappingProxyType({"highway": "unclassified", "width": "3", "incline": "10%"}),
)
_INITIALS = (
    "Bai", "Bei", "Chang", "Da", "Dong", "Feng", "Gao", "Guan", "He", "Hong", "Hou", "Hu",
    "Huang", "Jia", "Jin", "Li", "Liu", "Ma", "Nan", "Ping", "Qian", "Qing", "Shang", "Shi",
    "Shui", "Tai", "Tao", "Wang", "Xi", "Xia", "Xin", "Yang", "Yu", "Zhang", "Zhao", "Zhou",
)  # fmt: skip
_FINALS = (
    "an", "ba", "cheng", "dian", "fang", "gou", "he", "hu", "jia", "kou", "lin", "ling",
    "miao", "po", "qiao", "shan", "tai", "tun", "wa", "wan", "ying", "yu", "yuan", "zhai",
    "zhuang", "zi",
)  # fmt: skip
VILLAGE_COLUMNS = (
    "id", "name", "town", "lon", "lat", "k", "p13", "p46", "j79", "annual_change",
    "current_k", "current_primary", "current_junior",
)  # fmt: skip
SCHOOL_COLUMNS = (
    "id", "name", "town", "lon", "lat", "level", "ownership", "classrooms", "capacity",
    "canteen_seats", "boarding_beds", "may_close", "must_keep", "running_cost",
)  # fmt: skip
DEPOT_COLUMNS = ("id", "name", "town", "lon", "lat")


# ----------------------------------------------------------------------------- records


@dataclass(frozen=True)
class CountySize:
    """How big a county to generate; the defaults give the bundled demo county.

    Attributes
    ----------
    half_x_km, half_y_km
        Half the county's width and height (km).
    towns
        Township seats, the county seat included. Up to ten lie on a ring around the
        county seat (the demo); more are spread over the county at least
        ``0.75 * sqrt(area / towns)`` apart.
    villages_per_town
        Villages drawn around each town (the county seat five more; the others two
        more or fewer at random), besides the town's own communities.
    town_radius_km
        Villages lie up to this far from their town centre (the county seat 1 km more).
    county_road_km
        Neighbouring towns farther apart than this get no county road of their own.
    nine_year_towns
        Towns whose primary and junior school is one nine-year school.
    village_primary
        Village primary schools besides the hill schools.
    village_kindergarten
        Village kindergartens besides the hill kindergartens; up to
        ``extra_kindergarten`` more while a child would be over the kindergarten limit.
    extra_primary
        Up to this many more village primary schools while a village would be over
        the primary limit from every primary school (0 in the demo, which needs none).
    node_spacing_km
        Range of the distance between intermediate road nodes (drawn per road).
    motorway_step_km
        Distance between the motorway's nodes.
    """

    half_x_km: float = 22.5
    half_y_km: float = 20.0
    towns: int = 10
    villages_per_town: int = 21
    town_radius_km: float = 6.0
    county_road_km: float = 20.0
    nine_year_towns: int = 3
    village_primary: int = 21
    village_kindergarten: int = 5
    extra_kindergarten: int = 4
    extra_primary: int = 0
    node_spacing_km: tuple[float, float] = (0.40, 0.55)
    motorway_step_km: float = 0.5

    @classmethod
    def scaled(cls, factor: float, *, node_spacing_m: float | None = None) -> CountySize:
        """A county ``factor`` times the demo's area with about ``factor`` times its villages.

        Towns grow with ``sqrt(factor)`` (bigger townships, as in the plains), village
        schools with ``factor ** 0.75`` (fewer, larger schools than in the demo, the
        result of earlier merging), so ``scaled(4.5)`` has about 1000 villages and 150
        schools. ``node_spacing_m`` sets the intermediate road nodes' spacing (metres,
        +-15 %); the demo's 400-550 m otherwise. ``scaled(1.0)`` is the demo.
        """
        if factor <= 0:
            raise ValueError(f"scale factor must be positive, not {factor}")
        base = cls()
        root = math.sqrt(factor)
        towns = max(2, round(base.towns * root))
        spacing = (
            base.node_spacing_km
            if node_spacing_m is None
            else (0.85 * node_spacing_m / 1000.0, 1.15 * node_spacing_m / 1000.0)
        )
        if factor == 1.0:
            return replace(base, node_spacing_km=spacing)
        per_town = base.villages_per_town * factor * base.towns / towns
        return replace(
            base,
            half_x_km=base.half_x_km * root,
            half_y_km=base.half_y_km * root,
            towns=towns,
            villages_per_town=max(3, round(per_town)),
            town_radius_km=base.town_radius_km * math.sqrt(per_town / base.villages_per_town),
            county_road_km=base.county_road_km * math.sqrt(factor * base.towns / towns),
            nine_year_towns=min(towns - 1, round(base.nine_year_towns * towns / base.towns)),
            village_primary=round(base.village_primary * factor**0.75),
            village_kindergarten=round(base.village_kindergarten * factor**0.75),
            extra_kindergarten=round(base.extra_kindergarten * factor),
            extra_primary=round(4 * factor),
            node_spacing_km=spacing,
            motorway_step_km=min(base.motorway_step_km, spacing[1]),
        )

    @property
    def x_scale(self) -> float:
        """East-west size relative to the demo county."""
        return self.half_x_km / CountySize.half_x_km

    @property
    def y_scale(self) -> float:
        """North-south size relative to the demo county."""
        return self.half_y_km / CountySize.half_y_km


DEMO_SIZE = CountySize()


@dataclass(frozen=True)
class CountyFiles:
    """The files of a generated county.

    Attributes
    ----------
    roads
        OSM XML road network.
    villages, schools, depots
        The place tables (CSV, WGS84 lon/lat).
    """

    roads: Path
    villages: Path
    schools: Path
    depots: Path


@dataclass(frozen=True)
class Town:
    """A township seat; ``index`` 0 is the county seat. Coordinates in km from the centre."""

    index: int
    name: str
    x: float
    y: float

    @property
    def xy(self) -> np.ndarray:
        """The town centre as an ``(x, y)`` array, km."""
        return np.array([self.x, self.y])


@dataclass(frozen=True)
class Layout:
    """Road junctions that places sit on.

    Attributes
    ----------
    xy
        ``(n, 2)`` km east and north of the county centre.
    kind
        ``centre`` (town centre), ``site`` (a street corner of a town), ``village``,
        ``hill`` (hill village), ``remote`` (remote village) or ``hub`` (interchange).
    town
        Index of the nearest town centre.
    group
        Hill cluster or remote village number for ``hill``/``remote`` points, else -1.
    """

    xy: np.ndarray
    kind: tuple[str, ...]
    town: np.ndarray
    group: np.ndarray

    def indices(self, *kinds: str) -> list[int]:
        """Points of the given kinds, in point order."""
        return [i for i, kind in enumerate(self.kind) if kind in kinds]


@dataclass(frozen=True)
class Motorway:
    """The motorway's centre line ``y(x)`` between the two interchanges (km)."""

    x_west: float
    x_east: float
    y_west: float
    y_east: float
    bow: float

    def y(self, x: np.ndarray) -> np.ndarray:
        """North coordinate of the centre line at ``x``."""
        t = (np.asarray(x, dtype=float) - self.x_west) / (self.x_east - self.x_west)
        return self.y_west + (self.y_east - self.y_west) * t + self.bow * np.sin(np.pi * t)

    def clearance(self, point: np.ndarray) -> float:
        """Distance (km, nearly exact for this flat line) from a point to the motorway."""
        x = float(np.clip(point[0], self.x_west, self.x_east))
        return float(np.hypot(point[0] - x, point[1] - float(self.y(x))))


@dataclass(frozen=True)
class Network:
    """An OSM-like road network: nodes ``1..n`` and ways as node-id sequences with tags.

    Node ``id`` has index ``id - 1`` in the arrays; the motorway's own nodes (carriageways
    and ramps) come last, from index ``n_local`` on.
    """

    lon: np.ndarray
    lat: np.ndarray
    xy: np.ndarray
    ways: tuple[tuple[tuple[int, ...], Mapping[str, str]], ...]
    n_local: int


@dataclass(frozen=True)
class Village:
    """One row of ``villages.csv``, the road node it snaps to and its layout junction."""

    id: str
    name: str
    town: str
    lon: float
    lat: float
    pupils: tuple[int, int, int, int]
    annual_change: float
    node: int
    point: int
    current: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class School:
    """One row of ``schools.csv`` (enrolment is what villages send it today)."""

    id: str
    name: str
    town: str
    lon: float
    lat: float
    level: str
    ownership: str
    classrooms: int
    capacity: int
    canteen_seats: int
    boarding_beds: int
    may_close: bool
    must_keep: bool
    running_cost: int
    enrolment: int
    in_town: bool


@dataclass(frozen=True)
class Depot:
    """One row of ``depots.csv``."""

    id: str
    name: str
    town: str
    lon: float
    lat: float


@dataclass(frozen=True)
class County:
    """Everything generated: roads, places and today's travel times (seconds)."""

    seed: int
    towns: tuple[Town, ...]
    network: Network
    villages: tuple[Village, ...]
    schools: tuple[School, ...]
    depots: tuple[Depot, ...]
    times_s: np.ndarray  # village x school, fastest bus time
    limits: ReachLimits  # what today's schools were laid out against


@dataclass(frozen=True)
class ReachLimits:
    """The one-way limits today's schools are laid out against (seconds, by school bus).

    Not the generator's own numbers: whoever generates a county passes a scenario
    policy's limits (``policy.bands.k`` and ``policy.bands.p13``); ``python -m
    geodata.synthetic`` passes :data:`POLICY_DEFAULTS`, the scenario schema's defaults.

    Attributes
    ----------
    kindergarten_s, primary_s
        Longest one-way journey to a kindergarten and to a primary school (grades 1-3).
    margin_s
        Today's schools keep this much below each limit, so that a keep-all plan
        meets them with room to spare.
    """

    kindergarten_s: float
    primary_s: float
    margin_s: float = 2 * 60.0

    @property
    def kindergarten_today_s(self) -> float:
        """A kindergarten is placed so that every child reaches one within this."""
        return self.kindergarten_s - self.margin_s

    @property
    def primary_today_s(self) -> float:
        """A village goes to a nearer village school only when a town school is within this."""
        return self.primary_s - self.margin_s


#: The scenario schema's default limits (``Policy().bands``: k 20 min, p13 30 min);
#: ``tests/test_synthetic.py`` checks that they agree with ``optimizer``'s ``Policy()``.
POLICY_DEFAULTS = ReachLimits(kindergarten_s=20 * 60.0, primary_s=30 * 60.0)


@dataclass(frozen=True)
class SiteSpec:
    """A school to be placed: level, ownership, name and the junction it stands at."""

    level: str
    ownership: str
    name: str
    point: int
    town: int
    in_town: bool
    remote_group: int = -1


def serves(level: str, band: str) -> bool:
    """Whether a school of ``level`` teaches the pupils of ``band``."""
    if band == "k":
        return level == "kindergarten"
    if band == "j79":
        return level in ("junior", "nine_year")
    return level in ("primary", "nine_year")
