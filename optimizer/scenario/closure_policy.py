"""The scenario's closure policy: which schools may close, what must stay, the planner's word.

``policy.closures`` holds the county's rules (DOMAIN.md, "Closure policy"): closure
candidates (small-scale, shrinking, flagged or listed schools), the schools every
township keeps, families kept together, boarding only where needed, no capital on a
school that stays small, and an optional cap or target on the number of closures.
Each rule has a switch. The top-level scenario key ``decisions`` (school id ->
:class:`DecisionWord`) is the planner's word, read by :mod:`optimizer.scenario.schema`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from optimizer.scenario.frozen import Frozen

#: What a planner may fix a school as (``decisions:`` values).
DecisionWord = Literal["keep", "close", "teaching_point"]
#: Levels a township keeps (``closures.township_keeps``): a public kindergarten, and a
#: complete primary (a primary school that is no teaching point, or a nine-year school).
TownshipLevel = Literal["kindergarten", "primary", "junior"]


class ClosureRules(Frozen):
    """Whether and which schools the plan may close (``allow: false``: keep-all baseline)."""

    allow: bool = Field(True, description="false: every school stays open, as today")
    candidates_only: bool = Field(
        True,
        description="only closure candidates may close: small-scale, shrinking, flagged "
        "(schools' condition column) or listed; false: every school with may_close",
    )
    small_school_pupils: int = Field(
        100,
        ge=0,
        description="a school with fewer pupils today or in the horizon year is small-scale "
        "(a closure candidate, and no capital goes to it while it stays this small)",
    )
    shrinking_share: float | None = Field(
        0.2,
        gt=0,
        le=1,
        description="a school whose enrolment is projected to fall by more than this share "
        "over the horizon is a candidate; empty: shrinking alone makes no candidate",
    )
    horizon_years: int = Field(
        3,
        ge=0,
        le=15,
        description="the horizon year of the candidate rules, years ahead (3: the motivating "
        "county plans its merges by 2027)",
    )
    flagged_conditions: list[str] = Field(
        default_factory=lambda: ["poor"],
        description="values of the schools' optional condition column that make a candidate",
    )
    listed: list[str] = Field(
        default_factory=list, description="school ids the planner adds to the candidates"
    )
    township_keeps: list[TownshipLevel] = Field(
        default_factory=lambda: ["kindergarten", "primary"],
        description="per township (the town column) at least one open school of each level: "
        "a public kindergarten (the central one where the schools table marks one), a "
        "complete primary or nine-year school, a junior or nine-year school; []: none",
    )
    families_together: bool = Field(
        True,
        description="all primary grades of a village (p13 and p46) go to one school",
    )
    board_only_when_needed: bool = Field(
        True,
        description="a band boards only where no open school is within its daily limit",
    )
    boarding_max_km: float | None = Field(
        40.0, gt=0, description="boarders live at most this road distance away; empty: no limit"
    )
    no_capital_below_small: bool = Field(
        True,
        description="no classrooms or beds for a school that stays under small_school_pupils "
        "after the plan (canteen seats for bused pupils' lunch stay guaranteed)",
    )
    max_closures: int | None = Field(
        None, ge=0, description="close at most this many schools; empty: no cap"
    )
    target_closures: int | None = Field(
        None, ge=0, description="close exactly this many schools; empty: as many as pay"
    )

    @model_validator(mode="after")
    def _cap_and_target(self) -> ClosureRules:
        if (
            self.max_closures is not None
            and self.target_closures is not None
            and self.target_closures > self.max_closures
        ):
            raise ValueError(
                f"target_closures ({self.target_closures}) above max_closures "
                f"({self.max_closures}); set one of them"
            )
        return self
