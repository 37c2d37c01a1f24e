"""Road loading, speed caps, snapping and matrices on a road whose times we know."""

from __future__ import annotations

import numpy as np
import osmnx as ox
import pytest

from geodata.errors import InputError
from geodata.matrices import UNREACHABLE
from geodata.places import VILLAGES, read_places
from geodata.region import RegionFiles, load_region
from geodata.roads import load_road_network
from geodata.speeds import SpeedModel
from tests.conftest import TINY_LAT, TINY_LONS


def _segment_m(i: int) -> float:
    return float(ox.distance.great_circle(TINY_LAT, TINY_LONS[i], TINY_LAT, TINY_LONS[i + 1]))


def _by_hand_s(a: int, b: int) -> float:
    """Drive from node index a to b: 60 km/h (80 posted, bus cap 60), 20 km/h on 6-7."""
    lo, hi = min(a, b), max(a, b)
    return sum(_segment_m(i) / ((20 if i == 5 else 60) / 3.6) for i in range(lo, hi))


def test_speeds_are_capped_and_hazards_slowed(tiny_dir):
    net = load_road_network(tiny_dir / "roads.osm")
    kph = sorted({round(d["bus_kph"]) for _, _, d in net.graph.edges(data=True)})
    assert kph == [20, 60]
    # Simplified: the two ends, and nodes 6 and 7 where the speed changes; the
    # building way is not a road.
    assert net.lon.round(2).tolist() == [118.0, 118.05, 118.06, 118.1]


def test_matrix_matches_hand_computation(tiny_dir):
    region = load_region(
        RegionFiles(tiny_dir / "roads.osm", tiny_dir / "villages.csv", tiny_dir / "schools.csv")
    )
    # Places: villages A (node 0), B (node 2), C (node 10); schools P1 (node 1), P2 (node 8).
    nodes = [0, 2, 10, 1, 8]
    for i, a in enumerate(nodes):
        for j, b in enumerate(nodes):
            assert region.bus_time_s[i, j] == pytest.approx(_by_hand_s(a, b), abs=1)
    assert region.road_m[0, 4] == pytest.approx(sum(_segment_m(i) for i in range(8)), abs=1)
    assert (region.bus_time_s[np.eye(5, dtype=bool) == 0] > 0).all()
    assert region.villages["snap_m"].max() < 1.0


def test_motorway_cap_is_80():
    model = SpeedModel()
    assert model.bus_kph("motorway", 120, {}) == 80
    assert model.bus_kph("primary", 100, {}) == 60
    assert model.bus_kph("tertiary", 40, {}) == 40  # a lower posted limit wins
    assert model.bus_kph("primary", 60, {"surface": "gravel"}) == 20
    assert model.bus_kph("primary", 60, {"width": "3.5"}) == 20
    assert model.bus_kph("primary", 60, {"incline": "-9%"}) == 20
    assert model.bus_kph("primary", 60, {"incline": "up"}) == 60


def test_place_far_from_roads_is_reported_by_id(tiny_dir):
    text = (tiny_dir / "villages.csv").read_text().replace("36.0000000,0,10", "36.0500000,0,10")
    (tiny_dir / "villages.csv").write_text(text)
    with pytest.raises(InputError, match=r"id B: lon/lat: expected a place within 1000 m"):
        load_region(
            RegionFiles(tiny_dir / "roads.osm", tiny_dir / "villages.csv", tiny_dir / "schools.csv")
        )


def test_bad_village_rows_are_all_reported(tmp_path):
    path = tmp_path / "villages.csv"
    path.write_text(
        "id,name,lon,lat,k,p13,p46,j79\nA,a,118.0,36.0,0,-3,0,0\nA,b,36.0,118.0,0,1.5,0,0\n"
    )
    with pytest.raises(InputError) as err:
        read_places(path, VILLAGES)
    text = str(err.value)
    assert "row 2 (id A): p13: expected a whole number >= 0; found '-3'" in text
    assert "row 3 (id A): lat: expected a latitude in [-90, 90] (lon and lat swapped?)" in text
    assert "row 3 (id A): p13: expected a whole number >= 0; found '1.5'" in text
    assert "row 3 (id A): id: expected a unique id (also on row 2)" in text


def test_missing_column_and_file(tmp_path):
    path = tmp_path / "villages.csv"
    path.write_text("id,name,lon,lat,k,p13,p46\nA,a,118.0,36.0,0,1,0\n")
    with pytest.raises(InputError, match=r"header: j79: expected a column 'j79'"):
        read_places(path, VILLAGES)
    with pytest.raises(InputError, match=r"nope.csv: -: file: expected a villages table"):
        read_places(tmp_path / "nope.csv", VILLAGES)


def test_corrupt_osm_file(tmp_path):
    path = tmp_path / "roads.osm"
    path.write_text("<osm><node id='1' lat='x'")
    with pytest.raises(
        InputError,
        match=r"roads.osm: -: content: expected a complete, valid OSM XML file; found a trunc",
    ):
        load_road_network(path)


def test_unreachable_sentinel_is_int32_max():
    assert UNREACHABLE == np.iinfo(np.int32).max
