"""The notices to parents (告家长书): one printable A4 page per village the plan changes.

``render_notices`` writes ``notices.html``: for every village with a band whose school
or way to school changes, sorted by township then village, a letter to its parents
saying, per band (kindergarten, grades 1-3, 4-6, 7-9), the school the children go to,
how they get there (walk, school bus, boarding, guardian), for a bus the stop with its
morning pick-up and afternoon drop-off times, the one-way journey before and after;
for a school that closes, which one and when (the year of a timeline, or once the plan
takes effect, after what the receiving school builds first); and the bureau's contact
line left blank. The first page says how many villages have a notice and that the
villages with no change are left out. Every time and school comes from the plan.
"""

from __future__ import annotations

from collections.abc import Mapping

from optimizer.outputs.figures import hhmm
from optimizer.outputs.html_parts import e as _e
from optimizer.outputs.html_parts import t as _t
from optimizer.outputs.html_parts import table as _table
from optimizer.outputs.labels import labels, term
from optimizer.outputs.notice_words import NOTICE_CSS
from optimizer.outputs.timeline_view import TimelineView
from optimizer.outputs.wording import count, investment
from optimizer.plan import Assignment, Mode, Plan, Route, Status, built_first


def changed(a: Assignment) -> bool:
    """The band changes school under the plan, or newly rides the school bus (a journey
    made as today, by the same means to the same school, is no change)."""
    newly_bused = a.mode is Mode.BUS and a.before_mode is not Mode.BUS
    return a.moved or a.school != a.before_school or newly_bused


def bus_times(plan: Plan, a: Assignment) -> tuple[Route, int, int] | None:
    """The route a bus band rides, its morning pick-up at the band's stop and the
    afternoon drop-off there (seconds after midnight), from the plan's routes."""
    stop = a.stop or a.village
    for r in plan.routes:
        for s in r.stops:
            if s.village != stop or r.stop_school(s) != a.school:
                continue
            if a.band not in s.boarding and not any(
                w.village == a.village and a.band in w.boarding for w in s.walkers
            ):
                continue
            home = next(
                (
                    h.arrive_s
                    for run in r.afternoon
                    if a.band in run.bands
                    for h in run.stops
                    if h.village == stop and h.school == a.school
                ),
                -1,
            )
            return r, s.arrive_s, home
    return None


def _closed_year(timeline: TimelineView | None, school: str) -> int | None:
    if timeline is None:
        return None
    for row in timeline.rows:
        if row["event"] == "close" and row["school"] == school:
            return int(row["year"])
    return None


def _closures(
    plan: Plan, rows: list[Assignment], text: Mapping[str, str], timeline: TimelineView | None
) -> list[str]:
    """A sentence per school that closes and teaches this village's children today."""
    schools = {s.id: s for s in plan.schools}
    out = []
    for before in dict.fromkeys(a.before_school for a in rows):
        closed = schools.get(before)
        if closed is None or closed.status is not Status.CLOSED:
            continue
        dest = next(a.school for a in rows if a.before_school == before)
        target = schools.get(dest)
        built = investment(text, built_first(target.investment)) if target else ""
        year = _closed_year(timeline, before)
        when = (
            text["notice.when_year"].format(year=year)
            if year is not None
            else text["notice.when_built"].format(built=built)
            if built
            else text["notice.when_plan"]
        )
        out.append(
            text["notice.closes"].format(
                school=f"{closed.name}", dest=target.name if target else dest, when=when
            )
        )
    return out


