"""Catchment areas after the plan: village Voronoi cells dissolved per school.

Each village with primary pupils (grades 1-3, else 4-6) gets the Voronoi cell of its
location, clipped to the county hull (the convex hull of every place and road, with
a margin); the cells of the villages a school teaches after the plan are merged into
that school's catchment. The cells are computed in a local metric projection
(equirectangular about the county's centre), so they are fair in kilometres, and
returned in WGS84 longitude/latitude rounded to 1e-6 degrees.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from optimizer.outputs import figures
from optimizer.plan import Plan

#: Metres per degree of latitude (mean), and of longitude at the equator.
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON = 111_320.0
#: The hull's margin around the outermost place or road, metres.
HULL_MARGIN_M = 1_500.0
#: Output coordinates are rounded to this grid (degrees).
PRECISION_DEG = 1e-6


@dataclass(frozen=True)
class Catchment:
    """The area a school serves after the plan (primary band).

    ``geometry`` is a (multi)polygon in WGS84 lon/lat; ``pupils`` counts the primary
    pupils (both primary bands) of its ``villages``; ``area_km2`` is measured in the
    local projection; ``town`` is the school's township.
    """

    school: str
    school_name: str
    role: str
    villages: tuple[str, ...]
    pupils: int
    area_km2: float
    geometry: MultiPolygon
    town: str = ""


@dataclass(frozen=True)
class _Projection:
    """Local equirectangular projection about (lon0, lat0), metres."""

    lon0: float
    lat0: float

    def forward(self, geom: BaseGeometry) -> BaseGeometry:
        kx = _M_PER_DEG_LON * math.cos(math.radians(self.lat0))
        return shapely.transform(
            geom,
            lambda c: np.column_stack(
                [(c[:, 0] - self.lon0) * kx, (c[:, 1] - self.lat0) * _M_PER_DEG_LAT]
            ),
        )

    def back(self, geom: BaseGeometry) -> BaseGeometry:
        kx = _M_PER_DEG_LON * math.cos(math.radians(self.lat0))
        return shapely.transform(
            geom,
            lambda c: np.column_stack(
                [c[:, 0] / kx + self.lon0, c[:, 1] / _M_PER_DEG_LAT + self.lat0]
            ),
        )


def county_hull(
    plan: Plan, road_lines: Sequence[Sequence[tuple[float, float]]] | None = None
) -> Polygon | None:
    """The county outline used to clip catchments, in lon/lat; ``None`` without places.

    The convex hull of every village, school, route point and road point, grown by
    :data:`HULL_MARGIN_M`.
    """
    points = _points(plan, road_lines)
    if not points:
        return None
    proj = _projection(points)
    hull = proj.forward(MultiPoint(points)).convex_hull.buffer(HULL_MARGIN_M, quad_segs=4)
    return _tidy(proj.back(hull)).geoms[0] if hull.area > 0 else None


def catchments(
    plan: Plan, road_lines: Sequence[Sequence[tuple[float, float]]] | None = None
) -> tuple[Catchment, ...]:
    """The primary catchment of every school that teaches primary pupils after the plan.

    Parameters
    ----------
    plan : Plan
        A finished plan.
    road_lines : sequence of lines of (lon, lat), optional
        The road network, widening the county hull to the roads' extent.

    Returns
    -------
    tuple of Catchment
        In the order of ``plan.schools``; schools without primary villages have none.
    """
    points = _points(plan, road_lines)
    cells_of: dict[str, list[tuple[float, float]]] = {}
    members: dict[str, list[figures.Village]] = {}
    seen: set[tuple[float, float]] = set()
    for village in figures.villages(plan):
        primary = village.primary()
        if primary is None:
            continue
        members.setdefault(primary.school, []).append(village)
        where = (village.lon, village.lat)
        if where not in seen:  # a second village on the same spot shares the first's cell
            seen.add(where)
            cells_of.setdefault(primary.school, []).append(where)
    if not cells_of:
        return ()
    proj = _projection(points)
    hull = proj.forward(MultiPoint(points)).convex_hull.buffer(HULL_MARGIN_M, quad_segs=4)
    cells = _voronoi_cells(proj, [p for sites in cells_of.values() for p in sites], hull)
    receivers = figures.receiving(plan)
    out = []
    for school in plan.schools:
        if school.id not in cells_of:
            continue
        area = shapely.union_all([cells[p] for p in cells_of[school.id]]).intersection(hull)
        group = members[school.id]
        out.append(
            Catchment(
                school=school.id,
                school_name=school.name,
                role=figures.role(school, receivers),
                villages=tuple(v.id for v in group),
                pupils=sum(v.pupils_in(b) for v in group for b in figures.PRIMARY_BANDS),
                area_km2=round(area.area / 1e6, 2),
                geometry=_tidy(proj.back(area)),
                town=school.town,
            )
        )
    return tuple(out)


def _points(
    plan: Plan, road_lines: Sequence[Sequence[tuple[float, float]]] | None
) -> list[tuple[float, float]]:
    points = [(s.lon, s.lat) for s in plan.schools]
    points += [(a.lon, a.lat) for a in plan.assignments]
    for r in plan.routes:
        points += [(lon, lat) for lon, lat in r.geometry]
    for line in road_lines or ():
        points += [(lon, lat) for lon, lat in line]
    return points


def _projection(points: Sequence[tuple[float, float]]) -> _Projection:
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return _Projection((min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2)


def _voronoi_cells(
    proj: _Projection, sites: list[tuple[float, float]], hull: BaseGeometry
) -> dict[tuple[float, float], BaseGeometry]:
    """Each site's Voronoi cell (projected), clipped to ``hull``."""
    projected = [proj.forward(shapely.Point(p)) for p in sites]
    if len(projected) == 1:
        return {sites[0]: hull}
    diagram = shapely.voronoi_polygons(MultiPoint(projected), extend_to=hull)
    polygons = list(diagram.geoms)
    tree = shapely.STRtree(polygons)
    cells: dict[tuple[float, float], BaseGeometry] = {}
    for site, point in zip(sites, projected):
        hits = sorted(int(i) for i in tree.query(point, predicate="intersects"))
        cells[site] = polygons[hits[0]].intersection(hull) if hits else shapely.Polygon()
    return cells


def _tidy(geom: BaseGeometry) -> MultiPolygon:
    """Rounded to :data:`PRECISION_DEG`, valid, polygons only, as a MultiPolygon."""
    geom = shapely.set_precision(geom, PRECISION_DEG)
    geom = shapely.make_valid(geom)
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and not g.is_empty]
    parts += [p for g in shapely.get_parts(geom) if isinstance(g, MultiPolygon) for p in g.geoms]
    return shapely.normalize(MultiPolygon(parts))
