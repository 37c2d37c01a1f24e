"""The parts of a route sheet (:mod:`optimizer.outputs.route_sheets`): the stops with
both runs' times, the roads, the hazard sections, the longest ride, the blanks."""

from __future__ import annotations

from collections.abc import Mapping

from optimizer.afternoon import HomeStop
from optimizer.outputs import figures
from optimizer.outputs.figures import hhmm
from optimizer.outputs.html_parts import e as _e
from optimizer.outputs.html_parts import n as _n
from optimizer.outputs.html_parts import number as _number
from optimizer.outputs.html_parts import t as _t
from optimizer.outputs.html_parts import table as _table
from optimizer.outputs.labels import term
from optimizer.outputs.wording import count
from optimizer.plan import Drop, Plan, Route, RouteStop
from optimizer.route_roads import RoadStretch


def _bands(counts: Mapping[str, int], text: Mapping[str, str]) -> str:
    """``22 (Grades 1-3 12, Grades 4-6 10)``."""
    bands = text["list_sep"].join(f"{term(text, 'band', b)} {n}" for b, n in counts.items())
    return f"{sum(counts.values())} ({bands})" if bands else "0"


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


def _ride(ride_s: int, limit_s: int, text: Mapping[str, str]) -> str:
    return f"{_number(ride_s / 60)} ({count(text, 'min', limit_s / 60)})"


def _home(route: Route) -> dict[tuple[str, str], list[tuple[int, HomeStop]]]:
    """(village, school) -> the afternoon runs' stops there, with the run's number."""
    out: dict[tuple[str, str], list[tuple[int, HomeStop]]] = {}
    for n, run in enumerate(route.afternoon, start=1):
        for s in run.stops:
            out.setdefault((s.village, s.school), []).append((n, s))
    return out


def _afternoon_cells(
    visits: list[tuple[int, HomeStop]], runs: int, text: Mapping[str, str]
) -> list[tuple[str, str]]:
    """A cell per afternoon run: when it reaches the stop and the ride home (limit)."""
    at = {n: s for n, s in visits}
    return [
        (
            _e(f"{hhmm(at[n].arrive_s)} · {_ride(at[n].ride_s, at[n].limit_s, text)}")
            if n in at
            else "-",
            "n",
        )
        for n in range(1, runs + 1)
    ]


def stops_table(route: Route, plan: Plan, text: Mapping[str, str]) -> str:
    """Every stop in driving order: who boards, the morning's times, load and ride, and
    the afternoon run(s) that bring them back: when and the ride home. A multi-school
    run's schools appear in their place (the morning drop, the afternoon collection)."""
    names = {s.id: s.name for s in plan.schools}
    home = _home(route)
    runs = len(route.afternoon)
    collects = {}
    for n, run in enumerate(route.afternoon, start=1):
        for c in run.collects:
            collects.setdefault(c.school, []).append((n, c))
    header = [
        _e(text[c]) for c in ("sheet.no", "village", "boarding", "sheet.pickup", "load", "ride")
    ]
    header += [
        _e(text["sheet.dropoff_run"].format(n=n) if runs > 1 else text["sheet.dropoff"])
        for n in range(1, runs + 1)
    ]
    rows = []
    for k, visit in figures.route_visits(route):
        if isinstance(visit, Drop):
            if not route.drops:
                continue
            leave = {n: hhmm(c.depart_s) for n, c in collects.get(visit.school, [])}
            rows.append(
                [
                    _t(""),
                    _t(f"→ {names.get(visit.school, visit.school)} ({visit.school})"),
                    _t(f"−{visit.pupils}"),
                    (_e(f"{hhmm(visit.arrive_s)} / {hhmm(visit.depart_s)}"), "n"),
                    (_e(f"{visit.load_after}/{route.seats}"), "n"),
                    _t(""),
                    *((_e(leave.get(n, "-")), "n") for n in range(1, runs + 1)),
                ]
            )
            continue
        school = route.stop_school(visit)
        rows.append(
            [
                _n(k),
                _t(f"{visit.village_name} ({visit.village})" + _walkers(visit, text)),
                _t(_bands(visit.boarding, text) + (f" → {school}" if route.drops else "")),
                (_e(f"{hhmm(visit.arrive_s)} / {hhmm(visit.depart_s)}"), "n"),
                (_e(f"{visit.load_after}/{route.seats}"), "n"),
                (_e(_ride(visit.ride_s, visit.limit_s, text)), "n"),
                *_afternoon_cells(home.get((visit.village, school), []), runs, text),
            ]
        )
    runs_text = "".join(
        f'<p class="note">{_e(_run_line(route, n, text, names))}</p>' for n in range(1, runs + 1)
    )
    return _table(header, rows) + "\n" + runs_text


