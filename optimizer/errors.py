"""The error types of a planning run, caught once through their bases.

``geodata.errors.InputError`` is bad input (exit code 2). :class:`NoPlan` is a scenario
that has no plan, with the reason in words (exit code 2): its kinds are
:class:`InfeasibleScenario` (no assignment of pupils meets every rule) and
:class:`UnroutableRiders` (riders no bus can take within the limits).
:class:`PlanRejected` is a plan the independent verifier refused: a defect, never
expected (exit code 3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geodata.errors import InputError, InputIssue

if TYPE_CHECKING:
    from optimizer.verification.violation import Violation

__all__ = [
    "InfeasibleScenario",
    "InputError",
    "InputIssue",
    "NoPlan",
    "PlanRejected",
    "UnroutableRiders",
]


class NoPlan(Exception):
    """No plan meets every rule; ``reasons`` says what stands in the way, one line each."""

    headline = "no plan meets every rule"

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__(f"{self.headline}:\n  " + "\n  ".join(reasons))


class InfeasibleScenario(NoPlan):
    """No assignment meets every rule; ``reasons`` says which villages and which limit."""


class UnroutableRiders(NoPlan):
    """Riders that no bus can take within the limits; ``reasons`` says which and why."""

    headline = "riders no bus can serve"


class PlanRejected(Exception):
    """The verifier found broken rules in a plan; it must not be written."""

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        super().__init__(
            "the plan fails verification:\n  " + "\n  ".join(str(v) for v in violations)
        )
