"""Road networks: OSM files -> drivable and walkable graphs with travel times -> CSR.

Inputs: OSM XML (plain, gzip or bzip2), OSM PBF, or a GraphML file saved by osmnx,
each told by its content (:mod:`geodata.file_kinds`). This is the reference way, with
osmnx graphs: a region reads OSM files on arrays (:mod:`geodata.road_sources`), which
give the same networks bit for bit, and comes here for GraphML and for the files the
arrays cannot promise to read as osmnx would. Every OSM kind is streamed
through pyosmium into a temporary XML file holding only the ``highway`` ways and
their nodes; then the same filter (:mod:`geodata.road_filter`) decides, for every
kind, which edges a pupil may walk and a bus may drive. The drive network carries the
school-bus speed model (:mod:`geodata.speeds`); the walk network every way a
pupil may walk on, in both directions. Graphs are simplified after speeds are set,
with ``edge_attrs_differ`` so that speeds of different segments are never blended,
and with the nodes that places snap to kept as endpoints.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import scipy.sparse as sp

from geodata.errors import InputError, InputIssue
from geodata.file_kinds import RoadFileKind, road_file_kind
from geodata.osmnx_lazy import ox
from geodata.road_filter import WAY_TAGS, drivable, is_road, walkable
from geodata.speeds import SpeedModel, first

#: Way tags kept from OSM besides osmnx's defaults: the filters and speed model read them.
EXTRA_WAY_TAGS = WAY_TAGS
#: Marks graph nodes that a place snapped to, so that simplification keeps them.
PLACE_ATTR = "schoolplan_place"
#: Edge attribute of the drive graph: why the edge is a hazard segment, the
#: :class:`geodata.kinds.Hazard` values joined by commas (empty: no hazard).
HAZARD_ATTR = "schoolplan_hazard"


@dataclass(frozen=True)
class RoadNetwork:
    """A road graph and its weighted adjacency as CSR matrices.

    Nodes are numbered ``0..n-1`` in the order of ``node_ids`` (sorted OSM ids).

    Attributes
    ----------
    graph
        The osmnx graph (simplified), with ``travel_time`` (seconds) on every edge.
    node_ids
        OSM node id of each node index.
    lon, lat
        Node coordinates (WGS84).
    time_csr
        Fastest travel time between adjacent nodes, seconds.
    length_csr
        Shortest length between adjacent nodes, metres.
    edge_coords
        ``(from, to) -> ((lon, lat), ...)`` road geometry of the fastest edge between
        adjacent nodes, where it is more than a straight line.
    source
        The file the network was read from.
    """

    graph: nx.MultiDiGraph
    node_ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    time_csr: sp.csr_matrix
    length_csr: sp.csr_matrix
    edge_coords: dict[tuple[int, int], tuple[tuple[float, float], ...]]
    source: str

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_ids)

    def index_of(self, osm_ids: Iterable[int]) -> np.ndarray:
        """Node indices of OSM node ids (all must be in the network)."""
        return np.searchsorted(self.node_ids, np.fromiter(osm_ids, dtype=np.int64))


@contextmanager
def _way_tags(extra: tuple[str, ...]) -> Iterator[None]:
    """Keep extra OSM way tags while reading, restoring osmnx's settings afterwards."""
    saved = list(ox.settings.useful_tags_way)
    ox.settings.useful_tags_way = sorted(set(saved) | set(extra))
    try:
        yield
    finally:
        ox.settings.useful_tags_way = saved


def read_osm_graph(path: str | Path) -> nx.MultiDiGraph:
    """Read every ``highway`` way of a road file into an unsimplified osmnx graph.

    The kind is told by the content, whatever the name; edges without a ``highway``
    tag (a GraphML file may hold them) are dropped.

    Raises
    ------
    InputError
        When the file is missing, empty, truncated, corrupt or of an unknown kind.
    """
    path = Path(path)
    kind = road_file_kind(path)
    try:
        if kind is RoadFileKind.GRAPHML:
            graph = ox.load_graphml(path)
            return _subgraph(graph, is_road)
        with tempfile.TemporaryDirectory() as tmp:
            xml = Path(tmp) / "roads.osm"
            _roads_to_xml(path, kind, xml)
            return _read_xml(xml)
    except InputError:
        raise
    except ox._errors.InsufficientResponseError:  # osmnx: no nodes or ways in the file
        raise InputError(
            [InputIssue(str(path), "-", "content", "OSM ways with a highway tag", "none")]
        ) from None
    except Exception as exc:  # the readers raise many kinds for a corrupt file
        raise InputError(
            [
                InputIssue(
                    str(path),
                    "-",
                    "content",
                    f"a complete, valid {_KIND_NAMES[kind]} file",
                    f"a truncated or corrupt one ({exc})",
                )
            ]
        ) from None


