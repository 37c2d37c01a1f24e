"""Route colours and labels on the web map: neighbours told apart, none like a warning.

Each route is labelled by its school and its number among that school's routes
(``P01-2``), so a stop's label says which route it belongs to. Colours come from a
qualitative palette without reds, blacks or navies (the "over a journey limit" mark
is a red dashed ring, :data:`OVER_LIMIT_MARK`): each route takes the first colour
that no neighbouring route has (a route of the same school, or one passing within
:data:`NEIGHBOUR_KM`), so that routes drawn near each other differ. Deterministic:
routes are coloured in the plan's order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from optimizer.outputs import styles
from optimizer.plan import Plan, Route

#: Route colours (no red, black or navy); any two differ by a CIE76 delta E above 20.
ROUTE_PALETTE = (
    "#e67e22",
    "#8e44ad",
    "#16a085",
    "#7f8c00",
    "#d81b9c",
    "#0097a7",
    "#6d4c41",
    "#f9a825",
    "#43a047",
    "#9575cd",
    "#f06292",
    "#4dd0e1",
    "#c0ca33",
    "#004d40",
    "#ff8a65",
)
#: The mark of a village whose journey is over a limit: a red dashed ring.
OVER_LIMIT_MARK = styles.OVER_LIMIT_RING
OVER_LIMIT_DASH = "4 3"
#: Routes passing within this distance of each other are neighbours (kilometres).
NEIGHBOUR_KM = 4.0


def route_labels(plan: Plan) -> dict[str, str]:
    """Route id -> ``{school}-{n}``, ``n`` counting the school's routes from 1."""
    seen: dict[str, int] = {}
    out = {}
    for route in plan.routes:
        seen[route.school] = seen.get(route.school, 0) + 1
        out[route.id] = f"{route.school}-{seen[route.school]}"
    return out


def route_colours(plan: Plan) -> dict[str, str]:
    """Route id -> colour: the first palette colour no neighbouring route has taken.

    When every colour is taken by a neighbour, the colour whose nearest user is
    farthest away.
    """
    points = {r.id: _points(r) for r in plan.routes}
    school = {r.id: r.school for r in plan.routes}
    taken: dict[str, str] = {}
    for route in plan.routes:
        near: dict[str, float] = {}  # colour -> distance (km) of its nearest user
        for other, colour in taken.items():
            km = 0.0 if school[other] == route.school else _gap_km(points[route.id], points[other])
            near[colour] = min(near.get(colour, math.inf), km)
        free = [c for c in ROUTE_PALETTE if near.get(c, math.inf) > NEIGHBOUR_KM]
        taken[route.id] = free[0] if free else max(ROUTE_PALETTE, key=lambda c: near[c])
    return taken


def _points(route: Route) -> list[tuple[float, float]]:
    """(lon, lat) of the route's stops and path, thinned to at most ~40 points."""
    pts = [(s.lon, s.lat) for s in route.stops] + list(route.geometry)
    step = max(1, len(pts) // 40)
    return pts[::step] or [(0.0, 0.0)]


def _gap_km(a: Sequence[tuple[float, float]], b: Sequence[tuple[float, float]]) -> float:
    """The shortest distance between two point sets (equirectangular, kilometres)."""
    best = math.inf
    for lon1, lat1 in a:
        k = math.cos(math.radians(lat1))
        for lon2, lat2 in b:
            best = min(best, math.hypot((lon2 - lon1) * k, lat2 - lat1) * 111.2)
    return best


def delta_e(a: str, b: str) -> float:
    """CIE76 colour difference of two ``#rrggbb`` colours (about 2: just noticeable)."""
    return math.dist(_lab(a), _lab(b))


def _lab(colour: str) -> tuple[float, float, float]:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    r, g, b = (linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))
