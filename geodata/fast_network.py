"""Drive and walk networks from :class:`geodata.osm_arrays.RawRoads`, without networkx copies.

The same steps as :mod:`geodata.roads` (filter, largest strongly connected part, bus
speeds, osmnx's simplification, CSR matrices), done on arrays: a filter decides per way
(its tags are the same on every edge), the strongly connected part comes from
``scipy.sparse.csgraph``, speeds from osmnx's ``add_edge_speeds`` once per way, and the
simplification follows ``osmnx.simplify_graph`` step for step (endpoints by the same
rules, each path's attributes from the first edge between each pair of its nodes, lengths
and times summed in path order with ``sum``). The result is the same
:class:`geodata.roads.RoadNetwork` bit for bit; its ``graph`` is the simplified network
with ``length``, ``travel_time``, ``highway`` (and ``bus_kph``) on every edge.

Where the answer could depend on the order in which networkx holds nodes (a largest
part smaller than half the graph, two largest parts of one size), on a path osmnx calls
unexpected, or on rings (no place on the network), :class:`Fallback` is raised and
:mod:`geodata.region` reads the file the osmnx way. Parallel edges keep osmnx's key
order (edges between endpoints first, then each path's edge in the order of its first
node's successors), so the fastest of equal edges is the one osmnx would pick.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import connected_components

from geodata.osm_arrays import RawRoads
from geodata.osmnx_lazy import ox
from geodata.road_filter import drivable, walkable
from geodata.roads import HAZARD_ATTR, RoadNetwork, _min_csr
from geodata.speeds import SpeedModel, first


class Fallback(Exception):
    """The arrays cannot promise osmnx's answer here: read the osmnx way."""


@dataclass(frozen=True)
class FastGraph:
    """A directed multigraph over raw nodes, in the order networkx would hold it.

    Attributes
    ----------
    raw
        The file's roads.
    nodes
        Raw node positions, in graph order.
    u, v, way
        Each edge's raw node positions and way, in insertion (key) order.
    length, time
        Metres and seconds of each edge.
    kph
        The bus speed of each edge (``nan`` on the walk network).
    pair_rank
        When networkx first met each edge's pair (its place among the tail's successors).
    hazard
        Each edge's hazard kinds joined by commas (:data:`geodata.roads.HAZARD_ATTR`; the
        drive network only, ``None`` on the walk network).
    """

    raw: RawRoads
    nodes: np.ndarray
    u: np.ndarray
    v: np.ndarray
    way: np.ndarray
    length: np.ndarray
    time: np.ndarray
    kph: np.ndarray
    pair_rank: np.ndarray
    hazard: np.ndarray | None = None

    @property
    def ids(self) -> np.ndarray:
        """OSM node ids in graph order."""
        return self.raw.node_ids[self.nodes]

    def xy(self) -> tuple[np.ndarray, np.ndarray]:
        """Longitudes and latitudes in graph order."""
        return self.raw.x[self.nodes], self.raw.y[self.nodes]


def _pair_first(raw: RawRoads) -> np.ndarray:
    """Insertion index of the first raw edge of each raw edge's pair."""
    if len(raw.u) == 0:
        return np.zeros(0, dtype=np.int64)
    pair = raw.u * np.int64(len(raw.node_ids)) + raw.v
    _, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
    return first[inverse]


