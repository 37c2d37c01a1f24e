"""Enrolment projection: each village's pupils by band, some years ahead.

A cohort model over the twelve years behind the four bands (``k``: three
kindergarten years; ``p13``, ``p46``, ``j79``: grades 1-3, 4-6, 7-9). Today's
pupils of a band are taken as spread evenly over its three years; each year
every year-group moves up one, the oldest leave junior school, and a new
kindergarten year enters: this year's youngest scaled by the village's
``annual_change`` (its birth or intake trend from the data, e.g. -0.04 for a
village shrinking by 4 % a year). Fractions are carried from year to year and
rounded (half up) only at the end.
"""

from __future__ import annotations

import numpy as np


def project(pupils: np.ndarray, annual_change: np.ndarray, years: int) -> np.ndarray:
    """Pupils by village and band ``years`` ahead.

    Parameters
    ----------
    pupils
        ``V x 4`` pupils today, bands ``k, p13, p46, j79``.
    annual_change
        ``V`` yearly change of the intake (a fraction).
    years
        How many years ahead (0: today's numbers).

    Returns
    -------
    numpy.ndarray
        ``V x 4`` whole numbers of pupils.
    """
    if years < 0:
        raise ValueError(f"years must be >= 0, got {years}")
    # V x 12 year-groups: three per band, today's band spread evenly.
    groups = np.repeat(np.asarray(pupils, dtype=float) / 3, 3, axis=1)
    rate = np.asarray(annual_change, dtype=float)
    for _ in range(years):
        groups = np.column_stack([groups[:, 0] * (1 + rate), groups[:, :-1]])
    counts = groups.reshape(len(groups), 4, 3).sum(axis=2)
    return np.floor(counts + 0.5 + 1e-9).astype(np.int64)
