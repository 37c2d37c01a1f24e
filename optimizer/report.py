"""Tables and the short HTML report of a plan, for CSV files and public hearings.

``plan_tables`` flattens a :class:`~optimizer.plan.Plan` into tidy pandas tables;
``render_report`` writes a self-contained ``report.html`` (no external resources,
every string escaped) with the headline numbers, the closed schools and where their
pupils go, and one route sheet per bus route.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import pandas as pd

from optimizer.plan import Assignment, Plan, Route, SchoolResult, compute_kpis

_BAND_ORDER = ("k", "p13", "p46", "j79")

_EN = MappingProxyType(
    {
        "title": "School consolidation plan",
        "summary": "Summary",
        "schools_closed": "Schools closed",
        "of": "of",
        "pupils_moved": "Pupils moved to another school",
        "newly_bused": "Pupils newly on a school bus",
        "buses": "Bus routes",
        "bus_km": "Bus kilometres (morning runs)",
        "longest_ride": "Longest bus ride",
        "longest_journey": "Longest journey to school",
        "p13_over": "Grades 1-3 pupils over their journey limit",
        "cost_saved": "Running cost saved",
        "yuan_year": "yuan/year",
        "min": "min",
        "solver": "Solver",
        "stage": "Stage",
        "engine": "Engine",
        "status": "Status",
        "objective": "Objective",
        "bound": "Bound",
        "gap": "Gap",
        "closed_schools": "Closed schools and where their pupils go",
        "no_closures": "No school closes in this plan.",
        "school": "School",
        "level": "Level",
        "pupils_before": "Pupils before",
        "goes_to": "Goes to",
        "pupils": "Pupils",
        "how": "How",
        "longest": "Longest journey",
        "route_sheets": "Bus route sheets",
        "no_routes": "No bus routes in this plan.",
        "route": "Route",
        "to": "to",
        "depart": "Leaves {start} at {time}",
        "arrive": "arrives at school {time}",
        "seats": "seats",
        "km": "km",
        "stop": "Stop",
        "village": "Village",
        "arrival": "Arrival",
        "departure": "Departure",
        "boarding": "Boarding",
        "load": "Load",
        "ride": "Ride (limit)",
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
    }
)

_ZH = MappingProxyType(
    {
        "title": "学校布局调整方案",
        "summary": "概要",
        "schools_closed": "撤并学校",
        "of": "/",
        "pupils_moved": "转入其他学校的学生",
        "newly_bused": "新增乘坐校车的学生",
        "buses": "校车线路",
        "bus_km": "校车行驶里程（早班，公里）",
        "longest_ride": "最长乘车时间",
        "longest_journey": "最长上学时间",
        "p13_over": "超出时限的一至三年级学生",
        "cost_saved": "节省运行经费",
        "yuan_year": "元/年",
        "min": "分钟",
        "solver": "求解器",
        "stage": "阶段",
        "engine": "引擎",
        "status": "状态",
        "objective": "目标值",
        "bound": "界",
        "gap": "差距",
        "closed_schools": "撤并学校及学生去向",
        "no_closures": "本方案不撤并任何学校。",
        "school": "学校",
        "level": "学段",
        "pupils_before": "调整前学生",
        "goes_to": "转入",
        "pupils": "学生",
        "how": "方式",
        "longest": "最长上学时间",
        "route_sheets": "校车线路单",
        "no_routes": "本方案没有校车线路。",
        "route": "线路",
        "to": "开往",
        "depart": "{time} 从{start}出发",
        "arrive": "{time} 到校",
        "seats": "座",
        "km": "公里",
        "stop": "站",
        "village": "村庄",
        "arrival": "到站",
        "departure": "离站",
        "boarding": "上车",
        "load": "车上人数",
        "ride": "乘车（时限）",
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
    }
)

_LABELS = MappingProxyType({"en": _EN, "zh": _ZH})

_CSS = """
body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
  margin: 2em auto; max-width: 60em; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: .2em; }
