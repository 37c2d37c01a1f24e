"""The sbrp schedules re-checked from the instance files, in exact figures.

Independent of the routing and chaining (which work in whole seconds rounded up):
the rules are the study's feasibility test (``test`` in mitschoolbus/SchoolBusRouting
``src/tests.jl``, with the bus-to-bus condition of ``isFeasibleInTime`` in
``src/selection.jl``), computed in floating point from the instance's coordinates and
the settings of :mod:`benchmarks.sbrp_files`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from benchmarks.sbrp_files import SCHOOL_S, SEATS, SPEED_FT_S, STOP_PER_PUPIL_S, STOP_S, Instance

#: Slack for floating-point sums (seconds).
EPS_S = 1e-6


class PickupLike(Protocol):
    """A stop and the pupils a run takes there."""

    stop: int
    pupils: int


class RunLike(Protocol):
    """A single-school run: its school and pickups in driving order."""

    school: int
    pickups: Sequence[PickupLike]


class ScheduleLike(Protocol):
    """Runs, the bell of each run's school, and the bus duties (indices into runs)."""

    runs: Sequence[RunLike]
    bell_s: Sequence[int]
    duties: Sequence[Sequence[int]]


def _feet(a: tuple[float, float], b: tuple[float, float]) -> float:
    return abs(a[0] - b[0]) + abs(a[1] - b[1])


def service_s(instance: Instance, run: RunLike) -> float:
    """Seconds from reaching the run's first stop to reaching its school (every stop's
    time and every drive: the study's ``serviceTime``)."""
    school = instance.schools[run.school]
    total, here = 0.0, (school.x, school.y)
    for p in reversed(run.pickups):
        stop = instance.stops[p.stop]
        total += _feet((stop.x, stop.y), here) / SPEED_FT_S + STOP_S + STOP_PER_PUPIL_S * p.pupils
        here = (stop.x, stop.y)
    return total


def _check_run(
    instance: Instance, k: int, run: RunLike, max_ride_s: float, carried: list[int]
) -> list[str]:
    """Seats, the stops' school, and each pickup's ride (drives after it + later stops)."""
    problems = []
    school = instance.schools[run.school]
    load = sum(p.pupils for p in run.pickups)
    if not run.pickups:
        problems.append(f"run {k}: no stop")
    if load > SEATS:
        problems.append(f"run {k}: {load} pupils on {SEATS} seats")
    ride, here = 0.0, (school.x, school.y)
    for p in reversed(run.pickups):
        stop = instance.stops[p.stop]
        if stop.school != run.school:
            problems.append(f"run {k}: stop {stop.id} belongs to another school")
        carried[p.stop] += p.pupils
        ride += _feet((stop.x, stop.y), here) / SPEED_FT_S
        here = (stop.x, stop.y)
        if ride > max_ride_s + EPS_S:
            problems.append(f"run {k}: stop {stop.id} rides {ride:.1f} s > {max_ride_s:g} s")
        ride += STOP_S + STOP_PER_PUPIL_S * p.pupils  # the later pupils wait for these
    return problems


def verify(
    instance: Instance, max_ride_s: float, plan: ScheduleLike, *, study_bells: bool = True
) -> list[str]:
    """What ``plan`` breaks (empty: nothing).

    Checks that every stop's pupils are carried exactly, each run's seats and each
    pickup's ride within ``max_ride_s``; that each run's bell is its school's
    ``AMEARLY`` (``study_bells``, the study's setting) or inside ``[AMEARLY, AMLATE]``;
    that every run is on exactly one bus; and that a bus leaving one school at its bell
    reaches the next run's first stop, serves it and finishes the drop-off (154.4 s) by
    that school's bell. A bus's first run is reached from the yard at any time.
    """
    problems = []
    carried = [0] * len(instance.stops)
    for k, (run, bell) in enumerate(zip(plan.runs, plan.bell_s, strict=True)):
        problems += _check_run(instance, k, run, max_ride_s, carried)
        school = instance.schools[run.school]
        if study_bells and bell != school.early_s:
            problems.append(f"run {k}: bell {bell} s at school {school.id}, not AMEARLY")
        if not school.early_s <= bell <= school.late_s:
            problems.append(f"run {k}: bell {bell} s at school {school.id}, outside its window")
    for stop, n in zip(instance.stops, carried, strict=True):
        if n != stop.pupils:
            problems.append(f"stop {stop.id}: {n} of {stop.pupils} pupils carried")
    on_bus = sorted(k for duty in plan.duties for k in duty)
    if on_bus != list(range(len(plan.runs))):
        problems.append("runs not each on exactly one bus")
    for b, duty in enumerate(plan.duties):
        for i, j in zip(duty, duty[1:], strict=False):
            a, nxt = plan.runs[i], plan.runs[j]
            school = instance.schools[a.school]
            first = instance.stops[nxt.pickups[0].stop]
            done = (
                plan.bell_s[i]
                + _feet((school.x, school.y), (first.x, first.y)) / SPEED_FT_S
                + service_s(instance, nxt)
                + SCHOOL_S
            )
            if done > plan.bell_s[j] + EPS_S:
                problems.append(
                    f"bus {b}: run {j} finishes its drop-off at {done:.1f} s, "
                    f"after its bell {plan.bell_s[j]} s"
                )
    return problems