def _run_line(route: Route, n: int, text: Mapping[str, str], names: Mapping[str, str]) -> str:
    run = route.afternoon[n - 1]
    schools = ", ".join(f"{names.get(c.school, c.school)} ({c.school})" for c in run.collects)
    return text["afternoon_run"].format(
        n=n,
        school=schools,
        time=hhmm(run.depart_s),
        bands=text["list_sep"].join(term(text, "band", b) for b in run.bands),
        end=run.end,
        back=hhmm(run.arrive_end_s),
    )


def road_label(stretch: RoadStretch) -> str:
    """``S231``, ``Hill Road (X110)``, ``""`` for an unnamed road."""
    if stretch.name and stretch.ref:
        return f"{stretch.name} ({stretch.ref})"
    return stretch.name or stretch.ref


def road_runs(route: Route) -> list[tuple[str, int]]:
    """The roads in driving order as (label, metres): consecutive stretches of the same
    road merged (hazard or not), unnamed ones as ``""``."""
    out: list[tuple[str, int]] = []
    for s in route.roads:
        label = road_label(s)
        if out and out[-1][0] == label:
            out[-1] = (label, out[-1][1] + s.length_m)
        else:
            out.append((label, s.length_m))
    return out


def roads(route: Route, text: Mapping[str, str]) -> str:
    """``unnamed road 1.9 km → S233 6.4 km``."""
    parts = [
        f"{label} {count(text, 'km', m / 1000, 1)}"
        if label
        else text["sheet.unnamed"].format(km=count(text, "km", m / 1000, 1))
        for label, m in road_runs(route)
    ]
    return " → ".join(parts) or text["sheet.no_roads"]


def hazards(route: Route, text: Mapping[str, str]) -> str:
    """The hazard sections: road, length and why, or a line saying there is none."""
    rows = [
        [
            _t(road_label(s) or text["sheet.unnamed"].format(km="").strip()),
            (_e(count(text, "km", s.length_m / 1000, 1)), "n"),
            _t(text["list_sep"].join(term(text, "hazard", h) for h in s.hazards)),
        ]
        for s in route.roads
        if s.hazards
    ]
    if not rows:
        return f"<p>{_e(text['sheet.no_hazards'])}</p>"
    header = [
        _e(text[c]) for c in ("sheet.hazard_road", "sheet.hazard_length", "sheet.hazard_kind")
    ]
    return _table(header, rows)


def longest(route: Route, text: Mapping[str, str]) -> str:
    """``14.9 min (limit 30 min, at stop 1)``: the longest morning ride and its limit."""
    if not route.stops:
        return "-"
    k, stop = max(enumerate(route.stops, start=1), key=lambda ks: (ks[1].ride_s, -ks[0]))
    return text["sheet.longest_value"].format(
        ride=count(text, "min", stop.ride_s / 60, 1),
        limit=count(text, "min", stop.limit_s / 60),
        stop=k,
    )


def blanks(route: Route, text: Mapping[str, str]) -> str:
    """The fields the permit application fills in: vehicle, driver, attendant, phones."""
    blank = ("", "blank")
    rows = [
        [_t(text["sheet.plate"]), blank, _t(text["sheet.seats_rated"]), _t(str(route.seats))],
        [_t(text["sheet.driver"]), blank, _t(text["sheet.phone"]), blank],
        [_t(text["sheet.attendant"]), blank, _t(text["sheet.phone"]), blank],
    ]
    return _table([], rows)
