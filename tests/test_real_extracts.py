"""The geographic side on real OSM extracts (shared/data, ODbL, (c) OSM contributors)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geodata.matrices import UNREACHABLE
from geodata.osm_places import SCHOOL_SITES, SETTLEMENTS, osm_features
from geodata.region import RegionFiles, load_region

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
AUTAUGA = DATA / "autauga.osm.pbf"
LIECHTENSTEIN = DATA / "liechtenstein-2021.osm.pbf"
needs_data = pytest.mark.skipif(
    not AUTAUGA.is_file() or not LIECHTENSTEIN.is_file(),
    reason=f"the real OSM extracts are not in {DATA}",
)


@needs_data
@pytest.mark.parametrize(
    ("path", "settlements", "sites"),
    [
        (AUTAUGA, {"hamlet": 44, "town": 3, "village": 2}, {"school": 20}),
        (
            LIECHTENSTEIN,
            {"village": 21, "hamlet": 9, "town": 4, "isolated_dwelling": 5},
            {"school": 22, "kindergarten": 17},
        ),
    ],
)
def test_places_are_found_by_tag(path, settlements, sites):
    places = osm_features(path, SETTLEMENTS)
    schools = osm_features(path, SCHOOL_SITES)
    assert places["place"].value_counts().to_dict() == settlements
    assert schools["amenity"].value_counts().to_dict() == sites
    assert places.geometry.geom_type.eq("Point").all()


def _region_from_osm(path: Path, tmp: Path, n_villages: int = 30):
    """Villages at OSM settlements, schools at OSM school sites (pupils and capacity
    here are made up for the test: OSM has none)."""
    places = osm_features(path, SETTLEMENTS).head(n_villages)
    sites = osm_features(path, {"amenity": ["school"]})
    lines = ["id,name,lon,lat,k,p13,p46,j79"]
    for i, row in enumerate(places.itertuples()):
        lines.append(
            f"V{i},{row.name or 'v'},{row.geometry.x:.7f},{row.geometry.y:.7f},0,{10 + i % 7},0,0"
        )
    (tmp / "villages.csv").write_text("\n".join(lines) + "\n")
    lines = ["id,name,lon,lat,level,capacity,may_close,must_keep,running_cost"]
    for i, row in enumerate(sites.itertuples()):
        lines.append(
            f"S{i},{(row.name or 's').replace(',', ' ')},{row.geometry.x:.7f},"
            f"{row.geometry.y:.7f},primary,300,true,false,500000"
        )
    (tmp / "schools.csv").write_text("\n".join(lines) + "\n")
    return load_region(
        RegionFiles(path, tmp / "villages.csv", tmp / "schools.csv"), max_snap_m=3000
    )


@needs_data
@pytest.mark.parametrize(
    ("path", "nodes", "edges"),
    [
        (AUTAUGA, (3000, 20000), (6000, 40000)),
        (LIECHTENSTEIN, (3000, 20000), (6000, 40000)),
    ],
)
def test_road_network_and_times(path, nodes, edges, tmp_path):
    region = _region_from_osm(path, tmp_path)
    net = region.network
    assert nodes[0] <= net.n_nodes <= nodes[1]
    assert edges[0] <= net.time_csr.nnz <= edges[1]
    assert (net.time_csr.data > 0).all()
    times = [d["travel_time"] for _, _, d in net.graph.edges(data=True)]
    assert min(times) > 0
    speeds = {d["bus_kph"] for _, _, d in net.graph.edges(data=True)}
    assert max(speeds) <= 80 and min(speeds) >= 5
    nodes = region.place_nodes
    off = nodes[:, None] != nodes[None, :]  # places on different road nodes
    reachable = region.bus_time_s[off] != UNREACHABLE
    assert reachable.mean() > 0.9
    assert (region.bus_time_s[off][reachable] > 0).all()
    # No bus is faster than the legal cap: time >= distance at 80 km/h.
    d, t = region.road_m[off][reachable], region.bus_time_s[off][reachable]
    assert (t >= d / (80 / 3.6) - 1).all()
