"""A synthetic rural county for the demo: roads (OSM XML), villages, schools and bus yards.

"Synthetic County" (示例县 (synthetic)) is not a real place. Its towns, villages,
schools, pupil numbers and roads are drawn from a seeded random generator and put
at fictitious coordinates near lon 118.90, lat 36.30; no real data is used. The same
seed always gives byte-identical files::

    python -m geodata.synthetic --seed 2027 --out scenarios/demo_county

The county is about 45 km x 40 km: ten towns (one of them the county seat), about
250 villages clustered around them, two clusters of hill villages and a few remote
villages at the edges, reached by narrow, steep or gravel roads (the 20 km/h hazard
rule of :mod:`geodata.speeds`). Roads form one strongly connected network: a
motorway section (two one-way carriageways joined to the network at two
interchanges), county roads between the towns, township roads and village lanes.

Today's schools: a village attends its own or a nearby village school when one is
a few minutes away, otherwise the nearest town school; junior pupils and
kindergarten children go to the nearest school of their level. Capacities leave
spare room in the town schools, so small schools can merge into them.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from xml.sax.saxutils import quoteattr

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra, minimum_spanning_tree
from scipy.spatial import Delaunay, cKDTree

from geodata.speeds import SpeedModel

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
PRIMARY_LIMIT_S = 28 * 60.0  # today's primary school: within 30 min, with a margin
KINDERGARTEN_LIMIT_S = 18 * 60.0  # today's kindergarten: within 20 min, with a margin
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


# ----------------------------------------------------------------------------- geometry


def to_lonlat(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fictitious local km coordinates to WGS84, rounded to 7 decimals."""
    xy = np.atleast_2d(xy)
    lon = np.round(CENTRE_LON + xy[:, 0] / KM_PER_DEG_LON, 7)
    lat = np.round(CENTRE_LAT + xy[:, 1] / KM_PER_DEG_LAT, 7)
    return lon, lat


