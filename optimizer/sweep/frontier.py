"""What each closure buys: the scenario planned under a cap of 0, 1, 2, ... closures.

``schoolplan frontier SCENARIO --out DIR`` plans the scenario first without a cap on
closures (the scenario's own ``policy.closures.max_closures`` and ``target_closures``
are set aside) to learn how many schools it closes, ``N``; then plans it again with
``policy.closures.max_closures`` set to each of ``0 .. N-1``, as variants of the sweep
(:mod:`optimizer.sweep.run`): on the shared region cache, in parallel on Dask. The
unconstrained plan is the row of cap ``N`` (a cap it meets does not change it). It
writes, all at once (:func:`geodata.staging.staged_folder`)::

    DIR/frontier.csv         one row per cap: the closures, the school(s) the step adds,
                             money, added pupil-minutes, longest daily journey, status
    DIR/frontier.png         annual cost against added pupil-minutes and against the
                             longest daily journey, each point named by what it adds
    DIR/frontier.html        the table and the picture in one page
    DIR/plans/cap00/ ...     each cap's plan, map, report, tables and manifest

The numbers of a row are read back from its written ``plan.json``: the money is the
plan's own (:mod:`optimizer.planning.accounts`); the pupil-minutes are the one-way
journeys of a school day of every pupil who does not board (a boarder's trip is weekly),
counted against the plan of cap 0, which keeps every school the policy lets stay open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from geodata.errors import InputError
from geodata.staging import check_output_folder, staged_folder
from optimizer.outputs.folder import OUTPUT_MARKS
from optimizer.outputs.progress import Progress
from optimizer.plan import Mode, Plan
from optimizer.scenario.schema import Scenario, load_scenario, pending_settings
from optimizer.sweep.frontier_view import write_frontier_files
from optimizer.sweep.result import VariantResult, VariantStatus
from optimizer.sweep.run import run_tasks, tasks_for, warm_cache
from optimizer.sweep.variants import Variant, Vary, make_variants

#: The dotted scenario keys the frontier sets.
CAP_KEY = "policy.closures.max_closures"
TARGET_KEY = "policy.closures.target_closures"
#: Where the plans go inside the output folder.
PLANS = "plans"


@dataclass(frozen=True)
class FrontierRow:
    """One cap's plan, or why it has none.

    Attributes
    ----------
    cap
        At most this many closures (``None``: the unconstrained plan, when it has no plan).
    result
        What came of the plan (status, KPIs, money, message).
    closed
        The schools it closes, sorted.
    adds, reopens
        Schools it closes that the previous row with a plan keeps open, and schools it
        keeps open that that row closes.
    daily_pupil_min
        One-way pupil-minutes of a school day, boarders left out.
    added_pupil_min
        ``daily_pupil_min`` less that of cap 0 (``None`` when cap 0 has no plan).
    folder
        The plan's folder inside the output folder (empty without a plan).
    """

    cap: int | None
    result: VariantResult
    closed: tuple[str, ...] = ()
    adds: tuple[str, ...] = ()
    reopens: tuple[str, ...] = ()
    daily_pupil_min: int | None = None
    added_pupil_min: int | None = None
    folder: str = ""

    @property
    def planned(self) -> bool:
        """Whether the cap has a verified plan."""
        return self.result.status == VariantStatus.OK

    @property
    def step(self) -> str:
        """What the step changes against the previous cap: ``+P12``, ``+P12 -P05``;
        ``all kept`` at no closure."""
        if self.planned and not self.closed:
            return "all kept"
        return " ".join([*(f"+{s}" for s in self.adds), *(f"-{s}" for s in self.reopens)])


def daily_pupil_minutes(plan: Plan) -> int:
    """One-way pupil-minutes of a school day: every pupil who does not board."""
    seconds = sum(a.pupils * a.time_s for a in plan.assignments if a.mode is not Mode.BOARD)
    return round(seconds / 60)


def cap_variants(base: Scenario, caps: Sequence[int | None]) -> list[Variant]:
    """The base scenario with ``max_closures`` set to each cap (``None``: no cap), the
    scenario's own target set aside; ids ``cap00``, ``cap01``, ... (``unconstrained``).

    Raises
    ------
    geodata.errors.InputError
        A variant the schema refuses (named by its ``--vary`` label).
    """
    varies = [Vary(CAP_KEY, tuple(caps))]
    if base.policy.closures.target_closures is not None:
        varies.insert(0, Vary(TARGET_KEY, (None,)))
    variants = make_variants(base, varies)
    return [
        replace(v, id="unconstrained" if cap is None else f"cap{cap:02d}")
        for v, cap in zip(variants, caps)
    ]


def _row(cap: int | None, result: VariantResult, folder: Path, name: str) -> FrontierRow:
    """A row from one result, its plan read back from ``folder / name``."""
    if result.status != VariantStatus.OK:
        return FrontierRow(cap, result)
    plan = Plan.from_json((folder / name / "plan.json").read_text(encoding="utf-8"))
    closed = tuple(sorted(result.kpis["closed_ids"]))
    return FrontierRow(
        cap, result, closed, daily_pupil_min=daily_pupil_minutes(plan), folder=f"{PLANS}/{name}"
    )


def with_steps(rows: Sequence[FrontierRow]) -> list[FrontierRow]:
    """The rows with what each step adds and reopens, and its added pupil-minutes.

    A step is counted against the previous row with a plan; added pupil-minutes against
    the row of cap 0 (none when that row has no plan).
    """
    zero = next((r for r in rows if r.cap == 0 and r.planned), None)
    out, previous = [], None
    for row in rows:
        if not row.planned:
            out.append(row)
            continue
        before = set(previous.closed) if previous is not None else set()
        added = None
        if zero is not None and row.daily_pupil_min is not None:
            added = row.daily_pupil_min - (zero.daily_pupil_min or 0)
        out.append(
            replace(
                row,
                adds=tuple(s for s in row.closed if s not in before),
                reopens=tuple(sorted(before - set(row.closed))),
                added_pupil_min=added,
            )
        )
        previous = row
    return out


def run_frontier(
    scenario_path: Path,
    out_dir: Path,
    *,
    cache_dir: Path,
    workers: int,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> list[FrontierRow]:
    """Plan the scenario under every cap and write ``out_dir`` at once.

    Parameters
    ----------
    workers
        Processes of a local Dask cluster for the capped plans (``0``: one after the
        other in this process); the unconstrained plan runs first, in this process.
    scheduler
        Address of an existing Dask scheduler (overrides ``workers``).

    Returns
    -------
    list of FrontierRow
        In cap order; one row for the unconstrained plan alone when it has no plan.

    Raises
    ------
    geodata.errors.InputError
        A bad scenario or region, or an output folder that is not safe to write:
        nothing is run.
    """
    check_output_folder(out_dir, marks=OUTPUT_MARKS, inputs=[scenario_path])
    progress = progress or Progress(enabled=False)
    base = load_scenario(scenario_path)
    if pending_settings(base):
        raise InputError(pending_settings(base))
    free = cap_variants(base, [None])
    with progress.step("loading region (road graph, snapping, matrices)"):
        warm_cache(free, cache_dir)
    with staged_folder(out_dir, marks=OUTPUT_MARKS) as staging:
        plans = staging / PLANS
        with progress.step("planning without a cap on closures"):
            (unconstrained,) = run_tasks(tasks_for(free, plans, cache_dir), workers=0)
        if unconstrained.status != VariantStatus.OK:
            progress.note(f"  unconstrained: {unconstrained.status}")
            rows = [FrontierRow(None, unconstrained)]
        else:
            n = int(unconstrained.kpis["schools_closed"])
            (plans / free[0].id).rename(plans / f"cap{n:02d}")
            capped = cap_variants(base, list(range(n)))
            tasks = tasks_for(capped, plans, cache_dir)
            used = min(workers, len(tasks))
            where = f"scheduler {scheduler}" if scheduler else f"{used} worker(s)"
            if scheduler is None and used <= 0:
                where = "this process"

            def report(result: VariantResult) -> None:
                progress.note(f"  {result.id}: {result.status}")

            with progress.step(f"planning {len(tasks)} cap(s) below {n} on {where}"):
                results = run_tasks(tasks, workers=used, scheduler=scheduler, on_result=report)
            rows = [_row(k, r, plans, f"cap{k:02d}") for k, r in enumerate(results)]
            rows.append(_row(n, unconstrained, plans, f"cap{n:02d}"))
        rows = with_steps(rows)
        write_frontier_files(staging, base, rows)
    return rows