h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #bbb; }
h3 { font-size: 1.05em; margin: 1.2em 0 .2em; }
table { border-collapse: collapse; margin: .4em 0; }
th, td { border: 1px solid #bbb; padding: .2em .6em; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
p.meta { margin: .2em 0; color: #444; }
section.route { page-break-inside: avoid; }
"""


def hhmm(seconds: int | float) -> str:
    """A time of day as ``HH:MM``.

    Parameters
    ----------
    seconds : int or float
        Seconds after midnight.

    Returns
    -------
    str
        Hours and minutes, rounded down to the minute (a bus timetable never shows
        a time later than the bus is actually there).
    """
    minutes = int(seconds) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def plan_tables(plan: Plan) -> dict[str, pd.DataFrame]:
    """The plan as tidy tables, one row per record.

    Parameters
    ----------
    plan : Plan
        A finished plan.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``schools`` (one row per school, enrolment per band before/after),
        ``assignments`` (per village and band), ``routes`` (per bus route) and
        ``stops`` (per route stop, numbered from 1 along the route). Times of day are
        given in seconds after midnight (``*_s``) and as ``HH:MM`` strings, durations in
        seconds and minutes, distances in metres and kilometres.
    """
    names = {s.id: s.name for s in plan.schools}
    bands = _bands(plan)
    return {
        "schools": _frame(
            [_school_row(s, bands) for s in plan.schools],
            _school_columns(bands),
            counts=[f"{when}_{b}" for when in ("before", "after") for b in bands],
        ),
        "assignments": _frame(
            [_assignment_row(a, names) for a in plan.assignments], _ASSIGNMENT_COLUMNS
        ),
        "routes": _frame([_route_row(r, names) for r in plan.routes], _ROUTE_COLUMNS),
        "stops": _frame(
            [row for r in plan.routes for row in _stop_rows(r, names, bands)],
            _stop_columns(bands),
            counts=[f"boarding_{b}" for b in bands],
        ),
    }


def render_report(plan: Plan, *, language: str = "en") -> str:
    """A short self-contained HTML report of the plan.

    Parameters
    ----------
    plan : Plan
        A finished plan.
    language : {"en", "zh"}
        Language of the report.

    Returns
    -------
    str
        The ``report.html`` page: title, KPI summary with every solver run, the
        closed schools and where their pupils go, and a sheet per bus route. It loads
        nothing from anywhere; every string from the plan is HTML-escaped.

    Raises
    ------
    ValueError
        For an unknown ``language``.
    """
    text = _labels(language)
    title = f"{plan.scenario} · {text['title']}"
    body = [
        f"<h1>{_e(plan.scenario)}</h1>",
        f'<p class="meta">{_e(text["title"])}</p>',
        _summary(plan, text),
        _closures(plan, text),
        _route_sheets(plan, text),
    ]
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


# -- tables -----------------------------------------------------------------------------

_ASSIGNMENT_COLUMNS = (
    "village",
    "village_name",
    "lon",
    "lat",
    "band",
    "pupils",
    "school",
    "school_name",
    "mode",
    "moved",
    "time_s",
    "time_min",
    "distance_m",
    "distance_km",
    "limit_s",
    "limit_min",
    "over_limit",
    "before_school",
    "before_school_name",
    "before_time_s",
    "before_time_min",
    "before_distance_m",
    "before_distance_km",
)

_ROUTE_COLUMNS = (
    "route",
    "school",
    "school_name",
    "start",
    "seats",
    "stops",
    "pupils",
    "depart_s",
    "depart",
    "arrive_school_s",
    "arrive_school",
    "distance_m",
    "distance_km",
    "drive_s",
    "drive_min",
    "longest_ride_s",
    "longest_ride_min",
    "geometry_points",
)


def _school_columns(bands: tuple[str, ...]) -> tuple[str, ...]:
    return (
        "school",
        "name",
        "level",
        "lon",
        "lat",
        "status",
        "may_close",
        "must_keep",
        "capacity",
        "running_cost",
        "enrolment_before",
        "enrolment_after",
        *(f"before_{b}" for b in bands),
        *(f"after_{b}" for b in bands),
    )


def _stop_columns(bands: tuple[str, ...]) -> tuple[str, ...]:
    return (
        "route",
        "school",
        "school_name",
        "stop",
        "village",
        "village_name",
        "lon",
        "lat",
        "arrive_s",
        "arrive",
        "depart_s",
        "depart",
        "boarding",
        *(f"boarding_{b}" for b in bands),
        "load_after",
        "seats",
        "ride_s",
        "ride_min",
        "limit_s",
        "limit_min",
    )


def _bands(plan: Plan) -> tuple[str, ...]:
    """Every band in the plan, in the usual order (unknown bands after, sorted)."""
    seen = {a.band for a in plan.assignments}
    for s in plan.schools:
        seen.update(s.enrolment_before, s.enrolment_after)
    for r in plan.routes:
        for stop in r.stops:
            seen.update(stop.boarding)
    return tuple(b for b in _BAND_ORDER if b in seen) + tuple(sorted(seen - set(_BAND_ORDER)))


def _frame(
    rows: list[dict[str, Any]], columns: Iterable[str], counts: Iterable[str] = ()
) -> pd.DataFrame:
    """A table with fixed columns (also when empty); ``counts`` are nullable integers.

    A school's enrolment in a band it does not teach is ``<NA>``, not zero.
    """
    frame = pd.DataFrame.from_records(rows, columns=list(columns))
    for col in counts:
        frame[col] = frame[col].astype("Int64")
    return frame


def _minutes(seconds: int | float) -> float:
    return round(seconds / 60.0, 1)


def _km(metres: int | float) -> float:
    return round(metres / 1000.0, 2)


def _school_row(s: SchoolResult, bands: tuple[str, ...]) -> dict[str, Any]:
    return {
        "school": s.id,
        "name": s.name,
        "level": s.level,
        "lon": s.lon,
        "lat": s.lat,
        "status": s.status,
        "may_close": s.may_close,
        "must_keep": s.must_keep,
        "capacity": s.capacity,
        "running_cost": s.running_cost,
        "enrolment_before": sum(s.enrolment_before.values()),
        "enrolment_after": sum(s.enrolment_after.values()),
        **{f"before_{b}": s.enrolment_before.get(b) for b in bands},
        **{f"after_{b}": s.enrolment_after.get(b) for b in bands},
    }


def _assignment_row(a: Assignment, names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "village": a.village,
        "village_name": a.village_name,
        "lon": a.lon,
        "lat": a.lat,
        "band": a.band,
        "pupils": a.pupils,
        "school": a.school,
        "school_name": names.get(a.school, ""),
        "mode": a.mode,
        "moved": a.moved,
        "time_s": a.time_s,
        "time_min": _minutes(a.time_s),
        "distance_m": a.distance_m,
        "distance_km": _km(a.distance_m),
        "limit_s": a.limit_s,
        "limit_min": _minutes(a.limit_s),
        "over_limit": a.time_s > a.limit_s,
        "before_school": a.before_school,
        "before_school_name": names.get(a.before_school, ""),
        "before_time_s": a.before_time_s,
        "before_time_min": _minutes(a.before_time_s),
        "before_distance_m": a.before_distance_m,
        "before_distance_km": _km(a.before_distance_m),
    }


def _route_row(r: Route, names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "route": r.id,
        "school": r.school,
        "school_name": names.get(r.school, ""),
        "start": r.start,
        "seats": r.seats,
        "stops": len(r.stops),
        "pupils": max((s.load_after for s in r.stops), default=0),
        "depart_s": r.depart_s,
        "depart": hhmm(r.depart_s),
        "arrive_school_s": r.arrive_school_s,
        "arrive_school": hhmm(r.arrive_school_s),
        "distance_m": r.distance_m,
        "distance_km": _km(r.distance_m),
        "drive_s": r.drive_s,
        "drive_min": _minutes(r.drive_s),
        "longest_ride_s": r.longest_ride_s,
        "longest_ride_min": _minutes(r.longest_ride_s),
        "geometry_points": len(r.geometry),
    }


def _stop_rows(r: Route, names: Mapping[str, str], bands: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {
            "route": r.id,
            "school": r.school,
            "school_name": names.get(r.school, ""),
            "stop": n,
            "village": s.village,
            "village_name": s.village_name,
            "lon": s.lon,
            "lat": s.lat,
            "arrive_s": s.arrive_s,
            "arrive": hhmm(s.arrive_s),
            "depart_s": s.depart_s,
            "depart": hhmm(s.depart_s),
            "boarding": sum(s.boarding.values()),
            **{f"boarding_{b}": s.boarding.get(b, 0) for b in bands},
            "load_after": s.load_after,
            "seats": r.seats,
            "ride_s": s.ride_s,
            "ride_min": _minutes(s.ride_s),
            "limit_s": s.limit_s,
            "limit_min": _minutes(s.limit_s),
        }
        for n, s in enumerate(r.stops, start=1)
    ]


# -- report -----------------------------------------------------------------------------


def _labels(language: str) -> Mapping[str, str]:
    try:
        return _LABELS[language]
    except KeyError:
        raise ValueError(
            f"unknown language {language!r}; choose one of {sorted(_LABELS)}"
        ) from None


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _term(text: Mapping[str, str], kind: str, value: str) -> str:
    return text.get(f"{kind}.{value}", value)


def _table(header: Iterable[str], rows: Iterable[Iterable[tuple[str, bool]]]) -> str:
    """An HTML table; cells are (already escaped text, is-number) pairs."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{c}</td>' if num else f"<td>{c}</td>" for c, num in row)
        + "</tr>"
        for row in rows
    )
    return f"<table>\n<tr>{head}</tr>\n{body}\n</table>"


def _number(value: float | None, digits: int = 0) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:,.{digits}f}"


def _summary(plan: Plan, text: Mapping[str, str]) -> str:
    k = {**compute_kpis(plan.schools, plan.assignments, plan.routes), **plan.kpis}
    m = text["min"]
    rows = [
        (text["schools_closed"], f"{k['schools_closed']} {text['of']} {k['schools']}"),
        (text["pupils_moved"], _number(k["pupils_moved"])),
        (text["newly_bused"], _number(k["pupils_newly_bused"])),
        (text["buses"], _number(k["buses"])),
        (text["bus_km"], _number(k["bus_km"], 1)),
        (text["longest_ride"], f"{_number(k['longest_ride_s'] / 60, 1)} {m}"),
        (text["longest_journey"], f"{_number(k['longest_journey_s'] / 60, 1)} {m}"),
        (text["p13_over"], _number(k["p13_over_limit"])),
        (text["cost_saved"], f"{_number(k['running_cost_saved'])} {text['yuan_year']}"),
    ]
    kpis = _table([], ([(_e(label), False), (_e(value), True)] for label, value in rows))
    runs = _table(
        [_e(text[c]) for c in ("stage", "engine", "status", "objective", "bound", "gap")],
        (
            [
                (_e(r.stage), False),
                (_e(r.engine), False),
                (_e(r.status), False),
                (_e(_number(r.objective, 1)), True),
                (_e(_number(r.bound, 1)), True),
                (_e("-" if r.gap is None else _number(100 * r.gap, 2) + " %"), True),
            ]
            for r in plan.solver
        ),
    )
    return f"<h2>{_e(text['summary'])}</h2>\n{kpis}\n<h3>{_e(text['solver'])}</h3>\n{runs}"


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
            how = ", ".join(f"{_term(text, 'mode', mode)}: {n}" for mode, n in modes.items())
            longest = max((a.time_s for a in group), default=0)
            lead = (
                [
                    (_e(f"{school.name} ({school.id})"), False),
                    (_e(_term(text, "level", school.level)), False),
                    (_e(sum(school.enrolment_before.values())), True),
                ]
                if first
                else [("", False)] * 3
            )
            rows.append(
                lead
                + [
                    (_e(f"{names.get(dest, dest)} ({dest})" if dest else "-"), False),
                    (_e(sum(a.pupils for a in group)), True),
                    (_e(how), False),
                    (_e(f"{_number(longest / 60)} {text['min']}"), True),
                ]
            )
            first = False
    header = [
        _e(text[c])
        for c in ("school", "level", "pupils_before", "goes_to", "pupils", "how", "longest")
    ]
    return f"{heading}\n{_table(header, rows)}"


