"""Decisions and what goes out: the problem, the closure and bus models, the plan, outputs."""

from optimizer.verification.checks import Violation, verify

__all__ = ["Violation", "verify"]
