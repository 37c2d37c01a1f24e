"""One immutable Problem: the numbers the models and the verifier read.

Units, once for all: seconds, metres, pupils, yuan. Matrices are ``int32``, directed
(row = from, column = to), over places numbered villages, then schools, then depots;
:data:`geodata.matrices.UNREACHABLE` marks a pair with no road.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from geodata.errors import IssueCollector
from geodata.matrices import UNREACHABLE
from geodata.places import BANDS
from geodata.region import Region
from optimizer.problem.projection import project
from optimizer.scenario.schema import Policy

#: Which grade bands each school level teaches.
LEVEL_BANDS = {
    "kindergarten": ("k",),
    "primary": ("p13", "p46"),
    "junior": ("j79",),
    "nine_year": ("p13", "p46", "j79"),
}
#: The class-size norm that applies to each band.
BAND_NORM = {"k": "kindergarten", "p13": "primary", "p46": "primary", "j79": "junior"}
#: Bands that may board (grades 4-9; grades 1-3 never board).
BOARDING_BANDS = ("p46", "j79")
#: The column of the villages table naming today's school for each band.
CURRENT_COLUMN = {
    "k": "current_k",
    "p13": "current_primary",
    "p46": "current_primary",
    "j79": "current_junior",
}


def _frozen(array: np.ndarray) -> np.ndarray:
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
    policy
        Rules and weights.
    origin
        In a multi-year timeline, ``current`` is the school after the previous year
        and ``origin`` the school of the base year (``None``: the same as current).
    closed
        Schools closed by earlier years of a timeline (they may not receive pupils).
    school_bells
        Per school its own bell time ``HH:MM`` from the schools table, ``""`` (or an
        empty tuple) where the scenario's ``policy.bell`` holds; read it through
        :meth:`bell_s`.
    """

    name: str
    village_ids: tuple[str, ...]
    village_names: tuple[str, ...]
    school_ids: tuple[str, ...]
    school_names: tuple[str, ...]
    school_levels: tuple[str, ...]
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
    policy: Policy
    origin: np.ndarray | None = None
    closed: np.ndarray | None = None
    school_bells: tuple[str, ...] = ()

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
        """When school ``s`` starts, seconds after midnight: its own bell, else ``policy.bell``.

        The one source of a school's bell for the models, the timetables and the verifier.
        """
        own = self.school_bells[s] if s < len(self.school_bells) else ""
        if not own:
            return self.policy.bell_s
        hours, minutes = own.split(":")
        return int(hours) * 3600 + int(minutes) * 60

    def school_place(self, s: int) -> int:
        """Place index of school ``s``."""
        return self.n_villages + s

    @functools.cached_property
    def _unmoved_classes(self) -> np.ndarray:
        return self.unmoved_classes()

    def unmoved_classes(self) -> np.ndarray:
        """``S`` classes each school would have if nobody moved (its pupils of ``current``)."""
        rules = self.policy.schools
        classes = np.zeros(self.n_schools, dtype=np.int64)
        for b, band in enumerate(BANDS):
            at = self.current[:, b]
            load = np.bincount(
                at[at >= 0], weights=self.pupils[at >= 0, b], minlength=self.n_schools
            )
            classes += np.ceil(load / rules.class_size[BAND_NORM[band]]).astype(np.int64)
        return classes

    def room_limit(self, s: int) -> int:
        """Classes school ``s`` may hold in its rooms before building (classrooms known).

        Its classrooms; a school with more classes than rooms today keeps its own pupils
        (the limit is today's classes) unless ``schools.size_limits_apply_to_unmoved``.
        """
        rooms = int(self.classrooms[s])
        if self.policy.schools.size_limits_apply_to_unmoved:
            return rooms
        return max(rooms, int(self._unmoved_classes[s]))

    def size_limit(self, s: int) -> int | None:
        """Most classes school ``s`` may have (``None``: no limit for its level).

        The level's largest school size; a school above it today keeps its own pupils
        (the limit is today's classes) unless ``schools.size_limits_apply_to_unmoved``.
        """
        limit = self.policy.schools.max_classes.get(self.school_levels[s])
        if limit is None or self.policy.schools.size_limits_apply_to_unmoved:
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
        return np.ceil(np.asarray(dist_m) / (self.policy.walk_kph / 3.6)).astype(np.int64)

    def walks(self, band: int, v: int, s: int) -> bool:
        """Whether pupils of a band walk from village ``v`` to school ``s``."""
        walk = int(self.walk_m[v, self.school_place(s)])
        return walk <= self.policy.bands[BANDS[band]].walk_km * 1000.0

    def journey(self, band: int, v: int, s: int) -> tuple[str, int, int]:
        """The direct trip: ``("walk" | "ride", seconds, metres)``.

        Pupils within the band's walking distance walk (walking distance and time);
        the others ride (bus-speed drive time, road distance).
        """
        place = self.school_place(s)
        if self.walks(band, v, s):
            walk = int(self.walk_m[v, place])
            return "walk", int(self.walk_time_s(walk)), walk
        return "ride", int(self.time_s[v, place]), int(self.dist_m[v, place])

    def journey_s(self, band: int, v: int, s: int) -> int:
        """One-way time of the direct trip (see :meth:`journey`)."""
        return self.journey(band, v, s)[1]


