"""Where things are: fictitious km coordinates, names, towns, the motorway, the village layout."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from geodata.synthetic.records import (
    _FINALS,
    _INITIALS,
    CENTRE_LAT,
    CENTRE_LON,
    DEMO_SIZE,
    EARTH_RADIUS_M,
    HILL_LINK_KM,
    KM_PER_DEG_LAT,
    KM_PER_DEG_LON,
    N_RING_TOWNS,
    REMOTE_LINK_KM,
    SEAT_NAME,
    CountySize,
    Layout,
    Motorway,
    Town,
)

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
