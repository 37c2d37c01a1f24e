"""The array reading of a region gives osmnx's region bit for bit (issue 14 item 6)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import geodata.region as region_mod
from geodata.region import RegionFiles, load_region
from geodata.road_names import edge_stretch
from geodata.speeds import SpeedModel
from tests.test_real_extracts import LIECHTENSTEIN, _region_from_osm, needs_data

DEMO = Path(__file__).resolve().parents[1] / "scenarios" / "demo_county"


def _same_network(a, b) -> None:
    for field in ("node_ids", "lon", "lat"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    for field in ("time_csr", "length_csr"):
        x, y = getattr(a, field), getattr(b, field)
        assert np.array_equal(x.indptr, y.indptr) and np.array_equal(x.indices, y.indices)
        assert np.array_equal(x.data, y.data), field  # the same floats, not close ones
    assert a.edge_coords == b.edge_coords
    # The roads a route sheet lists: each pair's fastest edge's name, ref and hazards.
    for i, j in zip(*a.time_csr.nonzero(), strict=True):
        assert edge_stretch(a, i, j) == edge_stretch(b, i, j), (i, j)


def _both_ways(files: RegionFiles, monkeypatch, **options):
    """The region read on arrays (the osmnx way forbidden), then the osmnx way."""

    class NoOsmnx:
        def __init__(self, *args, **kwargs):
            raise AssertionError("the array reading fell back to osmnx")

    with monkeypatch.context() as patch:
        patch.setattr(region_mod, "OsmnxRoads", NoOsmnx)
        fast = load_region(files, **options)
    with monkeypatch.context() as patch:
        patch.setattr(region_mod, "array_roads", lambda *args: None)
        slow = load_region(files, **options)
    return fast, slow


def _same_region(fast, slow) -> None:
    _same_network(fast.network, slow.network)
    _same_network(fast.walk_network, slow.walk_network)
    for name in ("bus_time_s", "road_m", "walk_m"):
        assert np.array_equal(getattr(fast, name), getattr(slow, name)), name
    for name in ("villages", "schools", "depots"):
        assert getattr(fast, name).equals(getattr(slow, name)), name
    assert fast.notes == slow.notes


def test_demo_region_is_the_same_on_arrays(monkeypatch):
    files = RegionFiles(
        DEMO / "roads.osm", DEMO / "villages.csv", DEMO / "schools.csv", DEMO / "depots.csv"
    )
    # The demo's speeds: its hill villages' only roads are grade3 or untagged tracks.
    speeds = SpeedModel(track_grades=("grade1", "grade3", "untagged"))
    fast, slow = _both_ways(files, monkeypatch, speeds=speeds)
    _same_region(fast, slow)
    # The simplified graph carries what the tests and maps read.
    speeds = {d["bus_kph"] for _, _, d in fast.network.graph.edges(data=True)}
    assert speeds == {d["bus_kph"] for _, _, d in slow.network.graph.edges(data=True)}


@needs_data
def test_real_extract_region_is_the_same_on_arrays(tmp_path, monkeypatch):
    # Liechtenstein: mountain hairpins, one-way pairs, loops (autauga is checked by the
    # region benchmark's cut and by the shipped scenarios' plans, as the slower of the two).
    pbf = LIECHTENSTEIN
    _region_from_osm(pbf, tmp_path, n_villages=25)  # writes the tables
    files = RegionFiles(pbf, tmp_path / "villages.csv", tmp_path / "schools.csv")
    fast, slow = _both_ways(files, monkeypatch, max_snap_m=3000)
    _same_region(fast, slow)
    assert fast.network.n_nodes > 1000 and len(fast.network.edge_coords) > 500
