"""The numbers the report's pictures draw, from the verified plan's records alone.

:mod:`optimizer.outputs.charts` draws exactly these (the bars are these counts), and its
captions quote them, so a test can recompute every bar from ``plan.json``.

- Journeys: pupils per 5-minute bin of the one-way daily journey, today (``before_time_s``,
  the way they travel today) and after the plan (``time_s``), per band; once for the
  pupils whose school or way to school changes, once for every pupil with a daily
  journey both today and after (boarders travel weekly and are counted apart).
- Enrolment: each school's pupils today and after (closed schools at 0), its places
  today (``capacity``) and after the plan (classrooms built x its class norm added).
- Money: the annual net saving as steps from the closed schools' running cost
  (``kpis["money"]``, :mod:`optimizer.planning.accounts`), and capital by item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from optimizer.outputs import figures
from optimizer.plan import Assignment, Band, Level, Mode, Plan, Role

#: Width of a journey bin, seconds (5 minutes).
BIN_S = 300
#: "Under 10 minutes": the first two bins.
SHORT_S = 600
#: The annual steps of the money picture: key of ``kpis["money"]``, label key, sign.
MONEY_STEPS = (
    ("running_cost_saved", "chart.gross", 1),
    ("teacher_cost_moved", "chart.teachers", -1),
    ("bus_fixed", "chart.bus_fixed", -1),
    ("bus_km_cost", "chart.bus_km", -1),
    ("lunch_subsidy", "chart.lunch", -1),
    ("boarding_subsidy", "chart.boarding", -1),
    ("inclusive_subsidy", "chart.inclusive", -1),
)


def changed(a: Assignment) -> bool:
    """The village band's school changes, or its way to school does (``as_today`` is
    today's way kept)."""
    return a.moved or (a.before_mode is not None and a.mode not in (a.before_mode, Mode.AS_TODAY))


def daily(a: Assignment) -> bool:
    """Both journeys are daily: a school today, and no boarding today or after."""
    return a.daily_both


@dataclass(frozen=True)
class Histogram:
    """Pupils of one band per journey bin: ``[edges[i], edges[i+1])`` minutes."""

    band: Band
    edges_min: tuple[int, ...]
    before: tuple[int, ...]
    after: tuple[int, ...]
    limit_min: float | None

    @property
    def pupils(self) -> int:
        """Pupils counted (the same today and after)."""
        return sum(self.before)


@dataclass(frozen=True)
class Journeys:
    """The journey picture's bars (``changed``, ``everyone``: a histogram per band) and
    the caption's numbers."""

    changed: tuple[Histogram, ...]
    everyone: tuple[Histogram, ...]
    numbers: dict[str, Any]


