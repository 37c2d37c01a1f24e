"""Decisions and what goes out: the problem, the closure and bus models, the plan, outputs."""

from optimizer.verification import Violation, verify

__all__ = ["Violation", "verify"]
