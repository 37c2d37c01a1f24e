"""The consultation map: one self-contained, offline folium/Leaflet HTML page per plan.

Everything the page needs is inside it: Leaflet's JavaScript and CSS (with the
images the CSS uses as data URIs) and jQuery come from the ``XStatic-Leaflet`` and
``XStatic-jQuery`` packages, folium's CDN links are removed, and only plain Leaflet
features are drawn (circle markers, polylines, tooltips, popups, a layer control).
The same plan gives the same bytes: folium's random element ids are replaced by
sequential ones. Optional OpenStreetMap tiles are the only thing ever fetched online.
"""

from __future__ import annotations

import base64
import html
import math
import re
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from pathlib import Path
from types import MappingProxyType

import folium
import xstatic.pkg.jquery
import xstatic.pkg.leaflet
from branca.element import Element, MacroElement
from folium.template import Template

from optimizer.plan import Assignment, Plan, Route, SchoolResult
from optimizer.report import hhmm

_EN = MappingProxyType(
    {
        "title": "School consolidation plan",
        "kept": "Schools kept",
        "closed": "Schools closed",
        "villages": "Villages",
        "routes": "Bus routes",
        "stop": "Bus stop",
        "osm": "OpenStreetMap",
        "summary": (
            "{closed} of {schools} schools closed · {buses} bus routes · {moved} pupils moved"
        ),
        "level": "Level",
        "status": "Status",
        "capacity": "Capacity",
        "band": "Band",
        "before": "Before",
        "after": "After",
        "pupils": "Pupils",
        "school": "School",
        "mode": "Mode",
        "minutes": "Min",
        "km": "km",
        "route": "Route",
        "stops": "stops",
        "seats": "seats",
        "longest_ride": "longest ride",
        "min": "min",
        "arrive": "arrives",
        "boarding": "boarding",
        "load": "load",
        "depart": "leaves",
        "total": "Total",
        "none": "none",
        "status.kept": "kept",
        "status.closed": "closed",
        "band.k": "Kindergarten",
        "band.p13": "Grades 1-3",
        "band.p46": "Grades 4-6",
        "band.j79": "Grades 7-9",
        "level.kindergarten": "kindergarten",
        "level.primary": "primary school",
        "level.junior": "junior secondary",
        "level.nine_year": "nine-year school",
        "mode.walk": "walk",
        "mode.bus": "school bus",
        "mode.guardian": "guardian",
        "mode.as_today": "as today",
        "legend.kept": "School kept (size: pupils after)",
        "legend.closed": "School closed",
        "legend.village": "Village (size: pupils)",
        "legend.route": "Bus route",
        "legend.stop": "Bus stop",
    }
)

_ZH = MappingProxyType(
    {
        "title": "学校布局调整方案",
        "kept": "保留的学校",
        "closed": "撤并的学校",
        "villages": "村庄",
        "routes": "校车线路",
        "stop": "校车站点",
        "osm": "OpenStreetMap 底图",
        "summary": "撤并 {closed} 所（共 {schools} 所）· 校车线路 {buses} 条 · 转学学生 {moved} 人",
        "level": "学段",
        "status": "状态",
        "capacity": "容量",
        "band": "年级段",
        "before": "调整前",
        "after": "调整后",
        "pupils": "学生",
        "school": "学校",
        "mode": "方式",
        "minutes": "分钟",
        "km": "公里",
        "route": "线路",
        "stops": "个站点",
        "seats": "座",
        "longest_ride": "最长乘车",
        "min": "分钟",
        "arrive": "到站",
        "boarding": "上车",
        "load": "车上人数",
        "depart": "发车",
        "total": "合计",
        "none": "无",
        "status.kept": "保留",
        "status.closed": "撤并",
        "band.k": "幼儿园",
        "band.p13": "一至三年级",
        "band.p46": "四至六年级",
        "band.j79": "七至九年级",
        "level.kindergarten": "幼儿园",
        "level.primary": "小学",
        "level.junior": "初中",
        "level.nine_year": "九年一贯制学校",
        "mode.walk": "步行",
        "mode.bus": "校车",
        "mode.guardian": "家长接送",
        "mode.as_today": "维持现状",
        "legend.kept": "保留的学校（大小：调整后学生数）",
        "legend.closed": "撤并的学校",
        "legend.village": "村庄（大小：学生数）",
        "legend.route": "校车线路",
        "legend.stop": "校车站点",
    }
)

