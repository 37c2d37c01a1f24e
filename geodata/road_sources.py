"""The two ways a region's roads are read, behind one face.

:class:`OsmnxRoads` is the reference: osmnx graphs (:mod:`geodata.roads`), the only way
for GraphML. :class:`ArrayRoads` reads OSM XML and PBF with pyosmium into arrays
(:mod:`geodata.osm_arrays`, :mod:`geodata.fast_network`) and gives the same networks,
snaps and hull bit for bit, several times faster; where it cannot promise that it raises
:class:`geodata.fast_network.Fallback` and the region is read the osmnx way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from geodata.fast_network import Fallback, FastGraph, fast_drive, fast_network, fast_walk
from geodata.file_kinds import RoadFileKind, road_file_kind
from geodata.osm_arrays import RawRoads, read_raw_roads
from geodata.roads import RoadNetwork, drive_graph, read_osm_graph, simplify, to_network, walk_graph
from geodata.snapping import RoadHull, Snapper
from geodata.speeds import SpeedModel


class OsmnxRoads:
    """Raw, drive and walk graphs of osmnx (the reference way)."""

    def __init__(self, roads: Path, speeds: SpeedModel, walk_kph: float):
        self.source = str(roads)
        self.raw = read_osm_graph(roads)
        self.drive = drive_graph(self.raw, speeds, source=self.source)
        self.walk = walk_graph(self.raw, walk_kph, source=self.source)

    def snappers(self, crs: Any) -> tuple[Snapper, Snapper, RoadHull]:
        """Snappers of the drive and walk networks and the hull of every road node."""
        return Snapper(self.drive, crs), Snapper(self.walk, crs), RoadHull(self.raw, crs)

    def raw_snapper(self, crs: Any) -> Snapper:
        """A snapper over every mapped road node, connected or not."""
        return Snapper(self.raw, crs)

    def drive_xy(self, osm_id: int) -> tuple[float, float]:
        """Longitude and latitude of a drive network node."""
        data = self.drive.nodes[int(osm_id)]
        return data["x"], data["y"]

    def networks(self, drive_keep: set[int], walk_keep: set[int]) -> tuple[RoadNetwork, ...]:
        """The simplified drive and walk networks, keeping the nodes places snap to."""
        return (
            to_network(simplify(self.drive, drive_keep), self.source),
            to_network(simplify(self.walk, walk_keep), self.source),
        )


class ArrayRoads:
    """The same networks from arrays (OSM XML and PBF only)."""

    def __init__(self, raw: RawRoads, roads: Path, speeds: SpeedModel, walk_kph: float):
        self.source = str(roads)
        self.raw = raw
        self.drive: FastGraph = fast_drive(raw, speeds)
        self.walk: FastGraph = fast_walk(raw, walk_kph)
        pos = {int(n): i for i, n in enumerate(self.drive.ids.tolist())}
        self._drive_pos = pos

    def snappers(self, crs: Any) -> tuple[Snapper, Snapper, RoadHull]:
        """See :meth:`OsmnxRoads.snappers`."""
        drive = Snapper(None, crs, points=(self.drive.ids, *self.drive.xy()))
        walk = Snapper(None, crs, points=(self.walk.ids, *self.walk.xy()))
        return drive, walk, RoadHull(None, crs, points=(self.raw.x, self.raw.y))

    def raw_snapper(self, crs: Any) -> Snapper:
        """See :meth:`OsmnxRoads.raw_snapper`."""
        return Snapper(None, crs, points=(self.raw.node_ids, self.raw.x, self.raw.y))

    def drive_xy(self, osm_id: int) -> tuple[float, float]:
        """See :meth:`OsmnxRoads.drive_xy`."""
        p = self.drive.nodes[self._drive_pos[int(osm_id)]]
        return float(self.raw.x[p]), float(self.raw.y[p])

    def networks(self, drive_keep: set[int], walk_keep: set[int]) -> tuple[RoadNetwork, ...]:
        """See :meth:`OsmnxRoads.networks`."""
        return (
            fast_network(self.drive, drive_keep, self.source),
            fast_network(self.walk, walk_keep, self.source),
        )


def array_roads(roads: Path, speeds: SpeedModel, walk_kph: float) -> ArrayRoads | None:
    """The roads read into arrays, or ``None`` when only the osmnx way will do (GraphML,
    a file the arrays cannot promise to read as osmnx does, or one with an error for the
    osmnx way to report)."""
    try:
        kind = road_file_kind(roads)
    except Exception:  # noqa: BLE001 - the osmnx way reports it
        return None
    if kind is RoadFileKind.GRAPHML:
        return None
    try:
        raw = read_raw_roads(roads, kind)
        return None if raw is None else ArrayRoads(raw, roads, speeds, walk_kph)
    except Fallback:
        return None
    except Exception:  # noqa: BLE001 - a corrupt file: the osmnx way names the problem
        return None
