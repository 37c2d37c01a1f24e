"""The web map's title box (with the search box) and its legend."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from geodata.background import Cover
from optimizer.outputs import figures, styles
from optimizer.outputs.maps.background_layer import COVER_FILL
from optimizer.outputs.maps.finder import search_box
from optimizer.outputs.maps.leaflet_page import esc
from optimizer.outputs.maps.route_colours import OVER_LIMIT_DASH, OVER_LIMIT_MARK
from optimizer.outputs.timeline_view import TimelineView
from optimizer.plan import Plan, Role

#: The legend's word for each kind of background cover.
COVER_LEGEND = {
    Cover.WATER: "legend.water",
    Cover.RIVER: "legend.river",
    Cover.FOREST: "legend.forest",
    Cover.FARMLAND: "legend.farmland",
    Cover.RESIDENTIAL: "legend.residential",
}


def title_box(plan: Plan, text: Mapping[str, str], timeline: TimelineView | None = None) -> str:
    """Scenario, title, the plan in one line, links to other years, the search box."""
    k = figures.kpis(plan)
    summary = text["summary_line"].format(
        closed=k["schools_closed"], schools=k["schools"], buses=k["runs"], moved=k["pupils_moved"]
    )
    years = ""
    if timeline is not None:  # a year of a multi-year timeline: the other years' maps
        years = f"<div>{timeline.links('map.html', text['year_plus'])}</div>"
    return (
        f'<div class="sp-box sp-title"><h1>{esc(plan.scenario)}</h1>'
        f"<div>{esc(text['title'])}</div><div>{esc(summary)}</div>{years}"
        f"{search_box(text)}</div>"
    )


def _item(svg: str, label: str) -> str:
    return f'<div><svg width="22" height="16">{svg}</svg>{esc(label)}</div>'


def _dot(fill: str, stroke: str, r: float = 6, width: float = 2, dash: str = "") -> str:
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<circle cx="11" cy="8" r="{r}" stroke="{stroke}" stroke-width="{width}" '
        f'fill="{fill}"{extra}/>'
    )


def _line(colour: str, width: float, dash: str = "") -> str:
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<line x1="1" y1="8" x2="21" y2="8" stroke="{colour}" stroke-width="{width}"{extra}/>'


def _box(fill: str, stroke: str = "#ffffff") -> str:
    return (
        f'<rect x="2" y="2" width="18" height="12" fill="{fill}" fill-opacity="0.7" '
        f'stroke="{stroke}"/>'
    )


def legend(
    text: Mapping[str, str],
    roads: bool,
    *,
    route_colour: str,
    afternoon: bool = False,
    covers: Sequence[Cover] = (),
) -> str:
    """The legend: school roles, villages (with the over-limit mark), the change of
    journey time, catchments, routes and stops, and the background's covers."""
    roles = [
        _item(_dot(styles.ROLE_FILL[r], styles.ROLE_STROKE[r]), text[styles.ROLE_LEGEND[r]])
        for r in (Role.KEPT, Role.RECEIVING, Role.TEACHING_POINT)
    ]
    rows = [
        _item(_dot(styles.TODAY_FILL, styles.TODAY_STROKE), text["legend.today"]),
        *roles,
        _item(
            _dot(styles.ROLE_FILL[Role.KEPT], styles.INVESTMENT_RING, 5, 3.5),
            text["legend.investment"],
        ),
        _item(
            _dot(styles.ROLE_FILL[Role.CLOSED], styles.ROLE_STROKE[Role.CLOSED], 6, 2.5, "3 3"),
            text[styles.ROLE_LEGEND[Role.CLOSED]],
        ),
        _item(_dot("#ffffff", "#555555", 4, 1), text["legend.village"]),
        _item(_dot("#ffffff", OVER_LIMIT_MARK, 5, 3, OVER_LIMIT_DASH), text["legend.over_mark"]),
        f"<h2>{esc(text['legend.change'])}</h2>",
        *(_item(_dot(colour, "#555555", 5, 1), text[key]) for key, colour in styles.CHANGE_CLASSES),
        "<h2></h2>",
        _item(_box(styles.catchment_colour(0)), text["legend.catchment"]),
        _item(_line(route_colour, 4), text["legend.route_label"]),
        _item(_dot("#ffffff", route_colour, 6, 2.5), text["legend.stop_label"]),
    ]
    if afternoon:
        rows.append(_item(_line(route_colour, 3, "6 4"), text["legend.afternoon"]))
    if roads:
        rows.append(_item(_line(styles.ROAD_COLOUR, 1.5), text["legend.road"]))
    for cover in covers:
        shape = (
            _line(COVER_FILL[cover], 2)
            if cover is Cover.RIVER
            else _box(COVER_FILL[cover], COVER_FILL[cover])
        )
        rows.append(_item(shape, text[COVER_LEGEND[cover]]))
    return (
        '<details class="sp-box sp-legend" open><summary>'
        f"{esc(text['legend'])}</summary>" + "".join(rows) + "</details>"
    )
