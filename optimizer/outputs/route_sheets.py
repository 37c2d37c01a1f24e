"""The bus route sheets: one A4 page per run, as a school-bus permit application asks.

``render_route_sheets`` writes ``route_sheets.html`` (self-contained, the maps inlined
as PNG data URIs): per run its small map (:mod:`optimizer.outputs.route_maps`), the
bus yard by name, the bus and where it comes on from, the stops with who boards and
the morning and afternoon times (:mod:`optimizer.outputs.route_sheet_parts`), the
roads from the first stop to the school, the hazard sections (20 km/h) with their
length and road, the longest ride against its limit, and blanks for the vehicle plate,
the driver, the bus attendant (照管员), their phones and the signatures. Each sheet
is one printed page (``break-after: page``); the index of the routes on top shows on
a screen only, so that the print has exactly one page per route. The report lists
the routes and links here (:func:`route_list`).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from optimizer.outputs import figures
from optimizer.outputs.figures import hhmm
from optimizer.outputs.html_parts import e as _e
from optimizer.outputs.html_parts import n as _n
from optimizer.outputs.html_parts import t as _t
from optimizer.outputs.html_parts import table as _table
from optimizer.outputs.labels import labels
from optimizer.outputs.route_maps import Lines, RoadPoints, route_map_png
from optimizer.outputs.route_sheet_parts import blanks, hazards, longest, roads, stops_table
from optimizer.outputs.wording import count
from optimizer.plan import Plan, Route

#: The map's height on the page (millimetres) for a run of up to four stops.
MAP_MM = 86

_CSS = """
body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
  margin: 0; color: #222; font-size: 8.5pt; }
h1 { font-size: 13pt; margin: 0 0 2mm; }
h2 { font-size: 11.5pt; margin: 0 0 1.5mm; }
h3 { font-size: 9pt; margin: 2mm 0 .8mm; }
p { margin: .8mm 0; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: .5mm 0; }
th, td { border: 1px solid #999; padding: .4mm 1mm; text-align: left; vertical-align: top;
  word-break: keep-all; overflow-wrap: break-word; }
