"""A scenario's policy: limits per grade band, buses, schools, investment, speeds, weights.

Defaults come from the domain rules (grades 1-3 within 30 min one way, a loaded
school bus of 56 seats, ...); every number is a scenario parameter. Read by
:mod:`optimizer.scenario.schema`, whose :class:`~optimizer.scenario.schema.Scenario`
holds one :class:`Policy`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from geodata.places import BANDS
from geodata.speeds import DEFAULT_HIGHWAY_KPH, DEFAULT_ZONE_KPH, SpeedModel
from optimizer.scenario.bus_rules import BusRule
from optimizer.scenario.clock import (
    clock_text,
    dismissal_issues,
    earliest_bell_s,
    seconds,
)
from optimizer.scenario.closure_policy import ClosureRules
from optimizer.scenario.frozen import (
    MAX_YUAN,
    ClassCount,
    ClassSize,
    Frozen,
    Speed,
    merged_by_key,
)


class BandRule(Frozen):
    """Limits for one grade band."""

    one_way_min: float = Field(gt=0, description="longest one-way journey, minutes")
    walk_km: float = Field(ge=0, description="a pupil within this road distance walks")
    walk_to_stop_m: int | None = Field(
        None,
        ge=0,
        description="longest walk to a bus stop for this band, metres (may only lower "
        "policy.bus.walk_to_stop_m); empty: policy.bus.walk_to_stop_m",
    )


def _default_bands() -> dict[str, BandRule]:
    return {
        "k": BandRule(one_way_min=20, walk_km=1.0),
        "p13": BandRule(one_way_min=30, walk_km=1.5),
        "p46": BandRule(one_way_min=45, walk_km=2.5),
        "j79": BandRule(one_way_min=60, walk_km=3.0),
    }


class Weights(Frozen):
    """Objective weights of the closure model (all terms in yuan per year)."""

    running_cost: float = Field(1.0, ge=0, description="per yuan/year of running cost")
    travel_yuan_per_pupil_min: float = Field(
        200.0, ge=0, description="yuan/year per pupil per minute of one-way journey"
    )
    transport: float = Field(
        1.0, ge=0, description="per yuan/year of estimated buses (bus.fixed_cost each)"
    )
    capital: float = Field(
        0.05, ge=0, description="per yuan of investment (0.05: spread over 20 years)"
    )
    boarding_yuan_per_pupil: float = Field(
        3000.0, ge=0, description="yuan/year for each boarding pupil (care, family cost)"
    )
    objective: Literal["weighted", "lexicographic"] = Field(
        "weighted",
        description="lexicographic: first the shortest longest grades 1-3 journey, then cost",
    )


def _default_class_size() -> dict[str, int]:
    return {"primary": 45, "junior": 50, "kindergarten": 30, "teaching_point": 30}


def _default_max_classes() -> dict[str, int]:
    return {"kindergarten": 15, "primary": 24, "junior": 24, "nine_year": 36}


class SchoolRules(Frozen):
    """Class sizes, school sizes, lunch and boarding rules."""

    class_size: dict[str, ClassSize] = Field(
        default_factory=_default_class_size,
        description="class-size norm by level; no class may exceed it",
    )
    max_classes: dict[str, ClassCount] = Field(
        default_factory=_default_max_classes,
        description="largest school by level, in classes (an oversized school is a veto)",
    )
    min_enrolment: int = Field(
        0, ge=0, description="a kept school needs this many pupils, unless a teaching point"
    )
    min_enrolment_levels: list[Literal["kindergarten", "primary", "junior", "nine_year"]] = Field(
        default_factory=lambda: ["primary", "junior", "nine_year"],
        description="school levels the minimum enrolment applies to",
    )
    teaching_points: bool = Field(
        True, description="a small primary school may be kept as a teaching point"
    )
    size_limits_apply_to_unmoved: bool = Field(
        False,
        description="false: a school over its classrooms, its pupil capacity (classrooms "
        "unknown) or the level's largest size today keeps its own pupils (it takes nobody "
        "beyond today's classes); true: its pupils must then move or it must close",
    )
    lunch_sittings: int = Field(
        2, ge=1, le=10, description="canteen seats serve this many sittings"
    )
    boarding: bool = Field(True, description="grades 4-9 may board when the bus is too far")
    kindergarten_public_share: float = Field(
        0.7, ge=0, le=1, description="public places / all kindergarten places after merges"
    )
    kindergarten_inclusive_share: float = Field(
        1.0,
        ge=0,
        le=1,
        description="inclusive places (public or private_inclusive) / all kindergarten places",
    )

    @field_validator("class_size", mode="before")
    @classmethod
    def _class_sizes(cls, given: object) -> object:
        """The defaults, each level given replaced (``{primary: 40}`` keeps the others)."""
        return merged_by_key(given, _default_class_size(), "a class size")

    @field_validator("max_classes", mode="before")
    @classmethod
    def _max_classes(cls, given: object) -> object:
        """The defaults, each level given replaced."""
        return merged_by_key(given, _default_max_classes(), "a largest size in classes")


class Investment(Frozen):
    """What a receiving school may build, at what cost (yuan), within a budget."""

    classroom_cost: float = Field(800_000, ge=0, le=MAX_YUAN)
    canteen_seat_cost: float = Field(4_000, ge=0, le=MAX_YUAN)
    bed_cost: float = Field(25_000, ge=0, le=MAX_YUAN)
    max_classrooms: int = Field(6, ge=0, description="added classrooms per school at most")
    inclusive_subsidy_per_place: float = Field(
        1500.0,
        ge=0,
        description="yuan/year to make a private kindergarten place inclusive (subsidised)",
    )
    budget: float = Field(30_000_000, ge=0, le=MAX_YUAN, description="total capital, yuan")


class Money(Frozen):
    """The plan's money besides running costs and buses: teachers, subsidies, bus price.

    Defaults a county planner starts from: teachers are redeployed (their pay moves
    with them, so it is not saved); teachers' pay is 70 % of a school's running cost
    where the schools table has no ``teacher_cost``; the national rural nutrition
    subsidy of 5 yuan a school day over 200 days for every pupil who newly eats at
    school; 1,000 yuan a year for every new boarder; a 56-seat school bus costs
    450,000 yuan to buy; the closures take effect in 2027 (Anqiu's plan), built for
    in 2026.
    """

    teacher_share: float = Field(
        0.7,
        ge=0,
        le=1,
        description="share of running cost that is teachers' pay, where the schools table "
        "has no teacher_cost",
    )
    teachers_saved: bool = Field(
        False,
        description="false: a closed school's teachers are redeployed and their pay moves "
        "with them (not saved); true: their pay counts as saved",
    )
    lunch_subsidy_yuan_per_pupil: float = Field(
        1000.0, ge=0, description="yuan/year for each pupil who newly eats lunch at school"
    )
    boarding_subsidy_yuan_per_pupil: float = Field(
        1000.0, ge=0, description="yuan/year for each pupil who newly boards"
    )
    school_days: int = Field(200, ge=1, le=366, description="school days a year")
    bus_price: float = Field(450_000.0, ge=0, description="capital for each new bus, yuan")
    closing_must_pay: bool = Field(
        True,
        description="each closure must save more a year than it adds in pupils' travel "
        "time (weights.travel_yuan_per_pupil_min), buses, boarding (weights."
        "boarding_yuan_per_pupil) and the lunch and boarding subsidies",
    )
    keep_open_exact: bool = Field(
        False,
        description="the reason of each closure gives the exact cost of keeping the school "
        "open (the closure model solved again with it kept, one solve per closed school); "
        "false: an upper bound (the school reopened with its own pupils back)",
    )
    closure_year: int = Field(
        2027,
        ge=2000,
        le=2100,
        description="calendar year the plan's closures take effect (Anqiu's plan: 2027); "
        "classrooms, canteen seats, beds and buses are bought the year before (build first, "
        "close after); a timeline's year +k closes in closure_year + k - 1",
    )
    bus_estimate_from_routes: bool = Field(
        True,
        description="plan twice: the second time the closure model's bus estimate (a seat's "
        "share of a full bus and of the km from the village, morning and afternoon runs) is "
        "corrected by the first plan's routes (the share of seats its buses fill, its routed "
        "km over the estimate's), so that no school closes on a bus cost the routes do not "
        "bear out; a first plan without buses is the plan (there is nothing to correct); "
        "false plans once on the uncorrected estimate (about 60 % of the routed cost on the "
        "demo)",
    )


class Speeds(Frozen):
    """The school-bus speed model (km/h); see geodata.speeds for the hazard tags."""

    highway_kph: dict[str, Speed] = Field(
        default_factory=lambda: dict(DEFAULT_HIGHWAY_KPH),
        description="speed by highway class where OSM has no maxspeed; only these "
        "classes are drivable",
    )
    road_cap_kph: float = Field(60.0, gt=0, le=200)
    motorway_cap_kph: float = Field(80.0, gt=0, le=200)
    hazard_kph: float = Field(20.0, gt=0, le=200)
    track_grades: list[Literal["grade1", "grade2", "grade3", "grade4", "grade5", "untagged"]] = (
        Field(
            default_factory=lambda: ["grade1"],
            description="tracktype of the highway=track ways a bus may use ('untagged': "
            "tracks without a tracktype)",
        )
    )
    zone_kph: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_ZONE_KPH),
        description="implicit limits of OSM country codes (maxspeed=CN:urban...)",
    )

    def model(self) -> SpeedModel:
        """The geodata speed model."""
        return SpeedModel(
            highway_kph=dict(self.highway_kph),
            road_cap_kph=self.road_cap_kph,
            motorway_cap_kph=self.motorway_cap_kph,
            hazard_kph=self.hazard_kph,
            zone_kph=dict(self.zone_kph),
            track_grades=tuple(sorted(set(self.track_grades))),
        )


class Policy(Frozen):
    """The rules and weights of a run."""

    bands: dict[str, BandRule] = Field(default_factory=_default_bands)
    bell: str = Field("08:00", description="school starts, HH:MM (24-hour clock)")
    walk_kph: float = Field(4.0, gt=0, le=20, description="pupils' walking speed")
    guardian_kph: float = Field(
        30.0,
        gt=0,
        le=80,
        description="speed of a guardian bringing a child (motorbike, e-bike), km/h on the "
        "road distance: today's journey of a village band beyond its walking distance "
        "without a current_mode, and every kindergarten journey by guardian",
    )
    years_ahead: int = Field(
        0,
        ge=0,
        le=15,
        description="plan for the enrolment projected this many years ahead (cohort model "
        "with each village's annual_change); 0: today's numbers",
    )
    timeline_years: int = Field(
        0,
        ge=0,
        le=10,
        description="plan each of the next N years (build first, close after); 0: one plan",
    )
    allow_second_move: bool = Field(
        False, description="in a timeline, pupils who moved may move again later"
    )
    limits_apply_to_unmoved: bool = Field(
        True,
        description="false: the one-way limits bind only pupils who move; a journey "
        "that is longer today stands (and is shown) while the school stays open",
    )
    move_only_from_closed: bool = Field(
        True,
        description="a pupil changes school only when their school closes, or when their "
        "journey today breaks a limit that binds pupils who stay (limits_apply_to_unmoved; "
        "under the family rule the village's other primary band moves with them)",
    )
    bus: BusRule = Field(default_factory=BusRule)
    speeds: Speeds = Field(default_factory=Speeds)
    schools: SchoolRules = Field(default_factory=SchoolRules)
    investment: Investment = Field(default_factory=Investment)
    weights: Weights = Field(default_factory=Weights)
    money: Money = Field(default_factory=Money)
    closures: ClosureRules = Field(default_factory=ClosureRules)

    @field_validator("bands", mode="before")
    @classmethod
    def _all_bands(cls, bands: object) -> object:
        """Every band, each key not given taken from that band's default."""
        if not isinstance(bands, dict):
            return bands
        unknown = sorted(str(b) for b in set(bands) - set(BANDS))
        if unknown:
            raise ValueError(f"only the bands {', '.join(BANDS)} (unknown: {', '.join(unknown)})")
        out: dict[str, object] = {}
        for band, default in _default_bands().items():
            given = bands.get(band, {})
            if isinstance(given, BandRule):
                given = given.model_dump()
            out[band] = {**default.model_dump(), **given} if isinstance(given, dict) else given
        return out

    @field_validator("bell", mode="before")
    @classmethod
    def _clock(cls, bell: object) -> str:
        """A real clock time, ``8:20`` read as ``08:20``."""
        return clock_text(bell)

    @model_validator(mode="after")
    def _buses_leave_after_midnight(self) -> Policy:
        need, why = earliest_bell_s(self)
        if self.bell_s < need:
            raise ValueError(
                f"a bell at or after {need // 3600:02d}:{need % 3600 // 60:02d}: {why}, so "
                f"at {self.bell} the bus would leave {(need - self.bell_s) // 60} min before "
                "midnight"
            )
        problems = dismissal_issues(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def bell_s(self) -> int:
        """Bell time in seconds after midnight."""
        return seconds(self.bell)

    def limit_s(self, band: str) -> int:
        """One-way limit of a band, seconds."""
        return int(round(self.bands[band].one_way_min * 60))

    def walk_to_stop_m(self, band: str) -> int:
        """Longest walk to a bus stop for a band, metres (``bus.walk_to_stop_m``, lowered
        by the band's own ``walk_to_stop_m``)."""
        own = self.bands[band].walk_to_stop_m
        common = self.bus.walk_to_stop_m
        return common if own is None else min(common, own)
