"""A region: road networks + places snapped to them + matrices between places."""

from __future__ import annotations

import hashlib
import pickle
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.background import Background, read_background
from geodata.china_crs import PlaceCrs
from geodata.errors import IssueCollector
from geodata.fast_network import Fallback
from geodata.matrices import leg_paths, node_matrix, to_int
from geodata.place_limits import check_limits
from geodata.places import DEPOTS, SCHOOLS, VILLAGES, TableSpec, read_places
from geodata.road_names import Stretch, path_stretches
from geodata.road_sources import ArrayRoads, OsmnxRoads, array_roads
from geodata.roads import RoadNetwork
from geodata.snapping import (
    DEFAULT_WARN_SNAP_M,
    add_snap_legs,
    check_extent,
    gcj02_signature,
    snap_warnings,
)
from geodata.speeds import SpeedModel
from geodata.staging import check_cache_folder, staged_files

#: Bump when the cached Region's layout or the way it is computed changes.
CACHE_VERSION = 5


@dataclass(frozen=True)
class PlaceFile:
    """A place table and how to read it."""

    path: Path
    columns: Mapping[str, str] = field(default_factory=dict)
    layer: str | None = None
    crs: PlaceCrs = PlaceCrs.WGS84
    sheet: str | None = None


@dataclass(frozen=True)
class RegionFiles:
    """The files a region is read from (paths, or :class:`PlaceFile` for options)."""

    roads: Path
    villages: Path | PlaceFile
    schools: Path | PlaceFile
    depots: Path | PlaceFile | None = None


@dataclass(frozen=True)
class Region:
    """Places on road networks, with matrices between every pair of places.

    Places are numbered villages first, then schools, then depots. Matrices are
    ``int32``, directed (row = from, column = to), with
    :data:`geodata.matrices.UNREACHABLE` where no road leads.

    Attributes
    ----------
    villages, schools, depots
        The validated tables (EPSG:4326) with ``node`` (drive network node index),
        ``snap_m`` (distance to that node, metres), ``walk_node`` and ``walk_snap_m``.
    network
        The drive network (school-bus speeds).
    walk_network
        The walk network (both directions, walking speed).
    bus_time_s
        Fastest school-bus time between places, seconds, with both snap legs driven
        at the hazard speed (an unmapped lane).
    road_m
        Shortest drivable road distance between places, metres, with both snap legs.
    walk_m
        Shortest walking distance between places, metres, with both snap legs.
    notes
        Warnings about the inputs (places far from their road node), one line each.
    """

    villages: gpd.GeoDataFrame
    schools: gpd.GeoDataFrame
    depots: gpd.GeoDataFrame
    network: RoadNetwork
    walk_network: RoadNetwork
    bus_time_s: np.ndarray
    road_m: np.ndarray
    walk_m: np.ndarray
    notes: tuple[str, ...] = ()

    @property
    def place_nodes(self) -> np.ndarray:
        """Drive network node index of every place, in place order."""
        return np.concatenate([t["node"].to_numpy() for t in self._tables()]).astype(np.int64)

    def _tables(self) -> list[gpd.GeoDataFrame]:
        return [self.villages, self.schools, self.depots]

    def background(self) -> Background | None:
        """Water, land use and place names of the road file, around the road network
        (:func:`geodata.background.read_background`); None when the file is gone (a
        region from a cache whose road file moved)."""
        source = Path(self.network.source)
        if not source.is_file():
            return None
        pad = 0.01
        net = self.network
        box = (
            float(net.lon.min()) - pad,
            float(net.lat.min()) - pad,
            float(net.lon.max()) + pad,
            float(net.lat.max()) + pad,
        )
        return read_background(source, bbox=box)

    def road_lines(self) -> list[tuple[tuple[float, float], ...]]:
        """Every road of the drive network once (either direction), as (lon, lat) lines."""
        net, lines, seen = self.network, [], set()
        csr = net.time_csr.tocoo()
        for a, b in sorted(zip(csr.row.tolist(), csr.col.tolist())):
            if (b, a) in seen:
                continue
            seen.add((a, b))
            middle = net.edge_coords.get((a, b))
            if middle:
                lines.append(middle)
            else:
                lines.append(
                    (
                        (round(float(net.lon[a]), 7), round(float(net.lat[a]), 7)),
                        (round(float(net.lon[b]), 7), round(float(net.lat[b]), 7)),
                    )
                )
        return lines

    def route_path(self, place_sequence: list[int]) -> tuple[list[tuple[float, float]], float]:
        """Road path through a sequence of place indices along the fastest legs.

        Returns
        -------
        coords, length_m
            The path as ``(lon, lat)`` pairs following the road geometry, and its
            length in metres.
        """
        net = self.network
        nodes = self.place_nodes
        legs = [(int(nodes[a]), int(nodes[b])) for a, b in zip(place_sequence, place_sequence[1:])]
        coords: list[tuple[float, float]] = []
        length = 0.0

        def add(point: tuple[float, float]) -> None:
            if not coords or coords[-1] != point:
                coords.append(point)

        for path in leg_paths(net.time_csr, legs):
            if path:
                add((round(float(net.lon[path[0]]), 7), round(float(net.lat[path[0]]), 7)))
            for a, b in zip(path, path[1:]):
                length += float(net.length_csr[a, b])
                for point in net.edge_coords.get((a, b), ()):
                    add(point)
                add((round(float(net.lon[b]), 7), round(float(net.lat[b]), 7)))
        return coords, length

    def village_towns(self) -> dict[str, str]:
        """Each village's township (the villages table's ``town``; ``""`` where none)."""
        towns = self.villages["town"] if "town" in self.villages else [""] * len(self.villages)
        return {str(v): str(t or "") for v, t in zip(self.villages["id"], towns)}

    def route_roads(self, place_sequence: list[int]) -> list[Stretch]:
        """The roads along :meth:`route_path` of the same places: name, ref, hazards and
        length of each stretch (:func:`geodata.road_names.path_stretches`)."""
        nodes = self.place_nodes
        legs = [(int(nodes[a]), int(nodes[b])) for a, b in zip(place_sequence, place_sequence[1:])]
        return path_stretches(self.network, leg_paths(self.network.time_csr, legs))