_KIND_NAMES = {
    RoadFileKind.OSM_XML: "OSM XML",
    RoadFileKind.OSM_GZIP: "gzip-compressed OSM XML",
    RoadFileKind.OSM_BZIP2: "bzip2-compressed OSM XML",
    RoadFileKind.PBF: "OSM PBF",
    RoadFileKind.GRAPHML: "GraphML",
}


def _read_xml(path: Path) -> nx.MultiDiGraph:
    with _way_tags(EXTRA_WAY_TAGS):
        return ox.graph_from_xml(path, simplify=False, retain_all=True)


def _roads_to_xml(source: Path, kind: RoadFileKind, xml: Path) -> None:
    """Stream the ``highway`` ways of an OSM file, with their nodes, into OSM XML."""
    import osmium

    def src() -> osmium.io.File:
        return osmium.io.File(str(source), kind.value)

    with osmium.BackReferenceWriter(str(xml), ref_src=src(), overwrite=True) as writer:
        ways = osmium.FileProcessor(src(), osmium.osm.WAY)
        for way in ways.with_filter(osmium.filter.KeyFilter("highway")):
            writer.add(way)


def drive_graph(raw: nx.MultiDiGraph, speeds: SpeedModel, *, source: str) -> nx.MultiDiGraph:
    """The drivable part of a raw graph (largest strongly connected), with bus speeds.

    Which edges a bus may use is :func:`geodata.road_filter.drivable`.

    Every edge gets ``bus_kph`` and ``travel_time`` (seconds) from the speed model.
    """
    graph = _subgraph(raw, lambda d: drivable(d, speeds))
    _check_lengths(graph, source)
    if graph.number_of_edges() == 0:
        raise InputError(
            [
                InputIssue(
                    source,
                    "-",
                    "highway",
                    f"ways with highway in {sorted(speeds.highway_kph)}",
                    "no drivable road",
                )
            ]
        )
    graph = ox.truncate.largest_component(graph, strongly=True)
    if graph.number_of_edges() == 0:  # one-way ways that never lead back to each other
        raise InputError(
            [
                InputIssue(
                    source,
                    "-",
                    "oneway",
                    "drivable roads a bus can drive both to and from (a strongly "
                    "connected network)",
                    f"{raw.number_of_edges()} road edges of which no two lead back to each "
                    "other: every way is one-way (oneway=yes/-1) away from the others",
                )
            ]
        )
    graph = ox.routing.add_edge_speeds(
        graph, hwy_speeds=dict(speeds.highway_kph), fallback=speeds.fallback_kph
    )
    for _, _, data in graph.edges(data=True):
        kph = speeds.bus_kph(str(first(data.get("highway"))), float(data["speed_kph"]), data)
        data["bus_kph"] = kph
        data["travel_time"] = float(data["length"]) / (kph / 3.6)
        data[HAZARD_ATTR] = ",".join(speeds.hazards(data))
    return graph


def walk_graph(raw: nx.MultiDiGraph, walk_kph: float, *, source: str) -> nx.MultiDiGraph:
    """The walkable part of a raw graph, both directions, largest connected part.

    Which edges a pupil may walk is :func:`geodata.road_filter.walkable`.
    """

    graph = _subgraph(raw, walkable)
    _check_lengths(graph, source)
    if graph.number_of_edges() == 0:
        raise InputError([InputIssue(source, "-", "highway", "walkable ways", "none")])
    for u, v, data in list(graph.edges(data=True)):
        if not graph.has_edge(v, u):
            back = dict(data)
            if "geometry" in back:
                back["geometry"] = back["geometry"].reverse()
            graph.add_edge(v, u, **back)
    graph = ox.truncate.largest_component(graph, strongly=True)
    for _, _, data in graph.edges(data=True):
        data["travel_time"] = float(data["length"]) / (walk_kph / 3.6)
    return graph


