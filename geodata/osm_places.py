"""Places tagged in OSM: settlements (``place=*``) and school sites (``amenity=*``).

Real OSM extracts carry no enrolment or capacity; these tables are candidate sites
and settlement points for building a region, to be completed with the bureau's own
numbers (or estimates, labelled as such).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd

from geodata.errors import InputError, InputIssue
from geodata.osmnx_lazy import ox

SETTLEMENTS = {"place": ["village", "hamlet", "town", "isolated_dwelling"]}
SCHOOL_SITES = {"amenity": ["school", "kindergarten"]}


def osm_features(
    path: str | Path, tags: Mapping[str, list[str]], *, columns: tuple[str, ...] = ()
) -> gpd.GeoDataFrame:
    """OSM features with any of ``tags`` as points (EPSG:4326), sorted by OSM id.

    Parameters
    ----------
    path
        OSM XML (``.osm``, ``.osm.bz2``) or PBF (``.osm.pbf``; filtered by tag with
        pyosmium first, with the nodes that ways need).
    tags
        ``key -> values`` as in :func:`osmnx.features.features_from_xml`.
    columns
        Further tags kept as columns (empty where a feature has none).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``osm_type``, ``osm_id``, ``name`` and each tag key, point geometry
        (areas at their representative point).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError([InputIssue(str(path), "-", "file", "an OSM file", "no such file")])
    if path.name.lower().endswith(".pbf"):
        with tempfile.TemporaryDirectory() as tmp:
            xml = Path(tmp) / "features.osm"
            _pbf_features_to_xml(path, xml, tags)
            frame = _features(xml, tags, columns)
    else:
        frame = _features(path, tags, columns)
    return frame


def _features(
    xml: Path, tags: Mapping[str, list[str]], columns: tuple[str, ...] = ()
) -> gpd.GeoDataFrame:
    try:
        found = ox.features.features_from_xml(xml, tags=dict(tags))
    except ox._errors.InsufficientResponseError:
        found = gpd.GeoDataFrame({"name": []}, geometry=[], crs="EPSG:4326")
    found = found.reset_index()
    if "element" in found:
        found = found.rename(columns={"element": "osm_type", "id": "osm_id"})
    keep = ["osm_type", "osm_id", "name", *tags, *columns]
    for column in keep:
        if column not in found:
            found[column] = ""
    points = found.geometry.where(found.geom_type == "Point", found.geometry.representative_point())
    out = gpd.GeoDataFrame(
        found[keep].astype(object).fillna("").astype(str), geometry=points, crs="EPSG:4326"
    )
    out["osm_id"] = out["osm_id"].astype("int64")
    return out.sort_values(["osm_type", "osm_id"]).reset_index(drop=True)


def _pbf_features_to_xml(pbf: Path, xml: Path, tags: Mapping[str, list[str]]) -> None:
    import osmium

    pairs = [(k, v) for k, values in tags.items() for v in values]
    with osmium.BackReferenceWriter(str(xml), ref_src=str(pbf), overwrite=True) as writer:
        for obj in osmium.FileProcessor(str(pbf)).with_filter(osmium.filter.TagFilter(*pairs)):
            writer.add(obj)
