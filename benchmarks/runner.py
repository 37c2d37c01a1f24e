"""The benchmark runner: every instance of a folder against its ``reference.csv``.

Each set is a module of this package with ``PATTERN`` (a glob for instance files)
and ``solve_instance(path, time_limit_s) -> Outcome``; a set whose instances are not
one file each (``sbrp``: a folder per district, two ride limits per district) gives
``read_cases(folder) -> [(name, reference, case)]`` and ``solve_case(case,
time_limit_s) -> Outcome`` instead. The routing sets (:data:`ROUTING_SETS`) take
``engine=`` as well, and a set may take more options (``sbrp``: ``windows=``).

The time limit bounds each instance's whole solve: the set starts its
:class:`~benchmarks.budget.Budget` before it reads the file. The runner times the
same call; a row whose time is over the limit says by how much (``OVERRUN``). An
instance whose solve raises is a row with status ``FAILED`` and the error, and the
set goes on (an interrupt, Ctrl-C, still stops the run). The runner prints one row per
instance and last a SUMMARY line::

    SUMMARY set=<set> instances=N solved=N failed=N overruns=N mean_gap=X% max_gap=Y% optimal=K

with ``engine=<engine>`` (and any other option) after the set name. ``solved`` counts
the instances with a value, ``failed`` those without (no solution, infeasible, or the
solve raised), ``overruns`` those over the limit, ``optimal`` those at or below the
reference.
"""

from __future__ import annotations

import csv
import importlib
import math
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

#: Set name -> module implementing it.
SETS = {
    "pmed": "benchmarks.pmed",
    "sscflp": "benchmarks.sscflp",
    "vrptw": "benchmarks.vrptw",
    "clrp": "benchmarks.clrp",
    "sbrp": "benchmarks.sbrp",
}
#: Sets solved on the VRP core, which take ``engine="pyvrp"`` or ``"ortools"``.
ROUTING_SETS = ("vrptw", "sbrp")
ENGINES = ("pyvrp", "ortools")


class Status(StrEnum):
    """How an instance ended."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    NO_SOLUTION = "NO_SOLUTION"
    INFEASIBLE = "INFEASIBLE"
    FAILED = "FAILED"


@dataclass(frozen=True)
class Outcome:
    """What the model achieved on one instance (``value`` None when nothing was found).

    ``note`` says more: ``time guard`` when a wall-clock guard, not a deterministic
    limit, stopped a search; what an infeasible solution breaks; the error of a
    failed solve.
    """

    value: float | None
    status: Status
    note: str = ""


@dataclass(frozen=True)
class Row:
    """One instance's line of the report."""

    instance: str
    reference: float | None
    value: float | None
    gap: float | None
    seconds: float
    status: Status
    note: str = ""
    limit_s: float = math.inf

    @property
    def overrun_s(self) -> float | None:
        """Seconds over the time limit, ``None`` within it."""
        over = self.seconds - self.limit_s
        return over if over > 0 else None

    @property
    def outcome(self) -> str:
        """The status column: status, note, and the overrun if any."""
        text = str(self.status) + (f" ({self.note})" if self.note else "")
        if self.overrun_s is not None:
            text += f" OVERRUN +{self.overrun_s:.1f} s over the {self.limit_s:g} s limit"
        return text


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


def read_cases(module: object, folder: Path) -> list[tuple[str, float | None, object]]:
    """``(name, reference, case)`` of every instance of ``folder``, in name order."""
    if hasattr(module, "read_cases"):
        return module.read_cases(folder)
    references = read_reference(folder)
    files = sorted(p for p in folder.glob(module.PATTERN) if p.is_file())
    return [
        (name, references.get(name), path)
        for path in files
        for name in [instance_name(path, references)]
    ]


def solve_row(
    name: str,
    ref: float | None,
    solve: object,
    case: object,
    limit_s: float,
    options: dict[str, object],
) -> Row:
    """Solve one instance within the runner's clock; a solve that raises is a FAILED row."""
    started = time.perf_counter()
    try:
        outcome = solve(case, limit_s, **options)
    except Exception as exc:  # noqa: BLE001 - one instance's failure is its row, not the set's
        text = " ".join(str(exc).split())
        outcome = Outcome(None, Status.FAILED, f"{type(exc).__name__}: {text}")
    seconds = time.perf_counter() - started
    gap = None if outcome.value is None or ref is None else (outcome.value - ref) / ref
    return Row(name, ref, outcome.value, gap, seconds, outcome.status, outcome.note, limit_s)


def run_set(
    set_name: str,
    folder: Path,
    *,
    time_limit_s: float,
    engine: str | None = None,
    **options: object,
) -> list[Row]:
    """Solve every instance of ``folder`` and print the rows and the SUMMARY line.

    ``engine`` (``"pyvrp"`` or ``"ortools"``) is for the routing sets only; ``None``
    keeps the set's default. Other ``options`` go to the set's solve as keywords
    and are named on the SUMMARY line.
    """
    module = importlib.import_module(SETS[set_name])
    if engine is not None and set_name not in ROUTING_SETS:
        raise ValueError(f"set {set_name}: no engine choice (routing sets: {ROUTING_SETS})")
    if set_name in ROUTING_SETS:
        engine = engine or ENGINES[0]
    named = ({} if engine is None else {"engine": engine}) | options
    solve = getattr(module, "solve_case", None) or module.solve_instance
    cases = read_cases(module, folder)
    rows = []
    print(f"{'instance':<24}{'reference':>12}{'ours':>12}{'gap %':>9}{'seconds':>9}  status")
    for name, ref, case in cases:
        row = solve_row(name, ref, solve, case, time_limit_s, named)
        rows.append(row)
        gap = "-" if row.gap is None else f"{100 * row.gap:.3f}"
        print(
            f"{name:<24}{_fmt(ref):>12}{_fmt(row.value):>12}{gap:>9}{row.seconds:>9.1f}"
            f"  {row.outcome}",
            flush=True,
        )
    print(summary_line(set_name, rows, **named), flush=True)
    return rows


def summary_line(set_name: str, rows: list[Row], **options: object) -> str:
    """The SUMMARY line of a set (with ``engine=`` and any other option given)."""
    gaps = [r.gap for r in rows if r.gap is not None]
    mean = 100 * sum(gaps) / len(gaps) if gaps else math.nan
    worst = 100 * max(gaps) if gaps else math.nan
    optimal = sum(1 for g in gaps if g <= 1e-9)
    solved = sum(1 for r in rows if r.value is not None)
    overruns = sum(1 for r in rows if r.overrun_s is not None)
    named = " ".join([f"set={set_name}", *(f"{k}={v}" for k, v in options.items())])
    return (
        f"SUMMARY {named} instances={len(rows)} solved={solved} failed={len(rows) - solved} "
        f"overruns={overruns} mean_gap={mean:.3f}% max_gap={worst:.3f}% optimal={optimal}"
    )


def print_engines_side_by_side(rows_by_engine: dict[str, list[Row]]) -> None:
    """Each instance's gap under each engine, in columns (the SUMMARY lines came with
    each engine's run)."""
    engines = list(rows_by_engine)
    first = rows_by_engine[engines[0]]
    print(f"{'instance':<24}{'reference':>12}" + "".join(f"{e + ' gap %':>16}" for e in engines))
    for k, row in enumerate(first):
        gaps = [rows_by_engine[e][k].gap for e in engines]
        print(
            f"{row.instance:<24}{_fmt(row.reference):>12}"
            + "".join(f"{'-' if g is None else f'{100 * g:.3f}':>16}" for g in gaps)
        )


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