def _near_any(source: OsmnxRoads | ArrayRoads, places: gpd.GeoDataFrame) -> np.ndarray:
    """Metres from each place to the nearest mapped road node, connected or not."""
    return source.raw_snapper(places.estimate_utm_crs())(places)[1]


def _read(spec: TableSpec, source: Path | PlaceFile | None) -> tuple[gpd.GeoDataFrame, str]:
    if source is None:
        empty = gpd.GeoDataFrame(
            {"id": [], "name": [], "lon": [], "lat": []}, geometry=[], crs="EPSG:4326"
        )
        return empty, "-"
    if isinstance(source, PlaceFile):
        table = read_places(
            source.path,
            spec,
            columns=source.columns,
            layer=source.layer,
            crs=source.crs,
            sheet=source.sheet,
        )
        return table, str(source.path)
    return read_places(source, spec), str(source)


def load_region(
    files: RegionFiles,
    *,
    speeds: SpeedModel | None = None,
    walk_kph: float = 4.0,
    max_snap_m: float = 1000.0,
    cache_dir: Path | None = None,
    cutoff_s: float | None = None,
    warn_snap_m: float = DEFAULT_WARN_SNAP_M,
) -> Region:
    """Read, validate and snap a region, and compute its place-to-place matrices.

    Parameters
    ----------
    files
        Road network and place tables.
    speeds
        The school-bus speed model.
    walk_kph
        Walking speed (the walk network's travel times).
    max_snap_m
        A place farther than this from any road is an error (reported by id, never
        silently moved); the extent check allows this margin around the roads' hull.
    warn_snap_m
        A place farther than this from its road node is named in ``Region.notes``.
    cutoff_s
        Bus times beyond this are left unreachable (faster on large networks when
        only journeys within the limits matter); ``None``: every pair.
    cache_dir
        Where to keep the computed region under a hash of every input's content and
        every setting; a second run with the same inputs loads it instead. It must be
        new, empty or hold only cache entries (:func:`geodata.staging.check_cache_folder`).

    Raises
    ------
    geodata.errors.InputError
        With every problem found in the files.
    """
    speeds = speeds or SpeedModel()
    key = None
    if cache_dir is not None:
        check_cache_folder(cache_dir)
        key = _cache_key(files, speeds, walk_kph, (max_snap_m, cutoff_s, warn_snap_m))
        cached = Path(cache_dir) / f"region-{key}.pickle"
        region = _read_cache_entry(cached)
        if region is not None:
            return region
    region = _compute_region(files, speeds, walk_kph, (max_snap_m, warn_snap_m), cutoff_s)
    if key is not None:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        # A temporary name of its own: runs in parallel may fill the same cache entry.
        with staged_files([Path(cache_dir) / f"region-{key}.pickle"]) as (tmp,):
            with tmp.open("wb") as fh:
                pickle.dump(region, fh, protocol=5)
    return region


