"""The web map's bus routes: morning paths with labelled stops, and the afternoon runs home.

A route is drawn in its colour (:mod:`optimizer.outputs.maps.route_colours`) with a
ring at each stop around the village's dot, labelled ``P01-2·3`` (route label, stop
number; shown from :data:`optimizer.outputs.maps.finder.LABEL_ZOOM` ``stops``). Its
afternoon runs (:mod:`optimizer.afternoon`) visit the same stops in reverse order, on
the same roads: each route that has any is drawn again, dashed, in the afternoon
layer, its popup listing every afternoon stop with its times.
"""

from __future__ import annotations

from collections.abc import Mapping

import folium

from optimizer.outputs import figures
from optimizer.outputs.figures import hhmm
from optimizer.outputs.maps import popups as map_popups
from optimizer.outputs.maps.leaflet_page import esc
from optimizer.plan import Plan, Route

#: Panes (z-index) of the route layers: paths in Leaflet's overlay pane (400).
STOP_PANE = "sp-stops"
AFTERNOON_PANE = "sp-afternoon"


def add_route(
    group: folium.FeatureGroup,
    route: Route,
    plan: Plan,
    names: Mapping[str, str],
    radii: Mapping[str, float],
    colour: str,
    label: str,
    text: Mapping[str, str],
) -> None:
    """One bus route: its road path and its labelled stops."""
    path = [(lat, lon) for lon, lat in figures.route_path(route, plan)]
    if len(path) >= 2:
        folium.PolyLine(
            path,
            color=colour,
            weight=4,
            opacity=0.85,
            class_name="sp-route",
            tooltip=folium.Tooltip(map_popups.route_tooltip(route, names, text, label)),
            popup=folium.Popup(map_popups.route_popup(route, names, text, label), max_width=640),
        ).add_to(group)
    for number, stop in enumerate(route.stops, start=1):
        ring = folium.CircleMarker(
            location=(stop.lat, stop.lon),
            radius=radii.get(stop.village, 3.0) + 3.5,
            color=colour,
            weight=3,
            fill=True,
            fill_color="#ffffff",
            fill_opacity=1.0,
            class_name="sp-stop",
            tooltip=folium.Tooltip(
                f'<span style="color:{colour}">{esc(label)}·{number}</span>',
                permanent=True,
                direction="bottom",
                offset=(0, 2),
                sticky=False,
                class_name="sp-num",
            ),
            popup=folium.Popup(
                map_popups.stop_popup(route, number, stop, text, label), max_width=360
            ),
        )
        ring.options["pane"] = STOP_PANE
        ring.add_to(group)


def add_afternoon(
    group: folium.FeatureGroup,
    route: Route,
    plan: Plan,
    names: Mapping[str, str],
    colour: str,
    label: str,
    text: Mapping[str, str],
) -> bool:
    """The route's afternoon runs as one dashed path (the morning's roads, driven back);
    False when the route has none."""
    path = [(lat, lon) for lon, lat in reversed(figures.route_path(route, plan))]
    if not route.afternoon or len(path) < 2:
        return False
    times = ", ".join(hhmm(run.depart_s) for run in route.afternoon)
    tip = f"<b>{esc(text['afternoon'])} {esc(label)}</b> ({esc(route.id)}) · {times}"
    body = "".join(map_popups.afternoon_table(run, names, text) for run in route.afternoon)
    line = folium.PolyLine(
        path,
        color=colour,
        weight=3,
        opacity=0.9,
        dash_array="6 4",
        class_name="sp-afternoon",
        tooltip=folium.Tooltip(tip),
        popup=folium.Popup(f'<div class="sp-pop">{tip}{body}</div>', max_width=640),
    )
    line.options["pane"] = AFTERNOON_PANE
    line.add_to(group)
    return True
