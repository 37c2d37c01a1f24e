"""The models' settings, built from the scenario's ``solver:`` section."""

from __future__ import annotations

from optimizer.buses.settings import RoutingEngine, RoutingSettings
from optimizer.closures.settings import ClosureSettings, Engine
from optimizer.scenario.schema import Solver


def closure_settings(solver: Solver) -> ClosureSettings:
    """The closure model's settings of a scenario."""
    return ClosureSettings(
        engine=Engine(solver.closures_engine),
        seed=solver.seed,
        workers=solver.closures_workers,
        deterministic_time=solver.closures_deterministic_time,
        time_limit_s=solver.closures_time_limit_s,
        node_limit=solver.closures_node_limit,
        relative_gap=solver.closures_relative_gap,
        candidates=solver.closures_candidates,
    )


def routing_settings(solver: Solver) -> RoutingSettings:
    """The bus models' settings of a scenario."""
    return RoutingSettings(
        engine=RoutingEngine(solver.routing_engine),
        seed=solver.seed,
        iterations=solver.routing_iterations,
        solution_limit=solver.routing_solution_limit,
        time_limit_s=solver.routing_time_limit_s,
    )