def haversine_m(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> np.ndarray:
    """Great-circle distance in metres (the formula osmnx uses for edge lengths)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    h = (
        np.sin((phi2 - phi1) / 2) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _inside(point: np.ndarray, inset: float, size: CountySize = DEMO_SIZE) -> bool:
    return abs(point[0]) <= size.half_x_km - inset and abs(point[1]) <= size.half_y_km - inset


def _polar(rng: np.random.Generator, centre: np.ndarray, r_min: float, r_max: float) -> np.ndarray:
    radius = r_min + (r_max - r_min) * math.sqrt(rng.uniform())
    angle = rng.uniform(0.0, 2 * math.pi)
    return centre + radius * np.array([math.cos(angle), math.sin(angle)])


def _interior(
    rng: np.random.Generator,
    a: np.ndarray,
    b: np.ndarray,
    bend: float | None = None,
    spacing_km: tuple[float, float] = DEMO_SIZE.node_spacing_km,
) -> np.ndarray:
    """Intermediate points every ~300-600 m (``spacing_km``) between two junctions,
    gently bent and jittered (less where the nodes are closer)."""
    delta = b - a
    length = float(np.hypot(*delta))
    spacing = rng.uniform(*spacing_km)
    jitter = 0.012 * min(1.0, spacing_km[1] / DEMO_SIZE.node_spacing_km[1])
    segments = max(1, math.ceil(length / spacing))
    if segments == 1:
        return np.zeros((0, 2))
    t = (np.arange(1, segments) + rng.uniform(-0.12, 0.12, segments - 1)) / segments
    normal = np.array([-delta[1], delta[0]]) / length
    if bend is None:
        bend = float(np.clip(rng.normal(0.0, 0.05), -0.12, 0.12))
    lateral = bend * length * np.sin(np.pi * t) + rng.normal(0.0, jitter, segments - 1)
    return a + t[:, None] * delta + lateral[:, None] * normal


# ----------------------------------------------------------------------------- names


class _Namer:
    """Unique pinyin-like place names drawn from the generator's random stream."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def stem(self) -> str:
        """A new two-syllable name such as ``Dongzhuang``.

        Once half of the two-syllable names are used (a county much larger than the
        demo), three syllables such as ``Dongzhuangling``.
        """
        long = len(self._used) >= len(_INITIALS) * len(_FINALS) // 2
        while True:
            stem = (
                _INITIALS[self._rng.integers(len(_INITIALS))]
                + _FINALS[self._rng.integers(len(_FINALS))]
            )
            if long:
                stem += _FINALS[self._rng.integers(len(_FINALS))]
            if stem not in self._used and stem != "Chengguan":
                self._used.add(stem)
                return stem


# ----------------------------------------------------------------------------- layout


def _place_towns(
    rng: np.random.Generator, namer: _Namer, mway: Motorway, size: CountySize = DEMO_SIZE
) -> tuple[Town, ...]:
    """The county seat near the centre and the other towns around it.

    Up to nine towns lie on a jittered ring around the seat (the demo's nine); more are
    spread over the county (:func:`_spread_towns`). A town is kept 2 km off the
    motorway, so that no place of it snaps onto a carriageway.
    """
    points = [(rng.uniform(-1.5, 1.5), rng.uniform(-0.5, 2.5))]
    ring = size.towns - 1
    if ring <= N_RING_TOWNS:
        step = 360.0 / ring
        start = rng.uniform(0.0, step)
        for i in range(ring):
            angle = math.radians(start + step * i + rng.uniform(-5.0, 5.0))
            rx = rng.uniform(12.5, 16.0) * size.x_scale
            ry = rng.uniform(10.0, 13.0) * size.y_scale
            points.append((rx * math.cos(angle), ry * math.sin(angle)))
    else:
        points += _spread_towns(rng, points[0], size)
    towns = []
    for index, (x, y) in enumerate(points):
        line = float(mway.y(x))
        if abs(y - line) < 2.0:
            y = line + math.copysign(2.0, y - line)
        name = SEAT_NAME if index == 0 else f"{namer.stem()} Zhen"
        towns.append(Town(index, name, x, y))
    return tuple(towns)


def _spread_towns(
    rng: np.random.Generator, seat: tuple[float, float], size: CountySize
) -> list[tuple[float, float]]:
    """``size.towns - 1`` towns over the county, evenly but at random (dart throwing)."""
    area = 4.0 * size.half_x_km * size.half_y_km
    gap = 0.75 * math.sqrt(area / size.towns)
    inset = 0.4 * gap
    points = [seat]
    for _ in range(size.towns * 2000):
        if len(points) == size.towns:
            break
        point = (
            rng.uniform(-size.half_x_km + inset, size.half_x_km - inset),
            rng.uniform(-size.half_y_km + inset, size.half_y_km - inset),
        )
        if all(math.hypot(point[0] - x, point[1] - y) >= gap for x, y in points):
            points.append(point)
    if len(points) < size.towns:
        raise RuntimeError(f"no room for {size.towns} towns {gap:.1f} km apart")
    return points[1:]


def _motorway(rng: np.random.Generator, size: CountySize = DEMO_SIZE) -> Motorway:
    sx, sy = size.x_scale, size.y_scale
    return Motorway(
        -19.0 * sx,
        19.0 * sx,
        rng.uniform(-8.0, -4.5) * sy,
        rng.uniform(-8.0, -4.5) * sy,
        rng.uniform(-1.5, 1.5) * sy,
    )


def _edge_spots(
    rng: np.random.Generator, taken: np.ndarray, mway: Motorway, size: CountySize = DEMO_SIZE
) -> list[np.ndarray]:
    """Two hill-cluster anchors, then three remote villages.

    Each lies towards the emptiest stretches of the county edge, pulled in to
    :data:`HILL_LINK_KM` (:data:`REMOTE_LINK_KM`) from the nearest place already laid out.
    """
    half_x, half_y = size.half_x_km, size.half_y_km
    xs = np.arange(-half_x + 1.0, half_x - 0.9, 1.0)
    ys = np.arange(-half_y + 1.0, half_y - 0.9, 1.0)
    ring = [(x, s * (half_y - 1.0)) for x in xs for s in (-1, 1)]
    ring += [(s * (half_x - 1.0), y) for y in ys for s in (-1, 1)]
    candidates = np.array(sorted(set(ring)))
    gaps = np.linalg.norm(candidates[:, None] - taken[None], axis=2)
    far = gaps.min(axis=1)
    spots: list[np.ndarray] = []
    for i in np.argsort(-(far + rng.uniform(0.0, 2.0, len(far))), kind="stable"):
        link, spacing = (HILL_LINK_KM, 16.0) if len(spots) < 2 else (REMOTE_LINK_KM, 8.0)
        if far[i] < link:
            continue
        nearest = taken[np.argmin(gaps[i])]
        spot = nearest + (candidates[i] - nearest) * (link / far[i])
        if np.min(np.linalg.norm(taken - spot, axis=1)) < link - 0.3 or mway.clearance(spot) < 1.0:
            continue
        if all(np.linalg.norm(spot - other) >= spacing for other in spots):
            spots.append(spot)
        if len(spots) == 5:
            break
    return spots


def _town_sites(rng: np.random.Generator, town: Town) -> list[np.ndarray]:
    """Street corners around a town centre, where schools, yards and communities stand."""
    count = 8 if town.index == 0 else 5
    start = rng.uniform(0.0, 2 * math.pi)
    sites = []
    for i in range(count):
        angle = start + 2 * math.pi * i / count + rng.uniform(-0.25, 0.25)
        radius = rng.uniform(0.55, 1.0) * (1.3 if town.index == 0 else 1.0)
        sites.append(town.xy + radius * np.array([math.cos(angle), math.sin(angle)]))
    return sites


def _hill_cluster(
    rng: np.random.Generator,
    anchor: np.ndarray,
    taken: np.ndarray,
    mway: Motorway,
    size: CountySize = DEMO_SIZE,
) -> list[np.ndarray]:
    """A hill school village and up to three hill villages beyond it, 1-2 km apart."""
    points = [anchor]
    for _ in range(500):
        if len(points) == 4:
            break
        candidate = _polar(rng, anchor, 1.2, 2.2)
        if not _inside(candidate, 0.4, size) or mway.clearance(candidate) < 1.0:
            continue
        if np.min(np.linalg.norm(taken - candidate, axis=1)) < HILL_LINK_KM - 0.3:
            continue
        if all(np.linalg.norm(candidate - p) >= 1.0 for p in points):
            points.append(candidate)
    return points


def _scatter(
    rng: np.random.Generator,
    mway: Motorway,
    centre: np.ndarray,
    count: int,
    taken: list[np.ndarray],
    radius: float,
    size: CountySize = DEMO_SIZE,
) -> list[np.ndarray]:
    """Up to ``count`` villages around a town, at least 0.8 km apart."""
    placed: list[np.ndarray] = []
    for _ in range(count * 200):
        if len(placed) == count:
            break
        point = _polar(rng, centre, 1.4, radius)
        if not _inside(point, 0.8, size) or mway.clearance(point) < 0.5:
            continue
        near = np.array(taken + placed)
        if np.min(np.linalg.norm(near - point, axis=1)) < 0.8:
            continue
        placed.append(point)
    return placed


def _build_layout(
    rng: np.random.Generator,
    towns: Sequence[Town],
    mway: Motorway,
    size: CountySize = DEMO_SIZE,
) -> Layout:
    """Town centres and sites, interchanges, villages, then hill and remote villages."""
    points: list[np.ndarray] = []
    kinds: list[str] = []
    groups: list[int] = []

    def add(point: np.ndarray, kind: str, group: int = -1) -> None:
        points.append(np.asarray(point, dtype=float))
        kinds.append(kind)
        groups.append(group)

    for town in towns:
        add(town.xy, "centre")
        for site in _town_sites(rng, town):
            add(site, "site")
    for x in (mway.x_west, mway.x_east):
        add(np.array([x - math.copysign(0.6, x), float(mway.y(x)) + 1.0]), "hub")
    for town in towns:
        per_town = size.villages_per_town
        count = per_town + 5 if town.index == 0 else per_town + int(rng.integers(-2, 3))
        radius = size.town_radius_km + (1.0 if town.index == 0 else 0.0)
        for point in _scatter(rng, mway, town.xy, count, points, radius, size):
            add(point, "village")
    taken = np.array(points)
    spots = _edge_spots(rng, taken, mway, size)
    for group, anchor in enumerate(spots[:2]):
        for point in _hill_cluster(rng, anchor, taken, mway, size):
            add(point, "hill", group)
    for group, spot in enumerate(spots[2:], start=2):
        add(spot, "remote", group)
    xy = np.array(points)
    centres = np.array([t.xy for t in towns])
    nearest = np.argmin(np.linalg.norm(xy[:, None] - centres[None], axis=2), axis=1)
    return Layout(xy, tuple(kinds), nearest.astype(np.int64), np.array(groups, dtype=np.int64))


# ----------------------------------------------------------------------------- road choice


def _delaunay_edges(xy: np.ndarray) -> np.ndarray:
    """Edges of the Delaunay triangulation as sorted ``(i, j)`` rows, ``i < j``."""
    simplices = Delaunay(xy).simplices
    pairs = np.vstack([simplices[:, [0, 1]], simplices[:, [1, 2]], simplices[:, [0, 2]]])
    pairs.sort(axis=1)
    return np.unique(pairs, axis=0)


def _edge_graph(n: int, edges: np.ndarray, weights: np.ndarray) -> sp.csr_matrix:
    """Undirected weighted graph over points (both directions stored)."""
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]])
    return sp.csr_matrix((np.concatenate([weights, weights]), (rows, cols)), shape=(n, n))


