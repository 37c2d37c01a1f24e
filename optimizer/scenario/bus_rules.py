"""The school buses of a scenario's policy: the standard bus, other types, their costs,
stop times, bells and dismissal, shared runs (``policy.bus``)."""

from __future__ import annotations

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from optimizer.scenario.clock import (
    DEFAULT_DISMISSAL,
    clock_text,
)
from optimizer.scenario.frozen import (
    MAX_YUAN,
    Frozen,
    merged_by_key,
)

#: Legal maximum of occupants of a primary or junior school bus.
LEGAL_MAX_SEATS = 56


class BusType(Frozen):
    """A kind of school bus besides the standard one."""

    name: str
    seats: int = Field(gt=0, le=LEGAL_MAX_SEATS, description="rated seats (legal max 56)")
    fixed_cost: float = Field(ge=0, le=MAX_YUAN, description="yuan per bus per year")
    count: int | None = Field(None, ge=0, description="at most this many per school")


class BusRule(Frozen):
    """The school buses used for merged schools and their running costs."""

    seats: int = Field(
        56, gt=0, le=LEGAL_MAX_SEATS, description="rated seats of the standard bus (legal max 56)"
    )
    fixed_cost: float = Field(150_000, ge=0, le=MAX_YUAN, description="yuan per bus per year")
    other_types: list[BusType] = Field(
        default_factory=list, description="other buses the routes may use, e.g. a minibus"
    )
    split_stops: bool = Field(True, description="the pupils of one stop may ride on several buses")
    cost_per_km: float = Field(6.0, ge=0, le=MAX_YUAN, description="yuan per km driven")
    stop_time_s: int = Field(30, ge=0, description="time at every stop, seconds")
    stop_time_per_pupil_s: int = Field(3, ge=0, description="extra per pupil boarding")
    arrive_before_bell_min: int = Field(10, ge=0, description="buses arrive this early")
    max_new_buses: int | None = Field(
        None, ge=0, description="buses the plan may add; 0: no new bus; empty: no limit"
    )
    walk_to_stop_m: int = Field(
        0,
        ge=0,
        description="pupils may walk this far (walking distance, metres) to a bus stop in "
        "another village; the fewest stops are chosen per school; 0: a stop in every "
        "village with riders",
    )
    dismissal: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_DISMISSAL),
        description="when each band's school day ends, HH:MM by band (k, p13, p46, j79; grades "
        "1-3 earlier): the afternoon runs take each band home from then; a school with its "
        "own bell dismisses as much earlier or later as its bell",
    )
    multi_school_runs: bool = Field(
        False,
        description="a bus may carry pupils of nearby receiving schools at once (mixed load), "
        "used where it needs fewer buses, or as many and less driving, than separate runs",
    )
    multi_school_within_min: float = Field(
        10.0, ge=0, description="multi-school runs: schools within this drive of each other"
    )
    multi_school_max_schools: int = Field(
        3, ge=2, description="multi-school runs: most schools one group of runs serves"
    )
    multi_school_earliest_min: int = Field(
        30,
        ge=0,
        description="multi-school runs: a bus may reach a school this many minutes before "
        "the bell at the earliest (the latest is arrive_before_bell_min)",
    )
    multi_school_second_trips: bool = Field(
        False,
        description="multi-school runs: a bus may collect pupils again after a school drop "
        "(a second trip within the arrival window)",
    )

    @field_validator("dismissal", mode="before")
    @classmethod
    def _dismissal(cls, given: object) -> object:
        """The defaults, each band given replaced, every time a real clock time."""
        merged = merged_by_key(given, dict(DEFAULT_DISMISSAL), "a dismissal time")
        if not isinstance(merged, dict):
            return merged
        out = {}
        for band, clock in merged.items():
            try:
                out[band] = clock_text(clock)
            except ValueError as exc:
                raise ValueError(f"{band}: {exc} (found {clock!r})") from None
        return out

    @model_validator(mode="after")
    def _one_stop_rule(self) -> BusRule:
        if self.multi_school_runs and self.walk_to_stop_m > 0:
            raise ValueError(
                "multi_school_runs and walk_to_stop_m > 0 cannot be combined yet (shared runs "
                "stop in every riding village); set one of them off"
            )
        return self

    def fleet(self) -> list[BusType]:
        """Every bus type: the standard bus first, then the others."""
        standard = BusType(name=f"{self.seats}-seat", seats=self.seats, fixed_cost=self.fixed_cost)
        return [standard, *self.other_types]