#: What unpickling a damaged or foreign cache entry may raise.
CACHE_DAMAGE = (
    pickle.UnpicklingError,
    EOFError,
    AttributeError,
    ImportError,
    IndexError,
    TypeError,
    ValueError,
    MemoryError,
)


def _read_cache_entry(path: Path) -> Region | None:
    """The region of a cache entry, or ``None`` when there is none or it is damaged.

    A damaged entry (truncated by a full disk, written by another version) is
    reported with a warning on stderr and computed again; the new entry replaces it.
    """
    if not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            region = pickle.load(fh)
    except CACHE_DAMAGE as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        print(
            f"schoolplan: warning: the cache entry {path} is damaged ({reason}); "
            "computing the region again",
            file=sys.stderr,
        )
        return None
    return region if isinstance(region, Region) else None


def _compute_region(
    files: RegionFiles,
    speeds: SpeedModel,
    walk_kph: float,
    snap_limits: tuple[float, float],
    cutoff_s: float | None = None,
) -> Region:
    roads = Path(files.roads)
    fast = array_roads(roads, speeds, walk_kph)
    if fast is not None:
        try:
            return _region_on(fast, files, speeds, snap_limits, cutoff_s)
        except Fallback:
            pass
    return _region_on(OsmnxRoads(roads, speeds, walk_kph), files, speeds, snap_limits, cutoff_s)


