"""The words and numbers in the map's popups and tooltips, as small HTML fragments.

Every value is read from the plan (through :mod:`optimizer.outputs.figures`) and escaped
for a JavaScript template literal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from optimizer.afternoon import AfternoonRun
from optimizer.outputs import figures
from optimizer.outputs.catchments import Catchment
from optimizer.outputs.figures import hhmm
from optimizer.outputs.labels import term
from optimizer.outputs.maps.leaflet_page import esc
from optimizer.outputs.wording import count, investment, money
from optimizer.plan import Route, RouteStop, SchoolResult


def _row(cells: list[str], numeric: tuple[int, ...] = (), head: bool = False) -> str:
    tag = "th" if head else "td"
    return (
        "<tr>"
        + "".join(
            f'<{tag} class="n">{c}</{tag}>' if i in numeric else f"<{tag}>{c}</{tag}>"
            for i, c in enumerate(cells)
        )
        + "</tr>"
    )


def _town(town: str) -> str:
    """`` · <town>`` after a place's name on its popup's first line (nothing without one)."""
    return f" · {esc(town)}" if town else ""


def school_tooltip(school: SchoolResult, role: str, text: Mapping[str, str]) -> str:
    """Name, id, level and role."""
    return (
        f"<b>{esc(school.name)}</b><br>{esc(school.id)} · "
        f"{esc(term(text, 'level', school.level))} · {esc(term(text, 'role', role))}"
    )


def school_popup(
    school: SchoolResult,
    role: str,
    moves: Mapping[str, int],
    names: Mapping[str, str],
    text: Mapping[str, str],
    why: Sequence[tuple[str, str]] = (),
) -> str:
    """Enrolment before and after per band, classes, canteen, boarding, investment.

    ``moves`` gives, for a closed school, the pupils going to each school; ``why`` the
    reason of its closure as (heading, value) pairs, worded as the report words them
    (:func:`optimizer.outputs.money_view.closure_reason_cells`).
    """
    t = {k: esc(v) for k, v in text.items()}
    bands = list(dict.fromkeys([*school.enrolment_before, *school.enrolment_after]))
    rows = "".join(
        _row(
            [
                esc(term(text, "band", b)),
                str(school.enrolment_before.get(b, 0)),
                str(school.enrolment_after.get(b, 0)),
            ],
            (1, 2),
        )
        for b in bands
    )
    rows += _row(
        [
            t["total"],
            str(sum(school.enrolment_before.values())),
            str(sum(school.enrolment_after.values())),
        ],
        (1, 2),
        head=True,
    )
    lines = [
        f"{t['level']}: {esc(term(text, 'level', school.level))}",
        f"{t['status']}: {esc(term(text, 'role', role))}",
        f"{t['capacity']}: {school.capacity}",
        esc(text["snap"].format(bus=school.snap_m, walk=school.walk_snap_m)),
    ]
    if school.status != "closed":
        flag = f" ⚠ {t['over_norm']}" if figures.over_class_norm(school) else ""
        invest = investment(text, school.investment)
        lines += [
            f"{t['classes']}: {school.classes_after}",
            f"{t['largest_class']}: {school.largest_class_after} "
            f"({t['class_norm']} {school.class_norm}){flag}",
            f"{t['canteen']}: {school.lunch_pupils_after} / {school.canteen_seats}",
            f"{t['beds']}: {school.boarders_after} / {school.boarding_beds}",
            f"{t['investment']}: {esc(invest) or t['none']}"
            + (f" · {esc(money(text, school.capital_cost))}" if school.capital_cost else ""),
        ]
    lines += [
        f"{t['goes_to']} {esc(names.get(dest, dest))}: {esc(count(text, 'pupils', n))}"
        for dest, n in moves.items()
    ]
    head = _row([t["band"], t["before"], t["after"]], head=True)
    reason = ""
    if why:
        reason = (
            f'<div class="sp-why"><b>{t["why_closes"]}</b><table>'
            + "".join(_row([esc(k), esc(v)], (1,)) for k, v in why)
            + "</table></div>"
        )
    return (
        f'<div class="sp-pop"><b>{esc(school.name)}</b> ({esc(school.id)}){_town(school.town)}<br>'
        + "<br>".join(lines)
        + f"<table>{head}{rows}</table>{reason}</div>"
    )


def village_tooltip(village: figures.Village, text: Mapping[str, str]) -> str:
    """Name, pupils and the change of journey time."""
    change = village.change_s / 60
    return (
        f"{esc(village.name)} · {esc(count(text, 'pupils', village.pupils))} · "
        f"{esc(text['change'])} {esc(text['count.min'].format(n=f'{change:+.0f}'))}"
    )


def village_popup(
    village: figures.Village,
    names: Mapping[str, str],
    text: Mapping[str, str],
    why: Sequence[Sequence[str]] = (),
) -> str:
    """How far the village lies from the road; per band: pupils; school, mode, minutes and
    km before; school, mode, minutes, km after; and, for a band that boards or travels
    over its limit, why not the nearer school (``why``: rows of band, school, nearer
    school, reason, detail, as the report's table gives them)."""
    t = {k: esc(v) for k, v in text.items()}
    body = ""
    for a in village.rows:
        over = (
            f' <b class="sp-warn">⚠ {esc(text["over_limit"].format(limit=round(a.limit_s / 60)))}'
            "</b>"
            if a.over_limit
            else ""
        )
        before = names.get(a.before_school, a.before_school) or "-"
        body += _row(
            [
                esc(term(text, "band", a.band)),
                str(a.pupils),
                esc(before),
                esc(term(text, "mode", a.before_mode)) if a.before_mode else "-",
                f"{a.before_time_s / 60:.0f}",
                f"{a.before_distance_m / 1000:.1f}",
                esc(names.get(a.school, a.school)),
                esc(term(text, "mode", a.mode)),
                f"{a.time_s / 60:.0f}{over}",
                f"{a.distance_m / 1000:.1f}",
            ],
            (1, 4, 5, 8, 9),
        )
    head = _row(
        [t["band"], t["pupils"], f"{t['before']}: {t['school']}", t["mode"], t["minutes"]]
        + [t["km"]]
        + [f"{t['after']}: {t['school']}", t["mode"], t["minutes"], t["km"]],
        head=True,
    )
    reason = ""
    if why:
        reason = (
            f'<div class="sp-why"><b>{t["why_not_nearer"]}</b><table>'
            + "".join(_row([esc(c) for c in row]) for row in why)
            + "</table></div>"
        )
    return (
        f'<div class="sp-pop"><b>{esc(village.name)}</b> ({esc(village.id)})'
        f"{_town(village.town)}<br>"
        + esc(text["snap"].format(bus=village.rows[0].snap_m, walk=village.rows[0].walk_snap_m))
        + f"<table>{head}{body}</table>{reason}</div>"
    )


def catchment_tooltip(c: Catchment, text: Mapping[str, str]) -> str:
    """School, villages, pupils and area of a catchment."""
    return (
        f"<b>{esc(text['catchment'])}: {esc(c.school_name)}</b> ({esc(c.school)})<br>"
        f"{esc(count(text, 'villages', len(c.villages)))} · "
        f"{esc(count(text, 'pupils', c.pupils))} · "
        f"{c.area_km2:.1f} {esc(text['km2'])}"
    )


def route_tooltip(
    route: Route, names: Mapping[str, str], text: Mapping[str, str], label: str = ""
) -> str:
    """Route (and its map label), school, stops, seats, departure, arrival (and the
    school's bell), longest ride."""
    shown = f"{esc(label)} ({esc(route.id)})" if label else esc(route.id)
    arrive = hhmm(route.arrive_school_s)
    if route.bell_s is not None:
        arrive += f" ({esc(text['route_bell'].format(time=hhmm(route.bell_s)))})"
    return (
        f"<b>{esc(text['route'])} {shown}</b> → "
        + ", ".join(
            esc(names.get(d.school, d.school))
            + (f" {hhmm(d.arrive_s)} ({d.pupils})" if route.drops else "")
            for d in figures.route_drops(route)
        )
        + "<br>"
        f"{esc(count(text, 'stops', len(route.stops)))} · "
        f"{esc(count(text, 'pupils', figures.route_pupils(route)))} · "
        f"{esc(count(text, 'seats', route.seats))}<br>"
        f"{esc(text['depart'])} {hhmm(route.depart_s)} · {esc(text['arrive'])} "
        f"{arrive} · "
        f"{esc(text['longest_ride'])} {esc(count(text, 'min', route.longest_ride_s / 60))}"
    )


def route_popup(
    route: Route, names: Mapping[str, str], text: Mapping[str, str], label: str = ""
) -> str:
    """The route sheet: every stop with its times, boarding pupils, load and ride; then
    each afternoon run home with its stop times (:func:`afternoon_table`)."""
    t = {k: esc(v) for k, v in text.items()}
    rows = "".join(
        _row(
            [
                str(n),
                esc(s.village_name)
                + (f" → {esc(s.school)}" if route.drops else "")
                + (f"<br>{walk_from(s, text)}" if s.walkers else ""),
                hhmm(s.arrive_s),
                hhmm(s.depart_s),
                str(sum(s.boarding.values())),
                f"{s.load_after}/{route.seats}",
                f"{s.ride_s / 60:.0f} ({s.limit_s / 60:.0f})",
            ]
            if n
            else [
                "",
                "→ " + esc(names.get(s.school, s.school)),
                hhmm(s.arrive_s),
                hhmm(s.depart_s),
                f"−{s.pupils}",
                f"{s.load_after}/{route.seats}",
                "",
            ],
            (0, 2, 3, 4, 5, 6),
        )
        for n, s in figures.route_visits(route)
        if n or route.drops
    )
    head = _row(
        [t["stop"], t["village"], t["arrival"], t["departure"], t["boarding"], t["load"]]
        + [t["ride"]],
        head=True,
    )
    return (
        f'<div class="sp-pop">{route_tooltip(route, names, text, label)}'
        f"<table>{head}{rows}</table>"
        + "".join(afternoon_table(run, names, text) for run in route.afternoon)
        + "</div>"
    )


def afternoon_table(run: AfternoonRun, names: Mapping[str, str], text: Mapping[str, str]) -> str:
    """One afternoon run: where it collects (dismissal, departure), then every stop with
    its times, alighting pupils, load and ride (limit)."""
    t = {k: esc(v) for k, v in text.items()}
    bands = text["list_sep"].join(term(text, "band", b) for b in run.bands)
    collects = text["list_sep"].join(
        f"{names.get(c.school, c.school)} {hhmm(c.depart_s)} "
        f"({text['dismissal']} {hhmm(c.dismissal_s)}, {c.pupils})"
        for c in run.collects
    )
    rows = "".join(
        _row(
            [
                str(n),
                esc(s.village_name),
                hhmm(s.arrive_s),
                str(sum(s.alighting.values())),
                str(s.load_after),
                f"{s.ride_s / 60:.0f} ({s.limit_s / 60:.0f})",
            ],
            (0, 2, 3, 4, 5),
        )
        for n, s in enumerate(run.stops, start=1)
    )
    head = _row(
        [t["stop"], t["village"], t["arrival"], t["alighting"], t["load"], t["ride"]], head=True
    )
    return (
        f'<div class="sp-pm"><b>{t["afternoon"]}</b> · {esc(bands)} · {t["collect"]} '
        f"{esc(collects)}<table>{head}{rows}</table></div>"
    )


def walk_from(stop: RouteStop, text: Mapping[str, str]) -> str:
    """``walking here from Lijia 850 m (14)``, escaped; empty without walkers."""
    if not stop.walkers:
        return ""
    walks = ", ".join(
        f"{esc(w.village_name)} {esc(count(text, 'm', w.walk_m))} ({sum(w.boarding.values())})"
        for w in stop.walkers
    )
    return f"{esc(text['walk_from'])} {walks}"


def stop_popup(
    route: Route, number: int, stop: RouteStop, text: Mapping[str, str], label: str = ""
) -> str:
    """One stop: route (and its map label), village, times, boarding by band, load and
    who walks here."""
    shown = f"{esc(label)} ({esc(route.id)})" if label else esc(route.id)
    bands = ", ".join(f"{esc(term(text, 'band', b))}: {n}" for b, n in stop.boarding.items())
    boarding = f"{sum(stop.boarding.values())} ({bands})" if bands else esc(text["none"])
    return (
        f'<div class="sp-pop"><b>{esc(text["stop"])} {number}</b> · {esc(text["route"])} '
        f"{shown}<br>{esc(stop.village_name)} ({esc(stop.village)}){_town(stop.town)}<br>"
        f"{esc(text['arrival'])} {hhmm(stop.arrive_s)} · {esc(text['departure'])} "
        f"{hhmm(stop.depart_s)}<br>"
        f"{esc(text['boarding'])}: {boarding}"
        + (f" → {esc(stop.school)}" if stop.school else "")
        + "<br>"
        f"{esc(text['load'])}: {stop.load_after}/{route.seats}<br>"
        + (f"{walk_from(stop, text)}<br>" if stop.walkers else "")
        + f"{esc(text['ride'])}: {stop.ride_s / 60:.0f} ({stop.limit_s / 60:.0f}) "
        f"{esc(text['min'])}</div>"
    )