_LABELS = MappingProxyType({"en": _EN, "zh": _ZH})

_KEPT_COLOUR = "#1f5fa8"
_CLOSED_COLOUR = "#c0392b"
_VILLAGE_COLOUR = "#2e7d32"
_ROUTE_COLOURS = ("#e67e22", "#8e44ad", "#16a085", "#d35400", "#2c3e50", "#c2185b", "#7f8c00")
_ASSETS_PLACEHOLDER = "<!-- schoolplan:inline-assets -->"
_FOLIUM_ID = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9A-Za-z])")
_CSS_IMAGE = re.compile(r"url\((['\"]?)(images/[A-Za-z0-9_.-]+\.png)\1\)")
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)

_PAGE_CSS = """
<style>
.leaflet-container { background: #f2efe9; }
.leaflet-container, .sp-box { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei",
  sans-serif; }
.sp-box { position: absolute; z-index: 1000; background: rgba(255,255,255,.94);
  border: 1px solid #888; border-radius: 4px; padding: 6px 10px; font-size: 13px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); }
.sp-title { top: 10px; left: 56px; max-width: 60%; }
.sp-title h1 { font-size: 16px; margin: 0 0 2px 0; }
.sp-legend { bottom: 24px; right: 10px; line-height: 20px; }
.sp-legend svg { vertical-align: middle; margin-right: 6px; }
.sp-pop table { border-collapse: collapse; margin-top: 4px; }
.sp-pop th, .sp-pop td { border: 1px solid #ccc; padding: 1px 5px; text-align: left; }
.sp-pop td.n, .sp-pop th.n { text-align: right; white-space: nowrap; }
</style>
"""


def render_map(plan: Plan, *, language: str = "en", tiles: bool = False) -> str:
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

    Returns
    -------
    str
        The HTML page. No ``src`` or ``href`` attribute points to ``http(s)://``, and
        the same plan gives byte-identical output.

    Raises
    ------
    ValueError
        For an unknown ``language``.
    RuntimeError
        If the page would still load anything from the network (a folium change).
    """
    text = _labels(language)
    names = {s.id: s.name for s in plan.schools}
    fmap = _base_map(plan, text, tiles)

    routes = folium.FeatureGroup(name=text["routes"])
    villages = folium.FeatureGroup(name=text["villages"])
    closed = folium.FeatureGroup(name=text["closed"])
    kept = folium.FeatureGroup(name=text["kept"])
    for school in plan.schools:
        _school_marker(school, text).add_to(kept if school.status == "kept" else closed)
    radii: dict[str, float] = {}
    for village, rows in _by_village(plan.assignments).items():
        marker = _village_marker(village, rows, names, text)
        radii[village] = marker.options["radius"]
        marker.add_to(villages)
    for n, route in enumerate(plan.routes):
        colour = _ROUTE_COLOURS[n % len(_ROUTE_COLOURS)]
        _add_route(routes, route, plan, names, radii, colour, text)
    for group in (kept, closed, villages, routes):
        group.add_to(fmap)
    # Drawing order: schools above villages above routes (re-applied when toggled); a stop
    # is a ring in the route's colour around its village's dot.
    fmap.keep_in_front(villages, closed, kept)
    folium.LayerControl().add_to(fmap)
    _AttributionPrefix().add_to(fmap)

    figure = fmap.get_root()
    figure.title = html.escape(f"{plan.scenario} · {text['title']}")
    figure.header.add_child(Element(_ASSETS_PLACEHOLDER), name="schoolplan_assets")
    figure.header.add_child(Element(_PAGE_CSS), name="schoolplan_css")
    figure.html.add_child(Element(_title_box(plan, text)), name="schoolplan_title")
    figure.html.add_child(Element(_legend(text)), name="schoolplan_legend")

    page = _sequential_ids(figure.render())
    page = page.replace("<html>", f'<html lang="{language}">', 1)
    page = page.replace(_ASSETS_PLACEHOLDER, _inline_assets(), 1)
    remote = external_references(page)
    if remote:
        raise RuntimeError(f"the map would load remote resources: {remote}")
    return page


def external_references(page: str) -> list[str]:
    """The ``src``/``href`` attribute values of a page that point to the network.

    Parameters
    ----------
    page : str
        An HTML document.

    Returns
    -------
    list of str
        Every ``src`` or ``href`` value starting with ``http://``, ``https://`` or
        ``//``, in document order (empty for an offline page).
    """
    parser = _LinkCollector()
    parser.feed(page)
    parser.close()
    return [v for v in parser.values if v.strip().lower().startswith(("http:", "https:", "//"))]


class _LinkCollector(HTMLParser):
    """Collects every ``src`` and ``href`` attribute value."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.values.extend(v or "" for k, v in attrs if k in ("src", "href"))


