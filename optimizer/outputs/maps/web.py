"""The consultation map: one self-contained, offline folium/Leaflet HTML page per plan.

Layers a reader can switch (the layer control starts collapsed, an icon that covers
no popup): an offline background from the region's own OSM file (water, land use,
place names: :mod:`optimizer.outputs.maps.background_layer`), the county road
network, catchments after the plan, bus routes with labelled stops and their
afternoon runs home (:mod:`optimizer.outputs.maps.routes_layer`), villages (sized by
pupils, coloured by the change of journey time, a red dashed ring over a journey
limit), schools today, schools after the plan (kept, receiving, teaching point, a
gold ring for investments) and closed schools. Map panes fix the drawing order
(:data:`PANES`): closed schools on top, then schools, villages, stops, routes,
catchments, roads, background. Village and school names show by zoom, and a search
box finds a village or school (:mod:`optimizer.outputs.maps.finder`). A closed
school's popup gives the reason of its closure, a village band that boards or
travels over its limit why not the nearer school, in the report's words. Only plain
Leaflet features are drawn (circle markers, polylines, polygons, text labels,
tooltips, popups, a layer control); see :mod:`optimizer.outputs.maps.leaflet_page` for
how the page stays offline and deterministic. Every number comes from the plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import folium

from geodata.background import Background
from optimizer.outputs import figures, styles
from optimizer.outputs.catchments import Catchment
from optimizer.outputs.catchments import catchments as compute_catchments
from optimizer.outputs.labels import labels, term
from optimizer.outputs.maps import popups as map_popups
from optimizer.outputs.maps.background_layer import (
    PANE as BACKGROUND_PANE,
)
from optimizer.outputs.maps.background_layer import (
    PANE_Z as BACKGROUND_Z,
)
from optimizer.outputs.maps.background_layer import (
    Attribution,
    add_background,
    attribution,
    legend_covers,
)
from optimizer.outputs.maps.finder import FINDER_CSS, Place, PlaceFinder, PlaceKind
from optimizer.outputs.maps.leaflet_page import base_map, esc, external_references, finish_page
from optimizer.outputs.maps.legend import legend, title_box
from optimizer.outputs.maps.route_colours import (
    OVER_LIMIT_DASH,
    OVER_LIMIT_MARK,
    ROUTE_PALETTE,
    route_colours,
)
from optimizer.outputs.maps.route_colours import route_labels as route_label_of
from optimizer.outputs.maps.routes_layer import AFTERNOON_PANE, STOP_PANE, add_afternoon, add_route
from optimizer.outputs.money_view import WHY, closure_reason_cells, placement_detail
from optimizer.outputs.timeline_view import TimelineView
from optimizer.outputs.townships import TownArea
from optimizer.plan import Plan, Role, SchoolResult

#: Map panes and their z-index, lowest first: the background, roads and catchments under
#: Leaflet's overlay pane (400: route paths), then afternoon runs, stops, villages, schools
#: today, schools after the plan and, on top, closed schools (labels: 640, in finder).
PANES = (
    (BACKGROUND_PANE, BACKGROUND_Z),
    ("sp-roads", 380),
    ("sp-catchments", 390),
    (AFTERNOON_PANE, 405),
    (STOP_PANE, 410),
    ("sp-villages", 420),
    ("sp-before", 430),
    ("sp-after", 440),
    ("sp-closed", 450),
)
_GROUP_PANE = {"layer.before": "sp-before", "layer.after": "sp-after", "layer.closed": "sp-closed"}

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
.sp-legend summary {{ font-weight: bold; cursor: pointer; }}
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
    background: Background | None = None,
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
    background : geodata.background.Background, optional
        Water, land use and place names of the region's road file
        (:func:`geodata.background.read_background`), drawn under everything; one
        from a GraphML graph draws nothing and says so in the attribution.
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
    for pane, z in PANES:
        folium.map.CustomPane(pane, z_index=z, pointer_events=True).add_to(fmap)
    finder = PlaceFinder(text)
    groups = {}
    for key, show in (
        ("layer.background", not tiles),
        ("layer.roads", not tiles),
        ("layer.catchments", True),
        ("layer.routes", True),
        ("layer.afternoon", False),
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
    radii = _add_villages(groups["layer.villages"], plan, names, text, finder, language)
    colours, route_labels = route_colours(plan), route_label_of(plan)
    drawn_pm = False
    for route in plan.routes:
        colour, label = colours[route.id], route_labels[route.id]
        add_route(groups["layer.routes"], route, plan, names, radii, colour, label, text)
        drawn_pm |= add_afternoon(
            groups["layer.afternoon"], route, plan, names, colour, label, text
        )
    _add_schools(groups, plan, names, text, finder, language)
    if background is not None and not background.empty:
        villages = [(v.name, v.lon, v.lat) for v in figures.villages(plan)]
        add_background(groups["layer.background"], finder, background, villages, language)
    drawn = {"layer.background": background is not None and not background.empty}
    drawn |= {"layer.roads": bool(road_lines), "layer.afternoon": drawn_pm}
    for key, group in groups.items():
        if drawn.get(key, True):
            group.add_to(fmap)
    finder.add_to(fmap)  # after every marker it names
    credit = attribution(background, text)
    if credit:
        Attribution(credit).add_to(fmap)
    _add_towns(fmap, towns, text)
    folium.LayerControl(collapsed=True).add_to(fmap)
    first = colours[plan.routes[0].id] if plan.routes else ROUTE_PALETTE[0]
    box = legend(
        text,
        bool(road_lines),
        route_colour=first,
        afternoon=drawn_pm,
        covers=legend_covers(background),
    )
    return finish_page(
        fmap,
        title=f"{plan.scenario} · {text['title']}",
        language=language,
        css=_PAGE_CSS.replace("</style>", FINDER_CSS + "</style>"),
        boxes=[title_box(plan, text, timeline), box],
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
    line = folium.PolyLine(
        [p for p in paths if len(p) >= 2],
        color=styles.ROAD_COLOUR,
        weight=1.5,
        opacity=0.8,
        class_name="sp-road",
    )
    line.options["pane"] = "sp-roads"
    line.add_to(group)


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
        area = folium.Polygon(
            rings if len(rings) > 1 else rings[0],
            color="#ffffff",
            weight=1.5,
            fill=True,
            fill_color=styles.catchment_colour(n),
            fill_opacity=0.35,
            class_name="sp-catchment",
            tooltip=folium.Tooltip(map_popups.catchment_tooltip(c, text)),
        )
        area.options["pane"] = "sp-catchments"
        area.add_to(group)


def _add_villages(
    group: folium.FeatureGroup,
    plan: Plan,
    names: Mapping[str, str],
    text: Mapping[str, str],
    finder: PlaceFinder,
    language: str,
) -> dict[str, float]:
    """Village markers (labelled, searchable); returns each village's marker radius.

    A village with a journey over its limit gets the red dashed ring; its popup says,
    for each band that boards or travels over its limit, why not the nearer school.
    """
    radii = {}
    placements: dict[str, list[list[str]]] = {}
    for p in plan.placements:
        placements.setdefault(p.village, []).append(
            [
                term(text, "band", p.band),
                _named(p.school, names),
                _named(p.nearer, names) if p.nearer else "-",
                WHY[language][p.why.value],
                placement_detail(p, language),
            ]
        )
    for village in figures.villages(plan):
        _, colour = styles.change_class(village.change_s)
        size = styles.village_radius(village.pupils)
        radii[village.id] = size
        why = placements.get(village.id, [])
        marker = folium.CircleMarker(
            location=(village.lat, village.lon),
            radius=size,
            color=OVER_LIMIT_MARK if village.over_limit else "#555555",
            weight=3 if village.over_limit else 1,
            dash_array=OVER_LIMIT_DASH if village.over_limit else None,
            fill=True,
            fill_color=colour,
            fill_opacity=0.9,
            class_name="sp-village sp-over" if village.over_limit else "sp-village",
            tooltip=folium.Tooltip(map_popups.village_tooltip(village, text)),
            popup=folium.Popup(map_popups.village_popup(village, names, text, why), max_width=640),
        )
        marker.options["pane"] = "sp-villages"
        marker.add_to(group)
        finder.add(
            Place(
                PlaceKind.VILLAGE, village.id, village.name, village.lat, village.lon,
                marker.get_name(), group.get_name(), village.pupils,
            )
        )  # fmt: skip
    return radii


def _pupils(school: SchoolResult) -> int:
    """Pupils after the plan (today's for a closed school)."""
    return sum(school.enrolment_after.values()) or sum(school.enrolment_before.values())


def _named(school: str, names: Mapping[str, str]) -> str:
    return f"{names.get(school, school)} ({school})"


def _add_schools(
    groups: Mapping[str, folium.FeatureGroup],
    plan: Plan,
    names: Mapping[str, str],
    text: Mapping[str, str],
    finder: PlaceFinder,
    language: str,
) -> None:
    """Schools today (one layer) and after the plan (kept and closed layers, labelled and
    searchable); a closed school's popup gives the reason of its closure as the report does."""
    receivers = figures.receiving(plan)
    reasons = {r.school: r for r in plan.reasons}
    # Largest first, so that a small school next to a large one is drawn over it.
    for school in sorted(plan.schools, key=lambda s: -styles.school_radius(_pupils(s))):
        role = figures.role(school, receivers)
        moves: dict[str, int] = {}
        for a in plan.assignments:
            if a.before_school == school.id and a.school != school.id:
                moves[a.school] = moves.get(a.school, 0) + a.pupils
        why = ()
        if role is Role.CLOSED and school.id in reasons:
            why = closure_reason_cells(reasons[school.id], language)
        popup = map_popups.school_popup(school, role, moves, names, text, why)
        tooltip = map_popups.school_tooltip(school, role, text)
        today = folium.CircleMarker(
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
        )
        today.options["pane"] = _GROUP_PANE["layer.before"]
        today.add_to(groups["layer.before"])
        if role is Role.CLOSED:
            style = dict(radius=8.0, weight=3, dash_array="3 3", fill_opacity=0.9)
            key, kind = "layer.closed", PlaceKind.CLOSED
        else:
            style = dict(
                radius=styles.school_radius(sum(school.enrolment_after.values())),
                weight=4 if school.investment else 2,
                fill_opacity=0.85,
            )
            key, kind = "layer.after", PlaceKind.SCHOOL
        marker = folium.CircleMarker(
            location=(school.lat, school.lon),
            color=styles.INVESTMENT_RING if school.investment else styles.ROLE_STROKE[role],
            fill=True,
            fill_color=styles.ROLE_FILL[role],
            class_name=f"sp-school sp-{role}",
            tooltip=folium.Tooltip(tooltip),
            popup=folium.Popup(popup, max_width=440),
            **style,
        )
        marker.options["pane"] = _GROUP_PANE[key]
        marker.add_to(groups[key])
        finder.add(
            Place(
                kind, school.id, school.name, school.lat, school.lon,
                marker.get_name(), groups[key].get_name(), _pupils(school),
            )
        )  # fmt: skip
