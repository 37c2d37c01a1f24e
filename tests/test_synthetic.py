"""The synthetic demo county: reproducible, well-formed, one connected road network."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import shapely

from geodata.background import Cover, read_background
from geodata.roads import read_osm_graph
from geodata.synthetic import (
    DEPOT_COLUMNS,
    POLICY_DEFAULTS,
    SCHOOL_COLUMNS,
    VILLAGE_COLUMNS,
    CountyFiles,
    ReachLimits,
    generate_county,
)
from optimizer.scenario.schema import Policy
from tests.conftest import ROOT


def policy_limits() -> ReachLimits:
    """The limits the demo county is generated against: the scenario schema's defaults."""
    policy = Policy()
    return ReachLimits(kindergarten_s=policy.limit_s("k"), primary_s=policy.limit_s("p13"))


DEMO = ROOT / "scenarios" / "demo_county"
FILES = ("roads.osm", "villages.csv", "schools.csv", "depots.csv")


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def tables() -> dict[str, list[dict[str, str]]]:
    """The committed place tables."""
    return {name: _rows(DEMO / f"{name}.csv")[1] for name in ("villages", "schools", "depots")}


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    """The committed roads as the road reader reads them (its ``highway`` ways: the file's
    river, land use and place nodes are no roads)."""
    return read_osm_graph(DEMO / "roads.osm")


def test_same_seed_regenerates_the_committed_files(tmp_path):
    files = generate_county(tmp_path, seed=2027, limits=policy_limits())
    assert isinstance(files, CountyFiles)
    assert files.roads == tmp_path / "roads.osm"
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)  # no temporary left


def test_the_command_line_limits_are_the_policy_defaults():
    assert POLICY_DEFAULTS == policy_limits()


def test_another_seed_gives_another_county(tmp_path):
    generate_county(tmp_path, seed=2028, limits=policy_limits())
    for name in FILES:
        assert (tmp_path / name).read_bytes() != (DEMO / name).read_bytes(), name


def test_headers_are_exact():
    assert _rows(DEMO / "villages.csv")[0] == list(VILLAGE_COLUMNS)
    assert _rows(DEMO / "schools.csv")[0] == list(SCHOOL_COLUMNS)
    assert _rows(DEMO / "depots.csv")[0] == list(DEPOT_COLUMNS)


def test_counts_are_those_of_a_rural_county(tables):
    villages, schools, depots = tables["villages"], tables["schools"], tables["depots"]
    levels = Counter(s["level"] for s in schools)
    assert 240 <= len(villages) <= 260
    assert len({v["town"] for v in villages}) == 10
    assert len(depots) == 10 and {d["town"] for d in depots} == {v["town"] for v in villages}
    assert 30 <= levels["primary"] + levels["nine_year"] <= 40
    assert 1 <= levels["nine_year"] <= 5
    assert 6 <= levels["junior"] <= 10
    assert 16 <= levels["kindergarten"] <= 24
    ownership = Counter(s["ownership"] for s in schools if s["level"] == "kindergarten")
    assert ownership["public"] > ownership["private_inclusive"] >= 1
    assert 1 <= ownership["private"] <= 2
    assert {s["ownership"] for s in schools if s["level"] != "kindergarten"} == {"public"}


def test_ids_are_unique_and_references_resolve(tables):
    ids = [row["id"] for rows in tables.values() for row in rows]
    assert len(ids) == len(set(ids))
    level = {s["id"]: s["level"] for s in tables["schools"]}
    for s in tables["schools"]:
        prefix = {"kindergarten": "K", "primary": "P", "junior": "J", "nine_year": "N"}
        assert s["id"][0] == prefix[s["level"]]
    for v in tables["villages"]:
        assert level[v["current_k"]] == "kindergarten"
        assert level[v["current_primary"]] in ("primary", "nine_year")
        assert level[v["current_junior"]] in ("junior", "nine_year")


def test_values_are_in_range(tables):
    for v in tables["villages"]:
        assert all(int(v[band]) >= 0 for band in ("k", "p13", "p46", "j79"))
        assert -0.08 <= float(v["annual_change"]) <= 0.01
        assert len(v["lon"].split(".")[1]) == 7 and len(v["lat"].split(".")[1]) == 7
    for s in tables["schools"]:
        assert int(s["capacity"]) > 0 and int(s["running_cost"]) > 0
        assert not (s["may_close"] == "true" and s["must_keep"] == "true")