def _path_edges(pred: np.ndarray, source: int, target: int) -> list[tuple[int, int]]:
    """The edges of a shortest path from ``source`` to ``target`` as sorted pairs."""
    pairs = []
    node = target
    while node != source and node >= 0:
        prev = int(pred[node])
        if prev < 0:
            return []
        pairs.append((min(prev, node), max(prev, node)))
        node = prev
    return pairs


def _is_outlying(layout: Layout, i: int) -> bool:
    return layout.kind[i] in ("hill", "remote")


def _main_edges(layout: Layout, edges: np.ndarray) -> np.ndarray:
    """Mask of edges that a county route or a loop may use (not into the hills)."""
    return np.array([not (_is_outlying(layout, i) or _is_outlying(layout, j)) for i, j in edges])


def _county_routes(
    rng: np.random.Generator,
    layout: Layout,
    towns: Sequence[Town],
    edges: np.ndarray,
    lengths: np.ndarray,
    max_km: float = DEMO_SIZE.county_road_km,
) -> list[tuple[list[tuple[int, int]], dict[str, str]]]:
    """County roads between neighbouring towns and from each interchange to its town."""
    centre_point = {t.index: layout.indices("centre")[t.index] for t in towns}
    town_edges = _delaunay_edges(np.array([t.xy for t in towns]))
    pairs = [
        (int(a), int(b))
        for a, b in town_edges
        if np.linalg.norm(towns[a].xy - towns[b].xy) <= max_km
    ]
    main = _main_edges(layout, edges)
    graph = _edge_graph(len(layout.kind), edges[main], lengths[main])
    routes = []
    for number, (a, b) in enumerate(pairs):
        _, pred = dijkstra(graph, directed=False, indices=centre_point[a], return_predecessors=True)
        primary = a == 0 or b == 0
        tags = {
            "highway": "primary" if primary else "secondary",
            "ref": f"S{231 + number}" if primary else f"X{101 + number:03d}",
        }
        speed = rng.choice(["80", "70", ""], p=[0.35, 0.3, 0.35])
        if speed:
            tags["maxspeed"] = str(speed)
        routes.append((_path_edges(pred, centre_point[a], centre_point[b]), tags))
    for number, hub in enumerate(layout.indices("hub")):
        town = int(layout.town[hub])
        _, pred = dijkstra(graph, directed=False, indices=hub, return_predecessors=True)
        tags = {"highway": "secondary", "ref": f"X{181 + number:03d}", "maxspeed": "70"}
        routes.append((_path_edges(pred, hub, centre_point[town]), tags))
    return routes


def _loop_edges(
    rng: np.random.Generator, layout: Layout, edges: np.ndarray, lengths: np.ndarray
) -> set[tuple[int, int]]:
    """Short extra links that close loops between villages (none into the hills)."""
    chosen = set()
    draws = rng.uniform(size=len(edges))
    for (i, j), length, draw in zip(edges.tolist(), lengths, draws, strict=True):
        outlying = _is_outlying(layout, i) or _is_outlying(layout, j)
        same_cluster = outlying and layout.group[i] == layout.group[j] and layout.group[i] >= 0
        if (not outlying or same_cluster) and length <= 3.0 and draw < 0.33:
            chosen.add((i, j))
    return chosen


def _spanning_edges(n: int, edges: np.ndarray, lengths: np.ndarray) -> set[tuple[int, int]]:
    """The Euclidean minimum spanning tree: every junction reached by the shortest roads."""
    upper = sp.csr_matrix((lengths, (edges[:, 0], edges[:, 1])), shape=(n, n))
    tree = minimum_spanning_tree(upper).tocoo()
    return {
        (min(a, b), max(a, b)) for a, b in zip(tree.row.tolist(), tree.col.tolist(), strict=True)
    }


def _township_usage(
    layout: Layout, towns: Sequence[Town], selected: list[tuple[int, int]], xy: np.ndarray
) -> dict[tuple[int, int], int]:
    """How many of a town's villages reach the town centre over each road."""
    chosen = np.array(selected)
    lengths = np.linalg.norm(xy[chosen[:, 0]] - xy[chosen[:, 1]], axis=1)
    graph = _edge_graph(len(layout.kind), chosen, lengths)
    centres = layout.indices("centre")
    _, pred = dijkstra(graph, directed=False, indices=centres, return_predecessors=True)
    usage: dict[tuple[int, int], int] = {}
    for v in layout.indices("village"):
        town = int(layout.town[v])
        for pair in _path_edges(pred[town], centres[town], v):
            usage[pair] = usage.get(pair, 0) + 1
    return usage


def _choose_roads(
    rng: np.random.Generator, layout: Layout, towns: Sequence[Town], size: CountySize = DEMO_SIZE
) -> dict[tuple[int, int], dict[str, str]]:
    """Which junctions are joined by a road, and the road's OSM tags."""
    xy, n = layout.xy, len(layout.kind)
    edges = _delaunay_edges(xy)
    lengths = np.linalg.norm(xy[edges[:, 0]] - xy[edges[:, 1]], axis=1)
    routes = _county_routes(rng, layout, towns, edges, lengths, size.county_road_km)
    selected = _spanning_edges(n, edges, lengths) | _loop_edges(rng, layout, edges, lengths)
    for path, _ in routes:
        selected.update(path)
    ordered = sorted(selected)
    degree = np.bincount(np.array(ordered).ravel(), minlength=n)
    roads = {pair: _lane_tags(rng, layout, pair, degree) for pair in ordered}
    usage = _township_usage(layout, towns, ordered, xy)
    posted = rng.uniform(size=len(towns)) < 0.5
    for pair, count in sorted(usage.items()):
        if count >= 3:
            town = int(layout.town[pair[0]])
            roads[pair] = {"highway": "tertiary", **({"maxspeed": "50"} if posted[town] else {})}
    for path, tags in routes:
        for pair in path:
            if ROAD_RANK[roads[pair]["highway"]] < ROAD_RANK[tags["highway"]]:
                roads[pair] = dict(tags)
    _add_hazards(rng, layout, roads)
    return roads


def _lane_tags(
    rng: np.random.Generator, layout: Layout, pair: tuple[int, int], degree: np.ndarray
) -> dict[str, str]:
    """A village lane: town streets and some short dead-end lanes are residential."""
    i, j = pair
    town_kinds = ("centre", "site")
    if layout.kind[i] in town_kinds and layout.kind[j] in town_kinds:
        return {"highway": "residential"}
    draw = rng.uniform()
    leaf = any(degree[p] == 1 and layout.kind[p] == "village" for p in pair)
    if leaf and draw < 0.4:
        return {"highway": "residential"}
    return {"highway": "unclassified"}