def _subgraph(raw: RawRoads, keep_way: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Raw nodes (raw order) and edges (insertion order) of the ways kept."""
    edges = np.flatnonzero(keep_way[raw.way])
    used = np.zeros(len(raw.node_ids), dtype=bool)
    used[raw.u[edges]] = True
    used[raw.v[edges]] = True
    return np.flatnonzero(used), edges


def _largest_strong(nodes: np.ndarray, u: np.ndarray, v: np.ndarray, n_raw: int) -> np.ndarray:
    """Mask over raw positions of osmnx's ``largest_component(strongly=True)``."""
    local = np.full(n_raw, -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    n = len(nodes)
    graph = sp.csr_matrix((np.ones(len(u)), (local[u], local[v])), shape=(n, n))
    count, labels = connected_components(graph, directed=True, connection="strong")
    keep = np.zeros(n_raw, dtype=bool)
    if count == 1:
        keep[nodes] = True
        return keep
    sizes = np.bincount(labels)
    best = int(sizes.max())
    # networkx keeps the first of equal parts and lists a part under half the graph in
    # set order: the arrays cannot follow either.
    if (sizes == best).sum() > 1 or 2 * best < n:
        raise Fallback("largest strongly connected part")
    keep[nodes[labels == int(np.argmax(sizes))]] = True
    return keep


def _way_speeds(raw: RawRoads, ways: np.ndarray, speeds: SpeedModel) -> np.ndarray:
    """osmnx's ``speed_kph`` of each way, from ``add_edge_speeds`` on one edge per way."""
    tiny = nx.MultiDiGraph(crs="epsg:4326")
    for i, w in enumerate(ways.tolist()):
        tiny.add_node(2 * i, x=0.0, y=0.0)
        tiny.add_node(2 * i + 1, x=0.0, y=0.0)
        tiny.add_edge(2 * i, 2 * i + 1, **raw.ways[w], length=1.0)
    tiny = ox.routing.add_edge_speeds(
        tiny, hwy_speeds=dict(speeds.highway_kph), fallback=speeds.fallback_kph
    )
    out = np.empty(len(ways))
    for i in range(len(ways)):
        out[i] = float(tiny.edges[2 * i, 2 * i + 1, 0]["speed_kph"])
    return out


def fast_drive(raw: RawRoads, speeds: SpeedModel) -> FastGraph:
    """The drive network of :func:`geodata.roads.drive_graph`, on arrays."""
    keep_way = np.array([drivable(w, speeds) for w in raw.ways], dtype=bool)
    nodes, edges = _subgraph(raw, keep_way)
    if len(edges) == 0:
        raise Fallback("no drivable road")  # the osmnx way says why
    keep = _largest_strong(nodes, raw.u[edges], raw.v[edges], len(raw.node_ids))
    edges = edges[keep[raw.u[edges]] & keep[raw.v[edges]]]
    if len(edges) == 0:
        raise Fallback("no strongly connected road")
    nodes = nodes[keep[nodes]]
    ways = np.unique(raw.way[edges])
    osm_kph = _way_speeds(raw, ways, speeds)
    bus = np.empty(len(raw.ways))
    for w, kph in zip(ways.tolist(), osm_kph.tolist()):
        data = raw.ways[w] | {"speed_kph": kph}
        bus[w] = speeds.bus_kph(str(first(data.get("highway"))), float(kph), data)
    kph = bus[raw.way[edges]]
    hazard = np.full(len(raw.ways), "", dtype=object)
    for w in ways.tolist():
        hazard[w] = ",".join(speeds.hazards(raw.ways[w]))
    length = raw.length[edges]
    time = length / (kph / 3.6)
    rank = _pair_first(raw)[edges]
    return FastGraph(
        raw,
        nodes,
        raw.u[edges],
        raw.v[edges],
        raw.way[edges],
        length,
        time,
        kph,
        rank,
        hazard[raw.way[edges]],
    )


def fast_walk(raw: RawRoads, walk_kph: float) -> FastGraph:
    """The walk network of :func:`geodata.roads.walk_graph`, on arrays."""
    keep_way = np.array([walkable(w) for w in raw.ways], dtype=bool)
    nodes, edges = _subgraph(raw, keep_way)
    if len(edges) == 0:
        raise Fallback("no walkable way")
    u, v, way = raw.u[edges], raw.v[edges], raw.way[edges]
    length, rank = raw.length[edges], _pair_first(raw)[edges]
    # Reverse edges where none leads back, in the order networkx lists the edges.
    listed = np.empty(len(raw.u), dtype=np.int64)
    listed[raw.iteration] = np.arange(len(raw.u))
    pairs = set(zip(u.tolist(), v.tolist()))
    extra = []
    for i in np.argsort(listed[edges], kind="stable").tolist():
        a, b = int(u[i]), int(v[i])
        if (b, a) not in pairs:
            pairs.add((b, a))
            extra.append(i)
    extra_idx = np.array(extra, dtype=np.int64)
    u = np.concatenate([u, v[extra_idx]])
    v = np.concatenate([v, raw.u[edges][extra_idx]])
    way = np.concatenate([way, way[extra_idx]])
    length = np.concatenate([length, length[extra_idx]])
    # A reverse edge's pair is new: networkx puts it after every other successor.
    rank = np.concatenate([rank, len(raw.u) + np.arange(len(extra_idx))])
    keep = _largest_strong(nodes, u, v, len(raw.node_ids))
    inside = keep[u] & keep[v]
    u, v, way, length, rank = u[inside], v[inside], way[inside], length[inside], rank[inside]
    return FastGraph(
        raw,
        nodes[keep[nodes]],
        u,
        v,
        way,
        length,
        length / (walk_kph / 3.6),
        np.full(len(u), np.nan),
        rank,
    )


def _endpoints(graph: FastGraph, marked: np.ndarray, differ: list[np.ndarray]) -> np.ndarray:
    """osmnx's ``_is_endpoint`` of every raw position (meaningful on the graph's nodes)."""
    n = len(graph.raw.node_ids)
    u, v = graph.u, graph.v
    out_deg = np.bincount(u, minlength=n)
    in_deg = np.bincount(v, minlength=n)
    degree = out_deg + in_deg
    end = (out_deg == 0) | (in_deg == 0) | marked
    loop = u == v
    end[u[loop]] = True
    a, b = np.concatenate([u, v]), np.concatenate([v, u])
    pairs = np.unique(a[a != b] * np.int64(n) + b[a != b])
    neighbours = np.bincount(pairs // n, minlength=n)
    end |= ~((neighbours == 2) & ((degree == 2) | (degree == 4)))
    for values in differ:
        codes = np.unique(values, return_inverse=True)[1].astype(np.int64)
        both = np.unique(np.concatenate([u, v]) * np.int64(len(codes) + 1) + np.tile(codes, 2))
        end |= np.bincount(both // (len(codes) + 1), minlength=n) > 1
    return end


def _paths(graph: FastGraph, end: np.ndarray) -> list[list[int]]:
    """osmnx's ``_get_paths_to_simplify``: every path from an endpoint to the next."""
    succ: dict[int, list[int]] = {}
    for a, b in zip(graph.u.tolist(), graph.v.tolist()):
        nxt = succ.setdefault(a, [])
        if b not in nxt:
            nxt.append(b)
    paths = []
    for start in graph.nodes[end[graph.nodes]].tolist():
        for second in succ.get(start, ()):
            if not end[second]:
                paths.append(_build_path(succ, end, start, second))
    return paths


def _build_path(succ: dict[int, list[int]], end: np.ndarray, start: int, second: int) -> list[int]:
    path, seen = [start, second], {start, second}
    for nxt in succ.get(second, ()):
        if nxt in seen:
            continue
        path.append(nxt)
        seen.add(nxt)
        while not end[nxt]:
            onward = [n for n in succ.get(nxt, ()) if n not in seen]
            if len(onward) == 1:
                nxt = onward[0]
                path.append(nxt)
                seen.add(nxt)
            elif not onward and start in succ.get(nxt, ()):
                return [*path, start]
            else:
                raise Fallback("a path osmnx calls unexpected")
        return path
    raise Fallback("a path osmnx calls unexpected")


def fast_network(graph: FastGraph, keep_ids: set[int], source: str) -> RoadNetwork:
    """:func:`geodata.roads.to_network` of :func:`geodata.roads.simplify`, on arrays."""
    raw = graph.raw
    marked = np.isin(raw.node_ids, np.fromiter(keep_ids, dtype=np.int64, count=len(keep_ids)))
    in_graph = np.zeros(len(raw.node_ids), dtype=bool)
    in_graph[graph.nodes] = True
    marked &= in_graph
    if not marked.any():
        raise Fallback("no place on the network")  # osmnx would look for rings
    names: dict[str, int] = {}
    way_code = np.array([names.setdefault(str(w.get("highway")), len(names)) for w in raw.ways])
    highway = np.array(list(names), dtype=object)[way_code]  # each way's class
    drive = not np.isnan(graph.kph).all()
    differ = [graph.kph, way_code[graph.way]] if drive else [way_code[graph.way]]
    if graph.hazard is not None:  # hazard changes keep their node (roads.simplify)
        differ.append(np.unique(graph.hazard.astype(str), return_inverse=True)[1])
    end = _endpoints(graph, marked, differ)
    first_edge: dict[tuple[int, int], int] = {}
    for i, pair in enumerate(zip(graph.u.tolist(), graph.v.tolist())):
        first_edge.setdefault(pair, i)
    interior: set[int] = set()
    # (u, v, time, length, coords, edge whose kph/highway it keeps, its key order): osmnx
    # keeps an edge between endpoints with its key, and adds each path's edge after them
    # in the order of the successors of the path's first node.
    edges = [
        (a, b, float(graph.time[i]), float(graph.length[i]), None, [i], (0, i))
        for i, (a, b) in enumerate(zip(graph.u.tolist(), graph.v.tolist()))
        if end[a] and end[b]
    ]
    lengths, times = graph.length.tolist(), graph.time.tolist()
    xs, ys, done = raw.x.tolist(), raw.y.tolist(), {}

    def rounded(node: int) -> tuple[float, float]:  # each node's rounded point, once
        point = done.get(node)
        if point is None:
            point = done[node] = (round(xs[node], 7), round(ys[node], 7))
        return point

    for path in _paths(graph, end):
        hops = [first_edge[p] for p in zip(path, path[1:])]
        coords = tuple(rounded(n) for n in path)
        total_t, total_m = sum(times[h] for h in hops), sum(lengths[h] for h in hops)
        key = (1, int(graph.pair_rank[hops[0]]))
        edges.append((path[0], path[-1], total_t, total_m, coords, hops, key))
        interior.update(path[1:-1])
    kept = [n for n in graph.nodes.tolist() if n not in interior]
    return _network(graph, kept, edges, highway, source)


def _merged(raw: RawRoads, ways: list[int], hazards: list[str] | None) -> dict[str, object]:
    """The ``name``, ``ref`` and hazard kinds of a path's edges as osmnx's simplification
    merges them: one value when the path's edges agree, else the list of their values
    (here in path order; osmnx's is arbitrary, and :mod:`geodata.road_names` sorts it)."""
    out: dict[str, object] = {}
    for tag in ("name", "ref"):
        values = [raw.ways[w][tag] for w in ways if tag in raw.ways[w]]
        if values:
            unique = list(dict.fromkeys(values))
            out[tag] = unique[0] if len(unique) == 1 else unique
    if hazards is not None:
        unique = list(dict.fromkeys(hazards))
        out[HAZARD_ATTR] = unique[0] if len(unique) == 1 else unique
    return out


def _network(graph: FastGraph, kept: list[int], edges: list, highway: np.ndarray, source: str):
    raw = graph.raw
    kept_arr = np.array(kept, dtype=np.int64)
    node_ids = np.sort(raw.node_ids[kept_arr])
    positions = kept_arr[np.argsort(raw.node_ids[kept_arr])]
    index = {int(p): i for i, p in enumerate(positions.tolist())}
    # to_network's stable sort by (u, v, time) over networkx's edge order, as one sort.
    ordered = sorted(
        ((index[a], index[b], t, m, c, e, k) for a, b, t, m, c, e, k in edges),
        key=lambda e: (*e[:3], e[6]),
    )
    coords: dict[tuple[int, int], tuple[tuple[float, float], ...]] = {}
    seen: set[tuple[int, int]] = set()
    for a, b, _, _, c, _, _ in ordered:  # the first edge of a pair is the fastest
        if (a, b) not in seen:
            seen.add((a, b))
            if c is not None:
                coords[a, b] = c
    rows = np.array([e[0] for e in ordered], dtype=np.int64)
    cols = np.array([e[1] for e in ordered], dtype=np.int64)
    n = len(node_ids)
    small = nx.MultiDiGraph(crs="epsg:4326", simplified=True)
    small.add_nodes_from(
        (int(node_ids[i]), {"x": float(raw.x[p]), "y": float(raw.y[p])})
        for i, p in enumerate(positions.tolist())
    )
    shaped = [c for *_, c, _, _ in ordered if c is not None]
    flat = [point for c in shaped for point in c]
    parts = np.repeat(np.arange(len(shaped)), [len(c) for c in shaped])
    lines = iter(shapely.linestrings(flat, indices=parts) if shaped else ())
    ways, kph = graph.way.tolist(), graph.kph.tolist()
    hazard = None if graph.hazard is None else graph.hazard.tolist()
    for a, b, t, m, c, hops, _ in ordered:
        e = hops[0]  # the edge whose class and speed the path keeps (all the same)
        data = {"length": m, "travel_time": t, "highway": highway[ways[e]]}
        if not np.isnan(kph[e]):
            data["bus_kph"] = kph[e]
        data |= _merged(raw, [ways[h] for h in hops], hazard and [hazard[h] for h in hops])
        if c is not None:
            data["geometry"] = next(lines)
        small.add_edge(int(node_ids[a]), int(node_ids[b]), **data)
    return RoadNetwork(
        graph=small,
        node_ids=node_ids,
        lon=raw.x[positions].astype(float),
        lat=raw.y[positions].astype(float),
        time_csr=_min_csr(rows, cols, np.array([e[2] for e in ordered]), n),
        length_csr=_min_csr(rows, cols, np.array([e[3] for e in ordered]), n),
        edge_coords=coords,
        source=source,
    )
