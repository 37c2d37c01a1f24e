"""Whose daily journey the plan makes longer, by how much, by band (``kpis["longer_journeys"]``).

Today's journey and the plan's are compared like with like: each by the way the pupils
travel (today's ``before_mode``, the plan's ``mode``), both daily. Boarders (today or in
the plan) make a weekly trip and are left out; so are bands with no school today.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from geodata.kinds import BANDS

if TYPE_CHECKING:
    from optimizer.plan import Assignment


def _minutes(seconds: float) -> float:
    return round(seconds / 60, 1)


def _counts(rows: list[Assignment]) -> dict[str, Any]:
    return {
        "pupils": sum(a.pupils for a in rows),
        "extra_min_total": _minutes(sum(a.pupils * a.extra_s for a in rows)),
        "largest_extra_min": _minutes(max((a.extra_s for a in rows), default=0)),
    }


def longer_journeys(assignments: Iterable[Assignment]) -> dict[str, Any]:
    """Pupils whose daily journey gets longer: how many, the pupil-minutes added in all
    (``extra_min_total``), the largest extra minutes of one pupil, and the same by band.

    Returns
    -------
    dict
        ``{"pupils", "extra_min_total", "largest_extra_min", "by_band": {band: {...}}}``,
        every band listed (zeros where none is longer); minutes to one decimal.
    """
    longer = [a for a in assignments if a.extra_s > 0]
    return {
        **_counts(longer),
        "by_band": {band.value: _counts([a for a in longer if a.band is band]) for band in BANDS},
    }


__all__ = ["longer_journeys"]
