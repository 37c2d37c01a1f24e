"""Every input kind gives the same region; walking, caching and place files."""

from __future__ import annotations

import bz2

import geopandas as gpd
import numpy as np
import osmium
import osmnx as ox
import pandas as pd
import pytest

from geodata.errors import InputError
from geodata.places import VILLAGES, read_places
from geodata.region import PlaceFile, RegionFiles, load_region
from geodata.roads import drive_graph, read_osm_graph
from geodata.speeds import SpeedModel
from tests.conftest import tiny_osm


def _region(d, roads, **kw):
    return load_region(RegionFiles(roads, d / "villages.csv", d / "schools.csv"), **kw)


def test_pbf_graphml_and_bz2_give_the_same_matrices(tiny_dir):
    xml = tiny_dir / "roads.osm"
    pbf = tiny_dir / "roads.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(xml)):
            writer.add(obj)
    graphml = tiny_dir / "roads.graphml"
    ox.save_graphml(read_osm_graph(xml), graphml)
    compressed = tiny_dir / "roads.osm.bz2"
    compressed.write_bytes(bz2.compress(xml.read_bytes()))
    base = _region(tiny_dir, xml)
    for other in (pbf, graphml, compressed):
        region = _region(tiny_dir, other)
        assert np.array_equal(region.bus_time_s, base.bus_time_s), other.name
        assert np.array_equal(region.road_m, base.road_m), other.name


def test_unknown_kind_and_empty_file(tmp_path):
    (tmp_path / "roads.shp").write_text("x")
    with pytest.raises(
        InputError,
        match=r"roads.shp: -: content: expected OSM XML, gzip .* found a file starting b'x'",
    ):
        read_osm_graph(tmp_path / "roads.shp")
    (tmp_path / "empty.osm").write_text("")
    with pytest.raises(
        InputError,
        match=r"empty.osm: -: content: expected an OSM file; found an "
        r"empty file",
    ):
        read_osm_graph(tmp_path / "empty.osm")


def test_pupils_walk_on_a_footpath_the_bus_cannot_use(tiny_dir):
    # A footpath from A (node 1) straight to P2's node 9 would be shorter on foot;
    # here a footway bridges nodes 1 and 3 through a new node, so the walk from A
    # to B is possible off the road, and the bus ignores it.
    text = tiny_osm().replace(
        "</osm>",
        '  <node id="50" version="1" lat="36.0010000" lon="118.0100000"/>\n'
        '  <way id="200" version="1"><nd ref="1"/><nd ref="50"/><nd ref="3"/>'
        '<tag k="highway" v="footway"/></way>\n</osm>',
    )
    (tiny_dir / "roads.osm").write_text(text)
    region = _region(tiny_dir, tiny_dir / "roads.osm")
    foot = float(
        ox.distance.great_circle(36.0, 118.0, 36.001, 118.01)
        + ox.distance.great_circle(36.001, 118.01, 36.0, 118.02)
    )
    road = float(ox.distance.great_circle(36.0, 118.0, 36.0, 118.02))
    assert region.walk_m[0, 1] == pytest.approx(min(foot, road), abs=1)
    assert region.road_m[0, 1] == pytest.approx(road, abs=1)
    # The motorway is no walking route.
    graph = drive_graph(read_osm_graph(tiny_dir / "roads.osm"), SpeedModel(), source="t")
    assert "footway" not in {d.get("highway") for _, _, d in graph.edges(data=True)}


def test_region_cache_is_keyed_by_content(tiny_dir):
    cache = tiny_dir / "cache"
    first = _region(tiny_dir, tiny_dir / "roads.osm", cache_dir=cache)
    files = sorted(cache.glob("region-*.pickle"))
    assert len(files) == 1
    again = _region(tiny_dir, tiny_dir / "roads.osm", cache_dir=cache)
    assert np.array_equal(first.bus_time_s, again.bus_time_s)
    assert sorted(cache.glob("region-*.pickle")) == files  # reused, not recomputed
    villages = tiny_dir / "villages.csv"
    villages.write_text(villages.read_text().replace("Avillage", "Avillage2"))
    _region(tiny_dir, tiny_dir / "roads.osm", cache_dir=cache)
    assert len(list(cache.glob("region-*.pickle"))) == 2
    _region(tiny_dir, tiny_dir / "roads.osm", cache_dir=cache, walk_kph=5.0)
    assert len(list(cache.glob("region-*.pickle"))) == 3


