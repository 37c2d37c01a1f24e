"""A region: road network + places snapped to it + travel matrices between places."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import osmnx as ox

from geodata.errors import IssueCollector
from geodata.matrices import leg_paths, node_matrix, to_int
from geodata.places import DEPOTS, SCHOOLS, VILLAGES, read_places
from geodata.roads import RoadNetwork, load_road_network
from geodata.speeds import SpeedModel


@dataclass(frozen=True)
class RegionFiles:
    """The files a region is read from."""

    roads: Path
    villages: Path
    schools: Path
    depots: Path | None = None


@dataclass(frozen=True)
class Region:
    """Places on a road network, with matrices between every pair of places.

    Places are numbered villages first, then schools, then depots. Matrices are
    ``int32``, directed (row = from, column = to), with
    :data:`geodata.matrices.UNREACHABLE` where no road leads.

    Attributes
    ----------
    villages, schools, depots
        The validated tables (EPSG:4326) with ``node`` (network node index) and
        ``snap_m`` (distance from the place to its road node, metres) added.
    network
        The road network.
    bus_time_s
        Fastest school-bus time between places, seconds (legal speed caps).
    road_m
        Shortest road distance between places, metres.
    """

    villages: gpd.GeoDataFrame
    schools: gpd.GeoDataFrame
    depots: gpd.GeoDataFrame
    network: RoadNetwork
    bus_time_s: np.ndarray
    road_m: np.ndarray

    @property
    def place_nodes(self) -> np.ndarray:
        """Network node index of every place, in place order."""
        return np.concatenate(
            [self.villages["node"].to_numpy(), self.schools["node"].to_numpy(),
             self.depots["node"].to_numpy()]
        ).astype(np.int64)

    def route_path(self, place_sequence: list[int]) -> tuple[list[tuple[float, float]], float]:
        """Road path through a sequence of place indices along the fastest legs.

        Returns
        -------
        coords, length_m
            The path as ``(lon, lat)`` pairs and its length in metres.
        """
        nodes = self.place_nodes
        legs = [(int(nodes[a]), int(nodes[b])) for a, b in zip(place_sequence, place_sequence[1:])]
        coords: list[tuple[float, float]] = []
        length = 0.0
        for path in leg_paths(self.network.time_csr, legs):
            for a, b in zip(path, path[1:]):
                length += float(self.network.length_csr[a, b])
            for node in path:
                point = (round(float(self.network.lon[node]), 7),
                         round(float(self.network.lat[node]), 7))
                if not coords or coords[-1] != point:
                    coords.append(point)
        return coords, length


def snap(network: RoadNetwork, places: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Nearest network node (index) of each place and the distance to it in metres."""
    projected = ox.projection.project_graph(network.graph)
    points = places.geometry.to_crs(projected.graph["crs"])
    osm_nodes, dist = ox.distance.nearest_nodes(
        projected, points.x.to_numpy(), points.y.to_numpy(), return_dist=True
    )
    index = np.searchsorted(network.node_ids, np.asarray(osm_nodes, dtype=np.int64))
    return index.astype(np.int64), np.asarray(dist, dtype=float)


def load_region(
    files: RegionFiles, *, speeds: SpeedModel | None = None, max_snap_m: float = 1000.0
) -> Region:
    """Read, validate and snap a region, and compute its place-to-place matrices.

    Parameters
    ----------
    files
        Road network and place tables.
    speeds
        The school-bus speed model.
    max_snap_m
        A place farther than this from any road of the network is an error (it is
        reported by id, never silently moved).

    Raises
    ------
    geodata.errors.InputError
        With every problem found in the files.
    """
    network = load_road_network(files.roads, speeds=speeds)
    villages = read_places(files.villages, VILLAGES)
    schools = read_places(files.schools, SCHOOLS)
    depots = (read_places(files.depots, DEPOTS) if files.depots is not None
              else gpd.GeoDataFrame({"id": [], "name": [], "lon": [], "lat": []},
                                    geometry=[], crs="EPSG:4326"))
    issues = IssueCollector()
    tables = [(files.villages, villages), (files.schools, schools), (files.depots, depots)]
    for path, table in tables:
        if table.empty:
            table["node"], table["snap_m"] = np.zeros(0, np.int64), np.zeros(0)
            continue
        table["node"], table["snap_m"] = snap(network, table)
        for place_id, dist in zip(table["id"], table["snap_m"]):
            if dist > max_snap_m:
                issues.add(path, f"id {place_id}", "lon/lat",
                           f"a place within {max_snap_m:.0f} m of a road of {files.roads.name}",
                           f"{dist:.0f} m away")
    issues.raise_if_any()
    nodes = np.concatenate([t["node"].to_numpy() for _, t in tables]).astype(np.int64)
    return Region(
        villages=villages,
        schools=schools,
        depots=depots,
        network=network,
        bus_time_s=to_int(node_matrix(network.time_csr, nodes, nodes)),
        road_m=to_int(node_matrix(network.length_csr, nodes, nodes)),
    )
