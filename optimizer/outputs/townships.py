"""Township areas for the maps and the GeoPackage: one (multi)polygon per town.

A town's area is its boundary from the scenario's ``region.boundaries`` file
(:func:`geodata.boundaries.read_boundaries`) where the file names the town, else the
union of its villages' Voronoi cells clipped to the county hull (the cells of
:mod:`optimizer.outputs.catchments`, over every village of the plan). Each area comes
with the point its name is written at (its centroid, or a point surely inside when the
centroid falls outside) and its size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import shapely
from shapely.geometry import MultiPoint, MultiPolygon

from optimizer.outputs.catchments import (
    HULL_MARGIN_M,
    _points,
    _projection,
    _tidy,
    _voronoi_cells,
)
from optimizer.plan import Plan


class AreaSource(StrEnum):
    """Where a town's outline comes from."""

    BOUNDARIES = "boundaries"  # the scenario's region.boundaries file
    VILLAGE_CELLS = "village_cells"  # the union of the town's villages' Voronoi cells


@dataclass(frozen=True)
class TownArea:
    """A town's outline (lon/lat), the point its name is written at, and its area."""

    town: str
    geometry: MultiPolygon
    label_lon: float
    label_lat: float
    area_km2: float
    source: AreaSource


def town_areas(
    plan: Plan,
    road_lines: Sequence[Sequence[tuple[float, float]]] | None = None,
    boundaries: Mapping[str, MultiPolygon] | None = None,
) -> tuple[TownArea, ...]:
    """Every named town of the plan's schools and villages, sorted by town.

    Parameters
    ----------
    plan : Plan
        A finished plan; its records' ``town`` name the towns (``""`` is none).
    road_lines : sequence of lines of (lon, lat), optional
        The road network, widening the county hull the cells are clipped to.
    boundaries : mapping of str to MultiPolygon, optional
        Town boundaries read from a file, lon/lat; used for the towns they name.

    Returns
    -------
    tuple of TownArea
        ``()`` when no place names a town.
    """
    towns = sorted({s.town for s in plan.schools} | {a.town for a in plan.assignments} - {""})
    if not towns:
        return ()
    boundaries = boundaries or {}
    points = _points(plan, road_lines)
    proj = _projection(points)
    sites: dict[tuple[float, float], str] = {}
    for a in plan.assignments:  # one cell a spot: the first village there decides
        sites.setdefault((a.lon, a.lat), a.town)
    missing = [t for t in towns if t not in boundaries]
    cells = {}
    if missing and sites:
        hull = proj.forward(MultiPoint(points)).convex_hull.buffer(HULL_MARGIN_M, quad_segs=4)
        cells = _voronoi_cells(proj, sorted(sites), hull)
    out = []
    for town in towns:
        if town in boundaries:
            geom, source = _tidy(boundaries[town]), AreaSource.BOUNDARIES
        else:
            mine = [cells[p] for p in sorted(sites) if sites[p] == town]
            if not mine:
                continue  # a town with schools but no village: no cell of its own
            geom = _tidy(proj.back(shapely.union_all(mine)))
            source = AreaSource.VILLAGE_CELLS
        if geom.is_empty:
            continue
        label = geom.centroid if geom.contains(geom.centroid) else geom.representative_point()
        out.append(
            TownArea(
                town=town,
                geometry=geom,
                label_lon=round(label.x, 6),
                label_lat=round(label.y, 6),
                area_km2=round(proj.forward(geom).area / 1e6, 2),
                source=source,
            )
        )
    return tuple(out)
