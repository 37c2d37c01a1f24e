"""Every check a run makes on its inputs before planning, for ``validate`` and ``run``.

``schoolplan validate`` answers ``ok`` only when ``schoolplan run`` will not reject the
inputs: it reads the road file in full, snaps the places, computes the matrices and
builds the problem, as the run does before its first solver call. A policy with no
plan (too tight a limit) is not an input error: only the run can tell it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from geodata.errors import InputError
from geodata.region import Region
from optimizer.problem.build import build_problem
from optimizer.scenario.schema import Scenario, pending_settings


@dataclass(frozen=True)
class CheckedInputs:
    """A scenario's region, read and checked, and how long reading it took."""

    region: Region
    seconds: float


def check_inputs(scenario: Scenario, *, cache_dir: Path | None = None) -> CheckedInputs:
    """Read and check a scenario's region as a run does before planning.

    Raises
    ------
    geodata.errors.InputError
        Every problem a run would refuse the inputs for.
    """
    pending = pending_settings(scenario)
    if pending:
        raise InputError(pending)
    start = time.perf_counter()
    region = scenario.load_region(cache_dir=cache_dir)
    build_problem(region, scenario.policy, name=scenario.name)
    return CheckedInputs(region, time.perf_counter() - start)
