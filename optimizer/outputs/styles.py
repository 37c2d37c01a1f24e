"""Colours, sizes and classes shared by the interactive map and the print map.

Both maps draw the same plan the same way: a school's role, a village's change of
journey time and a route's colour are decided here once.
"""

from __future__ import annotations

import math
from types import MappingProxyType

from optimizer.plan import Role

#: Fill and stroke per school role after the plan.
ROLE_FILL = MappingProxyType(
    {
        Role.KEPT: "#4a90d9",
        Role.RECEIVING: "#1f5fa8",
        Role.TEACHING_POINT: "#80cbc4",
        Role.CLOSED: "#9e9e9e",
    }
)
ROLE_STROKE = MappingProxyType(
    {
        Role.KEPT: "#1f5fa8",
        Role.RECEIVING: "#0d3c6e",
        Role.TEACHING_POINT: "#00796b",
        Role.CLOSED: "#c0392b",
    }
)
#: The legend's label of each role's marker (the print and the web map).
ROLE_LEGEND = MappingProxyType(
    {
        Role.KEPT: "legend.kept",
        Role.RECEIVING: "legend.receiving",
        Role.TEACHING_POINT: "legend.teaching_point",
        Role.CLOSED: "legend.closed",
    }
)
TODAY_FILL = "#b0bec5"
TODAY_STROKE = "#455a64"
INVESTMENT_RING = "#f1c40f"
#: A village over a journey limit: a red dashed ring on every map (the web map's mark).
OVER_LIMIT_RING = "#e0001b"
ROAD_COLOUR = "#9e9e9e"
BACKGROUND = "#f2efe9"

#: Route colours, used in turn.
ROUTE_COLOURS = ("#e67e22", "#8e44ad", "#16a085", "#d35400", "#2c3e50", "#c2185b", "#7f8c00")

#: Catchment fills, used in turn (pale, distinct neighbours in most layouts).
CATCHMENT_COLOURS = (
    "#a6cee3",
    "#b2df8a",
    "#fb9a99",
    "#fdbf6f",
    "#cab2d6",
    "#ffff99",
    "#8dd3c7",
    "#bebada",
    "#fccde5",
    "#d9d9d9",
    "#ccebc5",
    "#ffed6f",
)

#: Classes of the change of one-way journey time: label key and colour, shortest first.
CHANGE_CLASSES = (
    ("change.much_shorter", "#1a9850"),
    ("change.shorter", "#91cf60"),
    ("change.same", "#d9d9d9"),
    ("change.longer", "#fee08b"),
    ("change.much_longer", "#fc8d59"),
    ("change.far_longer", "#d73027"),
)


def change_class(change_s: float) -> tuple[str, str]:
    """The label key and colour of a change of journey time in seconds.

    At least 5 minutes shorter; 1-5 minutes shorter; within a minute either way;
    up to 10, 10-20 and 20 or more minutes longer.
    """
    if change_s <= -300:
        n = 0
    elif change_s < -60:
        n = 1
    elif change_s <= 60:
        n = 2
    elif change_s < 600:
        n = 3
    elif change_s < 1200:
        n = 4
    else:
        n = 5
    return CHANGE_CLASSES[n]


def route_colour(n: int) -> str:
    """The colour of the ``n``-th route (from 0)."""
    return ROUTE_COLOURS[n % len(ROUTE_COLOURS)]


def catchment_colour(n: int) -> str:
    """The fill of the ``n``-th catchment (from 0)."""
    return CATCHMENT_COLOURS[n % len(CATCHMENT_COLOURS)]


def radius(pupils: int, *, base: float, scale: float, top: float) -> float:
    """Marker radius in pixels growing with the square root of a head count."""
    return round(min(top, base + scale * math.sqrt(max(pupils, 0))), 1)


def school_radius(pupils: int) -> float:
    """Radius of a school marker."""
    return radius(pupils, base=6.0, scale=0.6, top=22.0)


def village_radius(pupils: int) -> float:
    """Radius of a village marker."""
    return radius(pupils, base=3.0, scale=0.5, top=12.0)
