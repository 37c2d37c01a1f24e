"""The plan as a GeoPackage for GIS (QGIS, ArcGIS): one layer per kind of record.

Layers ``villages`` (points), ``schools`` (points), ``assignments`` (a line from each
village to its school after the plan, per band), ``routes`` (the buses' road paths),
``stops`` (points) and ``catchments`` (multipolygons). Attributes are the columns of
:func:`optimizer.outputs.tables.plan_tables`, so the GeoPackage and the CSV files agree;
coordinates are WGS84 (EPSG:4326). The file is written with pyogrio and its
timestamps are fixed (GDAL's ``OGR_CURRENT_DATE``), so the same plan gives the same
bytes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import LineString, MultiPolygon, Point

from optimizer.outputs import figures
from optimizer.outputs.catchments import Catchment
from optimizer.plan import Plan

CRS = "EPSG:4326"
#: Layer names in the order they are written, and their geometry types.
LAYERS = {
    "villages": "Point",
    "schools": "Point",
    "assignments": "LineString",
    "routes": "LineString",
    "stops": "Point",
    "catchments": "MultiPolygon",
}
#: The timestamp GDAL records in the GeoPackage's metadata tables.
FIXED_DATE = "2000-01-01T00:00:00Z"


def plan_layers(
    plan: Plan, tables: Mapping[str, pd.DataFrame], catchments: Sequence[Catchment]
) -> dict[str, gpd.GeoDataFrame]:
    """The plan's tables with geometries, one GeoDataFrame per layer.

    Parameters
    ----------
    plan : Plan
        A finished plan.
    tables : mapping of str to pandas.DataFrame
        :func:`optimizer.outputs.tables.plan_tables` of the same plan, with catchments.
    catchments : sequence of Catchment
        The catchments that table was made from.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        Keyed as :data:`LAYERS`. An assignment whose village lies exactly at its
        school has no line (a null geometry), since a line needs two distinct points.
    """
    where = {s.id: (s.lon, s.lat) for s in plan.schools}

    def points(frame: pd.DataFrame) -> list[Point]:
        return [Point(x, y) for x, y in zip(frame["lon"], frame["lat"])]

    def link(a_lon: float, a_lat: float, school: str) -> LineString | None:
        end = where.get(school)
        if end is None or end == (a_lon, a_lat):
            return None
        return LineString([(a_lon, a_lat), end])

    assignments = tables["assignments"]
    geoms = {
        "villages": points(tables["villages"]),
        "schools": points(tables["schools"]),
        "assignments": [
            link(x, y, s)
            for x, y, s in zip(assignments["lon"], assignments["lat"], assignments["school"])
        ],
        "routes": [_line(figures.route_path(r, plan)) for r in plan.routes],
        "stops": points(tables["stops"]),
        "catchments": [MultiPolygon(c.geometry) for c in catchments],
    }
    return {
        name: gpd.GeoDataFrame(
            tables[name].reset_index(drop=True), geometry=gpd.GeoSeries(geoms[name], crs=CRS)
        )
        for name in LAYERS
    }


def write_geopackage(layers: Mapping[str, gpd.GeoDataFrame], path: str | Path) -> None:
    """Write the layers into one new GeoPackage at ``path`` (replaced if there).

    GDAL's ``OGR_CURRENT_DATE`` is set to :data:`FIXED_DATE` while writing and put
    back afterwards.
    """
    path = Path(path)
    path.unlink(missing_ok=True)
    with _gdal_option("OGR_CURRENT_DATE", FIXED_DATE):
        for name, frame in layers.items():
            pyogrio.write_dataframe(
                frame,
                path,
                layer=name,
                driver="GPKG",
                geometry_type=LAYERS.get(name),
                promote_to_multi=False,
                append=path.exists(),
            )


def _line(path: Sequence[tuple[float, float]]) -> LineString | None:
    """A line through the points, or ``None`` with fewer than two distinct points."""
    distinct = list(dict.fromkeys(path))
    return LineString(path) if len(distinct) >= 2 else None


@contextmanager
def _gdal_option(name: str, value: str) -> Iterator[None]:
    before = pyogrio.get_gdal_config_option(name)
    pyogrio.set_gdal_config_options({name: value})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({name: before})