class _AttributionPrefix(MacroElement):
    """Credit Leaflet in plain text: its default prefix links to a web site."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.attributionControl.setPrefix('Leaflet');"
        "{% endmacro %}"
    )


def _labels(language: str) -> Mapping[str, str]:
    try:
        return _LABELS[language]
    except KeyError:
        raise ValueError(
            f"unknown language {language!r}; choose one of {sorted(_LABELS)}"
        ) from None


def _term(text: Mapping[str, str], kind: str, value: str) -> str:
    """A translated vocabulary word (band, level, mode, status), or the raw value."""
    return text.get(f"{kind}.{value}", value)


def _esc(value: object) -> str:
    """HTML-escape text that folium places inside a JavaScript template literal."""
    return (
        html.escape(str(value), quote=True)
        .replace("`", "&#96;")
        .replace("$", "&#36;")
        .replace("\\", "&#92;")
    )


def _base_map(plan: Plan, text: Mapping[str, str], tiles: bool) -> folium.Map:
    """An empty map without any CDN link, fitted to the plan's places."""
    bounds = _bounds(plan)
    centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    fmap = folium.Map(location=centre, zoom_start=11, tiles=None, control_scale=True)
    fmap.default_js = []
    fmap.default_css = []
    if tiles:
        folium.TileLayer(
            tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            name=text["osm"],
            attr="© OpenStreetMap contributors",
            max_zoom=19,
            overlay=False,
            control=True,
        ).add_to(fmap)
    fmap.fit_bounds(bounds, padding=(20, 20), max_zoom=16)
    return fmap


def _bounds(plan: Plan) -> list[list[float]]:
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


def _by_village(assignments: Iterable[Assignment]) -> dict[str, list[Assignment]]:
    """Assignments grouped by village, villages in order of first appearance."""
    out: dict[str, list[Assignment]] = {}
    for a in assignments:
        out.setdefault(a.village, []).append(a)
    return out


def _school_marker(school: SchoolResult, text: Mapping[str, str]) -> folium.CircleMarker:
    after = sum(school.enrolment_after.values())
    if school.status == "kept":
        style = dict(
            radius=_radius(after, base=6.0, scale=0.6, top=22.0),
            color=_KEPT_COLOUR,
            weight=2,
            fill=True,
            fill_color="#4a90d9",
            fill_opacity=0.8,
        )
    else:
        style = dict(
            radius=8.0,
            color=_CLOSED_COLOUR,
            weight=3,
            dash_array="3 3",
            fill=True,
            fill_color="#9e9e9e",
            fill_opacity=0.25,
        )
    tooltip = (
        f"<b>{_esc(school.name)}</b><br>{_esc(school.id)} · "
        f"{_esc(_term(text, 'level', school.level))}"
    )
    return folium.CircleMarker(
        location=(school.lat, school.lon),
        tooltip=folium.Tooltip(tooltip),
        popup=folium.Popup(_school_popup(school, text), max_width=420),
        **style,
    )


def _school_popup(school: SchoolResult, text: Mapping[str, str]) -> str:
    bands = list(dict.fromkeys([*school.enrolment_before, *school.enrolment_after]))
    rows = "".join(
        f"<tr><td>{_esc(_term(text, 'band', b))}</td>"
        f'<td class="n">{school.enrolment_before.get(b, 0)}</td>'
        f'<td class="n">{school.enrolment_after.get(b, 0)}</td></tr>'
        for b in bands
    )
    total = (
        f"<tr><th>{_esc(text['total'])}</th>"
        f'<th class="n">{sum(school.enrolment_before.values())}</th>'
        f'<th class="n">{sum(school.enrolment_after.values())}</th></tr>'
    )
    return (
        f'<div class="sp-pop"><b>{_esc(school.name)}</b> ({_esc(school.id)})<br>'
        f"{_esc(text['level'])}: {_esc(_term(text, 'level', school.level))}<br>"
        f"{_esc(text['status'])}: {_esc(_term(text, 'status', school.status))}<br>"
        f"{_esc(text['capacity'])}: {school.capacity}"
        f"<table><tr><th>{_esc(text['band'])}</th><th>{_esc(text['before'])}</th>"
        f"<th>{_esc(text['after'])}</th></tr>{rows}{total}</table></div>"
    )


