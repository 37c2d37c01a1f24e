"""One road filter for every input kind, on the shipped extracts written as full OSM XML.

The extracts (shared/data, ODbL, (c) OSM contributors) are written out whole with
osmium (buildings, waterways, landuse and all), so that the
filter is tested on what a user downloads, not on a file already cut to roads.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import osmium
import pytest

from geodata.region import RegionFiles, load_region
from geodata.road_filter import bus_access, drivable, walkable
from geodata.roads import drive_graph, read_osm_graph, walk_graph
from geodata.speeds import SpeedModel, first
from tests.test_real_extracts import AUTAUGA, LIECHTENSTEIN, _region_from_osm, needs_data

SPEEDS = SpeedModel()
SHUT = ("no", "private", "agricultural", "forestry")


def _full_xml(pbf: Path, out: Path) -> Path:
    """Every object of a PBF file as plain OSM XML."""
    with osmium.SimpleWriter(str(out), overwrite=True) as writer:
        for obj in osmium.FileProcessor(str(pbf)):
            writer.add(obj)
    return out


@pytest.fixture(scope="module")
def full_xml(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("full_xml")
    return {
        p.name: _full_xml(p, tmp / p.name.replace(".pbf", "")) for p in (AUTAUGA, LIECHTENSTEIN)
    }


def test_access_hierarchy_for_a_bus():
    assert bus_access({"highway": "unclassified"})
    for value in SHUT:
        assert not bus_access({"access": value}), value
        assert bus_access({"access": value, "bus": "yes"}), value
        assert bus_access({"access": value, "psv": "designated"}), value
        assert bus_access({"access": value, "school_bus": "yes"}), value
    assert not bus_access({"access": "yes", "motor_vehicle": "agricultural"})
    assert not bus_access({"access": "agricultural;forestry"})
    assert not bus_access({"motor_vehicle": "no", "bus": "no"})


def test_tracks_service_and_areas_for_a_bus():
    assert not drivable({"highway": "track"}, SPEEDS)
    assert not drivable({"highway": "track", "tracktype": "grade2"}, SPEEDS)
    assert drivable({"highway": "track", "tracktype": "grade1"}, SPEEDS)
    loose = SpeedModel(track_grades=("grade1", "grade3", "untagged"))
    assert drivable({"highway": "track"}, loose)
    assert drivable({"highway": "track", "tracktype": "grade3"}, loose)
    assert not drivable({"highway": "track", "tracktype": "grade4"}, loose)
    for value in ("driveway", "parking_aisle"):
        assert not drivable({"highway": "service", "service": value}, SPEEDS)
    assert drivable({"highway": "service", "service": "alley"}, SPEEDS)
    assert not drivable({"highway": "pedestrian", "area": "yes"}, SPEEDS)
    assert not drivable({"waterway": "stream"}, SPEEDS)
    assert not drivable({"highway": "footway"}, SPEEDS)


def test_walking_needs_a_walkable_highway():
    assert not walkable({"waterway": "stream"})
    assert not walkable({"railway": "abandoned"})
    assert not walkable({"highway": "motorway"})
    assert not walkable({"highway": "construction"})
    assert walkable({"highway": "footway"})
    assert walkable({"highway": "track", "access": "agricultural"})
    assert not walkable({"highway": "residential", "access": "private"})
    assert walkable({"highway": "residential", "access": "private", "foot": "yes"})
    assert not walkable({"highway": "path", "foot": "no"})


def test_built_up_area_speeds():
    speeds = SpeedModel()
    # A primary road through a Chinese village: the urban limit, not the class default.
    assert speeds.bus_kph("primary", 70.0, {"highway": "primary", "maxspeed": "CN:urban"}) == 50
    # A residential street keeps its lower class speed inside the built-up area.
    tags = {"highway": "residential", "maxspeed": "DE:urban"}
    assert speeds.bus_kph("residential", 50.0, tags) == 30
    zone = {"highway": "tertiary", "zone:maxspeed": "DE:30"}
    assert speeds.zone_limit(zone) is None  # DE:30 is no code of the table ...
    assert speeds.bus_kph("tertiary", 50.0, {**zone, "zone:maxspeed": "DE:zone30"}) == 30
    assert speeds.bus_kph("tertiary", 50.0, {**zone, "zone:maxspeed": "DE:zone:30"}) == 30
    typed = {"highway": "secondary", "maxspeed": "50", "maxspeed:type": "CH:urban"}
    assert speeds.bus_kph("secondary", 50.0, typed) == 50
    # A posted number below the zone's limit wins; rural CN roads stay under the bus cap.
    assert speeds.bus_kph("secondary", 40.0, {**typed, "maxspeed": "40"}) == 40
    rural = {"highway": "secondary", "maxspeed": "CN:rural"}
    assert speeds.bus_kph("secondary", 60.0, rural) == 60


@needs_data
@pytest.mark.parametrize("name", [AUTAUGA.name, LIECHTENSTEIN.name])
def test_no_edge_without_highway_and_no_bus_edge_on_a_shut_way(full_xml, name):
    xml = full_xml[name]
    with xml.open(encoding="utf-8") as fh:
        head = fh.read(20_000_000)
    assert 'k="building"' in head or 'k="waterway"' in head or 'k="landuse"' in head
    raw = read_osm_graph(xml)
    walk = walk_graph(raw, 4.0, source=name)
    drive = drive_graph(raw, SPEEDS, source=name)
    for graph in (raw, walk, drive):
        assert all(first(d.get("highway")) for _, _, d in graph.edges(data=True))
    assert all(walkable(d) for _, _, d in walk.edges(data=True))
    for _, _, d in drive.edges(data=True):
        assert drivable(d, SPEEDS)
        assert first(d.get("highway")) != "track" or first(d.get("tracktype")) == "grade1"
        assert first(d.get("service")) not in ("driveway", "parking_aisle")
        assert bus_access(d)
    # The filter has work to do on these files: shut ways exist and are left out.
    shut = [
        d
        for _, _, d in raw.edges(data=True)
        if first(d.get("access")) in SHUT or first(d.get("highway")) == "track"
    ]
    assert shut


@needs_data
def test_the_same_matrices_from_the_full_xml_and_the_pbf(full_xml, tmp_path):
    pbf = _region_from_osm(LIECHTENSTEIN, tmp_path, n_villages=20)  # writes the tables
    files = RegionFiles(
        full_xml[LIECHTENSTEIN.name], tmp_path / "villages.csv", tmp_path / "schools.csv"
    )
    xml = load_region(files, max_snap_m=3000)
    assert xml.network.n_nodes == pbf.network.n_nodes
    assert np.array_equal(pbf.bus_time_s, xml.bus_time_s)
    assert np.array_equal(pbf.road_m, xml.road_m)
    assert np.array_equal(pbf.walk_m, xml.walk_m)
