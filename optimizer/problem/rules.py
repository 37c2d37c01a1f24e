"""The one model-side home of each rule that reads the Problem's numbers.

The closure model, the bus models and the planning flow ask these functions; the
verifier does not (it keeps its own independent re-check from the raw inputs).
"""

from __future__ import annotations

from collections.abc import Mapping

from geodata.kinds import BANDS, TRAVELS, Band, Level, Travel
from optimizer.plan import Mode
from optimizer.problem.data import Problem
from optimizer.problem.numbers import BAND_NORM, BOARDING_BANDS, TEACHING_POINT, Way


def parse_bell(text: str) -> int:
    """A bell time ``HH:MM`` as seconds after midnight."""
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def limit_s(problem: Problem, band: str) -> int:
    """A band's one-way limit, seconds."""
    return problem.bands[Band(band)].limit_s


def youngest_limit_s(problem: Problem, boarding: Mapping[str, int]) -> int:
    """The ride limit at a stop: the limit of the youngest band boarding there."""
    return min(limit_s(problem, band) for band, n in boarding.items() if n > 0)


def walk_to_stop_limit_m(problem: Problem, boarding: Mapping[str, int]) -> int:
    """The longest walk to a stop for a village's riders: the least of their bands'."""
    return min(problem.bands[Band(band)].walk_to_stop_m for band, n in boarding.items() if n > 0)


def anyone_walks_to_stops(problem: Problem) -> bool:
    """Whether any band may walk to a stop in another village."""
    return any(rule.walk_to_stop_m > 0 for rule in problem.bands.values())


def may_board(problem: Problem, band: str) -> bool:
    """Whether pupils of a band may board at a school beyond the daily limit."""
    return band in BOARDING_BANDS and problem.school_rules.boarding


def class_norm(problem: Problem, band: str, *, teaching_point: bool = False) -> int:
    """Pupils per class for a band (the teaching-point norm at a teaching point)."""
    key = TEACHING_POINT if teaching_point else BAND_NORM[Band(band)]
    return problem.school_rules.class_size[key]


def places(problem: Problem, s: int) -> int:
    """Places a school offers: classrooms x the norm of its level, or its capacity.

    A kindergarten's norm is the kindergarten one, any other school's the primary one.
    """
    rooms = int(problem.classrooms[s])
    if rooms > 0:
        level = (
            Level.KINDERGARTEN if problem.school_levels[s] == Level.KINDERGARTEN else Level.PRIMARY
        )
        return rooms * problem.school_rules.class_size[level]
    return int(problem.capacity[s])


def mode(band: str, way: Way, *, moved: bool) -> Mode:
    """How the pupils of a village band reach their school in the plan.

    Walking and boarding stay as they are; a ride is the guardians' for kindergarten
    children, the school bus for pupils the plan moves, today's journey otherwise.
    """
    if way in (Way.WALK, Way.BOARD):
        return Mode(way.value)
    if band == Band.K:
        return Mode.GUARDIAN
    return Mode.BUS if moved else Mode.AS_TODAY


def stop_time_s(problem: Problem, pupils: int) -> int:
    """Time a bus spends at a stop where ``pupils`` board."""
    return problem.bus.stop_time_s + problem.bus.stop_time_per_pupil_s * pupils


def on_school_bus(problem: Problem, b: int, v: int, s: int) -> bool:
    """Whether pupils of band ``b`` in village ``v`` who ride to school ``s`` take a school
    bus: they move away from today's school and are not kindergarten children (whom
    guardians bring); pupils who stay keep today's way."""
    return BANDS[b] != Band.K and s != int(problem.today[v, b])


