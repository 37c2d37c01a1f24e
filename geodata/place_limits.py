"""Limits a county's place tables stay within, checked once the tables are read.

Each value has already been read as a number of the right kind; here the values a
county could not have are refused with their row and id: a school both
``must_keep`` and ``may_close``, a running cost beyond :data:`MAX_YUAN` (Excel's
``1E+20``, ``inf``), counts of pupils, places, rooms or seats beyond
:data:`MAX_COUNT`.
"""

from __future__ import annotations

import math

import pandas as pd

from geodata.errors import IssueCollector
from geodata.kinds import BANDS

__all__ = ["MAX_COUNT", "MAX_YUAN", "check_limits"]

#: The most yuan a school could cost to run in a year.
MAX_YUAN = 1e12
#: The most pupils of a band in one village, or places, rooms, seats or beds of a school.
MAX_COUNT = 100_000
#: Count columns of each table.
COUNTS = {
    "villages": tuple(str(b) for b in BANDS),
    "schools": ("capacity", "classrooms", "canteen_seats", "boarding_beds"),
}


def _where(table: pd.DataFrame, i: int) -> str:
    return f"row {i + 2} (id {table['id'].iloc[i]})"


def check_limits(file: str, kind: str, table: pd.DataFrame, issues: IssueCollector) -> None:
    """Add an issue for every value of ``table`` (a ``kind`` table read from ``file``)
    that no county could have."""
    for column in COUNTS.get(kind, ()):
        if column not in table:
            continue
        for i, value in enumerate(table[column]):
            if value is not None and value > MAX_COUNT:
                issues.add(
                    file, _where(table, i), column, f"a count of at most {MAX_COUNT:,}", value
                )
    if kind != "schools":
        return
    if "running_cost" in table:
        for i, value in enumerate(table["running_cost"]):
            if value is not None and not (math.isfinite(value) and value <= MAX_YUAN):
                issues.add(
                    file,
                    _where(table, i),
                    "running_cost",
                    f"yuan per year, at most {MAX_YUAN:,.0f}",
                    value,
                )
    if "may_close" in table and "must_keep" in table:
        both = table["may_close"].astype(bool) & table["must_keep"].astype(bool)
        for i in [int(i) for i in both.to_numpy().nonzero()[0]]:
            issues.add(
                file,
                _where(table, i),
                "must_keep",
                "a school either kept (must_keep) or one that may close (may_close), not both",
                "both true",
            )