def _region_on(
    source: OsmnxRoads | ArrayRoads,
    files: RegionFiles,
    speeds: SpeedModel,
    snap_limits: tuple[float, float],
    cutoff_s: float | None,
) -> Region:
    max_snap_m, warn_snap_m = snap_limits
    roads = Path(files.roads)
    villages, v_name = _read(VILLAGES, files.villages)
    schools, s_name = _read(SCHOOLS, files.schools)
    depots, d_name = _read(DEPOTS, files.depots)
    tables = [(v_name, villages), (s_name, schools), (d_name, depots)]
    issues = IssueCollector()
    for (name, table), kind in zip(tables, ("villages", "schools", "depots")):
        check_limits(name, kind, table, issues)
    located = [t.geometry for _, t in tables if not t.empty]
    crs = gpd.GeoSeries(pd.concat(located), crs="EPSG:4326").estimate_utm_crs()
    snap_drive, snap_walk, hull = source.snappers(crs)
    check_extent(hull, tables, roads.name, issues, margin_m=max_snap_m)
    issues.raise_if_any()
    for name, table in tables:
        if table.empty:
            for column in ("node", "walk_node"):
                table[column] = np.zeros(0, np.int64)
            for column in ("snap_m", "walk_snap_m"):
                table[column] = np.zeros(0)
            continue
        table["osm_node"], table["snap_m"] = snap_drive(table)
        table["walk_osm_node"], table["walk_snap_m"] = snap_walk(table)
        far = (table["snap_m"] > max_snap_m).to_numpy()
        # A mapped way nearer than the network: the place is on a part cut off from it.
        near_any = _near_any(source, table[far]) if far.any() else np.zeros(0)
        for pid, dist, other in zip(table["id"][far], table["snap_m"][far], near_any):
            cut_off = (
                f"; the nearest mapped way, {other:.0f} m away, is not connected to the "
                "main road network (an island, or not drivable)"
                if other <= max_snap_m
                else ""
            )
            issues.add(
                name,
                f"id {pid}",
                "lon/lat",
                f"a place within {max_snap_m:.0f} m of a road of {roads.name}",
                f"the nearest connected road {dist:.0f} m away{cut_off}",
            )
    issues.raise_if_any()
    placed = [t for _, t in tables if not t.empty]
    node_xy = [source.drive_xy(n) for n in _column(placed)]
    signature = gcj02_signature(
        np.concatenate([t["lon"].to_numpy(float) for t in placed]),
        np.concatenate([t["lat"].to_numpy(float) for t in placed]),
        np.array([x for x, _ in node_xy]),
        np.array([y for _, y in node_xy]),
    )
    drive_net, walk_net = source.networks(_all(tables, "osm_node"), _all(tables, "walk_osm_node"))
    for _, table in tables:
        if not table.empty:
            table["node"] = drive_net.index_of(table.pop("osm_node"))
            table["walk_node"] = walk_net.index_of(table.pop("walk_osm_node"))
    nodes = np.concatenate([t["node"].to_numpy() for _, t in tables]).astype(np.int64)
    walk_nodes = np.concatenate([t["walk_node"].to_numpy() for _, t in tables]).astype(np.int64)
    snap_m = np.concatenate([t["snap_m"].to_numpy(float) for _, t in tables])
    walk_snap_m = np.concatenate([t["walk_snap_m"].to_numpy(float) for _, t in tables])
    bus_time = node_matrix(drive_net.time_csr, nodes, nodes, cutoff=cutoff_s)
    return Region(
        villages=villages,
        schools=schools,
        depots=depots,
        network=drive_net,
        walk_network=walk_net,
        bus_time_s=add_snap_legs(to_int(bus_time), snap_m / (speeds.hazard_kph / 3.6)),
        road_m=add_snap_legs(to_int(node_matrix(drive_net.length_csr, nodes, nodes)), snap_m),
        walk_m=add_snap_legs(
            to_int(node_matrix(walk_net.length_csr, walk_nodes, walk_nodes)), walk_snap_m
        ),
        notes=tuple(n for _, t in tables for n in t.attrs.get("notes", ()))
        + snap_warnings(tables, warn_snap_m=warn_snap_m, max_snap_m=max_snap_m)
        + ((signature,) if signature else ()),
    )


def _column(placed: list[gpd.GeoDataFrame]) -> list[int]:
    return [int(n) for t in placed for n in t["osm_node"]]


def _all(tables, column: str) -> set[int]:
    return {int(n) for _, t in tables if not t.empty for n in t[column]}


def _cache_key(files: RegionFiles, speeds: SpeedModel, walk_kph: float, limits: object) -> str:
    digest = hashlib.sha256()
    digest.update(repr((CACHE_VERSION, speeds, walk_kph, limits)).encode())
    for source in (files.roads, files.villages, files.schools, files.depots):
        if source is None:
            digest.update(b"-")
            continue
        if isinstance(source, PlaceFile):
            digest.update(
                repr(
                    (sorted(source.columns.items()), source.layer, source.crs, source.sheet)
                ).encode()
            )
            source = source.path
        digest.update(Path(source).read_bytes() if Path(source).is_file() else b"missing")
    return digest.hexdigest()[:24]
