"""Township boundaries from a file: one (multi)polygon per town, for the maps.

The scenario's optional ``region.boundaries`` names a GeoJSON file or a GeoPackage (any
vector file GDAL reads) whose features are the towns' areas, with the town's name in a
field (``town`` unless told otherwise) that matches the places tables' ``town``. The
geometries are read with pyogrio, brought to WGS84 (a file without a CRS is taken as
WGS84, as GeoJSON is by definition) and merged per town.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import MultiPolygon, Polygon

from geodata.errors import InputError, InputIssue, IssueCollector

#: The field holding the town's name when the scenario names none.
DEFAULT_FIELD = "town"


def read_boundaries(
    path: str | Path, *, field: str = DEFAULT_FIELD, layer: str | None = None
) -> dict[str, MultiPolygon]:
    """Each town's boundary in lon/lat (EPSG:4326), keyed and sorted by town name.

    Parameters
    ----------
    path : str or pathlib.Path
        A vector file (GeoJSON, GeoPackage, ...) of polygons.
    field : str
        The field holding each feature's town name.
    layer : str, optional
        The layer of a multi-layer file (a GeoPackage); the first one if not given.

    Raises
    ------
    geodata.errors.InputError
        The file cannot be read, has no such field, or a feature is not a polygon or
        has no town name: every problem at once, each naming the file, the feature
        (row number from 1) and the field.
    """
    path = Path(path)
    issues = IssueCollector()
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:  # pyogrio's DataSourceError, a missing layer, ...
        raise InputError(
            [_issue(path, "-", "file", "a GeoJSON or GeoPackage of town polygons", exc)]
        ) from None
    if field not in frame.columns:
        fields = ", ".join(c for c in frame.columns if c != "geometry") or "none"
        issues.add(path, "-", field, f"a field {field!r} with each town's name", f"fields {fields}")
        issues.raise_if_any()
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    parts: dict[str, list[Polygon]] = {}
    for row, (name, geom) in enumerate(zip(frame[field], frame.geometry), start=1):
        town = "" if name is None or name != name else str(name).strip()
        if not town:
            issues.add(path, f"feature {row}", field, "a town name", "empty")
        if geom is None or geom.is_empty or not isinstance(geom, Polygon | MultiPolygon):
            kind = "no geometry" if geom is None or geom.is_empty else geom.geom_type
            issues.add(path, f"feature {row}", "geometry", "a Polygon or MultiPolygon", kind)
            continue
        if town:
            parts.setdefault(town, []).extend(shapely.get_parts(shapely.make_valid(geom)))
    if not parts and not len(issues):
        issues.add(path, "-", "geometry", "at least one town polygon", "no features")
    issues.raise_if_any()
    return {
        town: _multi(shapely.union_all([p for p in polys if isinstance(p, Polygon)]))
        for town, polys in sorted(parts.items())
    }


def _multi(geom: shapely.Geometry) -> MultiPolygon:
    polys = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and not g.is_empty]
    return MultiPolygon(polys)


def _issue(path: Path, where: str, field: str, expected: str, exc: Exception) -> InputIssue:
    found = " ".join(str(exc).split())[:200] or type(exc).__name__
    return InputIssue(str(path), where, field, expected, found)
