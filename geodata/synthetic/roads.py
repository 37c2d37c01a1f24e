"""The road network: which pairs of places get a road, of what class, and the OSM ways."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra, minimum_spanning_tree
from scipy.spatial import Delaunay

from geodata.speeds import SpeedModel
from geodata.synthetic.layout import _interior, haversine_m, to_lonlat
from geodata.synthetic.records import (
    DEMO_SIZE,
    HAZARD_TAGS,
    ROAD_RANK,
    CountySize,
    Layout,
    Motorway,
    Network,
    Town,
)

# ----------------------------------------------------------------------------- road choice


def _delaunay_edges(xy: np.ndarray) -> np.ndarray:
    """Edges of the Delaunay triangulation as sorted ``(i, j)`` rows, ``i < j``."""
    simplices = Delaunay(xy).simplices
    pairs = np.vstack([simplices[:, [0, 1]], simplices[:, [1, 2]], simplices[:, [0, 2]]])
    pairs.sort(axis=1)
    return np.unique(pairs, axis=0)


def _edge_graph(n: int, edges: np.ndarray, weights: np.ndarray) -> sp.csr_matrix:
    """Undirected weighted graph over points (both directions stored)."""
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]])
    return sp.csr_matrix((np.concatenate([weights, weights]), (rows, cols)), shape=(n, n))


def _path_edges(pred: np.ndarray, source: int, target: int) -> list[tuple[int, int]]:
    """The edges of a shortest path from ``source`` to ``target`` as sorted pairs."""
    pairs = []
    node = target
    while node != source and node >= 0:
        prev = int(pred[node])
        if prev < 0:
            return []
        pairs.append((min(prev, node), max(prev, node)))
        node = prev
    return pairs


def _is_outlying(layout: Layout, i: int) -> bool:
    return layout.kind[i] in ("hill", "remote")


def _main_edges(layout: Layout, edges: np.ndarray) -> np.ndarray:
    """Mask of edges that a county route or a loop may use (not into the hills)."""
    return np.array([not (_is_outlying(layout, i) or _is_outlying(layout, j)) for i, j in edges])


def _county_routes(
    rng: np.random.Generator,
    layout: Layout,
    towns: Sequence[Town],
    edges: np.ndarray,
    lengths: np.ndarray,
    max_km: float = DEMO_SIZE.county_road_km,
) -> list[tuple[list[tuple[int, int]], dict[str, str]]]:
    """County roads between neighbouring towns and from each interchange to its town."""
    centre_point = {t.index: layout.indices("centre")[t.index] for t in towns}
    town_edges = _delaunay_edges(np.array([t.xy for t in towns]))
    pairs = [
        (int(a), int(b))
        for a, b in town_edges
        if np.linalg.norm(towns[a].xy - towns[b].xy) <= max_km
    ]
    main = _main_edges(layout, edges)
    graph = _edge_graph(len(layout.kind), edges[main], lengths[main])
    routes = []
    for number, (a, b) in enumerate(pairs):
        _, pred = dijkstra(graph, directed=False, indices=centre_point[a], return_predecessors=True)
        primary = a == 0 or b == 0
        tags = {
            "highway": "primary" if primary else "secondary",
            "ref": f"S{231 + number}" if primary else f"X{101 + number:03d}",
        }
        speed = rng.choice(["80", "70", ""], p=[0.35, 0.3, 0.35])
        if speed:
            tags["maxspeed"] = str(speed)
        routes.append((_path_edges(pred, centre_point[a], centre_point[b]), tags))
    for number, hub in enumerate(layout.indices("hub")):
        town = int(layout.town[hub])
        _, pred = dijkstra(graph, directed=False, indices=hub, return_predecessors=True)
        tags = {"highway": "secondary", "ref": f"X{181 + number:03d}", "maxspeed": "70"}
        routes.append((_path_edges(pred, hub, centre_point[town]), tags))
    return routes


def _loop_edges(
    rng: np.random.Generator, layout: Layout, edges: np.ndarray, lengths: np.ndarray
) -> set[tuple[int, int]]:
    """Short extra links that close loops between villages (none into the hills)."""
    chosen = set()
    draws = rng.uniform(size=len(edges))
    for (i, j), length, draw in zip(edges.tolist(), lengths, draws, strict=True):
        outlying = _is_outlying(layout, i) or _is_outlying(layout, j)
        same_cluster = outlying and layout.group[i] == layout.group[j] and layout.group[i] >= 0
        if (not outlying or same_cluster) and length <= 3.0 and draw < 0.33:
            chosen.add((i, j))
    return chosen


def _spanning_edges(n: int, edges: np.ndarray, lengths: np.ndarray) -> set[tuple[int, int]]:
    """The Euclidean minimum spanning tree: every junction reached by the shortest roads."""
    upper = sp.csr_matrix((lengths, (edges[:, 0], edges[:, 1])), shape=(n, n))
    tree = minimum_spanning_tree(upper).tocoo()
    return {
        (min(a, b), max(a, b)) for a, b in zip(tree.row.tolist(), tree.col.tolist(), strict=True)
    }


def _township_usage(
    layout: Layout, towns: Sequence[Town], selected: list[tuple[int, int]], xy: np.ndarray
) -> dict[tuple[int, int], int]:
    """How many of a town's villages reach the town centre over each road."""
    chosen = np.array(selected)
    lengths = np.linalg.norm(xy[chosen[:, 0]] - xy[chosen[:, 1]], axis=1)
    graph = _edge_graph(len(layout.kind), chosen, lengths)
    centres = layout.indices("centre")
    _, pred = dijkstra(graph, directed=False, indices=centres, return_predecessors=True)
    usage: dict[tuple[int, int], int] = {}
    for v in layout.indices("village"):
        town = int(layout.town[v])
        for pair in _path_edges(pred[town], centres[town], v):
            usage[pair] = usage.get(pair, 0) + 1
    return usage


