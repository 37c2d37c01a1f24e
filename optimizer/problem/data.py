"""The immutable Problem: the numbers the models and the verifier read.

Units, once for all: seconds, metres, pupils, yuan. Matrices are ``int32``, directed
(row = from, column = to), over places numbered villages, then schools, then depots;
:data:`geodata.matrices.UNREACHABLE` marks a pair with no road. Every array is
read-only; the policy's numbers are frozen dataclasses (:mod:`optimizer.problem.numbers`).
Built by :func:`optimizer.problem.build.build_problem`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from geodata.kinds import BANDS, Band, Level
from optimizer.problem.closing import ClosingPolicy
from optimizer.problem.money import MoneyRules
from optimizer.problem.numbers import (
    BAND_NORM,
    TEACHING_POINT,
    BandTable,
    BusRules,
    InvestmentCosts,
    MoveRules,
    ObjectiveWeights,
    SchoolRules,
    Way,
)


def frozen(array: np.ndarray) -> np.ndarray:
    """``array``, contiguous and marked non-writeable."""
    array = np.ascontiguousarray(array)
    array.setflags(write=False)
    return array


@dataclass(frozen=True)
class Problem:
    """The planning problem in plain numbers.

    Attributes
    ----------
    name
        Scenario name.
    village_ids, village_names, school_ids, school_names, school_levels, depot_ids
        Ids and labels, in index order.
    pupils
        ``V x 4`` pupils per village and band (``BANDS`` order).
    current
        ``V x 4`` index of the school each band attends today, ``-1`` if none is named.
    capacity, running_cost
        Per school: pupils it can hold (all bands it teaches together), yuan per year.
    may_close, must_keep
        Per school flags.
    classrooms, canteen_seats, boarding_beds
        Per school today (``classrooms`` 0: unknown, ``capacity`` in pupils applies).
    public, inclusive
        Per school: publicly owned; public or private-inclusive (kindergarten places).
    serves
        ``S x 4`` whether a school teaches a band.
    time_s, dist_m, walk_m
        Place-to-place bus time (s), drivable road distance (m) and walking distance (m).
    bands
        Per band (read-only mapping) its one-way limit, walking distance and walk to a stop.
    walk_mps
        Pupils' walking speed, metres per second.
    bells_s
        ``S`` when each school starts, seconds after midnight (its own bell from the
        schools table, else the scenario's); read it through :meth:`bell_s`.
    scenario_bell_s
        The scenario's bell, seconds after midnight.
    school_rules, bus, weights, investment, moves
        Class and school sizes; buses; objective weights; investment costs; who may move.
    origin
        In a multi-year timeline, ``current`` is the school after the previous year
        and ``origin`` the school of the base year (``None``: the same as current).
    closed
        Schools closed by earlier years of a timeline (they may not receive pupils).
    money
        Subsidies, teachers' pay, bus use and price (:mod:`optimizer.problem.money`).
    travel
        ``V x 4`` how each village band travels today, an index into
        :data:`geodata.kinds.TRAVELS` from the villages table's ``current_mode_*``; ``-1``
        where the table says nothing (the default of
        :func:`optimizer.problem.rules.today_travel` applies). ``None``: nothing given.
    guardian_mps
        A guardian's speed bringing a child, metres per second on the road distance.
    teacher_cost
        ``S`` teachers' pay per school from the data, yuan/year (``-1``: not given, the
        default share applies; ``None``: no column).
    closing
        The closure policy: candidates, townships, families, boarding, investment, the
        planner's decisions, the cap (:mod:`optimizer.problem.closing`); the schools'
        towns are ``closing.towns``.
    village_towns, depot_towns
        Each village's and depot's township (the tables' ``town``; ``""``: none named;
        empty tuples: not known).
    """

    name: str
    village_ids: tuple[str, ...]
    village_names: tuple[str, ...]
    school_ids: tuple[str, ...]
    school_names: tuple[str, ...]
    school_levels: tuple[Level, ...]
    depot_ids: tuple[str, ...]
    pupils: np.ndarray
    current: np.ndarray
    capacity: np.ndarray
    running_cost: np.ndarray
    may_close: np.ndarray
    must_keep: np.ndarray
    classrooms: np.ndarray
    canteen_seats: np.ndarray
    boarding_beds: np.ndarray
    public: np.ndarray
    inclusive: np.ndarray
    serves: np.ndarray
    time_s: np.ndarray
    dist_m: np.ndarray
    walk_m: np.ndarray
    bands: BandTable
    walk_mps: float
    bells_s: np.ndarray
    scenario_bell_s: int
    school_rules: SchoolRules
    bus: BusRules
    weights: ObjectiveWeights
    investment: InvestmentCosts
    moves: MoveRules
    closing: ClosingPolicy
    origin: np.ndarray | None = None
    closed: np.ndarray | None = None
    money: MoneyRules = MoneyRules()
    teacher_cost: np.ndarray | None = None
    travel: np.ndarray | None = None
    guardian_mps: float = 30 / 3.6
    village_towns: tuple[str, ...] = ()
    depot_towns: tuple[str, ...] = ()

    @property
    def today(self) -> np.ndarray:
        """``V x 4`` the school of the base year (before any plan year): who has moved."""
        return self.current if self.origin is None else self.origin

    @property
    def n_villages(self) -> int:
        """Number of villages."""
        return len(self.village_ids)

    @property
    def n_schools(self) -> int:
        """Number of schools."""
        return len(self.school_ids)

    def bell_s(self, s: int) -> int:
        """When school ``s`` starts, seconds after midnight: its own bell, else the scenario's.

        The one source of a school's bell for the models, the timetables and the verifier.
        """
        return int(self.bells_s[s])

    def dismissal_s(self, s: int, band: str) -> int:
        """When ``band``'s school day ends at school ``s``, seconds after midnight: the
        scenario's dismissal (``policy.bus.dismissal``) moved with the school's own bell."""
        return self.bus.dismissal_s[Band(band)] + self.bell_s(s) - self.scenario_bell_s

    def school_place(self, s: int) -> int:
        """Place index of school ``s``."""
        return self.n_villages + s

    @functools.cached_property
    def _unmoved_load(self) -> np.ndarray:
        """``S x B`` pupils of each band at each school if nobody moved (of ``current``)."""
        load = np.zeros((self.n_schools, len(BANDS)), dtype=np.int64)
        for b in range(len(BANDS)):
            at = self.current[:, b]
            load[:, b] = np.bincount(
                at[at >= 0], weights=self.pupils[at >= 0, b], minlength=self.n_schools
            )
        return load

    @functools.cached_property
    def _unmoved_classes(self) -> np.ndarray:
        return self.unmoved_classes()

    @functools.cached_property
    def _unmoved_classes_tp(self) -> np.ndarray:
        return self.unmoved_classes(teaching_point=True)

    @functools.cached_property
    def _today_pupils(self) -> np.ndarray:
        return self._unmoved_load.sum(axis=1)

    def unmoved_classes(self, *, teaching_point: bool = False) -> np.ndarray:
        """``S`` classes each school would have if nobody moved (its pupils of ``current``);
        with ``teaching_point``, at the teaching-point class norm."""
        rules = self.school_rules
        classes = np.zeros(self.n_schools, dtype=np.int64)
        for b, band in enumerate(BANDS):
            norm = rules.class_size[TEACHING_POINT if teaching_point else BAND_NORM[band]]
            classes += np.ceil(self._unmoved_load[:, b] / norm).astype(np.int64)
        return classes

    def today_pupils(self, s: int) -> int:
        """Pupils school ``s`` has today (of ``current``, every band)."""
        return int(self._today_pupils[s])

    def pupil_limit(self) -> np.ndarray:
        """``S`` pupils each school may hold where its classrooms are unknown (0): its
        ``capacity``; a school over it today keeps its own pupils (the limit is today's
        pupils) unless ``schools.size_limits_apply_to_unmoved``, as :meth:`room_limit`."""
        capacity = np.asarray(self.capacity, np.int64)
        if self.school_rules.size_limits_apply_to_unmoved:
            return capacity
        return np.maximum(capacity, self._today_pupils)

    def room_limit(self, s: int, *, teaching_point: bool = False) -> int:
        """Classes school ``s`` may hold in its rooms before building (classrooms known).

        Its classrooms; a school with more classes than rooms today keeps its own pupils
        (the limit is today's classes) unless ``schools.size_limits_apply_to_unmoved``.
        Kept as a teaching point, today's classes are counted at the teaching-point norm:
        a school kept small never has to build to keep its own pupils (and, where that
        gives it more classes than rooms, it takes no more pupils than it has today:
        the closure model and the verifier hold it so).
        """
        rooms = int(self.classrooms[s])
        if self.school_rules.size_limits_apply_to_unmoved:
            return rooms
        unmoved = self._unmoved_classes_tp if teaching_point else self._unmoved_classes
        return max(rooms, int(unmoved[s]))

    def size_limit(self, s: int) -> int | None:
        """Most classes school ``s`` may have (``None``: no limit for its level).

        The level's largest school size; a school above it today keeps its own pupils
        (the limit is today's classes) unless ``schools.size_limits_apply_to_unmoved``.
        """
        limit = self.school_rules.max_classes.get(self.school_levels[s])
        if limit is None or self.school_rules.size_limits_apply_to_unmoved:
            return limit
        return max(limit, int(self._unmoved_classes[s]))

    def village_school_time(self) -> np.ndarray:
        """``V x S`` bus time from each village to each school, seconds."""
        v = self.n_villages
        return self.time_s[:v, v : v + self.n_schools]

    def village_school_dist(self) -> np.ndarray:
        """``V x S`` road distance from each village to each school, metres."""
        v = self.n_villages
        return self.dist_m[:v, v : v + self.n_schools]

    def walk_time_s(self, dist_m: int | np.ndarray) -> np.ndarray:
        """Walking time for a road distance, seconds (rounded up)."""
        return np.ceil(np.asarray(dist_m) / self.walk_mps).astype(np.int64)

    def guardian_time_s(self, dist_m: int) -> int:
        """A guardian's time over a road distance, seconds (rounded up)."""
        return math.ceil(dist_m / self.guardian_mps)

    def walks(self, band: int, v: int, s: int) -> bool:
        """Whether pupils of a band walk from village ``v`` to school ``s``."""
        walk = int(self.walk_m[v, self.school_place(s)])
        return walk <= self.bands[BANDS[band]].walk_m

    def journey(self, band: int, v: int, s: int) -> tuple[Way, int, int]:
        """The direct trip: ``(Way.WALK | Way.RIDE, seconds, metres)``.

        Pupils within the band's walking distance walk (walking distance and time);
        the others ride (bus-speed drive time, road distance).
        """
        place = self.school_place(s)
        if self.walks(band, v, s):
            walk = int(self.walk_m[v, place])
            return Way.WALK, int(self.walk_time_s(walk)), walk
        return Way.RIDE, int(self.time_s[v, place]), int(self.dist_m[v, place])

    def journey_s(self, band: int, v: int, s: int) -> int:
        """One-way time of the direct trip (see :meth:`journey`)."""
        return self.journey(band, v, s)[1]


__all__ = ["Problem", "frozen"]
