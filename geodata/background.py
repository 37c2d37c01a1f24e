"""A map background from the region's own OSM file: water, land use and place names.

Read with pyosmium, as the roads are (:mod:`geodata.roads`), from any OSM kind
(:mod:`geodata.file_kinds`): rivers and streams (``waterway`` lines), water areas
(``natural=water``, ``landuse=reservoir``, ``waterway=riverbank``), land use
(``landuse=residential``; ``farmland``, ``orchard``, ``meadow``; ``forest`` and
``natural=wood``) and named ``place`` nodes (city, town, village, hamlet). Areas come
from closed ways and multipolygon relations (osmium's area assembly). Geometries are
simplified (:data:`SIMPLIFY_DEG`), tiny areas dropped (:data:`MIN_AREA_KM2`) and
coordinates rounded to about a metre, so that a web page drawing them stays small.
A GraphML road graph holds no features: its :class:`Background` is empty with
``available`` false. Everything is plain (lon, lat) WGS84 data, in a sorted order, so
the same file gives the same background.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import osmium
import shapely
from shapely.geometry import LineString, Polygon

from geodata.file_kinds import RoadFileKind, road_file_kind

#: Simplification tolerance (degrees; about 20 m).
SIMPLIFY_DEG = 0.0002
#: Areas smaller than this are left out (square kilometres).
MIN_AREA_KM2 = 0.02
#: Lines shorter than this are left out (kilometres).
MIN_LINE_KM = 0.2
#: Decimals kept in coordinates (5: about a metre).
DECIMALS = 5


class Cover(StrEnum):
    """What a background area or line shows."""

    WATER = "water"
    RIVER = "river"  # a waterway line
    FARMLAND = "farmland"
    FOREST = "forest"
    RESIDENTIAL = "residential"


#: The tags of each kind of area, (key, value) pairs.
AREA_TAGS = {
    Cover.WATER: (("natural", "water"), ("landuse", "reservoir"), ("waterway", "riverbank")),
    Cover.FARMLAND: (("landuse", "farmland"), ("landuse", "orchard"), ("landuse", "meadow")),
    Cover.FOREST: (("landuse", "forest"), ("natural", "wood")),
    Cover.RESIDENTIAL: (("landuse", "residential"),),
}
#: Waterway values drawn as lines.
WATERWAYS = ("river", "stream", "canal")
#: Place values whose names are shown.
PLACES = ("city", "town", "village", "hamlet")

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Area:
    """A simplified area: its outer ring and holes, (lon, lat)."""

    cover: Cover
    rings: tuple[Ring, ...]


@dataclass(frozen=True)
class Line:
    """A simplified waterway line, (lon, lat)."""

    cover: Cover
    points: Ring
    name: str = ""


@dataclass(frozen=True)
class PlaceName:
    """A named place node: ``name``, and ``name_zh`` (OSM ``name:zh``) where tagged."""

    place: str
    name: str
    name_zh: str
    lon: float
    lat: float


@dataclass(frozen=True)
class Background:
    """The background of one road file; ``available`` is false for a GraphML graph."""

    source: str
    available: bool
    areas: tuple[Area, ...] = ()
    lines: tuple[Line, ...] = ()
    places: tuple[PlaceName, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing to draw."""
        return not (self.areas or self.lines or self.places)


def read_background(
    path: str | Path, *, bbox: tuple[float, float, float, float] | None = None
) -> Background:
    """Water, land use and place names of an OSM road file.

    Parameters
    ----------
    path : str or pathlib.Path
        The region's road file: OSM XML (plain, gzip, bzip2), PBF or GraphML.
    bbox : (west, south, east, north), optional
        Keep only features reaching into this box (degrees).

    Returns
    -------
    Background
        Sorted, simplified features; for GraphML, none and ``available`` false.

    Raises
    ------
    geodata.errors.InputError
        If the file is of no known kind.
    """
    source = Path(path)
    kind = road_file_kind(source)
    if kind is RoadFileKind.GRAPHML:
        return Background(source=source.name, available=False)

    box = shapely.box(*bbox) if bbox is not None else None
    areas: list[Area] = []
    lines: list[Line] = []
    places: list[PlaceName] = []
    cover_of = {pair: cover for cover, pairs in AREA_TAGS.items() for pair in pairs}
    processor = (
        osmium.FileProcessor(osmium.io.File(str(source), kind.value))
        .with_areas()
        .with_filter(osmium.filter.KeyFilter("natural", "landuse", "waterway", "place"))
    )
    for obj in processor:
        tags = obj.tags
        if obj.is_node():
            if tags.get("place") in PLACES and tags.get("name") and obj.location.valid():
                lon, lat = obj.location.lon, obj.location.lat
                if box is None or box.contains(shapely.Point(lon, lat)):
                    places.append(
                        PlaceName(
                            tags["place"], tags["name"], tags.get("name:zh", ""),
                            round(lon, DECIMALS), round(lat, DECIMALS),
                        )
                    )  # fmt: skip
        elif obj.is_way() and tags.get("waterway") in WATERWAYS:
            line = _line(obj, box)
            if line is not None:
                lines.append(Line(Cover.RIVER, line, tags.get("name", "")))
        elif obj.is_area():
            cover = next((c for (k, v), c in cover_of.items() if tags.get(k) == v), None)
            if cover is not None:
                areas.extend(Area(cover, rings) for rings in _polygons(obj, box))
    return Background(
        source=source.name,
        available=True,
        areas=tuple(sorted(areas, key=lambda a: (a.cover.value, a.rings))),
        lines=tuple(sorted(lines, key=lambda w: w.points)),
        places=tuple(sorted(places, key=lambda p: (p.name, p.lon, p.lat))),
    )


def _line(way: object, box: shapely.Polygon | None) -> Ring | None:
    """A way's simplified points, or None when short, broken or outside ``box``."""
    try:
        coords = [(n.lon, n.lat) for n in way.nodes]  # type: ignore[attr-defined]
    except osmium.InvalidLocationError:  # a node without a location (cut at the extract's edge)
        return None
    if len(coords) < 2:
        return None
    geom = LineString(coords)
    if box is not None and not geom.intersects(box):
        return None
    if geom.length * 111.2 < MIN_LINE_KM:
        return None
    return _rounded(geom.simplify(SIMPLIFY_DEG).coords)


def _polygons(area: object, box: shapely.Polygon | None) -> list[tuple[Ring, ...]]:
    """Each outer ring of an osmium area with its holes, simplified; tiny ones dropped."""
    out = []
    try:
        outers = list(area.outer_rings())  # type: ignore[attr-defined]
        for outer in outers:
            shell = [(n.lon, n.lat) for n in outer]
            holes = [[(n.lon, n.lat) for n in inner] for inner in area.inner_rings(outer)]  # type: ignore[attr-defined]
            poly = Polygon(shell, holes)
            if box is not None and not poly.intersects(box):
                continue
            k = math.cos(math.radians(poly.centroid.y))
            if poly.area * k * 111.2**2 < MIN_AREA_KM2:
                continue
            poly = poly.simplify(SIMPLIFY_DEG, preserve_topology=True)
            if poly.is_empty or not isinstance(poly, Polygon):
                continue
            out.append(
                (_rounded(poly.exterior.coords), *(_rounded(r.coords) for r in poly.interiors))
            )
    except (
        osmium.InvalidLocationError,
        ValueError,
    ):  # an invalid location or ring in a cut extract: leave the area out
        return out
    return out


def _rounded(coords: object) -> Ring:
    return tuple((round(x, DECIMALS), round(y, DECIMALS)) for x, y in coords)  # type: ignore[attr-defined]
