"""What came of one variant of a sweep: its status and numbers (plain, picklable data).

Read by the sweep's runner (which makes them on the workers) and by its report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class VariantStatus(StrEnum):
    """How a variant ended."""

    #: A verified plan, written with its files.
    OK = "ok"
    #: No plan meets the rules; the message says why.
    INFEASIBLE = "infeasible"
    #: The variant's scenario or region is bad input.
    BAD_INPUT = "bad input"
    #: The verifier refused the plan: a defect.
    REJECTED = "rejected"
    #: An unexpected failure, with its type and message.
    ERROR = "error"


@dataclass(frozen=True)
class VariantResult:
    """What came of one variant (plain data: it travels back from a worker).

    ``status`` says how it ended (:class:`VariantStatus`); ``message`` explains
    every status but ``ok``.
    """

    id: str
    status: VariantStatus
    message: str = ""
    kpis: dict[str, Any] = field(default_factory=dict)
    annual_cost: float | None = None
    solver: str = ""
    folder: str = ""
