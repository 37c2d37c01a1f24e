"""Places onto road networks, and what that did, told: distances, warnings, errors.

A place is joined to the network at its nearest node. The join is a real piece of
every journey (a lane, a yard, a field path the map does not hold), so it is never
hidden:

- the extent check is against the roads' real hull (the convex hull of every mapped
  road node, connected or not) widened by ``max_snap_m``, not a box: a place beyond
  it is refused, with a hint when lon and lat look swapped;
- a place farther than ``warn_snap_m`` from its node is named in a warning, one
  farther than ``max_snap_m`` is an error;
- the snap legs of both ends are added to every journey between two places
  (:func:`add_snap_legs`), so two places on one node keep a distance and a time.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from scipy.spatial import cKDTree

from geodata.errors import IssueCollector
from geodata.matrices import UNREACHABLE

#: A place farther than this from its road node is named in a warning (metres).
DEFAULT_WARN_SNAP_M = 300.0


class Snapper:
    """Nearest graph node (OSM id) of places, and the distance to it in metres.

    Built from a graph, or (``graph=None``) from ``points``: OSM ids, longitudes and
    latitudes in the graph's node order.

    The search is osmnx's ``nearest_nodes`` on a projected graph (a k-d tree over the
    node points in graph order, ``scipy.spatial.cKDTree``, nearest by straight
    distance), with the node points projected (to the UTM zone of the places) and the
    tree built once per graph for every table, not once per call.
    """

    def __init__(self, graph: nx.MultiDiGraph | None, crs: Any, points=None):
        if graph is not None:
            ids = np.fromiter(graph.nodes, dtype=np.int64, count=graph.number_of_nodes())
            data = graph.nodes(data=True)
            xs = np.fromiter((d["x"] for _, d in data), dtype=float, count=len(ids))
            ys = np.fromiter((d["y"] for _, d in data), dtype=float, count=len(ids))
        else:
            ids, xs, ys = points
        nodes = gpd.GeoSeries(gpd.points_from_xy(xs, ys), crs="EPSG:4326").to_crs(crs)
        self.crs = crs
        self.ids = np.asarray(ids, dtype=np.int64)
        self._xy = np.column_stack([nodes.x.to_numpy(float), nodes.y.to_numpy(float)])
        self._tree: cKDTree | None = None

    def __call__(self, places: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
        if places.empty:
            return np.zeros(0, np.int64), np.zeros(0)
        if self._tree is None:
            self._tree = cKDTree(self._xy)
        points = places.geometry.to_crs(self.crs)
        x, y = np.array(points.x.to_numpy()), np.array(points.y.to_numpy())
        if np.isnan(x).any() or np.isnan(y).any():
            raise ValueError("`X` and `Y` cannot contain nulls.")
        dist, pos = self._tree.query(np.array([x, y]).T, k=1)
        return self.ids[pos], np.asarray(dist, dtype=float)


class RoadHull:
    """The convex hull of every mapped road node, projected, to measure how far out a place is.

    Built from a graph, or (``graph=None``) from ``points``: longitudes and latitudes.
    """

    def __init__(self, graph: nx.MultiDiGraph | None, crs: Any, points=None):
        if graph is not None:
            data = graph.nodes(data=True)
            xs = np.fromiter((d["x"] for _, d in data), dtype=float, count=len(data))
            ys = np.fromiter((d["y"] for _, d in data), dtype=float, count=len(data))
        else:
            xs, ys = points
        nodes = gpd.GeoSeries(gpd.points_from_xy(xs, ys), crs="EPSG:4326").to_crs(crs)
        self.crs = crs
        self.hull = shapely.convex_hull(shapely.multipoints(np.c_[nodes.x, nodes.y]))

    def distance(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Metres from each point to the hull (0 inside)."""
        points = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs(self.crs)
        return shapely.distance(self.hull, points.to_numpy())


