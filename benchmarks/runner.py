"""The benchmark runner: every instance of a folder against its ``reference.csv``.

Each set is a module of this package with ``PATTERN`` (a glob for instance files)
and ``solve_instance(path, time_limit_s) -> Outcome``. The runner prints one row
per instance and last a SUMMARY line::

    SUMMARY set=<set> instances=N solved=N mean_gap=X% max_gap=Y% optimal=K
"""

from __future__ import annotations

import csv
import importlib
import math
import time
from dataclasses import dataclass
from pathlib import Path

#: Set name -> module implementing it.
SETS = {
    "pmed": "benchmarks.pmed",
    "sscflp": "benchmarks.sscflp",
    "vrptw": "benchmarks.vrptw",
    "clrp": "benchmarks.clrp",
}


@dataclass(frozen=True)
class Outcome:
    """What the model achieved on one instance (``value`` None when nothing was found)."""

    value: float | None
    status: str


@dataclass(frozen=True)
class Row:
    """One instance's line of the report."""

    instance: str
    reference: float | None
    value: float | None
    gap: float | None
    seconds: float
    status: str


def read_reference(folder: Path) -> dict[str, float]:
    """``instance -> reference value`` from ``folder/reference.csv``."""
    path = folder / "reference.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no reference.csv in the benchmark folder")
    with path.open(newline="") as fh:
        return {row["instance"].strip(): float(row["reference"]) for row in csv.DictReader(fh)}


def instance_name(path: Path, references: dict[str, float]) -> str:
    """The reference key of an instance file: the longest matching name prefix."""
    for candidate in (path.name, path.stem, path.name.split(".")[0]):
        if candidate in references:
            return candidate
    return path.stem


def run_set(set_name: str, folder: Path, *, time_limit_s: float) -> list[Row]:
    """Solve every instance of ``folder`` and print the rows and the SUMMARY line."""
    module = importlib.import_module(SETS[set_name])
    references = read_reference(folder)
    files = sorted(p for p in folder.glob(module.PATTERN) if p.is_file())
    rows = []
    print(f"{'instance':<24}{'reference':>12}{'ours':>12}{'gap %':>9}{'seconds':>9}  status")
    for path in files:
        name = instance_name(path, references)
        started = time.perf_counter()
        outcome = module.solve_instance(path, time_limit_s)
        seconds = time.perf_counter() - started
        ref = references.get(name)
        gap = None if outcome.value is None or ref is None else (outcome.value - ref) / ref
        row = Row(name, ref, outcome.value, gap, seconds, outcome.status)
        rows.append(row)
        print(
            f"{name:<24}{_fmt(ref):>12}{_fmt(outcome.value):>12}"
            f"{'-' if gap is None else f'{100 * gap:.3f}':>9}{seconds:>9.1f}  {row.status}",
            flush=True,
        )
    print(summary_line(set_name, rows), flush=True)
    return rows


def summary_line(set_name: str, rows: list[Row]) -> str:
    """The SUMMARY line of a set."""
    gaps = [r.gap for r in rows if r.gap is not None]
    mean = 100 * sum(gaps) / len(gaps) if gaps else math.nan
    worst = 100 * max(gaps) if gaps else math.nan
    optimal = sum(1 for g in gaps if g <= 1e-9)
    return (
        f"SUMMARY set={set_name} instances={len(rows)} solved={len(gaps)} "
        f"mean_gap={mean:.3f}% max_gap={worst:.3f}% optimal={optimal}"
    )


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
