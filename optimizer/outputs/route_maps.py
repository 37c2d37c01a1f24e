"""The small map of one bus route for its route sheet: roads near it, stops, school, yard.

A PNG drawn with matplotlib's Agg canvas (no pyplot state; same plan, same bytes): the
road network within the route's box in grey, the route's road path, its stops numbered
in driving order, its school(s) and its yard, and a scale bar in km. Only numbers and
ids are written on the map, so it reads the same in every language; the sheet beside it
says what each mark is.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from optimizer.outputs import styles
from optimizer.plan import Plan, Route

Lines = Sequence[Sequence[tuple[float, float]]]

#: Map size in inches, and its resolution (dots per inch).
MAP_IN = (7.2, 3.3)
DPI = 110
_PNG_METADATA = {"Software": None}


def _box(points: Sequence[tuple[float, float]]) -> tuple[float, float, float, float]:
    """West, east, south, north of ``points`` with a margin, at least ~1.5 km wide,
    in the map's proportions (a degree of longitude shortened by the latitude)."""
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    lat0 = (min(lats) + max(lats)) / 2
    squash = math.cos(math.radians(lat0))
    w = max((max(lons) - min(lons)) * squash, 0.015)
    h = max(max(lats) - min(lats), 0.0075)
    aspect = MAP_IN[0] / MAP_IN[1]
    w, h = max(w, h * aspect) * 1.15, max(h, w / aspect) * 1.15
    cx, cy = (min(lons) + max(lons)) / 2, lat0
    return cx - w / 2 / squash, cx + w / 2 / squash, cy - h / 2, cy + h / 2


def _scale_km(width_km: float) -> float:
    """A round scale-bar length, the longest that is at most a quarter of the map's width."""
    fits = [km for km in (0.2, 0.5, 1, 2, 5, 10, 20, 50) if km <= width_km / 4]
    return fits[-1] if fits else 0.1


class RoadPoints:
    """The roads' points as arrays, to find the lines in a map's box at once.

    Parameters
    ----------
    road_lines : sequence of lines of (lon, lat)
        The county's roads (``Region.road_lines()``).
    """

    def __init__(self, road_lines: Lines) -> None:
        self.lines = list(road_lines)
        sizes = [len(line) for line in self.lines]
        self.owner = np.repeat(np.arange(len(self.lines)), sizes)
        points = [p for line in self.lines for p in line]
        xy = np.asarray(points, float).reshape(-1, 2)
        self.x, self.y = xy[:, 0], xy[:, 1]

    def within(self, west: float, east: float, south: float, north: float) -> list:
        """The lines with a point in the box, in their order."""
        inside = (self.x >= west) & (self.x <= east) & (self.y >= south) & (self.y <= north)
        return [self.lines[i] for i in np.unique(self.owner[inside]).tolist()]


def route_map_png(route: Route, plan: Plan, road_lines: Lines | RoadPoints = ()) -> bytes:
    """The route's map as PNG bytes.

    Parameters
    ----------
    route : Route
        One route of ``plan``.
    plan : Plan
        The plan (for the schools' points).
    road_lines : sequence of lines of (lon, lat), or RoadPoints
        The county's roads (``Region.road_lines()``); those in the map's box are drawn
        (a :class:`RoadPoints` of them finds those at once, for many maps).

    Returns
    -------
    bytes
        A PNG image, the same bytes for the same route and roads.
    """
    schools = {s.id: (s.lon, s.lat) for s in plan.schools}
    marks = [(s.lon, s.lat) for s in route.stops]
    targets = [(sid, schools[sid]) for sid in route.schools() if sid in schools]
    marks += [p for _, p in targets]
    yard = (route.start_lon, route.start_lat) if route.start_name else None
    west, east, south, north = _box([*marks, *route.geometry, *([yard] if yard else [])])
    fig = Figure(figsize=MAP_IN, dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    ax.set_axis_off()
    roads = road_lines if isinstance(road_lines, RoadPoints) else RoadPoints(road_lines)
    near = roads.within(west, east, south, north)
    ax.add_collection(LineCollection(near, colors="#bdbdbd", linewidths=0.8, zorder=1))
    if len(route.geometry) > 1:
        xs, ys = zip(*route.geometry)
        ax.plot(xs, ys, color=styles.ROUTE_COLOURS[0], linewidth=2.4, zorder=3)
    for n, s in enumerate(route.stops, start=1):
        ax.plot(s.lon, s.lat, "o", ms=11, mfc="white", mec="#1b5e20", mew=1.6, zorder=5)
        ax.text(s.lon, s.lat, str(n), ha="center", va="center", fontsize=7, zorder=6)
    for sid, (x, y) in targets:
        ax.plot(x, y, "^", ms=12, color="#0d47a1", zorder=5)
        ax.annotate(sid, (x, y), xytext=(7, 5), textcoords="offset points", fontsize=8,
                    weight="bold", zorder=6)  # fmt: skip
    if yard is not None:
        ax.plot(*yard, "s", ms=9, color="#212121", zorder=5)
        ax.annotate(route.start, yard, xytext=(7, -10), textcoords="offset points",
                    fontsize=8, zorder=6)  # fmt: skip
    width_km = (east - west) * 111.32 * math.cos(math.radians((south + north) / 2))
    km = _scale_km(width_km)
    bar = (east - west) * km / width_km
    x0, y0 = west + (east - west) * 0.03, south + (north - south) * 0.05
    ax.plot([x0, x0 + bar], [y0, y0], color="black", linewidth=2.5, zorder=7)
    ax.text(x0 + bar / 2, y0, f"{km:g} km", ha="center", va="bottom", fontsize=7, zorder=7)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata=_PNG_METADATA)
    return buffer.getvalue()
