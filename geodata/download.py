"""Road networks downloaded from OpenStreetMap: only when asked, and only online.

Planning always reads local files. This fetches a road network once (by place name,
bounding box or polygon, through osmnx, with osmnx's response cache) and saves it
as a GraphML file that a scenario then names like any other road file.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geodata.errors import InputError, InputIssue
from geodata.osmnx_lazy import ox
from geodata.roads import EXTRA_WAY_TAGS, _way_tags


def download_roads(
    out: str | Path,
    *,
    place: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    polygon: str | Path | None = None,
    cache_dir: str | Path | None = None,
    timeout_s: float = 60.0,
) -> Path:
    """Download every highway of an area and save it as GraphML.

    Parameters
    ----------
    out
        The GraphML file to write.
    place, bbox, polygon
        Exactly one: a place name (geocoded by Nominatim), a bounding box
        ``(west, south, east, north)`` in degrees, or a file with the area's polygon
        (GeoPackage, GeoJSON, Shapefile; any CRS).
    cache_dir
        osmnx's response cache (a second call for the same area needs no network).
    timeout_s
        Seconds to wait for each server response.

    Raises
    ------
    InputError
        For a wrong request, or when the download fails (offline, unknown place).
    """
    given = [
        name
        for name, v in (("place", place), ("bbox", bbox), ("polygon", polygon))
        if v is not None
    ]
    if len(given) != 1:
        raise InputError(
            [
                InputIssue(
                    "download",
                    "-",
                    "area",
                    "exactly one of place, bbox or polygon",
                    ", ".join(given) or "none",
                )
            ]
        )
    out = Path(out)
    saved = (ox.settings.use_cache, ox.settings.cache_folder, ox.settings.requests_timeout)
    try:
        ox.settings.use_cache = True
        ox.settings.requests_timeout = timeout_s
        if cache_dir is not None:
            ox.settings.cache_folder = str(cache_dir)
        with _way_tags(EXTRA_WAY_TAGS):
            options = {"network_type": "all", "simplify": False, "retain_all": True}
            if place is not None:
                graph = ox.graph_from_place(place, **options)
            elif bbox is not None:
                graph = ox.graph_from_bbox(tuple(bbox), **options)
            else:
                area = gpd.read_file(polygon).to_crs("EPSG:4326").geometry.union_all()
                graph = ox.graph_from_polygon(area, **options)
    except Exception as exc:  # network, geocoding and HTTP errors of many kinds
        what = place or bbox or polygon
        raise InputError(
            [
                InputIssue(
                    "download",
                    str(what),
                    given[0],
                    "an area osmnx can download (this needs the network; planning itself "
                    "works offline from local files)",
                    f"{type(exc).__name__}: {exc}",
                )
            ]
        ) from None
    finally:
        ox.settings.use_cache, ox.settings.cache_folder, ox.settings.requests_timeout = saved
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    ox.save_graphml(graph, tmp)
    tmp.replace(out)
    return out