def _village_marker(
    village: str, rows: list[Assignment], names: Mapping[str, str], text: Mapping[str, str]
) -> folium.CircleMarker:
    first = rows[0]
    pupils = sum(a.pupils for a in rows)
    body = "".join(
        f'<tr><td>{_esc(_term(text, "band", a.band))}</td><td class="n">{a.pupils}</td>'
        f"<td>{_esc(names.get(a.before_school, a.before_school) or '-')} → "
        f"{_esc(names.get(a.school, a.school))}</td>"
        f"<td>{_esc(_term(text, 'mode', a.mode))}</td>"
        f'<td class="n">{a.time_s / 60:.0f}</td>'
        f'<td class="n">{a.distance_m / 1000:.1f}</td></tr>'
        for a in rows
    )
    popup = (
        f'<div class="sp-pop"><b>{_esc(first.village_name)}</b> ({_esc(village)})'
        f"<table><tr><th>{_esc(text['band'])}</th><th>{_esc(text['pupils'])}</th>"
        f"<th>{_esc(text['school'])} ({_esc(text['before'])} → {_esc(text['after'])})</th>"
        f"<th>{_esc(text['mode'])}</th><th>{_esc(text['minutes'])}</th>"
        f"<th>{_esc(text['km'])}</th></tr>{body}</table></div>"
    )
    return folium.CircleMarker(
        location=(first.lat, first.lon),
        radius=_radius(pupils, base=3.0, scale=0.5, top=12.0),
        color=_VILLAGE_COLOUR,
        weight=1,
        fill=True,
        fill_color="#66bb6a",
        fill_opacity=0.7,
        tooltip=folium.Tooltip(f"{_esc(first.village_name)} · {pupils} {_esc(text['pupils'])}"),
        popup=folium.Popup(popup, max_width=520),
    )


def _add_route(
    group: folium.FeatureGroup,
    route: Route,
    plan: Plan,
    names: Mapping[str, str],
    radii: Mapping[str, float],
    colour: str,
    text: Mapping[str, str],
) -> None:
    """Draw one bus route (its road path and its numbered stops) into ``group``.

    Each stop is a white disc with a ring in the route's colour, a little larger than
    the village marker drawn above it.
    """
    path = [(lat, lon) for lon, lat in route.geometry]
    if len(path) < 2:
        school = next((s for s in plan.schools if s.id == route.school), None)
        path = [(s.lat, s.lon) for s in route.stops]
        path += [(school.lat, school.lon)] if school else []
    tooltip = (
        f"<b>{_esc(text['route'])} {_esc(route.id)}</b> → "
        f"{_esc(names.get(route.school, route.school))}<br>"
        f"{len(route.stops)} {_esc(text['stops'])} · {route.seats} {_esc(text['seats'])} · "
        f"{_esc(text['depart'])} {hhmm(route.depart_s)}<br>"
        f"{_esc(text['longest_ride'])} {route.longest_ride_s / 60:.0f} {_esc(text['min'])}"
    )
    if len(path) >= 2:
        folium.PolyLine(
            path, color=colour, weight=4, opacity=0.85, tooltip=folium.Tooltip(tooltip)
        ).add_to(group)
    for number, stop in enumerate(route.stops, start=1):
        bands = ", ".join(f"{_esc(_term(text, 'band', b))}: {n}" for b, n in stop.boarding.items())
        boarding = f"{sum(stop.boarding.values())} ({bands})" if bands else _esc(text["none"])
        folium.CircleMarker(
            location=(stop.lat, stop.lon),
            radius=radii.get(stop.village, 3.0) + 3.5,
            color=colour,
            weight=3,
            fill=True,
            fill_color="#ffffff",
            fill_opacity=1.0,
            tooltip=folium.Tooltip(
                f"<b>{_esc(text['stop'])} {number}</b> · {_esc(text['route'])} "
                f"{_esc(route.id)}<br>{_esc(stop.village_name)} ({_esc(stop.village)})<br>"
                f"{_esc(text['arrive'])} {hhmm(stop.arrive_s)}<br>"
                f"{_esc(text['boarding'])}: {boarding}<br>"
                f"{_esc(text['load'])}: {stop.load_after}/{route.seats}"
            ),
        ).add_to(group)


