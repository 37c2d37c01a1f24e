"""A builder of the facility core's side variables and rows (columns after the core's)."""

from __future__ import annotations

import numpy as np

from optimizer.solvers.facility import SideModel


class Side:
    """Side variables and rows, with columns numbered from ``first_column``."""

    def __init__(self, first_column: int):
        self.first = first_column
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integral: list[bool] = []
        self.cost: list[float] = []
        self.entries: list[tuple[int, int, float]] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []

    def var(self, lower: float, upper: float, *, cost: float = 0.0, integral: bool = True) -> int:
        """A new side variable; returns its column."""
        self.lower.append(lower)
        self.upper.append(upper)
        self.integral.append(integral)
        self.cost.append(cost)
        return self.first + len(self.lower) - 1

    def row(self, terms: list[tuple[int, float]], lower: float, upper: float) -> None:
        """A row ``lower <= sum coef * column <= upper``."""
        r = len(self.row_lower)
        self.entries.extend((r, col, coef) for col, coef in terms)
        self.row_lower.append(lower)
        self.row_upper.append(upper)

    def model(self) -> SideModel:
        """The collected side model."""
        rows, cols, coefs = (
            (np.array(a) for a in zip(*self.entries, strict=True))
            if (self.entries)
            else (np.zeros(0), np.zeros(0), np.zeros(0))
        )
        return SideModel(
            lower=np.array(self.lower, float),
            upper=np.array(self.upper, float),
            integral=np.array(self.integral, bool),
            cost=np.array(self.cost, float),
            rows=rows.astype(np.int64),
            cols=cols.astype(np.int64),
            coefs=coefs.astype(float),
            row_lower=np.array(self.row_lower, float),
            row_upper=np.array(self.row_upper, float),
        )