def _boarding(boarding: Mapping[str, int], text: Mapping[str, str]) -> str:
    """``22 (Grades 1-3: 12, Grades 4-6: 10)``."""
    bands = ", ".join(f"{_term(text, 'band', b)}: {n}" for b, n in boarding.items())
    return f"{sum(boarding.values())} ({bands})" if bands else "0"


def _route_sheets(plan: Plan, text: Mapping[str, str]) -> str:
    names = {s.id: s.name for s in plan.schools}
    heading = f"<h2>{_e(text['route_sheets'])}</h2>"
    if not plan.routes:
        return f"{heading}\n<p>{_e(text['no_routes'])}</p>"
    header = [
        _e(text[c]) for c in ("stop", "village", "arrival", "departure", "boarding", "load", "ride")
    ]
    sheets = [heading]
    for r in plan.routes:
        school = f"{names.get(r.school, r.school)} ({r.school})"
        meta = " · ".join(
            [
                text["depart"].format(start=r.start, time=hhmm(r.depart_s)),
                text["arrive"].format(time=hhmm(r.arrive_school_s)),
                f"{r.seats} {text['seats']}",
                f"{_number(r.distance_m / 1000, 1)} {text['km']}",
                f"{text['longest_ride']} {_number(r.longest_ride_s / 60)} {text['min']}",
            ]
        )
        rows = [
            [
                (_e(n), True),
                (_e(f"{s.village_name} ({s.village})"), False),
                (_e(hhmm(s.arrive_s)), True),
                (_e(hhmm(s.depart_s)), True),
                (_e(_boarding(s.boarding, text)), False),
                (_e(f"{s.load_after}/{r.seats}"), True),
                (_e(f"{_number(s.ride_s / 60)} ({_number(s.limit_s / 60)}) {text['min']}"), True),
            ]
            for n, s in enumerate(r.stops, start=1)
        ]
        sheets.append(
            f'<section class="route">\n<h3>{_e(text["route"])} {_e(r.id)} '
            f'{_e(text["to"])} {_e(school)}</h3>\n<p class="meta">{_e(meta)}</p>\n'
            f"{_table(header, rows)}\n</section>"
        )
    return "\n".join(sheets)