def bus_ride_s(problem: Problem, b: int, v: int, s: int) -> int:
    """The shortest school-bus ride of band ``b`` from village ``v`` to school ``s``, seconds.

    The drive, plus the bus's stop where they board: the stop time of the largest group
    of them one bus takes (the router splits a stop into seat-sized groups). The
    router's own direct-ride check (:mod:`optimizer.buses.runs`) counts the same stop,
    with every band boarding there; the closure model never accepts a ride the router
    would refuse for this band alone.
    """
    pupils = min(int(problem.pupils[v, b]), problem.bus.largest_seats)
    return int(problem.time_s[v, problem.school_place(s)]) + stop_time_s(problem, pupils)


def today_travel(problem: Problem, b: int, v: int) -> Travel | None:
    """How pupils of band ``b`` in village ``v`` reach today's school (``None``: no school).

    The villages table's ``current_mode_*`` where it says; otherwise they walk within the
    band's walking distance (and its one-way limit, as the plan's walks) and are brought
    by a guardian beyond it: never a bus that does not run today.
    """
    s = int(problem.today[v, b])
    if s < 0:
        return None
    given = -1 if problem.travel is None else int(problem.travel[v, b])
    if given >= 0:
        return TRAVELS[given]
    walk = int(problem.walk_time_s(int(problem.walk_m[v, problem.school_place(s)])))
    walks = problem.walks(b, v, s) and walk <= limit_s(problem, BANDS[b])
    return Travel.WALK if walks else Travel.GUARDIAN


def today_journey(problem: Problem, b: int, v: int) -> tuple[Travel, int, int] | None:
    """Today's journey of band ``b`` from village ``v``: ``(travel, seconds, metres)``.

    A walk: the walking distance at the walking speed; a guardian: the road distance at
    ``guardian_mps``; a bus that runs today: the bus-speed drive with its stop
    (:func:`bus_ride_s`); a boarder: the drive (the weekly trip). ``None``: no school today.
    """
    travel = today_travel(problem, b, v)
    if travel is None:
        return None
    place = problem.school_place(int(problem.today[v, b]))
    if travel is Travel.WALK:
        walk = int(problem.walk_m[v, place])
        return travel, int(problem.walk_time_s(walk)), walk
    road = int(problem.dist_m[v, place])
    if travel is Travel.GUARDIAN:
        return travel, problem.guardian_time_s(road), road
    if travel is Travel.BUS:
        return travel, bus_ride_s(problem, b, v, int(problem.today[v, b])), road
    return travel, int(problem.time_s[v, place]), road


#: How today's travel counts as a way to school (a bus or a guardian ride).
TODAY_WAY = {
    Travel.WALK: Way.WALK,
    Travel.GUARDIAN: Way.RIDE,
    Travel.BUS: Way.RIDE,
    Travel.BOARD: Way.BOARD,
}


def journey(problem: Problem, b: int, v: int, s: int) -> tuple[Way, int, int]:
    """The one journey both models use: ``(way, seconds, metres)`` of band ``b`` from
    village ``v`` to school ``s``.

    Pupils who stay at today's school keep today's journey (:func:`today_journey`).
    Otherwise, within the band's walking distance, the walk; beyond it a ride: on a
    school bus (:func:`on_school_bus`) the drive with the stop (:func:`bus_ride_s`),
    a kindergarten child's guardian the road distance at ``guardian_mps``.
    """
    if s == int(problem.today[v, b]):
        travel, seconds, metres = today_journey(problem, b, v)
        return TODAY_WAY[travel], seconds, metres
    how, seconds, metres = problem.journey(b, v, s)
    if how == Way.RIDE and on_school_bus(problem, b, v, s):
        seconds = bus_ride_s(problem, b, v, s)
    elif how == Way.RIDE:
        seconds = problem.guardian_time_s(metres)
    return how, seconds, metres


__all__ = [
    "BAND_NORM",
    "BOARDING_BANDS",
    "Way",
    "anyone_walks_to_stops",
    "bus_ride_s",
    "class_norm",
    "journey",
    "limit_s",
    "may_board",
    "mode",
    "on_school_bus",
    "parse_bell",
    "places",
    "stop_time_s",
    "today_journey",
    "today_travel",
    "walk_to_stop_limit_m",
    "youngest_limit_s",
]
