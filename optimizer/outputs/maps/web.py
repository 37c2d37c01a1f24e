"""The consultation map: one self-contained, offline folium/Leaflet HTML page per plan.

Layers a reader can switch: the county road network (background when no tile layer
is wanted), catchments after the plan, bus routes with numbered stops, villages
(sized by pupils, coloured by the change of journey time), schools today, schools
after the plan (kept, receiving, teaching point, a gold ring for investments) and
closed schools. Only plain Leaflet features are drawn (circle markers, polylines,
polygons, tooltips, popups, a layer control); see :mod:`optimizer.outputs.maps.leaflet_page` for
how the page stays offline and deterministic. Every number comes from the plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import folium

from optimizer.outputs import figures, styles
from optimizer.outputs.catchments import Catchment
from optimizer.outputs.catchments import catchments as compute_catchments
from optimizer.outputs.labels import labels
from optimizer.outputs.maps import popups as map_popups
from optimizer.outputs.maps.leaflet_page import base_map, esc, external_references, finish_page
from optimizer.outputs.timeline_view import TimelineView
from optimizer.outputs.townships import TownArea
from optimizer.plan import Plan, Role, Route

__all__ = ["render_map", "external_references", "map_bounds"]

_PAGE_CSS = f"""
<style>
.leaflet-container {{ background: {styles.BACKGROUND}; }}
.leaflet-container, .sp-box {{ font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei",
  sans-serif; }}