def _add_hazards(
    rng: np.random.Generator, layout: Layout, roads: dict[tuple[int, int], dict[str, str]]
) -> None:
    """Tag the roads into the hills and to remote villages as narrow, steep or gravel."""
    order = rng.permutation(len(HAZARD_TAGS))
    hazards = [pair for pair in sorted(roads) if any(_is_outlying(layout, p) for p in pair)]
    for number, pair in enumerate(hazards):
        roads[pair] = dict(HAZARD_TAGS[int(order[number % len(order)])])


# ----------------------------------------------------------------------------- network


def _road_ways(
    rng: np.random.Generator,
    xy: np.ndarray,
    roads: Mapping[tuple[int, int], Mapping[str, str]],
    spacing_km: tuple[float, float] = DEMO_SIZE.node_spacing_km,
) -> tuple[list[np.ndarray], list[tuple[tuple[int, ...], Mapping[str, str]]]]:
    """Junctions are nodes ``1..n``; each road gets its own intermediate nodes after them."""
    points = list(xy)
    ways = []
    for (i, j), tags in sorted(roads.items()):
        interior = _interior(rng, xy[i], xy[j], spacing_km=spacing_km)
        first = len(points) + 1
        points.extend(interior)
        ids = (i + 1, *range(first, first + len(interior)), j + 1)
        ways.append((ids, MappingProxyType(dict(tags))))
    return points, ways


def _motorway_ways(
    rng: np.random.Generator,
    mway: Motorway,
    hub_ids: Sequence[int],
    points: list[np.ndarray],
    size: CountySize = DEMO_SIZE,
) -> list[tuple[tuple[int, ...], Mapping[str, str]]]:
    """Two one-way carriageways, and at each interchange an on-ramp and an off-ramp."""
    steps = math.ceil((mway.x_east - mway.x_west) / size.motorway_step_km)
    xs = np.linspace(mway.x_west, mway.x_east, steps + 1)
    ys = mway.y(xs)
    slope = np.gradient(ys, xs)
    normal = np.column_stack([-slope, np.ones_like(slope)]) / np.hypot(slope, 1.0)[:, None]
    centre = np.column_stack([xs, ys])
    road = {
        "highway": "motorway",
        "oneway": "yes",
        "maxspeed": "120",
        "lanes": "2",
        "name": "Synthetic County Expressway",
    }
    east_ids = _append(points, centre - 0.015 * normal)
    west_ids = _append(points, (centre + 0.015 * normal)[::-1])
    ways = [
        (east_ids, MappingProxyType({**road, "ref": "G99 eastbound"})),
        (west_ids, MappingProxyType({**road, "ref": "G99 westbound"})),
    ]
    link = MappingProxyType({"highway": "motorway_link", "oneway": "yes"})
    ramps = [  # the same bend on opposite directions: the two ramps part like a loop
        (hub_ids[0], east_ids[0]),
        (west_ids[-1], hub_ids[0]),
        (east_ids[-1], hub_ids[1]),
        (hub_ids[1], west_ids[0]),
    ]
    for start, end in ramps:
        inner = _interior(
            rng, points[start - 1], points[end - 1], bend=0.2, spacing_km=size.node_spacing_km
        )
        ways.append(((start, *_append(points, inner), end), link))
    return ways


def _append(points: list[np.ndarray], new: np.ndarray) -> tuple[int, ...]:
    """Add nodes and return their ids."""
    first = len(points) + 1
    points.extend(np.atleast_2d(new))
    return tuple(range(first, first + len(new)))


def _build_network(
    rng: np.random.Generator,
    layout: Layout,
    mway: Motorway,
    roads: Mapping[tuple[int, int], Mapping[str, str]],
    size: CountySize = DEMO_SIZE,
) -> Network:
    """Nodes and ways of the chosen roads, then of the motorway."""
    points, ways = _road_ways(rng, layout.xy, roads, size.node_spacing_km)
    n_local = len(points)
    hub_ids = [i + 1 for i in layout.indices("hub")]
    ways += _motorway_ways(rng, mway, hub_ids, points, size)
    xy = np.array(points)
    lon, lat = to_lonlat(xy)
    return Network(lon, lat, xy, tuple(ways), n_local)