def _bins(rows: list[Assignment], attr: str, n_bins: int) -> tuple[int, ...]:
    counts = [0] * n_bins
    for a in rows:
        counts[min(getattr(a, attr) // BIN_S, n_bins - 1)] += a.pupils
    return tuple(counts)


def _histograms(rows: list[Assignment], bands: tuple[str, ...], n_bins: int) -> tuple:
    edges = tuple(k * BIN_S // 60 for k in range(n_bins + 1))
    out = []
    for band in bands:
        mine = [a for a in rows if a.band == band]
        limit = max((a.limit_s for a in mine), default=0)
        out.append(
            Histogram(
                band=Band(band),
                edges_min=edges,
                before=_bins(mine, "before_time_s", n_bins),
                after=_bins(mine, "time_s", n_bins),
                limit_min=limit / 60 if limit else None,
            )
        )
    return tuple(out)


def journeys(plan: Plan) -> Journeys:
    """Pupils per 5-minute bin, today and after, by band: those whose school or way to school
    changes, and everyone with a daily journey; one set of bins for every panel, up to the
    longest journey or limit."""
    rows = [a for a in plan.assignments if daily(a)]
    moved = [a for a in rows if changed(a)]
    top = max((max(a.time_s, a.before_time_s, a.limit_s) for a in rows), default=0)
    n_bins = top // BIN_S + 1
    bands = figures.bands(plan)

    def pupils(of: list[Assignment], test) -> int:
        return sum(a.pupils for a in of if test(a))

    numbers = {
        "changed": pupils(moved, bool),
        "within_before": pupils(moved, lambda a: a.before_time_s < SHORT_S),
        "within_after": pupils(moved, lambda a: a.time_s < SHORT_S),
        "over_before": pupils(moved, lambda a: a.before_time_s > a.limit_s),
        "over_after": pupils(moved, lambda a: a.time_s > a.limit_s),
        "longest_before": max((a.before_time_s for a in moved), default=0) / 60,
        "longest_after": max((a.time_s for a in moved), default=0) / 60,
        "all": pupils(rows, bool),
        "all_within_before": pupils(rows, lambda a: a.before_time_s < SHORT_S),
        "all_within_after": pupils(rows, lambda a: a.time_s < SHORT_S),
        "boarders": sum(
            a.pupils for a in plan.assignments if Mode.BOARD in (a.mode, a.before_mode)
        ),
    }
    return Journeys(_histograms(moved, bands, n_bins), _histograms(rows, bands, n_bins), numbers)


@dataclass(frozen=True)
class Enrolment:
    """One school's bar: pupils today and after the plan (0 when it closes), its places
    today and after the plan (``places_after``: with the classrooms the plan builds, each
    holding a class of the school's norm)."""

    id: str
    name: str
    level: Level
    role: Role
    before: int
    after: int
    capacity: int
    places_after: int


#: The order of the roles in the enrolment picture (within a panel).
ROLE_ORDER = (Role.RECEIVING, Role.CLOSED, Role.TEACHING_POINT, Role.KEPT)


def enrolment(plan: Plan) -> tuple[Enrolment, ...]:
    """Every school's bar: the kindergartens, then the other schools; within each, the
    receiving schools first, then the closed ones, teaching points and the other kept
    schools, by id."""
    receivers = figures.receiving(plan)
    rows = [
        Enrolment(
            id=s.id,
            name=s.name,
            level=Level(s.level),
            role=figures.role(s, receivers),
            before=sum(s.enrolment_before.values()),
            after=0 if s.status == "closed" else sum(s.enrolment_after.values()),
            capacity=s.capacity,
            places_after=s.capacity + s.investment.get("classrooms", 0) * s.class_norm,
        )
        for s in plan.schools
    ]
    return tuple(
        sorted(
            rows,
            key=lambda r: (r.level is not Level.KINDERGARTEN, ROLE_ORDER.index(r.role), r.id),
        )
    )


def enrolment_numbers(rows: tuple[Enrolment, ...]) -> dict[str, Any]:
    """The enrolment caption's numbers."""
    receiving = [r for r in rows if r.role is Role.RECEIVING]
    closed = [r for r in rows if r.role is Role.CLOSED]
    open_after = [r for r in rows if r.role is not Role.CLOSED and r.places_after > 0]
    fullest = max(open_after, key=lambda r: (r.after / r.places_after, r.id), default=None)
    return {
        "receiving": len(receiving),
        "receiving_before": sum(r.before for r in receiving),
        "receiving_after": sum(r.after for r in receiving),
        "closed": len(closed),
        "closed_before": sum(r.before for r in closed),
        "fullest": fullest.name if fullest else "-",
        "fullest_share": round(100 * fullest.after / fullest.places_after) if fullest else 0,
        "over": sum(1 for r in rows if r.places_after and r.after > r.places_after),
        "over_before": sum(1 for r in rows if r.capacity and r.before > r.capacity),
    }


@dataclass(frozen=True)
class MoneyStep:
    """One bar of the annual steps: from ``start`` to ``end`` yuan (a total starts at 0)."""

    key: str
    label: str
    start: float
    end: float


def money_steps(plan: Plan) -> tuple[tuple[MoneyStep, ...], dict[str, float]]:
    """The annual steps from the closed schools' running cost to the net saving (the last
    step, a total), and capital by item (yuan); empty without ``kpis["money"]``."""
    money = plan.kpis.get("money")
    if not money:
        return (), {}
    steps, level = [], 0.0
    for key, label, sign in MONEY_STEPS:
        value = sign * float(money.get(key, 0))
        steps.append(MoneyStep(key, label, level, level + value))
        level += value
    net = float(money["net_annual_saving"])
    steps.append(MoneyStep("net_annual_saving", "chart.net", 0.0, net))
    return tuple(steps), {k: float(v) for k, v in money["capital_by_item"].items()}