def build_problem(region: Region, policy: Policy, *, name: str) -> Problem:
    """Turn a region and a policy into a :class:`Problem`.

    Raises
    ------
    geodata.errors.InputError
        When a village names a current school that does not exist or does not teach
        the band.
    """
    villages, schools = region.villages, region.schools
    school_index = {sid: i for i, sid in enumerate(schools["id"])}
    levels = tuple(schools["level"])
    serves = np.array([[band in LEVEL_BANDS[level] for band in BANDS] for level in levels])
    issues = IssueCollector()
    current = np.full((len(villages), len(BANDS)), -1, dtype=np.int64)
    source = villages.attrs.get("source", "villages")
    for v, row in enumerate(villages.itertuples(index=False)):
        for column in dict.fromkeys(CURRENT_COLUMN.values()):  # each column once
            named = getattr(row, column)
            if not named:
                continue
            s = school_index.get(named)
            bands = [b for b, band in enumerate(BANDS) if CURRENT_COLUMN[band] == column]
            if s is None:
                issues.add(
                    source, f"id {row.id}", column, "the id of a school in the schools table", named
                )
            elif not all(serves[s, b] for b in bands):
                teaching = ", ".join(BANDS[b] for b in bands)
                issues.add(
                    source,
                    f"id {row.id}",
                    column,
                    f"a school teaching {teaching}",
                    f"{named} ({levels[s]})",
                )
            else:
                current[v, bands] = s
    issues.raise_if_any()
    return Problem(
        name=name,
        village_ids=tuple(villages["id"]),
        village_names=tuple(villages["name"]),
        school_ids=tuple(schools["id"]),
        school_names=tuple(schools["name"]),
        school_levels=levels,
        depot_ids=tuple(region.depots["id"]),
        pupils=_frozen(
            project(
                villages[list(BANDS)].to_numpy(dtype=np.int64),
                villages["annual_change"].to_numpy(dtype=float),
                policy.years_ahead,
            )
        ),
        current=_frozen(current),
        capacity=_frozen(schools["capacity"].to_numpy(dtype=np.int64)),
        running_cost=_frozen(np.rint(schools["running_cost"].to_numpy(float)).astype(np.int64)),
        may_close=_frozen(schools["may_close"].to_numpy(dtype=bool)),
        must_keep=_frozen(schools["must_keep"].to_numpy(dtype=bool)),
        classrooms=_frozen(schools["classrooms"].to_numpy(dtype=np.int64)),
        canteen_seats=_frozen(schools["canteen_seats"].to_numpy(dtype=np.int64)),
        boarding_beds=_frozen(schools["boarding_beds"].to_numpy(dtype=np.int64)),
        public=_frozen(schools["ownership"].eq("public").to_numpy(dtype=bool)),
        inclusive=_frozen(schools["ownership"].ne("private").to_numpy(dtype=bool)),
        serves=_frozen(serves),
        time_s=_frozen(region.bus_time_s),
        dist_m=_frozen(region.road_m),
        walk_m=_frozen(region.walk_m),
        policy=policy,
        school_bells=tuple(schools["bell"]) if "bell" in schools else (),
    )


__all__ = ["BANDS", "LEVEL_BANDS", "Problem", "UNREACHABLE", "build_problem"]
