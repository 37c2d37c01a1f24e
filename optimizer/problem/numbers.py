"""The policy of a run as plain numbers, in the project's units, read-only.

Built once from the scenario's pydantic ``Policy`` (:func:`optimizer.problem.build.build_problem`)
and carried by the :class:`~optimizer.problem.build.Problem`: seconds, metres, pupils, yuan.
The models, the planning flow and the verifier read these fields and never the YAML
schema. Mappings are read-only views (:class:`types.MappingProxyType`); every class is a
frozen dataclass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from geodata.kinds import Band, Level


class Objective(StrEnum):
    """How the closure model weighs its goals."""

    WEIGHTED = "weighted"  # one weighted sum, yuan per year
    LEXICOGRAPHIC = "lexicographic"  # first the longest grades 1-3 journey, then cost


class Way(StrEnum):
    """How pupils would reach a school: on foot, driven (bus or family), or boarding."""

    WALK = "walk"
    RIDE = "ride"
    BOARD = "board"


#: The class-size norm of a teaching point (``school_rules.class_size`` key).
TEACHING_POINT = "teaching_point"
#: Which grade bands each school level teaches.
LEVEL_BANDS: Mapping[Level, tuple[Band, ...]] = MappingProxyType(
    {
        Level.KINDERGARTEN: (Band.K,),
        Level.PRIMARY: (Band.P13, Band.P46),
        Level.JUNIOR: (Band.J79,),
        Level.NINE_YEAR: (Band.P13, Band.P46, Band.J79),
    }
)
#: The class-size norm (a level's) that applies to each band.
BAND_NORM: Mapping[Band, Level] = MappingProxyType(
    {
        Band.K: Level.KINDERGARTEN,
        Band.P13: Level.PRIMARY,
        Band.P46: Level.PRIMARY,
        Band.J79: Level.JUNIOR,
    }
)
#: Bands that may board (grades 4-9; grades 1-3 never board).
BOARDING_BANDS: tuple[Band, ...] = (Band.P46, Band.J79)


@dataclass(frozen=True)
class BandLimits:
    """The limits of one grade band.

    Attributes
    ----------
    limit_s
        Longest one-way journey, seconds.
    walk_m
        Pupils within this walking distance walk, metres.
    walk_to_stop_m
        Longest walk to a bus stop in another village, metres (the bus rule, lowered by
        the band's own).
    """

    limit_s: int
    walk_m: float
    walk_to_stop_m: int


@dataclass(frozen=True)
class SchoolRules:
    """Class sizes, school sizes, lunch, boarding and kindergarten places.

    ``class_size`` holds the norm (pupils per class) by level name and for
    :data:`TEACHING_POINT`; ``max_classes`` the largest school by level, in classes.
    """

    class_size: Mapping[str, int]
    max_classes: Mapping[str, int]
    min_enrolment: int
    min_enrolment_levels: frozenset[Level]
    teaching_points: bool
    size_limits_apply_to_unmoved: bool
    lunch_sittings: int
    boarding: bool
    kindergarten_public_share: float
    kindergarten_inclusive_share: float


@dataclass(frozen=True)
class BusKind:
    """A type of school bus: name, rated seats, yuan per year, at most ``count`` per school."""

    name: str
    seats: int
    fixed_cost: float
    count: int | None = None


@dataclass(frozen=True)
class BusRules:
    """The school buses: types, stop times, arrival before the bell, multi-school runs.

    Attributes
    ----------
    types
        Every bus type, the standard bus first.
    seats, fixed_cost
        Of the standard bus (pupils; yuan per year).
    stop_time_s, stop_time_per_pupil_s
        Time at every stop, and extra per pupil boarding, seconds.
    arrive_before_bell_s
        Buses reach the school this long before its bell, seconds.
    max_new_buses
        Buses the plan may add (``None``: no limit; 0: no new bus).
    walk_to_stop_m
        Longest walk to a stop in another village, metres, for every band (0: none).
    multi_school_within_s, multi_school_max_schools, multi_school_earliest_s
        Multi-school runs: schools within this drive of each other (seconds), at most
        this many in a group, a bus reaching a school this long before the bell at the
        earliest (seconds).
    dismissal_s
        When each band's school day ends, seconds after midnight, at a school on the
        scenario's bell (a school with its own bell moves it as much: read it through
        :meth:`~optimizer.problem.data.Problem.dismissal_s`).
    """

    types: tuple[BusKind, ...]
    seats: int
    fixed_cost: float
    cost_per_km: float
    split_stops: bool
    stop_time_s: int
    stop_time_per_pupil_s: int
    arrive_before_bell_s: int
    max_new_buses: int | None
    walk_to_stop_m: int
    multi_school_runs: bool
    multi_school_within_s: float
    multi_school_max_schools: int
    multi_school_earliest_s: int
    multi_school_second_trips: bool
    dismissal_s: Mapping[Band, int] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def largest_seats(self) -> int:
        """Seats of the largest bus type."""
        return max(t.seats for t in self.types)


@dataclass(frozen=True)
class ObjectiveWeights:
    """Weights of the closure model's objective (every term in yuan per year)."""

    running_cost: float
    travel_yuan_per_pupil_min: float
    transport: float
    capital: float
    boarding_yuan_per_pupil: float
    objective: Objective


@dataclass(frozen=True)
class InvestmentCosts:
    """What a receiving school may build and at what cost (yuan), within a budget."""

    classroom_cost: float
    canteen_seat_cost: float
    bed_cost: float
    max_classrooms: int
    inclusive_subsidy_per_place: float
    budget: float


@dataclass(frozen=True)
class MoveRules:
    """Who may move, and whether schools may close at all.

    Attributes
    ----------
    closures_allowed
        False: every school stays open (the keep-all baseline).
    move_only_from_closed
        A pupil changes school only when their school closes.
    limits_apply_to_unmoved
        False: the one-way limits bind only pupils who move.
    allow_second_move
        In a timeline, pupils who moved may move again later.
    years_ahead
        The enrolment is projected this many years ahead.
    """

    closures_allowed: bool
    move_only_from_closed: bool
    limits_apply_to_unmoved: bool
    allow_second_move: bool
    years_ahead: int


#: Every band's limits, keyed by band (read-only).
BandTable = Mapping[Band, BandLimits]

__all__ = [
    "BAND_NORM",
    "BOARDING_BANDS",
    "LEVEL_BANDS",
    "TEACHING_POINT",
    "BandLimits",
    "BandTable",
    "BusKind",
    "BusRules",
    "InvestmentCosts",
    "MoveRules",
    "Objective",
    "ObjectiveWeights",
    "SchoolRules",
    "Way",
]
