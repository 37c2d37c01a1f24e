"""One instance's time budget: the runner's limit, from the moment the solve starts.

A set module makes its :class:`Budget` first thing in ``solve_instance`` (or
``solve_case``), before it reads the file, so reading, preprocessing, the solver and
the re-check all come out of the same limit. A solver is handed
:meth:`Budget.solver_s`: what is left less a reserve for the work after it, never
less than :data:`MIN_SOLVER_S` (a solver needs some time to return anything at all;
the runner reports the overrun if that floor is what made the instance late).

Iteration and solution budgets (the limits that make a run reproducible) are sized
from the nominal limit, never from what is left, so they do not depend on how fast
the file was read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

#: Share of the limit kept back from each solver call for the work after it
#: (decoding, the independent re-check), with a floor in seconds.
RESERVE_SHARE = 0.05
RESERVE_MIN_S = 0.2
#: The least a solver call is given, even when the budget is spent.
MIN_SOLVER_S = 0.1


@dataclass(frozen=True)
class Budget:
    """``limit_s`` seconds of wall clock from the budget's creation."""

    limit_s: float
    started: float = field(default_factory=time.perf_counter)

    @property
    def deadline(self) -> float:
        """``time.perf_counter()`` value at which the budget is spent."""
        return self.started + self.limit_s

    def elapsed(self) -> float:
        """Seconds since the budget started."""
        return time.perf_counter() - self.started

    def remaining(self) -> float:
        """Seconds left (negative once overrun)."""
        return self.deadline - time.perf_counter()

    def expired(self) -> bool:
        """Whether the limit is spent, reserve included."""
        return self.remaining() <= self.reserve_s

    @property
    def reserve_s(self) -> float:
        """Seconds kept back from solver calls for the work after them."""
        return max(RESERVE_MIN_S, RESERVE_SHARE * self.limit_s)

    def solver_s(self, share: float = 1.0) -> float:
        """Wall-clock guard for one solver call: ``share`` of what is left after the
        reserve, at least :data:`MIN_SOLVER_S`."""
        return max(MIN_SOLVER_S, share * (self.remaining() - self.reserve_s))
