"""The synthetic county's landscape: a river, a reservoir, land use and place names.

Drawn after the county is built, from the county alone and a random generator of its
own (seeded with the county's seed and :data:`LANDSCAPE_STREAM`), so the roads, places
and schools are the same with or without it. Written into ``roads.osm`` as OSM
features no road reader reads (every road reader keeps ``highway`` ways only): a
river (``waterway=river``) winding west to east with a tributary stream, a reservoir
(``natural=water``, ``water=reservoir``) on the river where no village lies,
``landuse=residential`` around each town, ``landuse=farmland`` in the townships and
``landuse=forest`` on the county's edges, and a ``place`` node for every town
(``town``) and village (``village``), named as in the tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geodata.synthetic.layout import to_lonlat
from geodata.synthetic.records import CENTRE_LAT, CENTRE_LON, KM_PER_DEG_LAT, KM_PER_DEG_LON, County

#: The second entry of the landscape's seed sequence ``(seed, LANDSCAPE_STREAM)``.
LANDSCAPE_STREAM = 7
#: The river's and the reservoir's names (pinyin, Chinese).
RIVER = ("Wen He", "汶河")
STREAM = ("Xiao He", "小河")
RESERVOIR = ("Mushan Shuiku", "牟山水库")
#: No village or school lies closer than this to the reservoir's centre (km).
RESERVOIR_CLEAR_KM = 1.5


@dataclass(frozen=True)
class Feature:
    """A way (closed for an area) of ``points`` (km), with its OSM tags."""

    points: np.ndarray
    tags: dict[str, str]


@dataclass(frozen=True)
class PlaceNode:
    """A named place node (lon, lat)."""

    lon: float
    lat: float
    tags: dict[str, str]


@dataclass(frozen=True)
class Landscape:
    """The county's background features."""

    features: tuple[Feature, ...]
    places: tuple[PlaceNode, ...]


def build_landscape(county: County) -> Landscape:
    """The landscape of ``county``: the same county gives the same landscape."""
    rng = np.random.default_rng([county.seed, LANDSCAPE_STREAM])
    xy = county.network.xy
    (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
    places = np.array(
        [_km(v.lon, v.lat) for v in county.villages] + [_km(s.lon, s.lat) for s in county.schools]
    )
    river = _river(rng, x0, x1, y0 + 0.3 * (y1 - y0))
    features = [Feature(river, {"waterway": "river", **_names(RIVER)})]
    join = river[int(len(river) * 0.6)]
    stream = _wander(rng, np.array([join[0] + 4.0, y1 - 2.0]), join, 25, 0.6)
    features.append(Feature(stream, {"waterway": "stream", **_names(STREAM)}))
    centre = _reservoir_site(river, places)
    if centre is not None:
        lake = _blob(rng, centre, 1.0, 0.5, 28)  # at most 1.3 km from its centre
        features.append(
            Feature(lake, {"natural": "water", "water": "reservoir", **_names(RESERVOIR)})
        )
    for town in county.towns:
        size = 1.8 if town.index == 0 else 0.7
        features.append(Feature(_blob(rng, town.xy, size, size, 20), {"landuse": "residential"}))
        if town.index:
            away = town.xy + rng.uniform(-2.5, 2.5, 2)
            features.append(Feature(_blob(rng, away, 2.6, 1.8, 24), {"landuse": "farmland"}))
    for corner in ((x0, y1), (x1, y1), (x0, y0), (x1, y0)):
        at = np.array(corner) * 0.85
        features.append(Feature(_blob(rng, at, 3.0, 2.2, 24), {"landuse": "forest"}))
    named = [
        PlaceNode(*_lonlat(town.xy), {"place": "town", "name": town.name}) for town in county.towns
    ]
    named += [
        PlaceNode(v.lon, v.lat, {"place": "village", "name": v.name}) for v in county.villages
    ]
    return Landscape(tuple(features), tuple(named))


def _names(pair: tuple[str, str]) -> dict[str, str]:
    return {"name": pair[0], "name:zh": pair[1]}


def _km(lon: float, lat: float) -> tuple[float, float]:
    return ((lon - CENTRE_LON) * KM_PER_DEG_LON, (lat - CENTRE_LAT) * KM_PER_DEG_LAT)


def _lonlat(xy: np.ndarray) -> tuple[float, float]:
    lon, lat = to_lonlat(xy)
    return float(lon[0]), float(lat[0])


def _river(rng: np.random.Generator, x0: float, x1: float, y: float) -> np.ndarray:
    """A river winding from the west edge to the east edge near ``y`` (km)."""
    x = np.linspace(x0 - 1.0, x1 + 1.0, 70)
    phase = rng.uniform(0, 2 * np.pi)
    wiggle = 1.6 * np.sin(x / 4.5 + phase) + 0.5 * np.sin(x / 1.3 + 2 * phase)
    return np.column_stack([x, y + wiggle + np.cumsum(rng.normal(0, 0.08, x.size))])


def _wander(
    rng: np.random.Generator, start: np.ndarray, end: np.ndarray, n: int, sway: float
) -> np.ndarray:
    """A stream from ``start`` to ``end`` that sways sideways up to ``sway`` km."""
    t = np.linspace(0, 1, n)[:, None]
    line = start + (end - start) * t
    normal = np.array([-(end - start)[1], (end - start)[0]]) / np.linalg.norm(end - start)
    offset = sway * np.sin(np.pi * t[:, 0] * rng.uniform(1.5, 2.5)) * np.sin(np.pi * t[:, 0])
    return line + offset[:, None] * normal


def _reservoir_site(river: np.ndarray, places: np.ndarray) -> np.ndarray | None:
    """The river point farthest from every place, if clear by :data:`RESERVOIR_CLEAR_KM`."""
    inner = river[5:-5]
    gaps = np.min(np.hypot(*(inner[:, None, :] - places[None, :, :]).transpose(2, 0, 1)), axis=1)
    best = int(np.argmax(gaps))
    return inner[best] if gaps[best] >= RESERVOIR_CLEAR_KM else None


def _blob(rng: np.random.Generator, centre: np.ndarray, rx: float, ry: float, n: int) -> np.ndarray:
    """A closed, irregular oval around ``centre`` (km), first point repeated last."""
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = 1 + 0.18 * np.sin(3 * angle + rng.uniform(0, 6.3)) + rng.uniform(-0.06, 0.06, n)
    ring = np.column_stack([centre[0] + rx * r * np.cos(angle), centre[1] + ry * r * np.sin(angle)])
    return np.vstack([ring, ring[:1]])
