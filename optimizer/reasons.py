"""The reasons of a plan's decisions, as records the Plan carries (computed by the model side).

:class:`ClosureReason`: for each closed school, what its closure saves, what it adds,
the buses it needs and what keeping it open instead would cost. :class:`PlacementReason`:
for each village band that boards or whose daily journey is over its limit, the
nearer school it does not attend and why (:class:`WhyNot`). Built by
:mod:`optimizer.planning.reasons`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from geodata.kinds import Band


class WhyNot(StrEnum):
    """Why pupils do not go to a nearer school."""

    CLOSED = "closed"  # the plan closes it
    FULL = "full"  # kept, but its classrooms (or capacity) are taken
    OVER_LIMIT = "over_limit"  # its daily journey is over the band's limit too
    DEARER = "dearer"  # allowed, but the plan as a whole costs more with them there
    NONE = "none"  # no nearer school teaches the band


class KeepOpen(StrEnum):
    """How the cost of keeping a closed school open was found."""

    RESOLVED = "resolved"  # the closure model solved again with the school kept
    BOUND = "bound"  # at most: the school reopened with its own pupils back, nothing else changed


@dataclass(frozen=True)
class ClosureReason:
    """Why a school closes, in yuan a year and pupil-minutes.

    Attributes
    ----------
    school
        The closed school.
    saving
        Yuan a year its closure saves (:func:`optimizer.problem.money.closure_saving`).
    added_cost
        Yuan a year its closure adds in the closure objective's terms (journey value,
        boarding, buses, subsidies).
    added_pupil_min
        Pupil-minutes a day (one way) its moved pupils travel more (boarders left out).
    pupils_moved, boarders
        Its pupils who move; of them, those who board.
    buses
        Buses that carry its moved pupils.
    keep_open_cost
        Yuan a year the plan costs more if the school stays open (``keep_open``: solved
        again, or an upper bound).
    """

    school: str
    saving: int
    added_cost: int
    added_pupil_min: int
    pupils_moved: int
    boarders: int
    buses: int
    keep_open_cost: int
    keep_open: KeepOpen

    def __post_init__(self) -> None:
        object.__setattr__(self, "keep_open", KeepOpen(self.keep_open))


@dataclass(frozen=True)
class PlacementReason:
    """Why a village band boards, or travels over its limit, at ``school``.

    ``nearer`` is the nearest school teaching the band that is nearer by bus time
    (empty with :attr:`WhyNot.NONE`), ``why`` the reason it is not used, ``detail``
    the same in English words. The numbers behind it, for every language's words:
    ``nearer_min`` (the nearer school's journey, minutes), ``limit_min`` (the band's
    limit), ``nearer_pupils`` and ``nearer_places`` (its pupils after the plan and its
    places for the band).
    """

    village: str
    band: Band
    school: str
    nearer: str
    why: WhyNot
    detail: str
    nearer_min: int = 0
    limit_min: int = 0
    nearer_pupils: int = 0
    nearer_places: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "band", Band(self.band))
        object.__setattr__(self, "why", WhyNot(self.why))
