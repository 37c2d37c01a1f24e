"""The bus route sheets of the report: one per run, its stops, times and pupils.

Part of :mod:`optimizer.outputs.report`: the sheet the bus permit asks for (the
approved route, its stops and times), with who boards where, the walkers from other
villages, and for a bus doing several runs, where it comes on from; then each of its
afternoon runs: when it leaves school, with which bands, and who alights where.
"""

from __future__ import annotations

from collections.abc import Mapping

from optimizer.afternoon import AfternoonRun
from optimizer.outputs import figures
from optimizer.outputs.figures import hhmm
from optimizer.outputs.html_parts import e as _e
from optimizer.outputs.html_parts import n as _n
from optimizer.outputs.html_parts import number as _number
from optimizer.outputs.html_parts import t as _t
from optimizer.outputs.html_parts import table as _table
from optimizer.outputs.labels import term
from optimizer.outputs.wording import count
from optimizer.plan import Plan, Route, RouteStop


def _boarding(boarding: Mapping[str, int], text: Mapping[str, str]) -> str:
    """``22 (Grades 1-3: 12, Grades 4-6: 10)``."""
    bands = text["list_sep"].join(f"{term(text, 'band', b)} {n}" for b, n in boarding.items())
    return f"{sum(boarding.values())} ({bands})" if bands else "0"


def _walkers(stop: RouteStop, text: Mapping[str, str]) -> str:
    """``; walking here from Lijia (V012) 850 m: 14`` for a stop that others walk to."""
    if not stop.walkers:
        return ""
    walks = ", ".join(
        f"{w.village_name} ({w.village}) {count(text, 'm', w.walk_m)}: "
        f"{count(text, 'pupils', sum(w.boarding.values()))}"
        for w in stop.walkers
    )
    return f"; {text['walk_from']} {walks}"


def route_sheets(plan: Plan, text: Mapping[str, str]) -> str:
    names = {s.id: s.name for s in plan.schools}
    heading = f"<h2>{_e(text['route_sheets'])}</h2>"
    if not plan.routes:
        return f"{heading}\n<p>{_e(text['no_routes'])}</p>"
    header = [
        _e(text[c]) for c in ("stop", "village", "arrival", "departure", "boarding", "load", "ride")
    ]
    sheets = [heading]
    on_bus = figures.bus_runs(plan)
    by_id = {r.id: r for r in plan.routes}
    buses = {b.id: b for b in plan.buses}
    for r in plan.routes:
        drops = figures.route_drops(r)
        school = ", ".join(f"{names.get(d.school, d.school)} ({d.school})" for d in drops)
        arrive = text["route_arrive"].format(time=hhmm(r.arrive_school_s))
        if r.drops:  # a multi-school run: each school, when, and how many alight
            arrive = "; ".join(
                text["route_arrive"].format(time=hhmm(d.arrive_s))
                + f" ({d.school}, {count(text, 'pupils', d.pupils)})"
                for d in drops
            )
        bus, n, runs = on_bus.get(r.id, ("", 1, 1))
        before = buses.get(bus)
        start = text["route_depart"].format(start=r.start, time=hhmm(r.depart_s))
        if before is not None and n > 1:  # the bus comes on from its previous run's school
            prev = by_id[before.routes[n - 2]]
            start = text["route_from"].format(school=prev.school, time=hhmm(prev.arrive_school_s))
        meta = " · ".join(
            [
                *([text["route_bus"].format(bus=bus, n=n, of=runs)] if bus else []),
                start,
                arrive,
                *([] if r.bell_s is None else [text["route_bell"].format(time=hhmm(r.bell_s))]),
                count(text, "seats", r.seats),
                count(text, "pupils", figures.route_pupils(r)),
                count(text, "km", r.distance_m / 1000, 1),
                f"{text['longest_ride']} {count(text, 'min', r.longest_ride_s / 60)}",
            ]
        )
        rows = [
            [
                _n(n),
                _t(f"{s.village_name} ({s.village})" + _walkers(s, text)),
                (_e(hhmm(s.arrive_s)), "n"),
                (_e(hhmm(s.depart_s)), "n"),
                _t(_boarding(s.boarding, text) + (f" → {s.school}" if r.drops else "")),
                (_e(f"{s.load_after}/{r.seats}"), "n"),
                (
                    _e(f"{_number(s.ride_s / 60)} ({count(text, 'min', s.limit_s / 60)})"),
                    "n",
                ),
            ]
            if n
            else [
                _t(""),
                _t(f"→ {names.get(s.school, s.school)} ({s.school})"),
                (_e(hhmm(s.arrive_s)), "n"),
                (_e(hhmm(s.depart_s)), "n"),
                _t(f"−{s.pupils}"),
                (_e(f"{s.load_after}/{r.seats}"), "n"),
                _t(""),
            ]
            for n, s in figures.route_visits(r)
            if n or r.drops
        ]
        afternoon = "".join(
            _afternoon(r, n, run, text, names) for n, run in enumerate(r.afternoon, start=1)
        )
        sheets.append(
            f'<section class="route">\n<h3>{_e(text["route"])} {_e(r.id)} '
            f'{_e(text["to"])} {_e(school)}</h3>\n<p class="meta">{_e(meta)}</p>\n'
            f"{_table(header, rows)}\n{afternoon}</section>"
        )
    return "\n".join(sheets)


def _afternoon(
    r: Route, n: int, run: AfternoonRun, text: Mapping[str, str], names: Mapping[str, str]
) -> str:
    """An afternoon run of a route: when it leaves school, then each stop and who alights."""
    schools = ", ".join(f"{names.get(c.school, c.school)} ({c.school})" for c in run.collects)
    meta = text["afternoon_run"].format(
        n=n,
        school=schools,
        time=hhmm(run.depart_s),
        bands=text["list_sep"].join(term(text, "band", b) for b in run.bands),
        end=run.end,
        back=hhmm(run.arrive_end_s),
    )
    header = [
        _e(text[c])
        for c in ("stop", "village", "arrival", "departure", "alighting", "load", "ride")
    ]
    rows = [
        [
            _n(k),
            _t(f"{s.village_name} ({s.village})"),
            (_e(hhmm(s.arrive_s)), "n"),
            (_e(hhmm(s.depart_s)), "n"),
            _t(_boarding(s.alighting, text) + (f" ← {s.school}" if r.drops else "")),
            (_e(f"{s.load_after}/{r.seats}"), "n"),
            (_e(f"{_number(s.ride_s / 60)} ({count(text, 'min', s.limit_s / 60)})"), "n"),
        ]
        for k, s in enumerate(run.stops, start=1)
    ]
    return f'<p class="meta">{_e(meta)}</p>\n{_table(header, rows)}\n'