def _radius(pupils: int, *, base: float, scale: float, top: float) -> float:
    """Marker radius in pixels growing with the square root of a head count."""
    return round(min(top, base + scale * math.sqrt(max(pupils, 0))), 1)


def _title_box(plan: Plan, text: Mapping[str, str]) -> str:
    summary = text["summary"].format(
        closed=sum(s.status == "closed" for s in plan.schools),
        schools=len(plan.schools),
        buses=len(plan.routes),
        moved=sum(a.pupils for a in plan.assignments if a.moved),
    )
    return (
        f'<div class="sp-box sp-title"><h1>{_esc(plan.scenario)}</h1>'
        f"<div>{_esc(text['title'])}</div><div>{_esc(summary)}</div></div>"
    )


def _legend(text: Mapping[str, str]) -> str:
    def item(svg: str, key: str) -> str:
        return f'<div><svg width="22" height="16">{svg}</svg>{_esc(text[key])}</div>'

    return (
        '<div class="sp-box sp-legend">'
        + "".join(
            [
                item(
                    f'<circle cx="11" cy="8" r="6" stroke="{_KEPT_COLOUR}" stroke-width="2" '
                    'fill="#4a90d9" fill-opacity="0.8"/>',
                    "legend.kept",
                ),
                item(
                    f'<circle cx="11" cy="8" r="6" stroke="{_CLOSED_COLOUR}" stroke-width="2.5" '
                    'stroke-dasharray="3 3" fill="#9e9e9e" fill-opacity="0.25"/>',
                    "legend.closed",
                ),
                item(
                    f'<circle cx="11" cy="8" r="4" stroke="{_VILLAGE_COLOUR}" fill="#66bb6a"/>',
                    "legend.village",
                ),
                item(
                    f'<line x1="1" y1="8" x2="21" y2="8" stroke="{_ROUTE_COLOURS[0]}" '
                    'stroke-width="4"/>',
                    "legend.route",
                ),
                item(
                    f'<circle cx="11" cy="8" r="6" stroke="{_ROUTE_COLOURS[0]}" stroke-width="2.5" '
                    f'fill="#ffffff"/><circle cx="11" cy="8" r="2.5" stroke="{_VILLAGE_COLOUR}" '
                    'fill="#66bb6a"/>',
                    "legend.stop",
                ),
            ]
        )
        + "</div>"
    )


def _sequential_ids(page: str) -> str:
    """Replace folium's random hex element ids by 1, 2, ... in order of first use."""
    ids: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        return ids.setdefault(match.group(0), str(len(ids) + 1))

    return _FOLIUM_ID.sub(number, page)


def _inline_assets() -> str:
    """Leaflet's CSS (images as data URIs), jQuery and Leaflet as inline elements."""
    leaflet = Path(xstatic.pkg.leaflet.BASE_DIR)
    jquery = Path(xstatic.pkg.jquery.BASE_DIR)

    def data_uri(match: re.Match[str]) -> str:
        png = (leaflet / match.group(2)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(png).decode('ascii')})"

    css = _CSS_IMAGE.sub(data_uri, (leaflet / "leaflet.css").read_text(encoding="utf-8"))
    scripts = [
        (jquery / "jquery.min.js").read_text(encoding="utf-8"),
        (leaflet / "leaflet.js").read_text(encoding="utf-8"),
    ]
    parts = [f"<style>\n{css}\n</style>"]
    parts += [f"<script>\n{_script_safe(_SOURCE_MAP.sub('', js))}\n</script>" for js in scripts]
    return "\n".join(parts)


def _script_safe(js: str) -> str:
    """JavaScript that cannot end its inline ``<script>`` element early."""
    return js.replace("</script", "<\\/script")
