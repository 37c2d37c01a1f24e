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

__all__ = [
    "BUS_BANDS",
    "DEFAULT_DISMISSAL",
    "clock_text",
    "dismissal_issues",
    "earliest_bell_s",
    "late_bells",
    "seconds",
]

_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
#: The bands that ride a school bus (kindergarten children are brought by guardians).
BUS_BANDS = (Band.P13, Band.P46, Band.J79)
DAY_S = 24 * 3600
#: When each band's school day ends by default (``policy.bus.dismissal``): grades 1-3
#: first, then grades 4-6, then junior secondary; kindergarten children are collected
#: by guardians (no bus), their time is only shown.
DEFAULT_DISMISSAL = {Band.K: "16:00", Band.P13: "15:30", Band.P46: "16:30", Band.J79: "17:30"}


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


def dismissal_issues(policy: Policy, shift_s: int = 0) -> list[str]:
    """Each bus band's dismissal that comes before the bell, or whose ride home (up to the
    band's one-way limit) would end after midnight, in words (``policy.bus.dismissal``).

    ``shift_s`` moves every dismissal (a school's own bell less the scenario's).
    """
    out = []
    bell = policy.bell_s + shift_s
    for band in BUS_BANDS:
        at = seconds(policy.bus.dismissal[band]) + shift_s
        home = at + int(round(policy.bands[band].one_way_min * 60))
        if at <= bell:
            out.append(
                f"policy.bus.dismissal.{band}: {_hhmm(at)} is not after the bell "
                f"({_hhmm(bell)}); expected a time after it"
            )
        elif home >= DAY_S:
            out.append(
                f"policy.bus.dismissal.{band}: {_hhmm(at)} and a ride home of up to "
                f"{policy.bands[band].one_way_min:g} min end after midnight; expected a time "
                f"at or before {_hhmm(at - (home - DAY_S) - 60)}"
            )
    return out


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
        late = dismissal_issues(policy, seconds(bell) - policy.bell_s) if bell else []
        if late:
            yield InputIssue(
                file,
                f"id {school}",
                "bell",
                f"a bell whose dismissals (policy.bus.dismissal, moved with the bell) "
                f"leave a ride home within the day: {'; '.join(late)}",
                bell,
            )
        if bell and seconds(bell) < need:
            yield InputIssue(
                file,
                f"id {school}",
                "bell",
                f"a bell at or after {_hhmm(need)}: {why}, so the bus would leave "
                f"{(need - seconds(bell)) // 60} min before midnight",
                bell,
            )