def test_capacity_holds_todays_pupils_and_many_schools_are_small(tables):
    enrolled: Counter[str] = Counter()
    for v in tables["villages"]:
        enrolled[v["current_k"]] += int(v["k"])
        enrolled[v["current_primary"]] += int(v["p13"]) + int(v["p46"])
        enrolled[v["current_junior"]] += int(v["j79"])
    schools = tables["schools"]
    assert all(int(s["capacity"]) >= enrolled[s["id"]] for s in schools)
    primary = [s for s in schools if s["level"] in ("primary", "nine_year")]
    small = [s for s in primary if enrolled[s["id"]] < 100]
    assert 0.35 <= len(small) / len(primary) <= 0.55


def test_roads_are_one_strongly_connected_network(graph, tables):
    components = list(nx.strongly_connected_components(graph))
    largest = max(components, key=len)
    assert len(largest) == graph.number_of_nodes()
    node_ids = np.array(list(graph.nodes))
    lon = np.array([graph.nodes[n]["x"] for n in node_ids])
    lat = np.array([graph.nodes[n]["y"] for n in node_ids])
    scale = np.cos(np.radians(lat.mean()))
    places = [row for rows in tables.values() for row in rows]
    for place in places:
        dx = (lon - float(place["lon"])) * scale
        dy = lat - float(place["lat"])
        nearest = int(np.argmin(dx * dx + dy * dy))
        assert node_ids[nearest] in largest
        assert np.hypot(dx[nearest], dy[nearest]) * 111_195 < 300  # metres to its road


def test_road_tags_make_a_hierarchy_with_hazards():
    root = ET.parse(DEMO / "roads.osm").getroot()
    assert root.get("generator") == "schoolplan synthetic county"
    node_ids = [int(n.get("id")) for n in root.iter("node")]
    way_ids = [int(w.get("id")) for w in root.iter("way")]
    assert min(node_ids) > 0 and len(node_ids) == len(set(node_ids))
    assert min(way_ids) > 0 and len(way_ids) == len(set(way_ids))
    tagged = [{t.get("k"): t.get("v") for t in w.iter("tag")} for w in root.iter("way")]
    ways = [w for w in tagged if "highway" in w]  # the rest: river, land use (the background)
    highways = Counter(w["highway"] for w in ways)
    for cls in ("primary", "secondary", "tertiary", "unclassified", "residential", "track"):
        assert highways[cls] >= 1, cls
    motorway = [w for w in ways if w["highway"] == "motorway"]
    assert len(motorway) == 2 and all(w["oneway"] == "yes" for w in motorway)
    assert highways["motorway_link"] == 4
    assert all("oneway" not in w for w in ways if not w["highway"].startswith("motorway"))
    hazards = [w for w in ways if w["highway"] == "track" or "width" in w or "incline" in w]
    assert 5 <= len(hazards) <= 15
    assert any(w.get("surface") == "gravel" for w in hazards)
    assert any(w.get("width") == "3" for w in hazards)
    assert any(w.get("incline") == "12%" for w in hazards)
    assert (DEMO / "roads.osm").stat().st_size < 3_000_000


def test_the_county_has_a_landscape_the_road_reader_ignores(graph, tables):
    """A river, a reservoir clear of every place, land use, and a place node per village."""
    background = read_background(DEMO / "roads.osm")
    covers = Counter(a.cover for a in background.areas)
    assert covers[Cover.WATER] == 1 and covers[Cover.FOREST] >= 1
    assert covers[Cover.FARMLAND] >= 5 and covers[Cover.RESIDENTIAL] == 10
    assert len(background.lines) == 2  # the river and its stream
    names = {p.name for p in background.places if p.place == "village"}
    assert names == {row["name"] for row in tables["villages"]}
    assert {p.name for p in background.places if p.place == "town"} == {
        row["town"] for row in tables["villages"]
    }
    lake = shapely.Polygon(next(a for a in background.areas if a.cover is Cover.WATER).rings[0])
    for rows in tables.values():
        for row in rows:
            assert not lake.contains(shapely.Point(float(row["lon"]), float(row["lat"])))
    # the road graph has the road nodes only: no place node, no river node
    root = ET.parse(DEMO / "roads.osm").getroot()
    highway_nodes = {
        int(nd.get("ref"))
        for w in root.iter("way")
        if any(t.get("k") == "highway" for t in w.iter("tag"))
        for nd in w.iter("nd")
    }
    assert set(graph.nodes) == highway_nodes
