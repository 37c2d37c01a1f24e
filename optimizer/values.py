"""The kinds of values a plan carries: what happens to a school, how pupils travel.

Each is a ``StrEnum`` (a member equals its text, so it keys mappings and writes to JSON
and CSV as that text). :mod:`optimizer.plan` re-exports them beside the records; the
input side's kinds (band, level, ownership) are in :mod:`geodata.kinds`.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Decision", "Mode", "Role", "Status", "VetoStatus"]


class Status(StrEnum):
    """What the plan does with a school."""

    KEPT = "kept"
    CLOSED = "closed"
    TEACHING_POINT = "teaching_point"  # kept small, with the teaching-point class norm


class Decision(StrEnum):
    """The planner's word on a school (the scenario's ``decisions:``)."""

    KEEP = "keep"
    CLOSE = "close"
    TEACHING_POINT = "teaching_point"


class Role(StrEnum):
    """A school's part in the plan, as the maps and tables show it."""

    KEPT = "kept"
    RECEIVING = "receiving"  # kept, and takes in pupils the plan moves
    TEACHING_POINT = "teaching_point"
    CLOSED = "closed"


class Mode(StrEnum):
    """How the pupils of a village band reach their school."""

    WALK = "walk"  # within the band's walking distance
    BUS = "bus"  # moved by the plan beyond walking distance: the county's school bus
    BOARD = "board"  # grades 4-9 boarding at the school; home weekly
    GUARDIAN = "guardian"  # brought by guardians (kindergarten children; any band today)
    AS_TODAY = "as_today"  # not moved, beyond walking distance: today's journey


class VetoStatus(StrEnum):
    """The outcome of one closure veto item."""

    PASS = "pass"
    FAIL = "fail"
    MANUAL = "manual"  # what only the hearing can decide
