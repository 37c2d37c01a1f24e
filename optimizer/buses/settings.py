"""The bus models' own settings: routing engine, seed and limits."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RoutingEngine(StrEnum):
    """The engine that routes a school's runs."""

    PYVRP = "pyvrp"
    ORTOOLS = "ortools"


@dataclass(frozen=True)
class RoutingSettings:
    """How the runs, stops and multi-school runs are searched.

    Attributes
    ----------
    engine
        PyVRP (default) or OR-Tools routing for single-school runs (multi-school runs
        are always OR-Tools routing: a pickup-and-delivery problem).
    seed
        The searches' random seed.
    iterations
        PyVRP: stop after this many iterations.
    solution_limit
        OR-Tools routing: stop after this many solutions.
    time_limit_s
        A wall-clock guard; a run that reaches it is flagged non-reproducible.
    """

    engine: RoutingEngine = RoutingEngine.PYVRP
    seed: int = 2027
    iterations: int = 2000
    solution_limit: int = 200
    time_limit_s: float = 60.0
