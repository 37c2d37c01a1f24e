"""OSM road files read straight into arrays, in the shape osmnx's ``graph_from_xml`` gives.

The slow way to read an OSM file into a graph is to write its ``highway`` ways and
their nodes out as XML and parse that with osmnx (a SAX parser in Python), then copy
the graph for every filter. Here pyosmium reads the file (XML, gzip, bzip2 or PBF) in
two passes, the ``highway`` ways, then the nodes they name, and the raw network is
kept as arrays: node ids and coordinates in the order osmnx would hold them, and one
row per directed edge in the order osmnx would insert it. The rules are osmnx's
(``osmnx.graph._add_paths``): consecutive repeated nodes dropped, ``oneway`` values
``yes``, ``true``, ``1``, ``-1``, ``reverse``, ``T``, ``F`` and roundabouts one-way,
``-1``, ``reverse``, ``T`` reversed, every other way in both directions; lengths are
osmnx's great-circle lengths, computed over the edges in osmnx's own edge order so
that every float is the same bit for bit. :mod:`geodata.fast_network` builds the
drive and walk networks from these arrays; ``tests/test_fast_network.py`` checks them
against the osmnx graphs on the shipped extracts.

A file this reader cannot promise to read as osmnx would (nodes or ways out of id
order, a way naming a node the file lacks) gives ``None``: the caller then reads it
the osmnx way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby, pairwise
from pathlib import Path

import numpy as np

from geodata.file_kinds import RoadFileKind
from geodata.osmnx_lazy import ox
from geodata.road_filter import WAY_TAGS

#: osmnx's ``oneway`` values that make a way one-way, and those that reverse it.
ONEWAY_VALUES = frozenset({"yes", "true", "1", "-1", "reverse", "T", "F"})
REVERSED_VALUES = frozenset({"-1", "reverse", "T"})


def useful_way_tags() -> list[str]:
    """The way tags kept on edges: osmnx's defaults and the ones the filters read."""
    return sorted(set(ox.settings.useful_tags_way) | set(WAY_TAGS))


@dataclass(frozen=True)
class RawRoads:
    """Every ``highway`` way of a file as directed edges (osmnx's unsimplified graph).

    Attributes
    ----------
    node_ids, x, y
        OSM id, longitude and latitude of every node a way names, in file order.
    ways
        Each way's edge attributes as osmnx sets them (``osmid``, kept tags, ``oneway``).
    u, v
        Node positions of each edge, in osmnx's insertion order.
    way
        The way (index into ``ways``) of each edge.
    reversed
        Whether the edge runs against the way's node order (osmnx's ``reversed``).
    length
        Great-circle length of each edge, metres (osmnx's ``length``).
    iteration
        The edges in the order osmnx's ``G.edges`` lists them.
    """

    node_ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    ways: list[dict[str, object]]
    u: np.ndarray
    v: np.ndarray
    way: np.ndarray
    reversed: np.ndarray
    length: np.ndarray
    iteration: np.ndarray

    def edge_data(self, edge: int) -> dict[str, object]:
        """One edge's attributes, as osmnx's raw graph holds them."""
        data = dict(self.ways[int(self.way[edge])])
        data["reversed"] = bool(self.reversed[edge])
        data["length"] = float(self.length[edge])
        return data


def _is_one_way(tags: dict[str, object]) -> bool:
    if ox.settings.all_oneway:
        return True
    if tags.get("oneway") in ONEWAY_VALUES:
        return True
    return tags.get("junction") == "roundabout"


def _read_ways(source: str, kind: RoadFileKind, keep: list[str]):
    import osmium

    ways, refs, last = [], [], None
    processor = osmium.FileProcessor(osmium.io.File(source, kind.value), osmium.osm.WAY)
    for way in processor.with_filter(osmium.filter.KeyFilter("highway")):
        if last is not None and way.id <= last:
            return None
        last = way.id
        tags = {k: way.tags[k] for k in keep if k in way.tags}
        ways.append(({"osmid": way.id, **tags}, [n.ref for n in way.nodes]))
        refs.extend(n.ref for n in way.nodes)
    return ways, refs


def _read_nodes(source: str, kind: RoadFileKind, refs: Iterable[int]):
    import osmium

    ids, xs, ys, last = [], [], [], None
    processor = osmium.FileProcessor(osmium.io.File(source, kind.value), osmium.osm.NODE)
    for node in processor.with_filter(osmium.filter.IdFilter(refs)):
        if last is not None and node.id <= last:
            return None
        last = node.id
        ids.append(node.id)
        xs.append(node.location.lon)
        ys.append(node.location.lat)
    return ids, xs, ys


def read_raw_roads(path: Path, kind: RoadFileKind) -> RawRoads | None:
    """The ``highway`` ways of an OSM file as :class:`RawRoads`, or ``None`` (see above)."""
    read = _read_ways(str(path), kind, useful_way_tags())
    if read is None:
        return None
    ways, refs = read
    unique_refs = sorted(set(refs))
    nodes = _read_nodes(str(path), kind, unique_refs)
    if nodes is None or len(nodes[0]) != len(unique_refs) or not ways:
        return None
    ids, xs, ys = nodes
    position = {n: i for i, n in enumerate(ids)}
    us: list[int] = []
    vs: list[int] = []
    way_of: list[int] = []
    back: list[bool] = []
    attrs = []
    for w, (data, way_nodes) in enumerate(ways):
        chain = [position[n] for n, _ in groupby(way_nodes)]
        one_way = _is_one_way(data)
        if one_way and data.get("oneway") in REVERSED_VALUES:
            chain.reverse()
        data["oneway"] = one_way
        attrs.append(data)
        pairs = list(pairwise(chain))
        directions = (
            [(pairs, False)] if one_way else [(pairs, False), ([(b, a) for a, b in pairs], True)]
        )
        for edges, rev in directions:
            for a, b in edges:
                us.append(a)
                vs.append(b)
                way_of.append(w)
                back.append(rev)
    u, v = np.array(us, dtype=np.int64), np.array(vs, dtype=np.int64)
    x, y = np.array(xs, dtype=float), np.array(ys, dtype=float)
    iteration = edge_iteration(u, v, len(ids))
    length = np.empty(len(u))
    if len(u):
        ui, vi = u[iteration], v[iteration]
        # The same (n, 4) array and columns osmnx's add_edge_lengths hands great_circle.
        c = np.column_stack([y[ui], x[ui], y[vi], x[vi]])
        dists = ox.distance.great_circle(c[:, 0], c[:, 1], c[:, 2], c[:, 3])
        dists[np.isnan(dists)] = 0
        length[iteration] = dists
    return RawRoads(
        node_ids=np.array(ids, dtype=np.int64),
        x=x,
        y=y,
        ways=attrs,
        u=u,
        v=v,
        way=np.array(way_of, dtype=np.int64),
        reversed=np.array(back, dtype=bool),
        length=length,
        iteration=iteration,
    )


def edge_iteration(u: np.ndarray, v: np.ndarray, n_nodes: int) -> np.ndarray:
    """The order networkx lists edges inserted in this order: by the tail's node
    position, then by when the pair was first inserted, then by key (insertion)."""
    if len(u) == 0:
        return np.zeros(0, dtype=np.int64)
    pair = u * np.int64(n_nodes) + v
    _, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
    inserted = np.arange(len(u))
    return np.lexsort((inserted, first[inverse], u))
