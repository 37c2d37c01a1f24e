"""Road networks: OSM file -> drivable graph with school-bus travel times -> CSR matrices."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import osmnx as ox
import scipy.sparse as sp

from geodata.errors import InputError, InputIssue
from geodata.speeds import SpeedModel, first

#: Way tags kept from OSM besides osmnx's defaults: the hazard rule reads them.
EXTRA_WAY_TAGS = ("surface", "smoothness", "incline", "tracktype")


@dataclass(frozen=True)
class RoadNetwork:
    """A drivable road graph and its weighted adjacency as CSR matrices.

    Nodes are numbered ``0..n-1`` in the order of ``node_ids`` (sorted OSM ids).

    Attributes
    ----------
    graph
        The osmnx graph (largest strongly connected component), with ``bus_kph`` and
        ``travel_time`` (seconds) on every edge.
    node_ids
        OSM node id of each node index.
    lon, lat
        Node coordinates (WGS84).
    time_csr
        Fastest school-bus travel time between adjacent nodes, seconds.
    length_csr
        Shortest length between adjacent nodes, metres.
    source
        The file the network was read from.
    """

    graph: nx.MultiDiGraph
    node_ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    time_csr: sp.csr_matrix
    length_csr: sp.csr_matrix
    source: str

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_ids)


@contextmanager
def _way_tags(extra: tuple[str, ...]) -> Iterator[None]:
    """Keep extra OSM way tags while reading, restoring osmnx's settings afterwards."""
    saved = list(ox.settings.useful_tags_way)
    ox.settings.useful_tags_way = sorted(set(saved) | set(extra))
    try:
        yield
    finally:
        ox.settings.useful_tags_way = saved


def load_road_network(path: str | Path, *, speeds: SpeedModel | None = None) -> RoadNetwork:
    """Read an OSM XML file into a drivable network timed for a loaded school bus.

    Parameters
    ----------
    path
        An OSM XML file (``.osm``, ``.osm.bz2``, ``.osm.gz``).
    speeds
        The speed model; the legal defaults when omitted.

    Returns
    -------
    RoadNetwork
        The largest strongly connected component of the drivable roads.

    Raises
    ------
    InputError
        When the file is missing, unreadable or holds no drivable road.
    """
    speeds = speeds or SpeedModel()
    path = Path(path)
    if not path.is_file():
        raise InputError([InputIssue(str(path), "-", "file", "an OSM XML file", "no such file")])
    try:
        with _way_tags(EXTRA_WAY_TAGS):
            graph = ox.graph_from_xml(path, simplify=False, retain_all=True)
    except Exception as exc:  # osmnx raises many kinds for a corrupt file
        raise InputError(
            [InputIssue(str(path), "-", "content", "valid OSM XML", f"{type(exc).__name__}: {exc}")]
        ) from None
    drivable = set(speeds.highway_kph)
    graph.remove_edges_from(
        [(u, v, k) for u, v, k, hwy in graph.edges(keys=True, data="highway")
         if first(hwy) not in drivable]
    )
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    if graph.number_of_edges() == 0:
        raise InputError(
            [InputIssue(str(path), "-", "highway", f"ways with highway in {sorted(drivable)}",
                        "no drivable road")]
        )
    graph = ox.truncate.largest_component(graph, strongly=True)
    graph = ox.routing.add_edge_speeds(
        graph, hwy_speeds=dict(speeds.highway_kph), fallback=speeds.fallback_kph
    )
    for _, _, data in graph.edges(data=True):
        kph = speeds.bus_kph(str(first(data.get("highway"))), float(data["speed_kph"]), data)
        data["bus_kph"] = kph
        data["travel_time"] = float(data["length"]) / (kph / 3.6)
    return _to_network(graph, str(path))


def _to_network(graph: nx.MultiDiGraph, source: str) -> RoadNetwork:
    node_ids = np.array(sorted(graph.nodes), dtype=np.int64)
    index = {node: i for i, node in enumerate(node_ids.tolist())}
    lon = np.array([graph.nodes[n]["x"] for n in node_ids.tolist()], dtype=float)
    lat = np.array([graph.nodes[n]["y"] for n in node_ids.tolist()], dtype=float)
    rows, cols, times, lengths = [], [], [], []
    for u, v, data in graph.edges(data=True):
        rows.append(index[u])
        cols.append(index[v])
        times.append(data["travel_time"])
        lengths.append(float(data["length"]))
    rows_a, cols_a = np.array(rows), np.array(cols)
    n = len(node_ids)
    return RoadNetwork(
        graph=graph,
        node_ids=node_ids,
        lon=lon,
        lat=lat,
        time_csr=_min_csr(rows_a, cols_a, np.array(times), n),
        length_csr=_min_csr(rows_a, cols_a, np.array(lengths), n),
        source=source,
    )


def _min_csr(rows: np.ndarray, cols: np.ndarray, weights: np.ndarray, n: int) -> sp.csr_matrix:
    """CSR adjacency keeping the smallest weight of parallel edges (scipy would sum them)."""
    order = np.lexsort((weights, cols, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    keep = np.ones(len(rows), dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    # csgraph treats explicit zeros as missing edges: keep a tiny positive weight instead.
    weights = np.maximum(weights[keep], 1e-6)
    return sp.csr_matrix((weights, (rows[keep], cols[keep])), shape=(n, n))