def test_geopackage_villages_with_a_column_mapping(tiny_dir):
    frame = pd.read_csv(tiny_dir / "villages.csv", dtype=str, keep_default_na=False)
    gdf = gpd.GeoDataFrame(
        frame.drop(columns=["lon", "lat"]).rename(columns={"id": "code", "p13": "g1_3"}),
        geometry=gpd.points_from_xy(frame["lon"].astype(float), frame["lat"].astype(float)),
        crs="EPSG:4326",
    ).to_crs("EPSG:32650")  # stored projected: read back in WGS84
    path = tiny_dir / "villages.gpkg"
    gdf.to_file(path, layer="villages", engine="pyogrio")
    table = read_places(path, VILLAGES, columns={"id": "code", "p13": "g1_3"}, layer="villages")
    assert table["id"].tolist() == ["A", "B", "C"]
    assert table["p13"].tolist() == [20, 10, 30]
    assert table["lon"].round(6).tolist() == [118.0, 118.02, 118.1]
    region = load_region(
        RegionFiles(
            tiny_dir / "roads.osm",
            PlaceFile(path, {"id": "code", "p13": "g1_3"}, "villages"),
            tiny_dir / "schools.csv",
        )
    )
    assert region.villages["id"].tolist() == ["A", "B", "C"]
    with pytest.raises(
        InputError,
        match=r"header: p13: expected a column 'p13' \(mapped from "
        r"'g13'\)",
    ):
        read_places(path, VILLAGES, columns={"id": "code", "p13": "g13"})


def test_out_of_range_latitude_suggests_swapped_columns(tiny_dir):
    villages = tiny_dir / "villages.csv"
    villages.write_text(
        villages.read_text().replace("118.0200000,36.0000000", "36.0000000,118.0200000")
    )
    with pytest.raises(InputError) as err:
        _region(tiny_dir, tiny_dir / "roads.osm")
    assert "row 3 (id B): lat: expected a latitude in [-90, 90] (lon and lat swapped?)" in str(
        err.value
    )


def test_place_outside_the_extent_with_swapped_axes(tiny_dir):
    # Both numbers valid as lon/lat, but swapped: the extent check names it.
    osm = tiny_dir / "roads.osm"
    osm.write_text(
        tiny_osm()
        .replace('lat="36.0000000"', 'lat="40.0000000"')
        .replace('lon="118.0', 'lon="40.0')
    )
    text = (
        "id,name,lon,lat,k,p13,p46,j79\n"
        "A,a,40.0000000,40.0000000,0,1,0,0\n"
        "B,b,40.0000000,40.0800000,0,1,0,0\n"
    )
    (tiny_dir / "villages.csv").write_text(text)
    (tiny_dir / "schools.csv").write_text(
        "id,name,lon,lat,level,capacity,may_close,must_keep,running_cost\n"
        "P1,s,40.0200000,40.0000000,primary,10,false,false,1\n"
    )
    with pytest.raises(InputError) as err:
        _region(tiny_dir, osm)
    assert (
        "id B: lon/lat: expected a point within 1000 m of the area the roads of roads.osm"
        in str(err.value)
    )
    assert "lon and lat look swapped" in str(err.value)


def test_cutoff_leaves_far_pairs_unreachable(tiny_dir):
    full = _region(tiny_dir, tiny_dir / "roads.osm")
    near = _region(tiny_dir, tiny_dir / "roads.osm", cutoff_s=300)
    within = full.bus_time_s <= 300
    assert np.array_equal(near.bus_time_s[within], full.bus_time_s[within])
    assert (near.bus_time_s[~within] == np.iinfo(np.int32).max).all()
    assert (~within).any()


def test_download_needs_one_area_and_offline_is_a_clear_error(tmp_path, monkeypatch):
    from geodata.download import download_roads

    # No server: a closed port on this machine stands for being offline, at once.
    monkeypatch.setattr(ox.settings, "overpass_url", "http://127.0.0.1:9/api")
    monkeypatch.setattr(ox.settings, "overpass_rate_limit", False)
    with pytest.raises(InputError, match="exactly one of place, bbox or polygon"):
        download_roads(tmp_path / "r.graphml", place="Vaduz", bbox=(9.5, 47.1, 9.52, 47.12))
    out = tmp_path / "roads.graphml"
    try:
        download_roads(out, bbox=(9.5, 47.1, 9.52, 47.12), cache_dir=tmp_path / "c", timeout_s=3)
    except InputError as exc:
        assert "works offline from local files" in str(exc) and not out.exists()
    else:
        raise AssertionError("a download from a closed port cannot succeed")


def test_road_files_are_known_by_content_whatever_their_name(tiny_dir):
    import gzip

    xml = tiny_dir / "roads.osm"
    base = _region(tiny_dir, xml)
    pbf = tiny_dir / "roads.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(xml)):
            writer.add(obj)
    renamed = {
        "gzip.osm": gzip.compress(xml.read_bytes(), mtime=0),
        "bzip2.xml": bz2.compress(xml.read_bytes()),
        "pbf.osm": pbf.read_bytes(),
        "xml.dat": b"\xef\xbb\xbf" + xml.read_bytes(),  # with a byte-order mark
    }
    for name, data in renamed.items():
        (tiny_dir / name).write_bytes(data)
        region = _region(tiny_dir, tiny_dir / name)
        assert np.array_equal(region.bus_time_s, base.bus_time_s), name
        assert np.array_equal(region.walk_m, base.walk_m), name
