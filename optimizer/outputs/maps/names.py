"""Names on the print map: school names and route numbers, none over another.

Each label is tried at a few places around its point (right, left, above, below) and
drawn at the first where its box overlaps no label already on the map (a township's name
drawn before, the scale bar, another school's name or a route number) and no other
school's marker; where none is free it is left out and counted. Receiving and closed
schools are named first, then the route numbers, then the other schools, larger ones
first, so that at county scale the schools the hearing asks about keep their names.
Boxes are measured once with the figure's own renderer, so the same plan gives the same
names in the PNG and the PDF.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from optimizer.outputs import figures, styles
from optimizer.plan import Plan, Role, SchoolResult

__all__ = ["NAME_ORDER", "Placed", "place_names"]

#: The order in which school roles are named (earlier ones win a contested place).
NAME_ORDER = (Role.RECEIVING, Role.CLOSED, Role.TEACHING_POINT, Role.KEPT)
#: Name colour per role.
_NAME_COLOUR = {
    Role.RECEIVING: styles.ROLE_STROKE[Role.RECEIVING],
    Role.CLOSED: styles.ROLE_STROKE[Role.CLOSED],
    Role.TEACHING_POINT: styles.ROLE_STROKE[Role.TEACHING_POINT],
    Role.KEPT: "#333333",
}
#: Places tried around a point: direction of the offset and the text's alignment.
_SIDES = ((1, 0, "left", "center"), (-1, 0, "right", "center"), (0, 1, "center", "bottom"),
          (0, -1, "center", "top"))  # fmt: skip
#: Pixels kept free around every label.
_GAP_PX = 2.0


@dataclass(frozen=True)
class Placed:
    """What :func:`place_names` wrote: the schools named and left out, the routes numbered."""

    schools: tuple[str, ...]
    left_out: tuple[str, ...]
    routes: tuple[str, ...]


def place_names(ax: Axes, plan: Plan, *, scale: float = 1.0) -> Placed:
    """Write the schools' names and the routes' numbers into a drawn, framed map.

    Call after :func:`optimizer.outputs.maps.static.draw_plan` (and after anything else
    that writes on the map, such as township names: they are kept clear of).
    """
    fig = ax.get_figure()
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    ax.apply_aspect()
    taken = [_box(t, renderer) for t in ax.texts if t.get_visible()]
    receivers = figures.receiving(plan)
    markers = {s.id: _marker_box(ax, s, receivers) for s in plan.schools}
    named: list[str] = []
    left_out: list[str] = []

    def name_all(schools: list[SchoolResult]) -> None:
        for school in schools:
            done = _name(ax, school, receivers, markers, taken, renderer, scale)
            (named if done else left_out).append(school.id)

    ordered = sorted(plan.schools, key=lambda s: _priority(s, receivers))
    first = [s for s in ordered if figures.role(s, receivers) in NAME_ORDER[:2]]
    name_all(first)
    numbered = [
        r.id for n, r in enumerate(plan.routes) if _number(ax, plan, n, taken, renderer, scale)
    ]
    firsts = {s.id for s in first}
    name_all([s for s in ordered if s.id not in firsts])
    return Placed(tuple(named), tuple(left_out), tuple(numbered))


def _priority(school: SchoolResult, receivers: frozenset[str]) -> tuple[int, int, str]:
    role = figures.role(school, receivers)
    pupils = sum(school.enrolment_after.values()) or sum(school.enrolment_before.values())
    return NAME_ORDER.index(role), -pupils, school.id


def _box(artist: Text, renderer: RendererBase) -> Bbox:
    return artist.get_window_extent(renderer).padded(_GAP_PX)


def _radius_pt(school: SchoolResult, receivers: frozenset[str]) -> float:
    """The marker's radius in points, as :func:`~optimizer.outputs.maps.static.draw_plan`
    draws it."""
    if figures.role(school, receivers) is Role.CLOSED:
        return math.sqrt(60) / 2
    return styles.school_radius(sum(school.enrolment_after.values())) * 0.9 / 2


def _marker_box(ax: Axes, school: SchoolResult, receivers: frozenset[str]) -> Bbox:
    x, y = ax.transData.transform((school.lon, school.lat))
    r = _radius_pt(school, receivers) * ax.get_figure().dpi / 72
    return Bbox.from_extents(x - r, y - r, x + r, y + r)


def _free(box: Bbox, taken: list[Bbox], ax: Axes) -> bool:
    frame = ax.get_window_extent()
    inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
    return inside and not any(box.overlaps(other) for other in taken)


def _name(
    ax: Axes,
    school: SchoolResult,
    receivers: frozenset[str],
    markers: dict[str, Bbox],
    taken: list[Bbox],
    renderer: RendererBase,
    scale: float,
) -> bool:
    """Name a school at the first free place around it; ``False`` when none is free."""
    role = figures.role(school, receivers)
    offset = _radius_pt(school, receivers) + 2.0 * scale
    others = [b for sid, b in markers.items() if sid != school.id]
    for dx, dy, ha, va in _SIDES:
        style = {
            "xy": (school.lon, school.lat), "xytext": (dx * offset, dy * offset),
            "textcoords": "offset points", "ha": ha, "va": va, "fontsize": 6.3 * scale,
            "weight": "bold" if role is Role.RECEIVING else "normal",
            "style": "italic" if role is Role.CLOSED else "normal",
        }  # fmt: skip
        label = ax.annotate(school.name, color=_NAME_COLOUR[role], zorder=11, **style)
        box = _box(label, renderer)
        if _free(box, taken + others, ax):
            # A white halo under the name: a copy drawn as an outline only, so that the
            # name itself stays text (searchable and copyable in the PDF).
            halo = ax.annotate(school.name, color="white", zorder=10.9, **style)
            halo.set_path_effects([patheffects.Stroke(linewidth=2.0, foreground="white")])
            taken.append(box)
            return True
        label.remove()
    return False


def _number(
    ax: Axes, plan: Plan, n: int, taken: list[Bbox], renderer: RendererBase, scale: float
) -> bool:
    """Number the ``n``-th route at the middle of its path (or a third along, if taken)."""
    route = plan.routes[n]
    path = figures.route_path(route, plan)
    if len(path) < 2:
        return False
    for share in (0.5, 0.33, 0.67, 0.2, 0.8):
        lon, lat = _along(path, share)
        label = ax.text(
            lon, lat, route.id, ha="center", va="center", fontsize=5.8 * scale, zorder=11,
            color=styles.route_colour(n), weight="bold",
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white",
                  "edgecolor": styles.route_colour(n), "linewidth": 0.8},
        )  # fmt: skip
        box = _box(label, renderer).padded(0.25 * 5.8 * scale * ax.get_figure().dpi / 72)
        if _free(box, taken, ax):
            taken.append(box)
            return True
        label.remove()
    return False


def _along(path: list[tuple[float, float]], share: float) -> tuple[float, float]:
    """The point ``share`` of the way along a polyline (lengths in degrees: a label spot)."""
    legs = [math.dist(a, b) for a, b in zip(path, path[1:])]
    goal, walked = share * sum(legs), 0.0
    for (a, b), leg in zip(zip(path, path[1:]), legs):
        if walked + leg >= goal and leg > 0:
            f = (goal - walked) / leg
            return a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])
        walked += leg
    return path[-1]