def check_extent(
    hull: RoadHull,
    tables: list[tuple[str, gpd.GeoDataFrame]],
    roads: str,
    issues: IssueCollector,
    *,
    margin_m: float,
) -> None:
    """Places beyond the roads' hull widened by ``margin_m``, and whether lon/lat look swapped."""
    for name, table in tables:
        if table.empty:
            continue
        lon, lat = table["lon"].to_numpy(float), table["lat"].to_numpy(float)
        away = hull.distance(lon, lat)
        outside = away > margin_m
        if not outside.any():
            continue
        valid = (np.abs(lon) <= 90) & (np.abs(lat) <= 180)
        swapped = np.full(len(lon), np.inf)
        swapped[valid] = hull.distance(lat[valid], lon[valid])
        for i in np.flatnonzero(outside):
            hint = "; lon and lat look swapped" if swapped[i] <= margin_m else ""
            issues.add(
                name,
                f"id {table['id'].iloc[i]}",
                "lon/lat",
                f"a point within {margin_m:.0f} m of the area the roads of {roads} cover",
                f"({lon[i]}, {lat[i]}), {away[i]:.0f} m outside it{hint}",
            )


def snap_warnings(
    tables: list[tuple[str, gpd.GeoDataFrame]], *, warn_snap_m: float, max_snap_m: float
) -> tuple[str, ...]:
    """One line per place between ``warn_snap_m`` and ``max_snap_m`` from its road node."""
    lines = []
    for name, table in tables:
        if table.empty:
            continue
        for pid, bus, walk in zip(table["id"], table["snap_m"], table["walk_snap_m"]):
            far = max(float(bus), float(walk))
            if warn_snap_m < far <= max_snap_m:
                lines.append(
                    f"{name}: id {pid}: lon/lat: {bus:.0f} m from the bus network and "
                    f"{walk:.0f} m from the walk network (over {warn_snap_m:.0f} m; the leg "
                    "is added to its journeys)"
                )
    return tuple(lines)


def add_snap_legs(matrix: np.ndarray, legs: np.ndarray) -> np.ndarray:
    """Add each origin's and destination's snap leg to a place-to-place matrix.

    Parameters
    ----------
    matrix
        ``int32`` place-to-place matrix (seconds or metres), ``UNREACHABLE`` kept.
    legs
        The leg of each place in the same unit (rounded here).

    Returns
    -------
    numpy.ndarray
        A new ``int32`` matrix; a place to itself stays 0.
    """
    legs = np.rint(np.asarray(legs, dtype=float)).astype(np.int64)
    total = matrix.astype(np.int64) + legs[:, None] + legs[None, :]
    out = np.where(matrix == UNREACHABLE, UNREACHABLE, np.minimum(total, UNREACHABLE - 1))
    np.fill_diagonal(out, 0)
    return out.astype(np.int32)


def gcj02_signature(
    lon: np.ndarray, lat: np.ndarray, node_lon: np.ndarray, node_lat: np.ndarray
) -> str | None:
    """A warning when many places sit a few hundred metres off the roads one same way.

    Coordinates copied from a Chinese web map (GCJ-02) are shifted 100-700 m in
    nearly one direction across a county; WGS84 places sit off their roads in every
    direction. The warning is given for at least 5 places in China whose offsets from
    their road nodes average 100 m or more, with a mean vector at least 60 % as long
    as the mean offset (mostly one direction).
    """
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    if len(lon) < 5:
        return None
    clon, clat = float(np.mean(lon)), float(np.mean(lat))
    if not (72.004 < clon < 137.8347 and 0.8293 < clat < 55.8271):
        return None
    east = (lon - np.asarray(node_lon, float)) * 111_320.0 * np.cos(np.radians(clat))
    north = (lat - np.asarray(node_lat, float)) * 110_574.0
    off = np.hypot(east, north) >= 100.0
    if off.sum() < 5 or off.mean() < 0.5:
        return None
    east, north = east[off], north[off]
    size = float(np.mean(np.hypot(east, north)))
    mean_e, mean_n = float(np.mean(east)), float(np.mean(north))
    drift = float(np.hypot(mean_e, mean_n))
    if size < 100.0 or drift < 0.6 * size:
        return None
    bearing = (np.degrees(np.arctan2(mean_e, mean_n)) + 360.0) % 360.0
    return (
        f"{int(off.sum())} of {len(lon)} places sit on average {size:.0f} m off their road "
        f"nodes, mostly in one direction ({drift:.0f} m towards a bearing of "
        f"{bearing:.0f} degrees): the mark of GCJ-02 coordinates copied from a Chinese "
        "web map; if so, set crs: gcj02 (bd09 for Baidu) on the place tables"
    )
