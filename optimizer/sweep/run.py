"""Scenario sweeps: run a grid of variants of one scenario, in parallel on Dask.

``schoolplan sweep SCENARIO --vary KEY=V1,V2 [--vary ...] --out DIR`` makes one
variant per combination of the values (dotted keys into the scenario, such as
``policy.bands.p13.one_way_min=20,25,30``; values are read as YAML scalars), plans
each one independently, and writes::

    DIR/sweep.csv            one row per variant: the values varied, status, KPIs
    DIR/sweep.html           the same table, infeasible variants with their
                             explanation, and the Pareto view (cost vs longest journey)
    DIR/variants/v001/ ...   each variant's plan, map, report, tables and manifest

Each variant is a pure function of its scenario and the input files: the solvers
run with deterministic limits and one worker, so a variant's plan is the same bytes
whether it runs serially or on any worker of a cluster. The region cache folder is
shared by the variants; it is filled once, before the variants start. With
``--scheduler`` the workers of an existing cluster must see the same paths (a
shared file system) for the inputs, the cache and the output folder.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geodata.errors import InputError, InputIssue
from geodata.staging import check_output_folder, staged_folder
from optimizer.errors import NoPlan, PlanRejected
from optimizer.outputs.folder import OUTPUT_MARKS, write_plan
from optimizer.outputs.progress import Progress
from optimizer.planning.flow import make_plan
from optimizer.scenario.schema import load_scenario, validate_scenario_data
from optimizer.sweep.report import write_sweep_files
from optimizer.sweep.result import VariantResult, VariantStatus
from optimizer.sweep.variants import Variant, Vary, make_variants


@dataclass(frozen=True)
class Task:
    """What a worker needs for one variant (plain, picklable)."""

    id: str
    scenario: dict[str, Any]
    base_dir: str
    sources: tuple[str, ...]
    out_dir: str
    cache_dir: str


def run_variant(task: Task) -> VariantResult:
    """Plan one variant and write its outputs and manifest (runs on a worker).

    Never raises: every outcome is a :class:`VariantResult`.
    """
    try:
        scenario = validate_scenario_data(
            task.scenario,
            base_dir=Path(task.base_dir),
            sources=tuple(Path(s) for s in task.sources),
            file_of=lambda loc: task.id,
        )
        region = scenario.load_region(cache_dir=Path(task.cache_dir))
        plan, _ = make_plan(scenario, region)
        write_plan(scenario, plan, region, task.out_dir)  # as schoolplan run writes it
    except InputError as exc:
        return VariantResult(
            task.id, VariantStatus.BAD_INPUT, "; ".join(str(i) for i in exc.issues)
        )
    except NoPlan as exc:
        return VariantResult(task.id, VariantStatus.INFEASIBLE, " ".join(str(exc).split()))
    except PlanRejected as exc:
        return VariantResult(task.id, VariantStatus.REJECTED, " ".join(str(exc).split()))
    except Exception as exc:  # one broken variant must not lose the others
        return VariantResult(task.id, VariantStatus.ERROR, f"{type(exc).__name__}: {exc}")
    cost = plan.kpis["money"]["annual_cost"]  # the plan's own money (planning.accounts)
    solver = "; ".join(
        f"{r.stage}: {r.status}" + (f" (gap {r.gap:.2%})" if r.gap is not None else "")
        for r in plan.solver
    )
    return VariantResult(
        task.id,
        VariantStatus.OK,
        kpis=dict(plan.kpis),
        annual_cost=float(cost),
        solver=solver,
        folder=Path(task.out_dir).name,
    )


def warm_cache(variants: Sequence[Variant], cache_dir: Path) -> None:
    """Load each distinct region once, so that the variants read it from the cache.

    Raises
    ------
    geodata.errors.InputError
        Problems in the region files (they concern every variant using them).
    """
    seen = set()
    for variant in variants:
        s = variant.scenario
        key = (str(s.region_files()), repr(s.policy.speeds), s.policy.walk_kph, repr(s.region))
        if key in seen:
            continue
        seen.add(key)
        s.load_region(cache_dir=cache_dir)


def run_tasks(
    tasks: Sequence[Task],
    *,
    workers: int,
    scheduler: str | None = None,
    on_result: Callable[[VariantResult], None] | None = None,
) -> list[VariantResult]:
    """Run the tasks and return their results in task order.

    Parameters
    ----------
    workers
        Worker processes of a new Dask ``LocalCluster`` (one thread each); ``0``
        runs the tasks one after the other in this process, without Dask.
    scheduler
        Address of an existing Dask scheduler (``tcp://host:8786``); overrides
        ``workers``.
    on_result
        Called with each result as it arrives (in completion order).
    """
    if scheduler is None and workers <= 0:
        results = []
        for task in tasks:
            results.append(run_variant(task))
            if on_result is not None:
                on_result(results[-1])
        return results
    # Imported here only: Dask takes seconds to import, and a serial sweep, the workers
    # and every other command do without it.
    from dask.distributed import Client, LocalCluster, as_completed

    if scheduler is not None:
        client, cluster = Client(scheduler), None
    else:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # a free port: never clash with another cluster
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    try:
        futures = client.map(run_variant, list(tasks), pure=False)
        by_id = {}
        for future in as_completed(futures):
            result = future.result()
            by_id[result.id] = result
            if on_result is not None:
                on_result(result)
        return [by_id[task.id] for task in tasks]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def tasks_for(variants: Sequence[Variant], variants_dir: Path, cache_dir: Path) -> list[Task]:
    """One task per variant, writing into ``variants_dir / id``."""
    return [
        Task(
            id=v.id,
            scenario=v.scenario.model_dump(mode="json"),
            base_dir=str(v.scenario.base_dir),
            sources=tuple(str(s) for s in v.scenario.sources),
            out_dir=str(variants_dir / v.id),
            cache_dir=str(cache_dir),
        )
        for v in variants
    ]


def run_sweep(
    scenario_path: Path,
    varies: Sequence[Vary],
    out_dir: Path,
    *,
    cache_dir: Path,
    workers: int,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> list[VariantResult]:
    """Run the whole sweep and write ``out_dir`` at once (temporary folder, then rename).

    Raises
    ------
    geodata.errors.InputError
        A bad scenario, ``--vary`` option, variant or region file, or an output folder
        that is not safe to write (:func:`geodata.staging.check_output_folder`):
        nothing is run.
    """
    check_output_folder(out_dir, marks=OUTPUT_MARKS, inputs=[scenario_path])
    progress = progress or Progress(enabled=False)
    base = load_scenario(scenario_path)
    if not varies:
        raise InputError([InputIssue("--vary", "-", "option", "at least one --vary KEY=V1,V2")])
    variants = make_variants(base, varies)
    with progress.step("loading region (road graph, snapping, matrices)"):
        warm_cache(variants, cache_dir)
    with staged_folder(out_dir, marks=OUTPUT_MARKS) as staging:
        tasks = tasks_for(variants, staging / "variants", cache_dir)
        workers = min(workers, len(tasks))  # no idle processes holding a region each
        where = f"scheduler {scheduler}" if scheduler else f"{workers} worker(s)"
        if scheduler is None and workers <= 0:
            where = "this process"
        finished: list[str] = []

        def report(result: VariantResult) -> None:
            finished.append(result.id)
            progress.note(f"  {result.id}: {result.status} ({len(finished)}/{len(tasks)})")

        with progress.step(f"planning {len(tasks)} variant(s) on {where}"):
            results = run_tasks(tasks, workers=workers, scheduler=scheduler, on_result=report)
        write_sweep_files(staging, base, variants, results)
    return results