def _choose_roads(
    rng: np.random.Generator, layout: Layout, towns: Sequence[Town], size: CountySize = DEMO_SIZE
) -> dict[tuple[int, int], dict[str, str]]:
    """Which junctions are joined by a road, and the road's OSM tags."""
    xy, n = layout.xy, len(layout.kind)
    edges = _delaunay_edges(xy)
    lengths = np.linalg.norm(xy[edges[:, 0]] - xy[edges[:, 1]], axis=1)
    routes = _county_routes(rng, layout, towns, edges, lengths, size.county_road_km)
    selected = _spanning_edges(n, edges, lengths) | _loop_edges(rng, layout, edges, lengths)
    for path, _ in routes:
        selected.update(path)
    ordered = sorted(selected)
    degree = np.bincount(np.array(ordered).ravel(), minlength=n)
    roads = {pair: _lane_tags(rng, layout, pair, degree) for pair in ordered}
    usage = _township_usage(layout, towns, ordered, xy)
    posted = rng.uniform(size=len(towns)) < 0.5
    for pair, count in sorted(usage.items()):
        if count >= 3:
            town = int(layout.town[pair[0]])
            roads[pair] = {"highway": "tertiary", **({"maxspeed": "50"} if posted[town] else {})}
    for path, tags in routes:
        for pair in path:
            if ROAD_RANK[roads[pair]["highway"]] < ROAD_RANK[tags["highway"]]:
                roads[pair] = dict(tags)
    _add_hazards(rng, layout, roads)
    return roads


def _lane_tags(
    rng: np.random.Generator, layout: Layout, pair: tuple[int, int], degree: np.ndarray
) -> dict[str, str]:
    """A village lane: town streets and some short dead-end lanes are residential."""
    i, j = pair
    town_kinds = ("centre", "site")
    if layout.kind[i] in town_kinds and layout.kind[j] in town_kinds:
        return {"highway": "residential"}
    draw = rng.uniform()
    leaf = any(degree[p] == 1 and layout.kind[p] == "village" for p in pair)
    if leaf and draw < 0.4:
        return {"highway": "residential"}
    return {"highway": "unclassified"}


def _add_hazards(
    rng: np.random.Generator, layout: Layout, roads: dict[tuple[int, int], dict[str, str]]
) -> None:
    """Tag the roads into the hills and to remote villages as narrow, steep or gravel."""
    order = rng.permutation(len(HAZARD_TAGS))
    hazards = [pair for pair in sorted(roads) if any(_is_outlying(layout, p) for p in pair)]
    for number, pair in enumerate(hazards):
        roads[pair] = dict(HAZARD_TAGS[int(order[number % len(order)])])


# ----------------------------------------------------------------------------- network


