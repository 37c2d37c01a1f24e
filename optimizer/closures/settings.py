"""The closure model's own settings: engine, limits, seed, candidate schools."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from optimizer.solvers.facility import SolveSettings


class Engine(StrEnum):
    """The MIP or CP engine that solves the closure model."""

    SAT = "sat"  # CP-SAT, stopped by its deterministic time limit
    SCIP = "scip"
    HIGHS = "highs"


@dataclass(frozen=True)
class ClosureSettings:
    """How the closure model is solved.

    Attributes
    ----------
    engine
        The engine (HiGHS by default).
    seed, workers
        CP-SAT's seed and workers (one worker is reproducible).
    deterministic_time
        CP-SAT's deterministic work limit.
    time_limit_s
        A wall-clock guard; a run that reaches it is flagged non-reproducible.
    node_limit
        HiGHS and SCIP: the deterministic limit, branch-and-bound nodes (``None``: none).
    relative_gap
        Stop once proven within this fraction of the best possible (0: optimal).
    candidates
        Each village band weighs only its N cheapest schools (and today's); ``None``:
        every school within the rules.
    relax
        Assess a proposal: the townships and the cap are judged by the verifier, not
        held by the model (``schoolplan assess``).
    """

    engine: Engine = Engine.HIGHS
    seed: int = 2027
    workers: int = 1
    deterministic_time: float = 60.0
    time_limit_s: float = 600.0
    node_limit: int | None = None
    relative_gap: float = 0.0
    candidates: int | None = None
    relax: bool = False

    def solve_settings(self) -> SolveSettings:
        """The facility core's settings."""
        return SolveSettings(
            engine=self.engine.value,
            workers=self.workers,
            seed=self.seed,
            deterministic_time=self.deterministic_time,
            time_limit_s=self.time_limit_s,
            node_limit=self.node_limit,
            relative_gap=self.relative_gap,
        )
