"""The same plan alone and beside a CPU-bound process (issue 13).

A small generated county (:func:`benchmarks.county.prepare_county`, ``--scale 0.2``:
about 60 villages) is planned twice as the county benchmark plans it: once alone,
once while a child process spins (``while True: pass``) on every core this process may
use. Every limit that decides the plan is deterministic (the closure model's gap and
node limit, the routers' iteration limits; the clocks are guards that flag a run they
stop), so both runs must write the same bytes: the two ``PLAN_SHA256`` values
(:func:`benchmarks.county.plan_sha256`) are compared. Last, one line::

    SUMMARY set=county-load villages=... alone_s=... loaded_s=... same_plan=yes|no
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from benchmarks import county

SCALE = 0.2


@contextlib.contextmanager
def busy_cores() -> Iterator[None]:
    """A child spinning on the cores this process runs on, for the block's length."""
    spin = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(spin.pid, os.sched_getaffinity(0))
        yield
    finally:
        spin.kill()
        spin.wait()


def run(cache: Path = county.CACHE, scale: float = SCALE) -> bool:
    """Plan the small county alone and under load; print the SUMMARY line; same plan?"""
    made = county.prepare_county(cache, scale=scale)
    with tempfile.TemporaryDirectory() as tmp:
        alone = county.run_pipeline(made.scenario, Path(tmp) / "alone")
        first = county.plan_sha256(Path(tmp) / "alone") if not alone.failed else "-"
        with busy_cores():
            loaded = county.run_pipeline(made.scenario, Path(tmp) / "loaded")
        second = county.plan_sha256(Path(tmp) / "loaded") if not loaded.failed else "-"
    same = first == second != "-"
    print(
        f"SUMMARY set=county-load villages={alone.villages} alone_s={alone.total_s:.1f} "
        f"loaded_s={loaded.total_s:.1f} same_plan={'yes' if same else 'no'}",
        flush=True,
    )
    return same