def _check_lengths(graph: nx.MultiDiGraph, source: str) -> None:
    """Every edge has a finite, non-negative ``length`` in metres (a GraphML may lack it)."""
    bad = 0
    for _, _, data in graph.edges(data=True):
        try:
            length = float(data["length"])
        except (KeyError, TypeError, ValueError):
            bad += 1
            continue
        bad += not (0 <= length < float("inf"))
    if bad:
        raise InputError(
            [
                InputIssue(
                    source,
                    "-",
                    "length",
                    "a length in metres on every road edge (osmnx writes it in GraphML)",
                    f"{bad} of {graph.number_of_edges()} edges without a valid length",
                )
            ]
        )


def _subgraph(raw: nx.MultiDiGraph, keep) -> nx.MultiDiGraph:
    """The edges of ``raw`` that ``keep`` accepts, with their end nodes."""
    edges = [(u, v, k, d) for u, v, k, d in raw.edges(keys=True, data=True) if keep(d)]
    used = {u for u, _, _, _ in edges} | {v for _, v, _, _ in edges}
    graph = nx.MultiDiGraph(**raw.graph)
    graph.add_nodes_from((n, raw.nodes[n]) for n in raw.nodes if n in used)
    graph.add_edges_from(edges)
    return graph


def simplify(graph: nx.MultiDiGraph, keep_nodes: Iterable[int]) -> nx.MultiDiGraph:
    """Drop interstitial nodes; speeds never blended; ``keep_nodes`` stay endpoints."""
    graph = graph.copy()
    for node in keep_nodes:
        graph.nodes[node][PLACE_ATTR] = True
    differ = [
        a
        for a in ("bus_kph", "highway", HAZARD_ATTR)
        if any(a in d for _, _, d in graph.edges(data=True))
    ]
    return ox.simplify_graph(
        graph,
        node_attrs_include=[PLACE_ATTR],
        edge_attrs_differ=differ,
        edge_attr_aggs={"length": sum, "travel_time": sum},
    )


def to_network(graph: nx.MultiDiGraph, source: str) -> RoadNetwork:
    """CSR matrices (smallest weight of parallel edges) and geometry of a timed graph."""
    node_ids = np.array(sorted(graph.nodes), dtype=np.int64)
    index = {node: i for i, node in enumerate(node_ids.tolist())}
    lon = np.array([graph.nodes[n]["x"] for n in node_ids.tolist()], dtype=float)
    lat = np.array([graph.nodes[n]["y"] for n in node_ids.tolist()], dtype=float)
    edges = sorted(
        (
            (index[u], index[v], float(d["travel_time"]), float(d["length"]), d)
            for u, v, d in graph.edges(data=True)
        ),
        key=lambda e: e[:3],
    )
    rows = np.array([e[0] for e in edges], dtype=np.int64)
    cols = np.array([e[1] for e in edges], dtype=np.int64)
    coords: dict[tuple[int, int], tuple[tuple[float, float], ...]] = {}
    seen: set[tuple[int, int]] = set()
    for u, v, _, _, data in edges:  # sorted by time: the first edge of a pair is the fastest
        if (u, v) in seen:
            continue
        seen.add((u, v))
        geom = data.get("geometry")
        if geom is not None:
            coords[u, v] = tuple((round(x, 7), round(y, 7)) for x, y in geom.coords)
    n = len(node_ids)
    return RoadNetwork(
        graph=graph,
        node_ids=node_ids,
        lon=lon,
        lat=lat,
        time_csr=_min_csr(rows, cols, np.array([e[2] for e in edges]), n),
        length_csr=_min_csr(rows, cols, np.array([e[3] for e in edges]), n),
        edge_coords=coords,
        source=source,
    )


def load_road_network(path: str | Path, *, speeds: SpeedModel | None = None) -> RoadNetwork:
    """Read an OSM file into a simplified drive network timed for a loaded school bus.

    Parameters
    ----------
    path
        An OSM file (see the module docstring for the kinds).
    speeds
        The speed model; the legal defaults when omitted.
    """
    graph = drive_graph(read_osm_graph(path), speeds or SpeedModel(), source=str(path))
    return to_network(simplify(graph, ()), str(path))


def _min_csr(rows: np.ndarray, cols: np.ndarray, weights: np.ndarray, n: int) -> sp.csr_matrix:
    """CSR adjacency keeping the smallest weight of parallel edges (scipy would sum them)."""
    order = np.lexsort((weights, cols, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    keep = np.ones(len(rows), dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    # csgraph treats explicit zeros as missing edges: keep a tiny positive weight instead.
    weights = np.maximum(weights[keep], 1e-6)
    return sp.csr_matrix((weights, (rows[keep], cols[keep])), shape=(n, n))
