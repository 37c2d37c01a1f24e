"""Clock times of a scenario: bells read as real times, and the earliest bell a bus can serve.

A bell is ``H:MM`` or ``HH:MM`` on a 24-hour clock (``8:20`` reads as ``08:20``).
Every clock time derived from it must stay within the day: a bus arrives
``arrive_before_bell_min`` before the bell (up to ``multi_school_earliest_min`` for
multi-school runs) after a ride of up to the longest one-way limit of a band that
rides, so a bell earlier than that would have buses leave before midnight. Such a
bell is refused with the numbers, for the policy's bell and for each school's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from geodata.errors import InputIssue
from geodata.kinds import Band

if TYPE_CHECKING:
    from optimizer.scenario.policy import Policy

__all__ = ["BUS_BANDS", "clock_text", "earliest_bell_s", "late_bells", "seconds"]

_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
#: The bands that ride a school bus (kindergarten children are brought by guardians).
BUS_BANDS = (Band.P13, Band.P46, Band.J79)
DAY_S = 24 * 3600


def clock_text(value: object) -> str:
    """``value`` as ``HH:MM``.

    Raises
    ------
    ValueError
        Not a time of day between 00:00 and 23:59, in words.
    """
    match = _CLOCK.match(value) if isinstance(value, str) else None
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(
            'a clock time HH:MM between 00:00 and 23:59, such as "08:00" (quoted or not)'
        )
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def seconds(clock: str) -> int:
    """Seconds after midnight of an ``HH:MM`` clock time."""
    hours, minutes = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def earliest_bell_s(policy: Policy) -> tuple[int, str]:
    """The earliest bell whose buses leave after midnight, and how it is made up, in words."""
    early = policy.bus.arrive_before_bell_min
    if policy.bus.multi_school_runs:
        early = max(early, policy.bus.multi_school_earliest_min)
    band = max(BUS_BANDS, key=lambda b: policy.bands[b].one_way_min)
    ride = policy.bands[band].one_way_min
    total = early + ride
    why = f"a bus arrives {early:g} min before the bell after a ride of up to {ride:g} min ({band})"
    return int(round(total * 60)), why


def _hhmm(s: int) -> str:
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}"


def late_bells(policy: Policy, bells: Mapping[str, str], file: str) -> Iterable[InputIssue]:
    """One issue per school whose own bell is too early for its buses (see the module).

    Parameters
    ----------
    bells
        School id -> its own bell ``HH:MM`` (``""``: the policy's bell).
    file
        The schools table, for the message.
    """
    need, why = earliest_bell_s(policy)
    for school, bell in bells.items():
        if bell and seconds(bell) < need:
            yield InputIssue(
                file,
                f"id {school}",
                "bell",
                f"a bell at or after {_hhmm(need)}: {why}, so the bus would leave "
                f"{(need - seconds(bell)) // 60} min before midnight",
                bell,
            )
