"""The plan as a GeoPackage for GIS (QGIS, ArcGIS): one layer per kind of record.

Layers ``villages`` (points), ``schools`` (points), ``assignments`` (a line from each
village to its school after the plan, per band), ``routes`` (the buses' road paths),
``stops`` (points), ``catchments`` (multipolygons), ``depots`` (the bus yards, with
the buses based there), ``towns`` (each town's outline with its township summary) and
``roads``. Attributes are the columns of
:func:`optimizer.outputs.tables.plan_tables`, so the GeoPackage and the CSV files agree;
coordinates are WGS84 (EPSG:4326). The file is written with pyogrio and its
timestamps are fixed (GDAL's ``OGR_CURRENT_DATE``), so the same plan gives the same
bytes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import LineString, MultiPolygon, Point

from optimizer.outputs import figures
from optimizer.outputs.catchments import Catchment
from optimizer.outputs.townships import TownArea
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
    "depots": "Point",
    "towns": "MultiPolygon",
    "roads": "LineString",
}
#: The timestamp GDAL records in the GeoPackage's metadata tables.
FIXED_DATE = "2000-01-01T00:00:00Z"


def plan_layers(
    plan: Plan,
    tables: Mapping[str, pd.DataFrame],
    catchments: Sequence[Catchment],
    road_lines: Sequence[Sequence[tuple[float, float]]] = (),
    towns: Sequence[TownArea] = (),
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
    road_lines : sequence of lines of (lon, lat)
        The county's roads (``Region.road_lines()``): the ``roads`` layer, one line each.
    towns : sequence of TownArea
        The towns' outlines (:mod:`optimizer.outputs.townships`): the ``towns`` layer's
        polygons, one per row of the ``townships`` table (none for a town without one).

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        Keyed as :data:`LAYERS`. An assignment whose village lies exactly at its
        school has no line (a null geometry), since a line needs two distinct points.
    """
    where = {s.id: (s.lon, s.lat) for s in plan.schools}
    outline = {a.town: a.geometry for a in towns}

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
        "depots": points(tables["depots"]),
        "towns": [outline.get(t) for t in tables["townships"]["town"]],
    }
    roads = [line for line in (_line(list(r)) for r in road_lines) if line is not None]
    frames = {
        **tables,
        "towns": tables["townships"],
        "roads": pd.DataFrame({"segment": range(1, len(roads) + 1)}),
    }
    geoms["roads"] = roads
    return {
        name: gpd.GeoDataFrame(
            frames[name].reset_index(drop=True), geometry=gpd.GeoSeries(geoms[name], crs=CRS)
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


#: QGIS symbols of each layer (geometry kind, colour, size or width in mm).
_STYLES = {
    "villages": ("marker", "#ffffff", 2.0),
    "schools": ("marker", "#1f78b4", 3.2),
    "assignments": ("line", "#9e9e9e", 0.2),
    "routes": ("line", "#e6550d", 0.6),
    "stops": ("marker", "#fdae6b", 1.6),
    "catchments": ("fill", "#b2df8a", 0.3),
    "depots": ("marker", "#6a3d9a", 2.6),
    "towns": ("outline", "#555555", 0.5),
    "roads": ("line", "#bdbdbd", 0.3),
}


def _qml(kind: str, colour: str, size: float) -> str:
    """A QGIS layer style (QML): one simple symbol (``outline``: a dashed, unfilled fill)."""
    layer = {"marker": "SimpleMarker", "line": "SimpleLine", "fill": "SimpleFill"}
    key = {"marker": "size", "line": "line_width", "fill": "outline_width"}
    layer["outline"], key["outline"] = "SimpleFill", "outline_width"
    options = [("color", colour), (key[kind], str(size))]
    if kind == "outline":  # no brush, a dashed outline in the colour
        options = [("style", "no"), ("outline_color", colour), ("outline_style", "dash")]
        options.append((key[kind], str(size)))
    symbol = "fill" if kind == "outline" else kind
    lines = "".join(f'    <Option name="{k}" type="QString" value="{v}"/>\n' for k, v in options)
    return (
        '<!DOCTYPE qgis PUBLIC "http://mrcc.com/qgis.dtd" "SYSTEM">\n'
        '<qgis version="3.28.0" styleCategories="Symbology">\n'
        ' <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0">\n'
        f'  <symbols><symbol type="{symbol}" name="0" alpha="1">\n'
        f'   <layer class="{layer[kind]}" enabled="1" pass="0" locked="0"><Option type="Map">\n'
        f"{lines}"
        "   </Option></layer>\n  </symbol></symbols>\n </renderer-v2>\n</qgis>\n"
    )


def add_styles_and_aliases(path: str | Path, *, language: str = "en") -> None:
    """QGIS styles (table ``layer_styles``, one default style per layer) and field
    aliases in the output's language (``gpkg_data_columns``, the GeoPackage schema
    extension) added to a written GeoPackage.

    Both tables are what QGIS reads on opening the file: each layer draws in the plan's
    colours and its fields show as :func:`optimizer.outputs.headers.header` words.
    """
    from optimizer.outputs.headers import header

    with sqlite3.connect(path) as db:
        layers = [r[0] for r in db.execute("SELECT table_name FROM gpkg_contents ORDER BY 1")]
        db.execute(
            "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), "
            "f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, "
            "useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
            "update_time DATETIME DEFAULT '2000-01-01T00:00:00Z')"
        )
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, last_change) "
            "VALUES ('layer_styles', 'attributes', 'layer_styles', ?)",
            (FIXED_DATE,),
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, "
            "column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT, "
            "mime_type TEXT, constraint_name TEXT, "
            "CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name))"
        )
        db.execute(
            "INSERT OR IGNORE INTO gpkg_extensions VALUES ('gpkg_data_columns', NULL, "
            "'gpkg_schema', 'http://www.geopackage.org/spec121/#extension_schema', 'read-write')"
        )
        for layer in layers:
            if layer in _STYLES:
                db.execute(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                    "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, "
                    "description, owner, ui, update_time) "
                    "VALUES ('', '', ?, 'geometry', ?, ?, '', 1, 'schoolplan', '', '', ?)",
                    (layer, layer, _qml(*_STYLES[layer]), FIXED_DATE),
                )
            columns = [r[1] for r in db.execute(f'PRAGMA table_info("{layer}")')]
            for column in columns:
                if column in ("fid", "geom", "geometry"):
                    continue
                words = header(column, language)
                db.execute(
                    "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, "
                    "title) VALUES (?, ?, ?, ?)",
                    (layer, column, words, words),
                )