def _road_ways(
    rng: np.random.Generator,
    xy: np.ndarray,
    roads: Mapping[tuple[int, int], Mapping[str, str]],
    spacing_km: tuple[float, float] = DEMO_SIZE.node_spacing_km,
) -> tuple[list[np.ndarray], list[tuple[tuple[int, ...], Mapping[str, str]]]]:
    """Junctions are nodes ``1..n``; each road gets its own intermediate nodes after them."""
    points = list(xy)
    ways = []
    for (i, j), tags in sorted(roads.items()):
        interior = _interior(rng, xy[i], xy[j], spacing_km=spacing_km)
        first = len(points) + 1
        points.extend(interior)
        ids = (i + 1, *range(first, first + len(interior)), j + 1)
        ways.append((ids, MappingProxyType(dict(tags))))
    return points, ways


def _motorway_ways(
    rng: np.random.Generator,
    mway: Motorway,
    hub_ids: Sequence[int],
    points: list[np.ndarray],
    size: CountySize = DEMO_SIZE,
) -> list[tuple[tuple[int, ...], Mapping[str, str]]]:
    """Two one-way carriageways, and at each interchange an on-ramp and an off-ramp."""
    steps = math.ceil((mway.x_east - mway.x_west) / size.motorway_step_km)
    xs = np.linspace(mway.x_west, mway.x_east, steps + 1)
    ys = mway.y(xs)
    slope = np.gradient(ys, xs)
    normal = np.column_stack([-slope, np.ones_like(slope)]) / np.hypot(slope, 1.0)[:, None]
    centre = np.column_stack([xs, ys])
    road = {
        "highway": "motorway",
        "oneway": "yes",
        "maxspeed": "120",
        "lanes": "2",
        "name": "Synthetic County Expressway",
    }
    east_ids = _append(points, centre - 0.015 * normal)
    west_ids = _append(points, (centre + 0.015 * normal)[::-1])
    ways = [
        (east_ids, MappingProxyType({**road, "ref": "G99 eastbound"})),
        (west_ids, MappingProxyType({**road, "ref": "G99 westbound"})),
    ]
    link = MappingProxyType({"highway": "motorway_link", "oneway": "yes"})
    ramps = [  # the same bend on opposite directions: the two ramps part like a loop
        (hub_ids[0], east_ids[0]),
        (west_ids[-1], hub_ids[0]),
        (east_ids[-1], hub_ids[1]),
        (hub_ids[1], west_ids[0]),
    ]
    for start, end in ramps:
        inner = _interior(
            rng, points[start - 1], points[end - 1], bend=0.2, spacing_km=size.node_spacing_km
        )
        ways.append(((start, *_append(points, inner), end), link))
    return ways


def _append(points: list[np.ndarray], new: np.ndarray) -> tuple[int, ...]:
    """Add nodes and return their ids."""
    first = len(points) + 1
    points.extend(np.atleast_2d(new))
    return tuple(range(first, first + len(new)))


def _build_network(
    rng: np.random.Generator,
    layout: Layout,
    mway: Motorway,
    roads: Mapping[tuple[int, int], Mapping[str, str]],
    size: CountySize = DEMO_SIZE,
) -> Network:
    """Nodes and ways of the chosen roads, then of the motorway."""
    points, ways = _road_ways(rng, layout.xy, roads, size.node_spacing_km)
    n_local = len(points)
    hub_ids = [i + 1 for i in layout.indices("hub")]
    ways += _motorway_ways(rng, mway, hub_ids, points, size)
    xy = np.array(points)
    lon, lat = to_lonlat(xy)
    return Network(lon, lat, xy, tuple(ways), n_local)


def bus_time_graph(network: Network, speeds: SpeedModel | None = None) -> sp.csr_matrix:
    """Directed school-bus travel times (seconds) between adjacent nodes (index = id - 1)."""
    speeds = speeds or SpeedModel()
    rows, cols, secs = [], [], []
    for ids, tags in network.ways:
        highway = tags["highway"]
        posted = float(tags.get("maxspeed", speeds.highway_kph[highway]))
        kph = speeds.bus_kph(highway, posted, tags)
        a, b = np.array(ids[:-1]) - 1, np.array(ids[1:]) - 1
        metres = haversine_m(network.lon[a], network.lat[a], network.lon[b], network.lat[b])
        rows.append(a)
        cols.append(b)
        secs.append(metres / (kph / 3.6))
        if tags.get("oneway") != "yes":
            rows.append(b)
            cols.append(a)
            secs.append(secs[-1])
    n = len(network.lon)
    return sp.csr_matrix(
        (np.concatenate(secs), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    )