.sp-box {{ position: absolute; z-index: 1000; background: rgba(255,255,255,.94);
  border: 1px solid #888; border-radius: 4px; padding: 6px 10px; font-size: 13px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); }}
.sp-title {{ top: 10px; left: 56px; max-width: 55%; }}
.sp-title h1 {{ font-size: 16px; margin: 0 0 2px 0; }}
.sp-legend {{ bottom: 24px; right: 10px; line-height: 18px; font-size: 12px;
  max-height: 70%; overflow-y: auto; }}
.sp-legend h2 {{ font-size: 12px; margin: 4px 0 2px 0; }}
.sp-legend svg {{ vertical-align: middle; margin-right: 6px; }}
.sp-pop table {{ border-collapse: collapse; margin-top: 4px; }}
.sp-pop th, .sp-pop td {{ border: 1px solid #ccc; padding: 1px 5px; text-align: left; }}
.sp-pop td.n, .sp-pop th.n {{ text-align: right; white-space: nowrap; }}
.sp-warn {{ color: #b71c1c; }}
.leaflet-tooltip.sp-num {{ padding: 0 3px; font-size: 10px; font-weight: bold;
  line-height: 13px; border-radius: 3px; box-shadow: none; }}
.leaflet-tooltip.sp-num:before {{ display: none; }}
</style>
"""


def render_map(
    plan: Plan,
    *,
    language: str = "en",
    tiles: bool = False,
    road_lines: Sequence[Sequence[tuple[float, float]]] | None = None,
    catchments: Sequence[Catchment] | None = None,
    timeline: TimelineView | None = None,
    towns: Sequence[TownArea] = (),
) -> str:
    """Render the plan as a self-contained offline HTML map.

    Parameters
    ----------
    plan : Plan
        A finished plan.
    language : {"en", "zh"}
        Language of every label on the map.
    tiles : bool
        Add OpenStreetMap tiles as a base layer (fetched online when viewed); off by
        default, so the page needs no network at all.
    road_lines : sequence of lines of (lon, lat), optional
        The county's roads (``Region.road_lines()``), drawn as a switchable background
        layer (shown when there are no tiles).
    catchments : sequence of Catchment, optional
        The plan's catchments; computed from the plan (and ``road_lines``) if omitted.
    timeline : TimelineView, optional
        For a year of a multi-year timeline: links to the other years' maps in the
        title box.
    towns : sequence of TownArea
        The towns' outlines (:mod:`optimizer.outputs.townships`): a ``townships`` layer.

    Returns
    -------
    str
        The HTML page. No ``src`` or ``href`` attribute points to ``http(s)://``, and
        the same inputs give byte-identical output.

    Raises
    ------
    ValueError
        For an unknown ``language``.
    RuntimeError
        If the page would still load anything from the network (a folium change).
    """
    text = labels(language)
    if catchments is None:
        catchments = compute_catchments(plan, road_lines)
    names = {s.id: s.name for s in plan.schools}
    fmap = base_map(map_bounds(plan), tiles=tiles, tiles_name=text["layer.osm"])

    groups = {}
    for key, show in (
        ("layer.roads", not tiles),
        ("layer.catchments", True),
        ("layer.routes", True),
        ("layer.villages", True),
        ("layer.before", False),
        ("layer.closed", True),
        ("layer.after", True),
    ):
        groups[key] = folium.FeatureGroup(name=text[key], show=show)
    if road_lines:
        _add_roads(groups["layer.roads"], road_lines)
    for n, catchment in enumerate(catchments):
        _add_catchment(groups["layer.catchments"], catchment, n, text)
    radii = _add_villages(groups["layer.villages"], plan, names, text)
    for n, route in enumerate(plan.routes):
        _add_route(groups["layer.routes"], route, plan, names, radii, n, text)
    _add_schools(groups, plan, names, text)
    for key, group in groups.items():
        if key != "layer.roads" or road_lines:
            group.add_to(fmap)
    # Drawing order: schools above villages above routes (re-applied when toggled); a stop
    # is a ring in the route's colour around its village's dot.
    fmap.keep_in_front(
        groups["layer.villages"], groups["layer.before"], groups["layer.closed"],
        groups["layer.after"],
    )  # fmt: skip
    _add_towns(fmap, towns, text)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return finish_page(
        fmap,
        title=f"{plan.scenario} · {text['title']}",
        language=language,
        css=_PAGE_CSS,
        boxes=[_title_box(plan, text, timeline), _legend(text, bool(road_lines))],
    )


def map_bounds(plan: Plan) -> list[list[float]]:
    """South-west and north-east corners (lat, lon) around every place, never empty."""
    points = [(s.lat, s.lon) for s in plan.schools]
    points += [(a.lat, a.lon) for a in plan.assignments]
    for route in plan.routes:
        points += [(lat, lon) for lon, lat in route.geometry]
        points += [(s.lat, s.lon) for s in route.stops]
    if not points:
        return [[-60.0, -170.0], [75.0, 170.0]]
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    pad = 0.005
    return [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]]


def _add_roads(group: folium.FeatureGroup, lines: Sequence[Sequence[tuple[float, float]]]) -> None:
    """All roads as one multi-polyline (rounded to about a metre)."""
    paths = [[(round(lat, 5), round(lon, 5)) for lon, lat in line] for line in lines]
    folium.PolyLine(
        [p for p in paths if len(p) >= 2],
        color=styles.ROAD_COLOUR,
        weight=1.5,
        opacity=0.8,
        class_name="sp-road",
    ).add_to(group)


def _add_towns(fmap: folium.Map, towns: Sequence[TownArea], text: Mapping[str, str]) -> None:
    """The ``townships`` layer: each town's outline, thin and dashed, with its name at its
    label point (a permanent tooltip); nothing without towns."""
    if not towns:
        return
    group = folium.FeatureGroup(name=text["layer.towns"], show=True)
    for t in towns:
        for poly in t.geometry.geoms:
            rings = [
                [(round(lat, 6), round(lon, 6)) for lon, lat in ring.coords]
                for ring in (poly.exterior, *poly.interiors)
            ]
            folium.Polygon(
                rings if len(rings) > 1 else rings[0], color="#555555", weight=1.2,
                dash_array="6 4", fill=False, class_name="sp-town",
            ).add_to(group)  # fmt: skip
        folium.CircleMarker(
            (t.label_lat, t.label_lon), radius=0, opacity=0, fill=False,
            tooltip=folium.Tooltip(
                esc(t.town), permanent=True, direction="center", class_name="sp-town-name",
            ),
        ).add_to(group)  # fmt: skip
    group.add_to(fmap)


def _add_catchment(
    group: folium.FeatureGroup, c: Catchment, n: int, text: Mapping[str, str]
) -> None:
    """A catchment: one polygon (holes kept) per part, all with its tooltip."""
    for poly in c.geometry.geoms:
        rings = [
            [(round(lat, 6), round(lon, 6)) for lon, lat in ring.coords]
            for ring in (poly.exterior, *poly.interiors)
        ]
        folium.Polygon(
            rings if len(rings) > 1 else rings[0],
            color="#ffffff",
            weight=1.5,
            fill=True,
            fill_color=styles.catchment_colour(n),
            fill_opacity=0.35,
            class_name="sp-catchment",
            tooltip=folium.Tooltip(map_popups.catchment_tooltip(c, text)),
        ).add_to(group)


def _add_villages(
    group: folium.FeatureGroup, plan: Plan, names: Mapping[str, str], text: Mapping[str, str]
) -> dict[str, float]:
    """Village markers; returns each village's marker radius."""
    radii = {}
    for village in figures.villages(plan):
        _, colour = styles.change_class(village.change_s)
        size = styles.village_radius(village.pupils)
        radii[village.id] = size
        folium.CircleMarker(
            location=(village.lat, village.lon),
            radius=size,
            color=styles.OVER_LIMIT_RING if village.over_limit else "#555555",
            weight=2.5 if village.over_limit else 1,
            fill=True,
            fill_color=colour,
            fill_opacity=0.9,
            class_name="sp-village",
            tooltip=folium.Tooltip(map_popups.village_tooltip(village, text)),
            popup=folium.Popup(map_popups.village_popup(village, names, text), max_width=640),
        ).add_to(group)
    return radii


def _add_schools(
    groups: Mapping[str, folium.FeatureGroup],
    plan: Plan,
    names: Mapping[str, str],
    text: Mapping[str, str],
) -> None:
    """Schools today (one layer) and after the plan (kept and closed layers)."""
    receivers = figures.receiving(plan)
    for school in plan.schools:
        role = figures.role(school, receivers)
        moves: dict[str, int] = {}
        for a in plan.assignments:
            if a.before_school == school.id and a.school != school.id:
                moves[a.school] = moves.get(a.school, 0) + a.pupils
        popup = map_popups.school_popup(school, role, moves, names, text)
        tooltip = map_popups.school_tooltip(school, role, text)
        folium.CircleMarker(
            location=(school.lat, school.lon),
            radius=styles.school_radius(sum(school.enrolment_before.values())),
            color=styles.TODAY_STROKE,
            weight=2,
            fill=True,
            fill_color=styles.TODAY_FILL,
            fill_opacity=0.8,
            class_name="sp-school-today",
            tooltip=folium.Tooltip(tooltip),
            popup=folium.Popup(popup, max_width=440),
        ).add_to(groups["layer.before"])
        if role is Role.CLOSED:
            style = dict(radius=8.0, weight=3, dash_array="3 3", fill_opacity=0.25)
            group = groups["layer.closed"]
        else:
            style = dict(
                radius=styles.school_radius(sum(school.enrolment_after.values())),
                weight=4 if school.investment else 2,
                fill_opacity=0.85,
            )
            group = groups["layer.after"]
        folium.CircleMarker(
            location=(school.lat, school.lon),
            color=styles.INVESTMENT_RING if school.investment else styles.ROLE_STROKE[role],
            fill=True,
            fill_color=styles.ROLE_FILL[role],
            class_name=f"sp-school sp-{role}",
            tooltip=folium.Tooltip(tooltip),
            popup=folium.Popup(popup, max_width=440),
            **style,
        ).add_to(group)


def _add_route(
    group: folium.FeatureGroup,
    route: Route,
    plan: Plan,
    names: Mapping[str, str],
    radii: Mapping[str, float],
    n: int,
    text: Mapping[str, str],
) -> None:
    """One bus route: its road path and its numbered stops."""
    colour = styles.route_colour(n)
    path = [(lat, lon) for lon, lat in figures.route_path(route, plan)]
    if len(path) >= 2:
        folium.PolyLine(
            path,
            color=colour,
            weight=4,
            opacity=0.85,
            class_name="sp-route",
            tooltip=folium.Tooltip(map_popups.route_tooltip(route, names, text)),
            popup=folium.Popup(map_popups.route_popup(route, names, text), max_width=640),
        ).add_to(group)
    for number, stop in enumerate(route.stops, start=1):
        folium.CircleMarker(
            location=(stop.lat, stop.lon),
            radius=radii.get(stop.village, 3.0) + 3.5,
            color=colour,
            weight=3,
            fill=True,
            fill_color="#ffffff",
            fill_opacity=1.0,
            class_name="sp-stop",
            tooltip=folium.Tooltip(
                f'<span style="color:{colour}">{number}</span>',
                permanent=True,
                direction="right",
                offset=(4, 0),
                sticky=False,
                class_name="sp-num",
            ),
            popup=folium.Popup(map_popups.stop_popup(route, number, stop, text), max_width=360),
        ).add_to(group)


def _title_box(plan: Plan, text: Mapping[str, str], timeline: TimelineView | None = None) -> str:
    k = figures.kpis(plan)
    summary = text["summary_line"].format(
        closed=k["schools_closed"], schools=k["schools"], buses=k["runs"], moved=k["pupils_moved"]
    )
    years = ""
    if timeline is not None:  # a year of a multi-year timeline: the other years' maps
        years = f"<div>{timeline.links('map.html', text['year_plus'])}</div>"
    return (
        f'<div class="sp-box sp-title"><h1>{esc(plan.scenario)}</h1>'
        f"<div>{esc(text['title'])}</div><div>{esc(summary)}</div>{years}</div>"
    )


def _legend(text: Mapping[str, str], roads: bool) -> str:
    def item(svg: str, label: str) -> str:
        return f'<div><svg width="22" height="16">{svg}</svg>{esc(label)}</div>'

    def dot(fill: str, stroke: str, r: float = 6, width: float = 2, dash: str = "") -> str:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        return (
            f'<circle cx="11" cy="8" r="{r}" stroke="{stroke}" stroke-width="{width}" '
            f'fill="{fill}"{extra}/>'
        )

    def line(colour: str, width: float) -> str:
        return f'<line x1="1" y1="8" x2="21" y2="8" stroke="{colour}" stroke-width="{width}"/>'

    rows = [
        item(dot(styles.TODAY_FILL, styles.TODAY_STROKE), text["legend.today"]),
        item(
            dot(styles.ROLE_FILL[Role.KEPT], styles.ROLE_STROKE[Role.KEPT]),
            text[styles.ROLE_LEGEND[Role.KEPT]],
        ),
        item(
            dot(styles.ROLE_FILL[Role.RECEIVING], styles.ROLE_STROKE[Role.RECEIVING]),
            text[styles.ROLE_LEGEND[Role.RECEIVING]],
        ),
        item(
            dot(styles.ROLE_FILL[Role.TEACHING_POINT], styles.ROLE_STROKE[Role.TEACHING_POINT]),
            text[styles.ROLE_LEGEND[Role.TEACHING_POINT]],
        ),
        item(
            dot(styles.ROLE_FILL[Role.KEPT], styles.INVESTMENT_RING, 5, 3.5),
            text["legend.investment"],
        ),
        item(
            dot(styles.ROLE_FILL[Role.CLOSED], styles.ROLE_STROKE[Role.CLOSED], 6, 2.5, "3 3"),
            text[styles.ROLE_LEGEND[Role.CLOSED]],
        ),
        item(dot("#ffffff", "#555555", 4, 1), text["legend.village"]),
        item(dot("#ffffff", styles.OVER_LIMIT_RING, 4, 2.5), text["legend.over"]),
        f"<h2>{esc(text['legend.change'])}</h2>",
        *(item(dot(colour, "#555555", 5, 1), text[key]) for key, colour in styles.CHANGE_CLASSES),
        "<h2></h2>",
        item(
            '<rect x="2" y="2" width="18" height="12" fill="'
            f'{styles.catchment_colour(0)}" fill-opacity="0.6" stroke="#ffffff"/>',
            text["legend.catchment"],
        ),
        item(line(styles.route_colour(0), 4), text["legend.route"]),
        item(dot("#ffffff", styles.route_colour(0), 6, 2.5), text["legend.stop"]),
    ]
    if roads:
        rows.append(item(line(styles.ROAD_COLOUR, 1.5), text["legend.road"]))
    return '<div class="sp-box sp-legend">' + "".join(rows) + "</div>"
