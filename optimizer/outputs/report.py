"""The HTML report of a plan, for public hearings.

``render_report`` writes a self-contained ``report.html`` (no external resources,
every string escaped): the headline numbers, what the plan does in each township
(:mod:`optimizer.outputs.township_view`), the money (with its picture), the print map
(inlined as a data URI), every school after the plan (with the enrolment picture), the
closed schools and where their pupils go, the veto checklist per closed school, the
journey-time picture and every village's journeys before and after, the list of bus
routes (each route's sheet is one page of ``route_sheets.html``, linked: the report
stays short enough to read), and the solver runs. Pictures
(:mod:`optimizer.outputs.charts`) are inlined as data URIs with a caption that says
their key numbers. Every number comes from the plan through
:mod:`optimizer.outputs.figures`.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from optimizer.outputs import figures
from optimizer.outputs.charts import Picture
from optimizer.outputs.figures import hhmm
from optimizer.outputs.html_parts import e as _e
from optimizer.outputs.html_parts import figure as _figure
from optimizer.outputs.html_parts import n as _n
from optimizer.outputs.html_parts import number as _number
from optimizer.outputs.html_parts import t as _t
from optimizer.outputs.html_parts import table as _table
from optimizer.outputs.labels import labels, term
from optimizer.outputs.money_view import money_section
from optimizer.outputs.route_sheets import route_list
from optimizer.outputs.tables import plan_tables
from optimizer.outputs.timeline_view import TimelineView
from optimizer.outputs.township_view import township_section
from optimizer.outputs.wording import (
    count,
    investment,
    money,
    money_value,
    solver_engine,
    solver_stage,
    solver_status,
    veto_detail,
)
from optimizer.plan import Assignment, Plan

__all__ = ["render_report", "hhmm", "plan_tables"]

_CSS = """
body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
  margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: .2em; }
h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #bbb; }
h3 { font-size: 1.05em; margin: 1.2em 0 .2em; }
table { border-collapse: collapse; margin: .4em 0; font-size: .92em; max-width: 100%; }
th, td { border: 1px solid #bbb; padding: .2em .4em; text-align: left; vertical-align: top;
  word-break: keep-all; overflow-wrap: break-word; }