def bus_time_graph(network: Network, speeds: SpeedModel | None = None) -> sp.csr_matrix:
    """Directed school-bus travel times (seconds) between adjacent nodes (index = id - 1)."""
    speeds = speeds or SpeedModel()
    rows, cols, secs = [], [], []
    for ids, tags in network.ways:
        highway = tags["highway"]
        posted = float(tags.get("maxspeed", speeds.highway_kph[highway]))
        kph = speeds.bus_kph(highway, posted, tags)
        a, b = np.array(ids[:-1]) - 1, np.array(ids[1:]) - 1
        metres = haversine_m(network.lon[a], network.lat[a], network.lon[b], network.lat[b])
        rows.append(a)
        cols.append(b)
        secs.append(metres / (kph / 3.6))
        if tags.get("oneway") != "yes":
            rows.append(b)
            cols.append(a)
            secs.append(secs[-1])
    n = len(network.lon)
    return sp.csr_matrix(
        (np.concatenate(secs), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    )


# ----------------------------------------------------------------------------- places


def _offset(rng: np.random.Generator, point: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """A place a little off its road junction (km)."""
    return _polar(rng, point, lo, hi)


def _pupils(rng: np.random.Generator, kind: str) -> tuple[tuple[int, int, int, int], float]:
    """Pupils per band and the yearly change of a village, by the kind of place."""
    median, sigma, cap, drift = {
        "site": (55.0, 0.30, 120.0, -0.012),
        "village": (8.0, 0.75, 45.0, -0.040),
        "hill": (6.0, 0.40, 20.0, -0.055),
        "remote": (5.0, 0.40, 15.0, -0.055),
    }[kind]
    size = min(cap, max(0.8, rng.lognormal(math.log(median), sigma)))
    k, p13, p46, j79 = (int(c) for c in rng.poisson(size * np.array(BAND_FACTOR)))
    change = float(np.clip(rng.normal(drift, 0.018 if kind != "site" else 0.01), -0.08, 0.01))
    return (k, p13, p46, j79), round(change, 3) + 0.0  # + 0.0: never "-0.000"


def _village_points(layout: Layout, towns: Sequence[Town]) -> list[int]:
    """Junctions with a village: town communities, villages, hill and remote villages.

    Ordered by town, then by distance from the town centre.
    """
    communities = []
    for town in towns:
        sites = [i for i in layout.indices("site") if layout.town[i] == town.index]
        communities += sites[: 6 if town.index == 0 else 2]
    points = communities + layout.indices("village", "hill", "remote")
    centre = np.array([towns[int(layout.town[p])].xy for p in points])
    dist = np.linalg.norm(layout.xy[points] - centre, axis=1)
    return [points[i] for i in np.lexsort((dist, layout.town[points]))]


def _make_villages(
    rng: np.random.Generator,
    layout: Layout,
    towns: Sequence[Town],
    namer: _Namer,
    network: Network,
) -> list[Village]:
    """Villages with their pupils and road node (today's schools still to come)."""
    points = _village_points(layout, towns)
    villages = []
    for number, point in enumerate(points, start=1):
        pupils, change = _pupils(rng, layout.kind[point])
        lon, lat = to_lonlat(_offset(rng, layout.xy[point], 0.03, 0.12))
        village = Village(
            id=f"V{number:03d}",
            name=f"{namer.stem()} Cun",
            town=towns[int(layout.town[point])].name,
            lon=float(lon[0]),
            lat=float(lat[0]),
            pupils=pupils,
            annual_change=change,
            node=-1,
            point=point,
        )
        villages.append(village)
    nodes = _snap(network, [(v.lon, v.lat) for v in villages])
    return [replace(v, node=int(node)) for v, node in zip(villages, nodes, strict=True)]


def _town_site_specs(
    rng: np.random.Generator,
    layout: Layout,
    towns: Sequence[Town],
    nine_year_towns: int = N_NINE_YEAR_TOWNS,
) -> tuple[list[SiteSpec], dict[int, int]]:
    """Town schools and kindergartens, each on its own street corner; and each town's yard."""
    nine_year = {
        int(t) for t in rng.choice(np.arange(1, len(towns)), nine_year_towns, replace=False)
    }
    plain = [t.index for t in towns[1:] if t.index not in nine_year]
    # a second private kindergarten in one town, in a county of five or more towns
    extra_private = int(plain[int(rng.integers(len(plain)))]) if plain and len(towns) > 5 else -1
    # two of the demo's nine other towns; in proportion (at least one) in other counties
    n_inclusive = min(len(towns) - 1, max(1, round(2 * (len(towns) - 1) / N_RING_TOWNS)))
    inclusive = {int(t) for t in rng.choice(np.arange(1, len(towns)), n_inclusive, replace=False)}
    specs: list[SiteSpec] = []
    depots: dict[int, int] = {}
    for town in towns:
        corners = [i for i in layout.indices("site") if layout.town[i] == town.index]
        corners.append(layout.indices("centre")[town.index])
        wanted = _town_schools(town, nine_year, inclusive, extra_private)
        for slot, (level, ownership, name) in enumerate(wanted):
            point = corners[slot % len(corners)]
            specs.append(SiteSpec(level, ownership, name, point, town.index, True))
        depots[town.index] = corners[-2]
    return specs, depots


def _town_schools(
    town: Town, nine_year: set[int], inclusive: set[int], extra_private: int
) -> list[tuple[str, str, str]]:
    """``(level, ownership, name)`` of the schools of one town."""
    stem = town.name.split()[0]
    if town.index == 0:
        return [
            ("primary", "public", f"{stem} No.1 Primary School"),
            ("junior", "public", f"{stem} No.1 Junior Middle School"),
            ("kindergarten", "public", f"{stem} Central Kindergarten"),
            ("primary", "public", f"{stem} No.2 Primary School"),
            ("junior", "public", f"{stem} No.2 Junior Middle School"),
            ("kindergarten", "private_inclusive", f"{stem} Sunshine Kindergarten"),
            ("primary", "public", f"{stem} No.3 Primary School"),
            ("kindergarten", "private", f"{stem} Little Stars Kindergarten"),
        ]
    ownership = "private_inclusive" if town.index in inclusive else "public"
    schools = [("kindergarten", ownership, f"{stem} Central Kindergarten")]
    if town.index in nine_year:
        schools.insert(0, ("nine_year", "public", f"{stem} Nine-Year School"))
    else:
        schools.insert(0, ("primary", "public", f"{stem} Central Primary School"))
        schools.insert(1, ("junior", "public", f"{stem} Junior Middle School"))
    if town.index == extra_private:
        schools.append(("kindergarten", "private", f"{stem} Happy Kids Kindergarten"))
    return schools


def _village_school_points(
    rng: np.random.Generator,
    layout: Layout,
    villages: Sequence[Village],
    count: int = N_VILLAGE_PRIMARY,
) -> list[int]:
    """Villages that still have a primary school: larger villages away from the towns."""
    centres = layout.xy[layout.indices("centre")]
    ordinary = [v for v in villages if layout.kind[v.point] == "village"]
    median = float(np.median([sum(v.pupils) for v in ordinary]))
    candidates = [
        v.point
        for v in ordinary
        if sum(v.pupils) >= median
        and np.min(np.linalg.norm(centres - layout.xy[v.point], axis=1)) >= 3.5
    ]
    order = [candidates[i] for i in rng.permutation(len(candidates))]
    gap = 3.2
    while True:
        chosen: list[int] = []
        for p in order:
            if all(np.linalg.norm(layout.xy[p] - layout.xy[q]) >= gap for q in chosen):
                chosen.append(p)
            if len(chosen) == count:
                return sorted(chosen)
        if gap < 0.1:  # fewer candidates than schools wanted
            return sorted(chosen)
        gap *= 0.9


def _village_site_specs(
    rng: np.random.Generator,
    layout: Layout,
    villages: Sequence[Village],
    reach: np.ndarray,
    town_specs: Sequence[SiteSpec],
    size: CountySize = DEMO_SIZE,
) -> list[SiteSpec]:
    """Village primary schools (one in each hill cluster) and village kindergartens."""
    stem = {v.point: v.name.removesuffix(" Cun") for v in villages}
    hills = [v.point for v in villages if layout.kind[v.point] == "hill"]
    anchors = sorted({int(layout.group[p]): p for p in reversed(hills)}.items())
    sites = _village_school_points(rng, layout, villages, size.village_primary)
    if size.extra_primary:
        primary = [s.point for s in town_specs if _serves(s.level, "p13")]
        sites += _extra_points(
            reach,
            villages,
            primary + [p for _, p in anchors] + sites,
            [],
            band=1,
            limit_s=PRIMARY_LIMIT_S,
            wanted=0,
            extra=size.extra_primary,
        )
        sites.sort()
    kinder = [s.point for s in town_specs if s.level == "kindergarten"] + [p for _, p in anchors]
    extra = _kindergarten_points(
        reach, villages, kinder, sites, size.village_kindergarten, size.extra_kindergarten
    )

    def spec(level: str, point: int, name: str, group: int = -1) -> SiteSpec:
        return SiteSpec(level, "public", name, point, int(layout.town[point]), False, group)

    return (
        [spec("primary", p, f"{stem[p]} Hill Primary School", g) for g, p in anchors]
        + [spec("primary", p, f"{stem[p]} Primary School") for p in sites]
        + [spec("kindergarten", p, f"{stem[p]} Hill Kindergarten", g) for g, p in anchors]
        + [spec("kindergarten", p, f"{stem[p]} Kindergarten") for p in extra]
    )


def _kindergarten_points(
    reach: np.ndarray,
    villages: Sequence[Village],
    kinder: Sequence[int],
    sites: Sequence[int],
    wanted: int = N_VILLAGE_KINDERGARTEN,
    extra: int = 4,
) -> list[int]:
    """Village kindergartens, one at a time where they most shorten the longest trip.

    ``reach[v, q]`` is the bus time from village ``v`` to junction ``q``. Candidates are
    the villages; one that keeps a primary school wins a tie. More than ``wanted``
    (:data:`N_VILLAGE_KINDERGARTEN`; up to ``extra`` more) only while some child would
    still be over :data:`KINDERGARTEN_LIMIT_S` away.
    """
    return _extra_points(
        reach,
        villages,
        kinder,
        sites,
        band=0,
        limit_s=KINDERGARTEN_LIMIT_S,
        wanted=wanted,
        extra=extra,
    )


def _extra_points(
    reach: np.ndarray,
    villages: Sequence[Village],
    existing: Sequence[int],
    preferred: Sequence[int],
    *,
    band: int,
    limit_s: float,
    wanted: int,
    extra: int,
) -> list[int]:
    """Village schools of one level, one at a time where they most shorten the longest trip.

    ``wanted`` of them, then up to ``extra`` more while some pupil of ``band`` (index
    into the village's pupils) would be over ``limit_s`` from the ``existing`` schools
    and those chosen. A village in ``preferred`` wins a tie.
    """
    rows = np.array([i for i, v in enumerate(villages) if v.pupils[band] > 0])
    if len(rows) == 0:
        return []
    best = reach[np.ix_(rows, list(existing))].min(axis=1)
    free = np.array(sorted({v.point for v in villages} - set(existing)))
    penalty = np.isin(free, list(preferred), invert=True)
    extra_points: list[int] = []
    while len(extra_points) < wanted or (
        best.max() > limit_s and len(extra_points) < wanted + extra
    ):
        after = np.minimum(best[:, None], reach[np.ix_(rows, free)])
        excess = np.maximum(after - limit_s, 0.0).sum(axis=0)
        taken = np.isin(free, extra_points)
        order = np.lexsort((free, penalty, np.round(excess), np.round(after.max(axis=0)), taken))
        chosen = int(free[order[0]])
        extra_points.append(chosen)
        best = np.minimum(best, reach[rows, chosen])
    return sorted(extra_points)


def _snap(network: Network, lonlat: Sequence[tuple[float, float]]) -> np.ndarray:
    """Nearest road node (index) of each place; never a motorway node (a layout bug)."""
    xy = [
        ((lon - CENTRE_LON) * KM_PER_DEG_LON, (lat - CENTRE_LAT) * KM_PER_DEG_LAT)
        for lon, lat in lonlat
    ]
    _, index = cKDTree(network.xy).query(np.array(xy))
    index = np.asarray(index, dtype=np.int64)
    if (index >= network.n_local).any():
        raise RuntimeError("a place would snap onto the motorway")
    return index


# ----------------------------------------------------------------------------- today's schools


def _serves(level: str, band: str) -> bool:
    """Whether a school of ``level`` teaches the pupils of ``band``."""
    if band == "k":
        return level == "kindergarten"
    if band == "j79":
        return level in ("junior", "nine_year")
    return level in ("primary", "nine_year")


def _assign(times: np.ndarray, specs: Sequence[SiteSpec]) -> dict[str, np.ndarray]:
    """Index (into ``specs``) of each village's school today, per ``k``/``primary``/``junior``."""
    levels = [s.level for s in specs]
    out = {}
    for key, band in (("k", "k"), ("primary", "p13"), ("junior", "j79")):
        serving = np.array([i for i, lv in enumerate(levels) if _serves(lv, band)])
        out[key] = serving[np.argmin(times[:, serving], axis=1)]
    town = np.array([i for i, s in enumerate(specs) if s.in_town and _serves(s.level, "p13")])
    local = np.array([i for i, s in enumerate(specs) if not s.in_town and _serves(s.level, "p13")])
    best_town = town[np.argmin(times[:, town], axis=1)]
    best_local = local[np.argmin(times[:, local], axis=1)]
    rows = np.arange(len(times))
    t_town, t_local = times[rows, best_town], times[rows, best_local]
    use_local = (t_local <= VILLAGE_SCHOOL_REACH_S) & (t_local < t_town)
    choice = np.where(use_local, best_local, best_town)
    out["primary"] = np.where(t_town > PRIMARY_LIMIT_S, out["primary"], choice)
    return out


def _enrolment(
    specs: Sequence[SiteSpec], pupils: np.ndarray, current: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Pupils each school receives today."""
    total = np.zeros(len(specs), dtype=np.int64)
    np.add.at(total, current["k"], pupils[:, 0])
    np.add.at(total, current["primary"], pupils[:, 1] + pupils[:, 2])
    np.add.at(total, current["junior"], pupils[:, 3])
    return total


def _school_record(
    rng: np.random.Generator,
    spec: SiteSpec,
    enrolment: int,
    ident: str,
    lon: float,
    lat: float,
    town: str,
) -> School:
    """Rooms, seats, beds, cost and closure flags of one school, from its enrolment."""
    size = CLASS_SIZE[spec.level]
    spare = rng.uniform(0.35, 0.65) if spec.in_town else rng.uniform(0.15, 0.6)
    minimum = 2 if spec.in_town or spec.level == "kindergarten" else 3
    rooms = max(minimum, math.ceil(enrolment * (1 + spare) / size))
    capacity = rooms * size
    seat_school = spec.in_town and spec.town == 0
    must_keep = (seat_school and spec.ownership == "public") or spec.remote_group == 0
    may_close = (
        not must_keep
        and spec.ownership != "private"
        and (not spec.in_town or (spec.level == "kindergarten" and not seat_school))
    )
    cost = (400_000 + 6_000 * capacity) * rng.uniform(0.9, 1.15)
    if spec.remote_group >= 0:
        cost *= 1.2  # hill allowance
    return School(
        id=ident,
        name=spec.name,
        town=town,
        lon=lon,
        lat=lat,
        level=spec.level,
        ownership=spec.ownership,
        classrooms=rooms,
        capacity=capacity,
        canteen_seats=_canteen(rng, spec, capacity),
        boarding_beds=_beds(rng, spec, capacity),
        may_close=may_close,
        must_keep=must_keep,
        running_cost=int(round(cost, -3)),
        enrolment=int(enrolment),
        in_town=spec.in_town,
    )


def _canteen(rng: np.random.Generator, spec: SiteSpec, capacity: int) -> int:
    """Canteen seats: town schools and most kindergartens have a canteen, village schools
    a small one at most."""
    if spec.level == "kindergarten":
        share = rng.uniform(0.6, 0.9) if spec.in_town or rng.uniform() < 0.5 else 0.0
    elif spec.in_town:
        share = rng.uniform(0.35, 0.6)
    else:
        share = rng.uniform(0.15, 0.3) if capacity >= 180 or spec.remote_group >= 0 else 0.0
    return int(round(capacity * share, -1))


def _beds(rng: np.random.Generator, spec: SiteSpec, capacity: int) -> int:
    """Boarding beds: town junior and nine-year schools board many, hill schools a few."""
    if spec.level == "kindergarten":
        return 0
    if spec.remote_group >= 0:
        return int(round(rng.uniform(20, 40), -1))
    if not spec.in_town:
        return 0
    share = (
        rng.uniform(0.15, 0.35) if spec.level in ("junior", "nine_year") else rng.uniform(0, 0.1)
    )
    return int(round(capacity * share, -1))


_PREFIX = MappingProxyType({"kindergarten": "K", "primary": "P", "junior": "J", "nine_year": "N"})
_LEVEL_ORDER = ("kindergarten", "primary", "junior", "nine_year")


def _school_ids(specs: Sequence[SiteSpec]) -> list[str]:
    """``K01..``, ``P01..``, ``J01..``, ``N01..`` in the order the schools were planned."""
    counters = dict.fromkeys(_PREFIX, 0)
    ids = []
    for spec in specs:
        counters[spec.level] += 1
        ids.append(f"{_PREFIX[spec.level]}{counters[spec.level]:02d}")
    return ids


# ----------------------------------------------------------------------------- assembly


def build_county(seed: int = 2027, size: CountySize = DEMO_SIZE) -> County:
    """Generate the whole county in memory.

    Parameters
    ----------
    seed
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same county.
    size
        How big a county (:meth:`CountySize.scaled`); the default is the demo county.

    Returns
    -------
    County
        Roads, villages, schools, bus yards and today's village-to-school bus times.
    """
    rng = np.random.default_rng(seed)
    namer = _Namer(rng)
    mway = _motorway(rng, size)
    towns = _place_towns(rng, namer, mway, size)
    layout = _build_layout(rng, towns, mway, size)
    network = _build_network(rng, layout, mway, _choose_roads(rng, layout, towns, size), size)
    villages = _make_villages(rng, layout, towns, namer, network)
    from_villages = dijkstra(
        bus_time_graph(network), directed=True, indices=[v.node for v in villages]
    )
    town_specs, depot_points = _town_site_specs(rng, layout, towns, size.nine_year_towns)
    specs = town_specs + _village_site_specs(rng, layout, villages, from_villages, town_specs, size)
    specs.sort(key=lambda spec: _LEVEL_ORDER.index(spec.level))
    schools, times, current = _open_schools(
        rng, layout, network, towns, villages, specs, from_villages
    )
    villages = [
        replace(
            v,
            current=MappingProxyType(
                {key: schools[int(current[key][i])].id for key in ("k", "primary", "junior")}
            ),
        )
        for i, v in enumerate(villages)
    ]
    depots = _depots(rng, layout, network, towns, depot_points)
    return County(seed, towns, network, tuple(villages), schools, depots, times)


def _open_schools(
    rng: np.random.Generator,
    layout: Layout,
    network: Network,
    towns: Sequence[Town],
    villages: Sequence[Village],
    specs: Sequence[SiteSpec],
    from_villages: np.ndarray,
) -> tuple[tuple[School, ...], np.ndarray, dict[str, np.ndarray]]:
    """Place the schools, assign villages to them today and size them.

    Returns the schools, the village-to-school bus times (seconds) and, per ``k``,
    ``primary`` and ``junior``, the index of each village's school today.
    """
    where = [to_lonlat(_offset(rng, layout.xy[s.point], 0.06, 0.15)) for s in specs]
    lonlat = [(float(lon[0]), float(lat[0])) for lon, lat in where]
    times = from_villages[:, _snap(network, lonlat)]
    current = _assign(times, specs)
    pupils = np.array([v.pupils for v in villages], dtype=np.int64)
    enrolment = _enrolment(specs, pupils, current)
    ids = _school_ids(specs)
    schools = tuple(
        _school_record(rng, spec, int(enrolment[i]), ids[i], *lonlat[i], towns[spec.town].name)
        for i, spec in enumerate(specs)
    )
    return schools, times, current


def _depots(
    rng: np.random.Generator,
    layout: Layout,
    network: Network,
    towns: Sequence[Town],
    points: Mapping[int, int],
) -> tuple[Depot, ...]:
    """One school-bus yard per town, on a street corner of its own."""
    depots = []
    for town in towns:
        lon, lat = to_lonlat(_offset(rng, layout.xy[points[town.index]], 0.1, 0.2))
        depots.append(
            Depot(
                f"D{town.index + 1:02d}",
                f"{town.name.split()[0]} School Bus Yard",
                town.name,
                float(lon[0]),
                float(lat[0]),
            )
        )
    _snap(network, [(d.lon, d.lat) for d in depots])
    return tuple(depots)


# ----------------------------------------------------------------------------- writing


def _osm_text(network: Network) -> str:
    """The network as OSM XML 0.6."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<osm version="0.6" generator="{GENERATOR}">',
        f'  <bounds minlat="{network.lat.min():.7f}" minlon="{network.lon.min():.7f}" '
        f'maxlat="{network.lat.max():.7f}" maxlon="{network.lon.max():.7f}"/>',
    ]
    for i, (lon, lat) in enumerate(zip(network.lon.tolist(), network.lat.tolist(), strict=True)):
        lines.append(f'  <node id="{i + 1}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    for way_id, (ids, tags) in enumerate(network.ways, start=1):
        lines.append(f'  <way id="{way_id}" version="1">')
        lines += [f'    <nd ref="{ref}"/>' for ref in ids]
        lines += [f"    <tag k={quoteattr(k)} v={quoteattr(tags[k])}/>" for k in sorted(tags)]
        lines.append("  </way>")
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _village_rows(county: County) -> Iterator[list[str]]:
    for v in county.villages:
        yield [
            v.id,
            v.name,
            v.town,
            f"{v.lon:.7f}",
            f"{v.lat:.7f}",
            *map(str, v.pupils),
            f"{v.annual_change:.3f}",
            v.current["k"],
            v.current["primary"],
            v.current["junior"],
        ]


def _school_rows(county: County) -> Iterator[list[str]]:
    for s in county.schools:
        yield [
            s.id,
            s.name,
            s.town,
            f"{s.lon:.7f}",
            f"{s.lat:.7f}",
            s.level,
            s.ownership,
            str(s.classrooms),
            str(s.capacity),
            str(s.canteen_seats),
            str(s.boarding_beds),
            _flag(s.may_close),
            _flag(s.must_keep),
            str(s.running_cost),
        ]


def _depot_rows(county: County) -> Iterator[list[str]]:
    for d in county.depots:
        yield [d.id, d.name, d.town, f"{d.lon:.7f}", f"{d.lat:.7f}"]


def _write_csv(path: Path, header: Sequence[str], rows: Iterator[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


@contextmanager
def _staged(final: Sequence[Path]) -> Iterator[list[Path]]:
    """Temporary names next to the final files; renamed over them only if all were written."""
    temps = [path.with_name(f".{path.name}.tmp") for path in final]
    try:
        yield temps
        for temp, path in zip(temps, final, strict=True):
            os.replace(temp, path)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)


def write_county(county: County, out_dir: Path) -> CountyFiles:
    """Write a generated county's four files into ``out_dir`` (created if missing)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = CountyFiles(
        out_dir / "roads.osm",
        out_dir / "villages.csv",
        out_dir / "schools.csv",
        out_dir / "depots.csv",
    )
    final = [files.roads, files.villages, files.schools, files.depots]
    with _staged(final) as temps:
        temps[0].write_text(_osm_text(county.network), encoding="utf-8", newline="\n")
        _write_csv(temps[1], VILLAGE_COLUMNS, _village_rows(county))
        _write_csv(temps[2], SCHOOL_COLUMNS, _school_rows(county))
        _write_csv(temps[3], DEPOT_COLUMNS, _depot_rows(county))
    return files


def generate_county(out_dir: Path, *, seed: int = 2027) -> CountyFiles:
    """Generate the synthetic county and write its files.

    Parameters
    ----------
    out_dir
        Folder for ``roads.osm``, ``villages.csv``, ``schools.csv`` and ``depots.csv``.
    seed
        Random seed; the same seed gives byte-identical files.

    Returns
    -------
    CountyFiles
        The paths written.
    """
    return write_county(build_county(seed), out_dir)


# ----------------------------------------------------------------------------- summary


def summary(county: County) -> str:
    """A few lines on what was generated: counts, pupils, small schools, reach today."""
    by_level = {lv: [s for s in county.schools if s.level == lv] for lv in _LEVEL_ORDER}
    pupils = np.array([v.pupils for v in county.villages]).sum(axis=0)
    primaries = by_level["primary"] + by_level["nine_year"]
    small_p = sum(1 for s in primaries if s.level == "primary" and s.enrolment < 100)
    small_k = sum(1 for s in by_level["kindergarten"] if s.enrolment < 100)
    n_ways = len(county.network.ways)
    lines = [
        f"Synthetic County (seed {county.seed}): {len(county.towns)} towns, "
        f"{len(county.villages)} villages, {len(county.depots)} bus yards",
        f"roads: {len(county.network.lon)} nodes, {n_ways} ways",
        "schools: " + ", ".join(f"{len(v)} {k}" for k, v in by_level.items()),
        f"small (< 100 pupils today): {small_p} of {len(primaries)} primary/nine-year, "
        f"{small_k} of {len(by_level['kindergarten'])} kindergartens",
        "pupils: " + ", ".join(f"{b} {int(n)}" for b, n in zip(BANDS, pupils, strict=True)),
        _spare_line(county),
        _reach_line(county),
    ]
    return "\n".join(lines)


def _spare_line(county: County) -> str:
    kept = [s for s in county.schools if _serves(s.level, "p13") and not s.may_close]
    capacity = sum(s.capacity for s in kept)
    enrolled = sum(s.enrolment for s in kept)
    return (
        f"primary/nine-year schools that may not close: {len(kept)}, capacity {capacity}, "
        f"pupils today {enrolled} ({1 - enrolled / capacity:.0%} spare)"
    )


def _reach_line(county: County) -> str:
    """How many villages could reach one, or several, primary schools within 30 minutes."""
    levels = [s.level for s in county.schools]
    primary = [i for i, lv in enumerate(levels) if _serves(lv, "p13")]
    within = (county.times_s[:, primary] <= 30 * 60).sum(axis=1)
    has_pupils = np.array([sum(v.pupils[1:3]) > 0 for v in county.villages])
    only_one = int(((within == 1) & has_pupils).sum())
    return (
        f"villages with pupils within 30 min of just one primary school: {only_one}; "
        f"of two or more: {int(((within >= 2) & has_pupils).sum())}"
    )


def reach_problems(county: County) -> list[str]:
    """Villages with pupils beyond the limit of every school of a level today.

    The limits are the national ones (30 min for primary, 20 min for kindergarten, by
    school bus); junior pupils may board, so they have none. An empty list means the
    keep-all plan is feasible on travel time.
    """
    levels = [s.level for s in county.schools]
    problems = []
    for band, index, limit_min in (("k", 0, 20), ("p13", 1, 30)):
        serving = [i for i, lv in enumerate(levels) if _serves(lv, band)]
        best = county.times_s[:, serving].min(axis=1)
        far = [
            f"{v.id} ({best[i] / 60:.1f} min)"
            for i, v in enumerate(county.villages)
            if v.pupils[index] > 0 and best[i] > limit_min * 60
        ]
        if far:
            problems.append(f"{band}: {len(far)} villages over {limit_min} min: {', '.join(far)}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m geodata.synthetic --seed 2027 --out scenarios/demo_county``.

    ``--scale F`` generates a county ``F`` times the demo's area and villages
    (:meth:`CountySize.scaled`); ``--towns``, ``--villages-per-town``,
    ``--village-primary``, ``--village-kindergarten`` and ``--node-spacing-m`` override
    single sizes. ``--scale 4.5 --node-spacing-m 32`` gives about 1000 villages, 150
    schools and 100k road nodes.
    """
    parser = argparse.ArgumentParser(
        prog="python -m geodata.synthetic",
        description="Generate the synthetic demo county (not a real place).",
    )
    parser.add_argument("--seed", type=int, default=2027, help="random seed (default 2027)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the files to")
    size = parser.add_argument_group("size (default: the demo county)")
    size.add_argument(
        "--scale", type=float, default=1.0, help="area and villages relative to the demo"
    )
    size.add_argument("--towns", type=int, help="towns, the county seat included")
    size.add_argument("--villages-per-town", type=int, help="villages drawn around each town")
    size.add_argument("--village-primary", type=int, help="village primary schools")
    size.add_argument("--village-kindergarten", type=int, help="village kindergartens")
    size.add_argument(
        "--node-spacing-m", type=float, help="distance between road nodes (demo: 400-550 m)"
    )
    args = parser.parse_args(argv)
    county_size = CountySize.scaled(args.scale, node_spacing_m=args.node_spacing_m)
    overrides = {
        "towns": args.towns,
        "villages_per_town": args.villages_per_town,
        "village_primary": args.village_primary,
        "village_kindergarten": args.village_kindergarten,
    }
    county_size = replace(county_size, **{k: v for k, v in overrides.items() if v is not None})
    county = build_county(args.seed, county_size)
    files = write_county(county, args.out)
    print(summary(county))
    for problem in reach_problems(county):
        print(f"warning: {problem}")
    print(f"wrote {files.roads}, {files.villages}, {files.schools}, {files.depots}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
