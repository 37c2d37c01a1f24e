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
    with pytest.raises(
        InputError,
        match=r"id B: lon/lat: expected a point within 1000 m of the area the roads of roads.osm "
        r"cover; found \(118.02, 36.05\), 5546 m outside it",
    ):
        load_region(
            RegionFiles(tiny_dir / "roads.osm", tiny_dir / "villages.csv", tiny_dir / "schools.csv")
        )


def _tiny(tiny_dir, villages: str, **kw):
    (tiny_dir / "villages.csv").write_text(villages)
    files = RegionFiles(tiny_dir / "roads.osm", tiny_dir / "villages.csv", tiny_dir / "schools.csv")
    return load_region(files, **kw)


def test_snapping_tells_the_truth(tiny_dir):
    """The snap leg is in every journey, named past 300 m, refused past the hull margin."""
    base_csv = (tiny_dir / "villages.csv").read_text()
    base = _tiny(tiny_dir, base_csv)
    assert base.notes == ()
    # B 600 m north of its node (0.0054 degrees of latitude): warned, leg added.
    off = _tiny(tiny_dir, base_csv.replace("118.0200000,36.0000000", "118.0200000,36.0054000"))
    (note,) = off.notes
    assert "villages.csv: id B: lon/lat: 599 m from the bus network and 599 m from the walk" in note
    a, b = 0, 1
    assert off.walk_m[a, b] - base.walk_m[a, b] == 599
    assert off.road_m[b, a] - base.road_m[b, a] == 599
    assert off.bus_time_s[a, b] - base.bus_time_s[a, b] == round(599.4 / (20 / 3.6))
    assert off.walk_m[b, b] == 0
    # 1,300 m off the road: beyond the roads' hull plus max_snap_m.
    with pytest.raises(
        InputError, match=r"id B: lon/lat: .* found \(118.02, 36.0117\), 1[23]\d\d m outside"
    ):
        _tiny(tiny_dir, base_csv.replace("118.0200000,36.0000000", "118.0200000,36.0117000"))
    # Two places on one node keep their real distance.
    two = _tiny(tiny_dir, base_csv + "D,Dvillage,118.0203000,36.0000000,0,5,0,0,,P1,\n")
    assert two.villages["node"].iloc[1] == two.villages["node"].iloc[3]
    assert two.walk_m[1, 3] == two.walk_m[3, 1] == 27
    assert two.bus_time_s[1, 3] > 0


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