th { background: #eef2f6; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
:lang(zh) th, :lang(zh) td { line-break: strict; }
td.fail { background: #fde0dc; font-weight: bold; }
td.warn { color: #b71c1c; }
p.meta { margin: .2em 0; color: #444; }
img.map { width: 100%; height: auto; border: 1px solid #bbb; box-sizing: border-box; }
figure.chart { margin: .8em 0; break-inside: avoid; }
figure.chart img { width: 100%; height: auto; border: 1px solid #ddd; box-sizing: border-box; }
figure.chart figcaption { font-size: .92em; color: #333; margin-top: .3em; }
section.route { break-inside: avoid; }
@page { size: A4; margin: 12mm 10mm; }
/* on paper, and on a screen as narrow as an A4 page (what the tests measure) */
@media print, screen and (max-width: 760px) {
  body { margin: 0; max-width: none; padding: 0; font-size: 9pt; }
  table { font-size: 7.5pt; }
  th, td { padding: .1em .25em; }
  h2 { break-after: avoid; }
  tr { break-inside: avoid; }
  img.map { max-height: 180mm; width: auto; max-width: 100%; }
  figure.chart img { max-height: 200mm; width: auto; max-width: 100%; }
}
"""


def render_report(
    plan: Plan,
    *,
    language: str = "en",
    map_png: bytes | None = None,
    timeline: TimelineView | None = None,
    pictures: Mapping[str, Picture] | None = None,
) -> str:
    """A self-contained HTML report of the plan.

    Parameters
    ----------
    plan : Plan
        A finished plan.
    language : {"en", "zh"}
        Language of the report.
    map_png : bytes, optional
        The print map (:func:`optimizer.outputs.maps.static.render_static_map`), inlined as a
        ``data:image/png;base64`` image.
    timeline : TimelineView, optional
        For a year of a multi-year timeline: a section with every year's events and
        links to the other years' reports.
    pictures : mapping of str to Picture, optional
        The pictures (:func:`optimizer.outputs.charts.pictures`, by file name): money
        after the money table, enrolment after the schools, journeys before the villages.

    Returns
    -------
    str
        The ``report.html`` page. It loads nothing from anywhere.

    Raises
    ------
    ValueError
        For an unknown ``language``.
    """
    text = labels(language)
    title = f"{plan.scenario} · {text['title']}"
    body = [
        f"<h1>{_e(plan.scenario)}</h1>",
        f'<p class="meta">{_e(text["title"])}</p>',
        _summary(plan, text),
        township_section(plan, text, language),
        money_section(plan, text, language),
        _picture(pictures, "costs.png"),
        _timeline(timeline, text),
        _map(map_png, text),
        _schools(plan, text),
        _picture(pictures, "enrolment.png"),
        _closures(plan, text),
        _vetoes(plan, text, language),
        _picture(pictures, "journeys.png"),
        _villages(plan, text),
        route_list(plan, text),
        _solver(plan, text),
    ]
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(b for b in body if b)
        + "\n</body>\n</html>\n"
    )


def _timeline(view: TimelineView | None, text: Mapping[str, str]) -> str:
    """The timeline of a multi-year plan: links to every year, then what happens when."""
    if view is None:
        return ""
    links = view.links("report.html", text["year_plus"])
    header = [_e(text[f"timeline.{c}"]) for c in ("year", "event", "school", "detail")]
    rows = [
        [
            _n(int(r["year"])),
            _t(term(text, "timeline.event", str(r["event"]))),
            _t(r["school"]),
            _t(r["detail"]),
        ]
        for r in view.rows
    ]
    return (
        f"<h2>{_e(text['timeline'])}</h2>\n<p>{links}</p>\n"
        f"<p>{_e(text['timeline_note'])}</p>\n{_table(header, rows)}"
    )


def _summary(plan: Plan, text: Mapping[str, str]) -> str:
    k = figures.kpis(plan)
    buses = ", ".join(
        text["bus_type"].format(n=n, seats=seats) for seats, n in k["buses_by_seats"].items()
    )
    built = investment(text, k["investments"])
    rows = [
        (
            text["kpi.schools_closed"],
            f"{k['schools_closed']} {text['of']} {count(text, 'schools', k['schools'])}",
        ),
        (text["kpi.pupils_affected"], count(text, "pupils", k["pupils_affected"])),
        (text["kpi.pupils_moved"], count(text, "pupils", k["pupils_moved"])),
        (text["kpi.newly_bused"], count(text, "pupils", k["pupils_newly_bused"])),
        (text["kpi.buses"], count(text, "buses", k["buses"])),
        (text["kpi.runs"], count(text, "routes", k["runs"])),
        (text["kpi.buses_by_type"], buses or text["none"]),
        (text["kpi.bus_km"], count(text, "km", k["bus_km"], 1)),
        (text["kpi.longest_ride"], count(text, "min", k["longest_ride_s"] / 60, 1)),
        (text["kpi.longest_journey"], count(text, "min", k["longest_journey_s"] / 60, 1)),
        (text["kpi.p13_over"], count(text, "pupils", k["p13_over_limit"])),
        *_longer(plan, text),
        (text["kpi.lunch"], f"{_number(k['lunch_pupils'])} / {_number(k['canteen_seats'])}"),
        (text["kpi.boarding"], f"{_number(k['boarders'])} / {_number(k['boarding_beds'])}"),
        (text["kpi.investments"], built or text["none"]),
        (text["kpi.cost_saved"], money(text, k["running_cost_saved"], per_year=True)),
        (text["kpi.capital"], money(text, k["capital_cost"])),
    ]
    kpis = _table([], ([_t(label), (_e(value), "n")] for label, value in rows))
    return f"<h2>{_e(text['summary'])}</h2>\n{kpis}"


def _longer(plan: Plan, text: Mapping[str, str]) -> list[tuple[str, str]]:
    """The pupils whose daily journey gets longer: in all, then by band (bands with some)."""
    longer = plan.kpis.get("longer_journeys")
    if longer is None:  # a plan from before journeys were compared like with like
        return []

    def value(c: dict) -> str:
        return text["kpi.longer_value"].format(
            pupils=count(text, "pupils", c["pupils"]),
            total=_number(c["extra_min_total"], 1),
            largest=count(text, "min", c["largest_extra_min"], 1),
        )

    rows = [(text["kpi.longer"], value(longer) if longer["pupils"] else text["none"])]
    for band, c in longer["by_band"].items():
        if c["pupils"]:
            rows.append((f"· {term(text, 'band', band)}", value(c)))
    return rows


def _map(png: bytes | None, text: Mapping[str, str]) -> str:
    if not png:
        return ""
    data = base64.b64encode(png).decode("ascii")
    return (
        f"<h2>{_e(text['map'])}</h2>\n"
        f'<img class="map" alt="{_e(text["map_alt"])}" src="data:image/png;base64,{data}">'
    )


def _picture(pictures: Mapping[str, Picture] | None, name: str) -> str:
    """A picture with its caption (nothing when not given)."""
    p = (pictures or {}).get(name)
    return "" if p is None else _figure(p.png, p.title, p.caption, name.removesuffix(".png"))


def _schools(plan: Plan, text: Mapping[str, str]) -> str:
    receivers = figures.receiving(plan)
    rows = []
    for s in plan.schools:
        if s.status == "closed":
            continue
        over = figures.over_class_norm(s)
        rows.append(
            [
                _t(f"{s.name} ({s.id})"),
                _t(term(text, "level", s.level)),
                _t(term(text, "role", figures.role(s, receivers))),
                _n(sum(s.enrolment_before.values())),
                _n(sum(s.enrolment_after.values())),
                _t(
                    text["list_sep"].join(
                        f"{term(text, 'band', b)} {n}" for b, n in s.enrolment_after.items()
                    )
                ),
                _n(s.classes_after),
                (
                    _e(f"{s.largest_class_after} / {s.class_norm}" + (" ⚠" if over else "")),
                    "n warn" if over else "n",
                ),
                (_e(f"{s.lunch_pupils_after} / {s.canteen_seats}"), "n"),
                (_e(f"{s.boarders_after} / {s.boarding_beds}"), "n"),
                _t(investment(text, s.investment) or "-"),
                (_e(money_value(text, s.capital_cost)), "n"),
            ]
        )
    header = [
        _e(text[k]) for k in ("school", "level", "status", "pupils_before", "pupils_after", "band")
    ]
    header += [_e(text["classes"]), _e(f"{text['largest_class']} / {text['class_norm']}")]
    header += [_e(text["canteen"]), _e(text["beds"]), _e(text["investment"])]
    header += [_e(f"{text['capital']} ({text['money_unit']})")]
    return f"<h2>{_e(text['schools_after'])}</h2>\n{_table(header, rows)}"


def _closures(plan: Plan, text: Mapping[str, str]) -> str:
    names = {s.id: s.name for s in plan.schools}
    closed = [s for s in plan.schools if s.status == "closed"]
    heading = f"<h2>{_e(text['closed_schools'])}</h2>"
    if not closed:
        return f"{heading}\n<p>{_e(text['no_closures'])}</p>"
    rows = []
    for school in closed:
        moves: dict[str, list[Assignment]] = {}
        for a in plan.assignments:
            if a.before_school == school.id:
                moves.setdefault(a.school, []).append(a)
        first = True
        for dest, group in moves.items() or [("", [])]:
            modes: dict[str, int] = {}
            for a in group:
                modes[a.mode] = modes.get(a.mode, 0) + a.pupils
            how = text["list_sep"].join(
                f"{term(text, 'mode', mode)} {count(text, 'pupils', n)}"
                for mode, n in modes.items()
            )
            longest = max((a.time_s for a in group), default=0)
            lead = (
                [
                    _t(f"{school.name} ({school.id})"),
                    _t(term(text, "level", school.level)),
                    _n(sum(school.enrolment_before.values())),
                ]
                if first
                else [("", "")] * 3
            )
            rows.append(
                lead
                + [
                    _t(f"{names.get(dest, dest)} ({dest})" if dest else "-"),
                    _n(sum(a.pupils for a in group)),
                    _t(how),
                    (_e(count(text, "min", longest / 60)), "n"),
                ]
            )
            first = False
    header = [
        _e(text[c])
        for c in ("school", "level", "pupils_before", "goes_to", "pupils", "how", "longest")
    ]
    return f"{heading}\n{_table(header, rows)}"


def _vetoes(plan: Plan, text: Mapping[str, str], language: str) -> str:
    heading = f"<h2>{_e(text['vetoes'])}</h2>"
    if not plan.vetoes:
        return f"{heading}\n<p>{_e(text['no_vetoes'])}</p>"
    names = {s.id: s.name for s in plan.schools}
    sections = [heading]
    by_school: dict[str, list] = {}
    for v in plan.vetoes:
        by_school.setdefault(v.school, []).append(v)
    header = [_e(text["veto_item"]), _e(text["status"]), _e(text["veto_detail"])]
    for school, checks in by_school.items():
        rows = [
            [
                _t(term(text, "vetoitem", v.item)),
                (_e(term(text, "veto", v.status)), "fail" if v.status == "fail" else ""),
                _t(veto_detail(text, plan, v, language)),
            ]
            for v in checks
        ]
        sections.append(
            f"<h3>{_e(names.get(school, school))} ({_e(school)})</h3>\n{_table(header, rows)}"
        )
    return "\n".join(sections)


def _villages(plan: Plan, text: Mapping[str, str]) -> str:
    names = {s.id: s.name for s in plan.schools}
    rows = []
    for village in figures.villages(plan):
        for n, a in enumerate(village.rows):
            over = a.over_limit
            flag = text["over_limit"].format(limit=round(a.limit_s / 60)) if over else ""
            before = names.get(a.before_school, a.before_school) or "-"
            rows.append(
                [
                    _t(f"{village.name} ({village.id})" if n == 0 else ""),
                    _t(term(text, "band", a.band)),
                    _n(a.pupils),
                    _t(
                        f"{before} · {term(text, 'mode', a.before_mode) if a.before_mode else '-'}"
                        f" · {a.before_time_s / 60:.0f} · {a.before_distance_m / 1000:.1f}"
                    ),
                    _t(
                        f"{names.get(a.school, a.school)} · {term(text, 'mode', a.mode)} · "
                        f"{a.time_s / 60:.0f} · {a.distance_m / 1000:.1f}"
                    ),
                    (_e(f"{(a.time_s - a.before_time_s) / 60:+.0f}"), "n"),
                    (_e(flag), "warn" if over else ""),
                ]
            )
    header = [
        _e(text[k])
        for k in ("village", "band", "pupils", "journey_before", "journey_after", "change", "flag")
    ]
    return f"<h2>{_e(text['villages_table'])}</h2>\n{_table(header, rows)}"


def _solver(plan: Plan, text: Mapping[str, str]) -> str:
    runs = _table(
        [_e(text[c]) for c in ("stage", "engine", "status", "objective", "bound", "gap")],
        (
            [
                _t(solver_stage(text, r.stage)),
                _t(solver_engine(text, r.engine)),
                _t(solver_status(text, r)),
                _n(r.objective, 1),
                _n(r.bound, 1),
                (_e("-" if r.gap is None else _number(100 * r.gap, 2) + " %"), "n"),
            ]
            for r in plan.solver
        ),
    )
    return f"<h2>{_e(text['solver'])}</h2>\n{runs}"