th { background: #eef2f6; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.blank { height: 6mm; min-width: 30mm; }
table.facts th { width: 24%; }
img.route-map { display: block; width: 100%; height: auto; max-height: 86mm;
  object-fit: contain; object-position: left; border: 1px solid #bbb; box-sizing: border-box; }
section.sheet { break-after: page; page-break-after: always; }
section.sheet:last-of-type { break-after: auto; page-break-after: auto; }
@media print { section.cover { display: none; } }
p.note { color: #555; font-size: 7.5pt; }
p.sign { margin-top: 3mm; }
@page { size: A4; margin: 10mm 12mm; }
@media screen { body { max-width: 186mm; margin: 1em auto; } section.sheet {
  border-bottom: 2px dashed #bbb; padding-bottom: 4mm; margin-bottom: 6mm; } }
"""


def render_route_sheets(
    plan: Plan, *, language: str = "en", road_lines: Lines | None = None
) -> str:
    """Every route's sheet, one A4 page each, as a self-contained HTML page.

    Parameters
    ----------
    plan : Plan
        A finished plan.
    language : {"en", "zh"}
        Language of the sheets.
    road_lines : sequence of lines of (lon, lat), optional
        The county's roads (``Region.road_lines()``), drawn on each route's map.

    Returns
    -------
    str
        The ``route_sheets.html`` page; it loads nothing from anywhere.
    """
    text = labels(language)
    body = [
        f'<section class="cover"><h1>{_e(plan.scenario)} · {_e(text["sheet.title"])}</h1>'
        f"<p>{_e(text['sheet.intro'])}</p>"
        + (f"<p>{_e(text['no_routes'])}</p>" if not plan.routes else route_index(plan, text))
        + "</section>"
    ]
    roads = RoadPoints(road_lines or ())
    body += [route_sheet(r, plan, text, roads) for r in plan.routes]
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(plan.scenario)} · {_e(text['sheet.title'])}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _yard(route: Route, plan: Plan, text: Mapping[str, str]) -> str:
    """The yard by name: a depot's name and id, or the school's own yard."""
    if not route.start_name:  # a plan from before yards were named
        return route.start
    if route.start.endswith(" yard"):
        return text["sheet.school_yard"].format(school=route.start_name)
    return f"{route.start_name} ({route.start})"


def _schools(route: Route, plan: Plan) -> str:
    names = {s.id: s.name for s in plan.schools}
    return ", ".join(
        f"{names.get(d.school, d.school)} ({d.school})" for d in figures.route_drops(route)
    )


def _morning(route: Route, plan: Plan, text: Mapping[str, str]) -> str:
    """``Leaves D01 at 07:23 · arrives at school 07:50 · bell 08:00`` (or where the bus
    comes on from, for a bus's later run; each school of a multi-school run)."""
    bus, n, _ = figures.bus_runs(plan).get(route.id, ("", 1, 1))
    duty = {b.id: b for b in plan.buses}.get(bus)
    start = text["route_depart"].format(start=route.start, time=hhmm(route.depart_s))
    if duty is not None and n > 1:
        prev = {r.id: r for r in plan.routes}[duty.routes[n - 2]]
        start = text["route_from"].format(school=prev.school, time=hhmm(prev.arrive_school_s))
    arrive = text["route_arrive"].format(time=hhmm(route.arrive_school_s))
    if route.drops:
        arrive = "; ".join(
            text["route_arrive"].format(time=hhmm(d.arrive_s))
            + f" ({d.school}, {count(text, 'pupils', d.pupils)})"
            for d in route.drops
        )
    bell = [] if route.bell_s is None else [text["route_bell"].format(time=hhmm(route.bell_s))]
    return " · ".join([start, arrive, *bell])


def _bus(route: Route, plan: Plan, text: Mapping[str, str]) -> str:
    bus, n, runs = figures.bus_runs(plan).get(route.id, ("", 1, 1))
    seats = count(text, "seats", route.seats)
    return f"{text['route_bus'].format(bus=bus, n=n, of=runs)} · {seats}" if bus else seats


def map_mm(route: Route) -> int:
    """The map's height on the page, millimetres: smaller for a run with many stops, so
    that the sheet stays one page (the stops table grows a row per stop, drop or walker
    line)."""
    rows = len(route.stops) + len(route.drops) + sum(len(s.walkers) for s in route.stops)
    return max(30, MAP_MM - 9 * max(0, rows - 4))


def route_sheet(
    route: Route, plan: Plan, text: Mapping[str, str], road_lines: Lines | RoadPoints
) -> str:
    """One route's sheet: a ``<section class="sheet">``, one printed page."""
    facts = [
        (text["sheet.yard"], _yard(route, plan, text)),
        (text["sheet.bus"], _bus(route, plan, text)),
        (text["sheet.morning"], _morning(route, plan, text)),
        (
            text["sheet.pupils"],
            f"{count(text, 'pupils', figures.route_pupils(route))} / "
            f"{count(text, 'seats', route.seats)}",
        ),
        (text["sheet.length"], count(text, "km", route.distance_m / 1000, 1)),
        (text["sheet.longest"], longest(route, text)),
    ]
    facts_table = _table([], ([_t(k), _t(v)] for k, v in facts))
    facts_table = facts_table.replace("<table>", '<table class="facts">', 1)
    png = base64.b64encode(route_map_png(route, plan, road_lines)).decode("ascii")
    alt = text["sheet.map_alt"].format(route=route.id)
    title = text["sheet.route"].format(route=route.id, school=_schools(route, plan))
    return (
        f'<section class="sheet" id="{_e(route.id)}">\n'
        f'<p class="note">{_e(plan.scenario)} · {_e(text["sheet.heading"])}</p>\n'
        f"<h2>{_e(title)}</h2>\n"
        f"{facts_table}\n"
        f'<img class="route-map" alt="{_e(alt)}" style="max-height: {map_mm(route)}mm" '
        f'src="data:image/png;base64,{png}">\n'
        f'<p class="note">{_e(text["sheet.map_note"])}</p>\n'
        f"<h3>{_e(text['sheet.stops'])}</h3>\n{stops_table(route, plan, text)}\n"
        f"<h3>{_e(text['sheet.roads'])}</h3>\n<p>{_e(roads(route, text))}</p>\n"
        f"<h3>{_e(text['sheet.hazards'])}</h3>\n{hazards(route, text)}\n"
        f"<h3>{_e(text['sheet.blanks'])}</h3>\n{blanks(route, text)}\n"
        f'<p class="sign">{_e(text["sheet.sign"])}</p>\n<p>{_e(text["sheet.review"])}</p>\n'
        "</section>"
    )


def route_index(plan: Plan, text: Mapping[str, str], link: str = "") -> str:
    """A table of the routes: one row each (school, yard, first stop, stops, pupils,
    km, times); each route id links to its sheet (in ``link``, a file name, or on
    the same page)."""
    header = [
        _e(text[c])
        for c in ("route", "school", "sheet.yard", "report.route_first", "stops", "pupils")
    ]
    header += [_e(text["sheet.km"]), _e(text["report.route_times"])]
    rows = [
        [
            (f'<a href="{_e(link)}#{_e(r.id)}">{_e(r.id)}</a>', ""),
            _t(_schools(r, plan)),
            _t(_yard(r, plan, text)),
            _t(f"{r.stops[0].village_name} ({r.stops[0].village})" if r.stops else "-"),
            _n(len(r.stops)),
            _n(figures.route_pupils(r)),
            _n(r.distance_m / 1000, 1),
            (_e(f"{hhmm(r.depart_s)} / {hhmm(r.arrive_school_s)}"), "n"),
        ]
        for r in plan.routes
    ]
    return _table(header, rows)


def route_list(plan: Plan, text: Mapping[str, str], sheets: str = "route_sheets.html") -> str:
    """The report's section on the routes: the list, and where their sheets are."""
    heading = f"<h2>{_e(text['report.route_list'])}</h2>"
    if not plan.routes:
        return f"{heading}\n<p>{_e(text['no_routes'])}</p>"
    link = f'<a href="{_e(sheets)}">{_e(text["sheet.title"])}</a>'
    note = _e(text["report.route_link"]).replace("{link}", link)
    return f"{heading}\n<p>{note}</p>\n{route_index(plan, text, sheets)}"