def _row(plan: Plan, a: Assignment, text: Mapping[str, str]) -> list[tuple[str, str]]:
    names = {s.id: s.name for s in plan.schools}
    how = term(text, "mode", a.mode)
    stop, pickup, dropoff = "-", "-", "-"
    if a.mode is Mode.BUS:
        ride = bus_times(plan, a)
        if ride is not None:
            route, morning, home = ride
            village = next(s for s in route.stops if s.village == (a.stop or a.village))
            stop = f"{village.village_name} ({village.village}) · {text['route']} {route.id}"
            if a.walk_to_stop_m:
                stop += " · " + text["notice.walk_to_stop"].format(
                    m=count(text, "m", a.walk_to_stop_m)
                )
            pickup = hhmm(morning)
            dropoff = hhmm(home) if home >= 0 else "-"
    before = names.get(a.before_school, a.before_school) or "-"
    was = term(text, "mode", a.before_mode) if a.before_mode else "-"
    return [
        _t(term(text, "band", a.band)),
        _t(count(text, "pupils", a.pupils)),
        _t(f"{before} · {was}"),
        _t(f"{names.get(a.school, a.school)} · {how}"),
        _t(stop),
        (_e(pickup), "n"),
        (_e(dropoff), "n"),
        (
            _e(f"{count(text, 'min', a.before_time_s / 60)} → {count(text, 'min', a.time_s / 60)}"),
            "n",
        ),
    ]


def notice(
    plan: Plan,
    rows: list[Assignment],
    town: str,
    text: Mapping[str, str],
    timeline: TimelineView | None = None,
) -> str:
    """One village's notice: a ``<section class="notice">``, one printed page."""
    first = rows[0]
    place = f"{town} {first.village_name}" if town else first.village_name
    header = [
        _e(text[c])
        for c in (
            "band",
            "pupils",
            "notice.before",
            "notice.after",
            "notice.stop",
            "notice.pickup",
            "notice.dropoff",
            "notice.journey",
        )
    ]
    table = _table(header, (_row(plan, a, text) for a in rows))
    intro = text["notice.intro"].format(scenario=plan.scenario, village=first.village_name)
    closes = "".join(f"<p>{_e(s)}</p>" for s in _closures(plan, rows, text, timeline))
    return (
        f'<section class="notice" id="{_e(first.village)}">\n'
        f'<p class="stamp">{_e(text["notice.stamp"])}</p>\n'
        f"<h1>{_e(text['notice.title'])}</h1>\n"
        f'<p class="place">{_e(place)} ({_e(first.village)})</p>\n'
        f"<p>{_e(text['notice.dear'])}</p>\n"
        f"<p>{_e(intro)}</p>\n"
        f"{closes}\n{table}\n"
        f"<p>{_e(text['notice.bus_rules'])}</p>\n"
        f"<p>{_e(text['notice.feedback'])}</p>\n"
        f'<p class="contact">{_e(text["notice.contact"])}</p>\n'
        f'<p class="sign">{_e(text["notice.sign"])}</p>\n'
        "</section>"
    )


def render_notices(
    plan: Plan,
    *,
    language: str = "en",
    towns: Mapping[str, str] | None = None,
    timeline: TimelineView | None = None,
) -> str:
    """The notices to parents of every village the plan changes, one A4 page each.

    Parameters
    ----------
    plan : Plan
        A finished plan.
    language : {"en", "zh"}
        Language of the notices.
    towns : mapping of str to str, optional
        Each village's township (default: the assignments' ``town``); the notices are
        sorted by township, then village id.
    timeline : TimelineView, optional
        For a year of a multi-year timeline: the year each school closes.

    Returns
    -------
    str
        The ``notices.html`` page; it loads nothing from anywhere.
    """
    text = labels(language)
    towns = towns or {a.village: a.town for a in plan.assignments}
    by_village: dict[str, list[Assignment]] = {}
    for a in plan.assignments:
        by_village.setdefault(a.village, []).append(a)
    shown = sorted(
        (v for v, rows in by_village.items() if any(changed(a) for a in rows)),
        key=lambda v: (towns.get(v, ""), v),
    )
    cover = text["notice.cover"].format(
        villages=count(text, "villages", len(shown)),
        unchanged=count(text, "villages", len(by_village) - len(shown)),
    )
    body = [
        f'<section class="cover"><p class="stamp">{_e(text["notice.stamp"])}</p>'
        f"<h1>{_e(plan.scenario)} · {_e(text['notice.file_title'])}</h1>"
        f"<p>{_e(cover)}</p></section>"
    ]
    body += [notice(plan, by_village[v], towns.get(v, ""), text, timeline) for v in shown]
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(plan.scenario)} · {_e(text['notice.file_title'])}</title>\n"
        f"<style>{NOTICE_CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )
