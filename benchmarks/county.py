"""County-scale benchmark: a generated county of ~1000 villages planned end to end.

The synthetic county generator (:mod:`geodata.synthetic`, ``--scale 4.5
--node-spacing-m 32``) writes about 1000 villages, 150 schools, 21 bus yards and a
road network of about 100k OSM nodes into a cache folder (once; generation is timed
but not counted). The real pipeline then runs as ``schoolplan run`` does
(:func:`optimizer.cli.run`): the scenario, :func:`geodata.region.load_region` without
its cache, :func:`optimizer.planning.flow.make_plan` and
:func:`optimizer.outputs.folder.write_outputs` with the manifest (as ``schoolplan run`` writes it:
within ``write_outputs`` where it accepts ``extra`` files, else after it).

Each stage prints one line with its wall time, its peak resident memory and the
resident memory at its end; sub-stages (OSM parsing, snapping, matrices inside the
region; problem, closures, buses and verification inside the plan) are timed by
wrapping the functions those modules call, so the code timed is the code that runs.
Peak memory is the process's ``ru_maxrss`` when a stage raised it, else the highest
resident size sampled every 10 ms during the stage. Last, one line::

    SUMMARY set=county villages=... schools=... nodes=... total_s=... peak_mb=...
    target_s=60 target_mb=4096 met=yes|no

Target (issue 7): <= 60 s and <= 4 GB on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import resource
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "out" / "bench"
TARGET_S = 60.0
TARGET_MB = 4096.0
#: The county of issue 7: about 1000 villages, 150 schools and 100k road nodes.
SCALE = 4.5
NODE_SPACING_M = 32.0
SEED = 2027
#: Wall-clock guard on the closure model (the scenario's ``solver.closures_time_limit_s``).
CLOSURES_TIME_LIMIT_S = 30.0
#: ``solver.closures_candidates`` and ``solver.closures_relative_gap`` of the county.
CANDIDATES = 12
RELATIVE_GAP = 0.005
#: Every stage line, in the order printed (``parent/child`` for sub-stages).
STAGES = (
    "scenario",
    "region",
    "region/osm_read",
    "region/graphs",
    "region/places",
    "region/snap",
    "region/simplify",
    "region/network",
    "region/matrices",
    "region/other",
    "plan",
    "plan/problem",
    "plan/closures",
    "plan/buses",
    "plan/verify",
    "plan/other",
    "outputs",
    "outputs/road_lines",
    "outputs/write",
    "outputs/manifest",
)


def _rss_mb() -> float:
    """Resident memory of this process now (MB)."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _maxrss_mb() -> float:
    """Highest resident memory of this process so far (MB; Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Stage:
    """What one stage took, summed over its calls."""

    name: str
    seconds: float = 0.0
    peak_mb: float = 0.0
    end_mb: float = 0.0
    py_peak_mb: float | None = None
    calls: int = 0
    running: list[float] = field(default_factory=list)  # sampled peak of open calls


class Meter:
    """Times stages and measures their memory (a sampling thread reads the RSS).

    Parameters
    ----------
    trace
        Also measure Python allocations of top-level stages with :mod:`tracemalloc`
        (slows allocation-heavy code down; off by default).
    interval_s
        Sampling period of the resident memory.
    """

    def __init__(self, *, trace: bool = False, interval_s: float = 0.01) -> None:
        self.stages: dict[str, Stage] = {}
        self.trace = trace
        self._interval = interval_s
        self._open: list[Stage] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> Meter:
        self._thread.start()
        if self.trace:
            tracemalloc.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self.trace:
            tracemalloc.stop()

    def _sample(self) -> None:
        while not self._stop.wait(self._interval):
            rss = _rss_mb()
            with self._lock:
                for stage in self._open:
                    stage.running[-1] = max(stage.running[-1], rss)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[Stage]:
        """Measure the block as stage ``name`` (added to earlier calls of that name)."""
        stage = self.stages.setdefault(name, Stage(name))
        top = "/" not in name
        if top and self.trace:
            tracemalloc.reset_peak()
        before = _maxrss_mb()
        with self._lock:
            stage.running.append(_rss_mb())
            self._open.append(stage)
        started = time.perf_counter()
        try:
            yield stage
        finally:
            stage.seconds += time.perf_counter() - started
            end = _rss_mb()
            after = _maxrss_mb()
            with self._lock:
                self._open.remove(stage)
                sampled = max(stage.running.pop(), end)
            stage.peak_mb = max(stage.peak_mb, after if after > before else sampled)
            stage.end_mb = end
            stage.calls += 1
            if top and self.trace:
                py_peak = tracemalloc.get_traced_memory()[1] / 2**20
                stage.py_peak_mb = max(stage.py_peak_mb or 0.0, py_peak)

    def other(self, parent: str) -> None:
        """Record ``parent/other``: the parent's time not spent in its timed sub-stages."""
        children = [s for n, s in self.stages.items() if n.startswith(parent + "/")]
        rest = self.stages[parent].seconds - sum(s.seconds for s in children)
        self.stages[f"{parent}/other"] = Stage(
            f"{parent}/other",
            seconds=max(rest, 0.0),
            peak_mb=self.stages[parent].peak_mb,
            end_mb=self.stages[parent].end_mb,
            calls=1,
        )

    @contextlib.contextmanager
    def wrapping(self, module: ModuleType | type, attr: str, name: str) -> Iterator[None]:
        """Time every call of ``module.attr`` as stage ``name`` while the block runs.

        A name the module no longer has is left alone (its time then counts as the
        parent's ``other``).
        """
        original: Callable[..., Any] | None = getattr(module, attr, None)
        if original is None:
            yield
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                return original(*args, **kwargs)

        setattr(module, attr, timed)
        try:
            yield
        finally:
            setattr(module, attr, original)

    def line(self, name: str) -> str:
        """The printed line of one stage."""
        s = self.stages.get(name) or Stage(name)
        text = (
            f"STAGE {name:<20} time_s={s.seconds:8.2f} peak_mb={s.peak_mb:7.0f} "
            f"end_mb={s.end_mb:7.0f} calls={s.calls}"
        )
        if s.py_peak_mb is not None:
            text += f" py_peak_mb={s.py_peak_mb:.0f}"
        return text


# ----------------------------------------------------------------------------- the county


@dataclass(frozen=True)
class County:
    """A generated county folder and what generating it took."""

    folder: Path
    scenario: Path
    seconds: float
    cached: bool
    summary: str


def _size_args(scale: float, node_spacing_m: float, overrides: dict[str, int]) -> list[str]:
    args = ["--scale", repr(scale), "--node-spacing-m", repr(node_spacing_m)]
    for key, value in sorted(overrides.items()):
        args += [f"--{key.replace('_', '-')}", str(value)]
    return args


def prepare_county(
    cache: Path = CACHE,
    *,
    scale: float = SCALE,
    node_spacing_m: float = NODE_SPACING_M,
    seed: int = SEED,
    overrides: dict[str, int] | None = None,
    closures_time_limit_s: float = CLOSURES_TIME_LIMIT_S,
) -> County:
    """Generate the county into ``cache`` (once per size) and write its scenario file.

    Generation runs in a child process (``python -m geodata.synthetic``) so that its
    memory does not count against the pipeline's. The scenario has the demo's policy
    (``scenarios/demo.yaml``) with the investment budget scaled like the county, and
    ``solver.closures_time_limit_s`` set.
    """
    size = ["--seed", str(seed), *_size_args(scale, node_spacing_m, overrides or {})]
    generator = (ROOT / "geodata" / "synthetic.py").read_bytes()
    key = hashlib.sha256(" ".join(size).encode() + generator).hexdigest()[:12]
    folder = Path(cache) / f"county-{key}"
    stamp = folder / "generated.json"
    cached = stamp.is_file()
    if not cached:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "geodata.synthetic", "--out", str(folder), *size],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        stamp.write_text(json.dumps({"args": size, "seconds": seconds, "summary": done.stdout}))
    info = json.loads(stamp.read_text())
    scenario = yaml.safe_load((ROOT / "scenarios" / "demo.yaml").read_text(encoding="utf-8"))
    scenario["name"] = f"Synthetic County x{scale:g} benchmark"
    scenario["region"] = {
        "roads": "roads.osm",
        "villages": "villages.csv",
        "schools": "schools.csv",
        "depots": "depots.csv",
    }
    # A county ``scale`` (> 1) times the demo's has ``scale`` times its investment budget (the
    # demo's 30 M yuan makes the 1000-village county infeasible on budget alone).
    policy = scenario.setdefault("policy", {})
    policy.setdefault("investment", {})["budget"] = 30_000_000 * max(1.0, scale)
    solver = scenario.setdefault("solver", {})
    solver["closures_time_limit_s"] = closures_time_limit_s
    # A county this size: 12 candidate schools per village band, stop within 0.5 %.
    solver["closures_candidates"] = CANDIDATES
    solver["closures_relative_gap"] = RELATIVE_GAP
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True))
    return County(folder, path, float(info["seconds"]), cached, info["summary"])


# ----------------------------------------------------------------------------- the run


@dataclass(frozen=True)
class Result:
    """The SUMMARY numbers."""

    villages: int
    schools: int
    nodes: int
    total_s: float
    peak_mb: float
    met: bool
    stages: dict[str, Stage]
    failed: bool = False


def run_pipeline(
    scenario_path: Path, out_dir: Path, *, trace: bool = False, closures_engine: str | None = None
) -> Result:
    """Plan the scenario stage by stage as ``schoolplan run`` does; print one line per stage.

    A plan that cannot be made (no closure solution within the limits, unroutable
    riders, a rejected plan) prints ``FAILED ...`` after the plan stages and returns a
    result that does not meet the target; the output stages then do not run.
    """
    import geodata.region as region_mod
    import optimizer.planning.flow as planning_mod
    from optimizer.errors import NoPlan, PlanRejected
    from optimizer.outputs.folder import write_outputs
    from optimizer.outputs.manifest import manifest_file
    from optimizer.planning.flow import make_plan
    from optimizer.scenario.schema import load_scenario, pending_settings

    nodes = {"osm": 0}
    failure = ""
    with Meter(trace=trace) as meter:
        with meter.stage("scenario"):
            scenario = load_scenario(scenario_path)
            if closures_engine is not None:
                solver = scenario.solver.model_copy(update={"closures_engine": closures_engine})
                scenario = scenario.model_copy(update={"solver": solver})
            if pending_settings(scenario):
                raise RuntimeError(pending_settings(scenario))
        print_stages(meter, "scenario")
        original_read = region_mod.read_osm_graph

        def read_counting(path: Any) -> Any:
            graph = original_read(path)
            nodes["osm"] = graph.number_of_nodes()
            return graph

        with contextlib.ExitStack() as wraps:
            wraps.enter_context(_swap(region_mod, "read_osm_graph", read_counting))
            for attr, name in (
                ("read_osm_graph", "region/osm_read"),
                ("drive_graph", "region/graphs"),
                ("walk_graph", "region/graphs"),
                ("_read", "region/places"),
                ("_snap", "region/snap"),
                ("simplify", "region/simplify"),
                ("to_network", "region/network"),
                ("node_matrix", "region/matrices"),
                ("to_int", "region/matrices"),
            ):
                wraps.enter_context(meter.wrapping(region_mod, attr, name))
            snapper = region_mod.Snapper
            for attr in ("__init__", "__call__"):
                wraps.enter_context(meter.wrapping(snapper, attr, "region/snap"))
            with meter.stage("region"):
                region = scenario.load_region(cache_dir=None)
        meter.other("region")
        print_stages(meter, "region")
        with contextlib.ExitStack() as wraps:
            for attr, name in (
                ("build_problem", "plan/problem"),
                ("solve_closures", "plan/closures"),
                ("route_school", "plan/buses"),
                ("verify", "plan/verify"),
            ):
                wraps.enter_context(meter.wrapping(planning_mod, attr, name))
            try:
                with meter.stage("plan"):
                    plan, _ = make_plan(scenario, region)
            except (NoPlan, PlanRejected) as exc:
                failure = f"{type(exc).__name__}: {exc}".replace("\n", " | ")
        meter.other("plan")
        print_stages(meter, "plan")
        if failure:
            print(f"FAILED {failure}", flush=True)
            return _result(meter, region, nodes["osm"], failed=True)
        closures = plan.solver[0]
        gap = "na" if closures.gap is None else f"{100 * closures.gap:.3f}%"
        print(
            f"CLOSURES engine={closures.engine} status={closures.status} "
            f"objective={closures.objective:.0f} bound={closures.bound} gap={gap} "
            f"reproducible={'yes' if closures.reproducible else 'no'}",
            flush=True,
        )
        statuses: dict[str, int] = {}
        for routing in plan.solver[1:]:
            statuses[routing.status] = statuses.get(routing.status, 0) + 1
        print(
            f"BUSES routes={len(plan.routes)} schools_routed={len(plan.solver) - 1} "
            + " ".join(f"{k}={v}" for k, v in sorted(statuses.items())),
            flush=True,
        )
        print(f"PLAN {plan.summary()}".replace("\n", " | "), flush=True)
        with meter.stage("outputs"):
            with meter.stage("outputs/road_lines"):
                lines = region.road_lines()
            add_manifest = manifest_file(scenario, plan)

            def manifest(files: Any) -> dict[str, str]:
                with meter.stage("outputs/manifest"):
                    return add_manifest(files)

            with meter.stage("outputs/write"):
                write_outputs(
                    plan,
                    out_dir,
                    language=scenario.output.language,
                    tiles=scenario.output.tiles,
                    road_lines=lines,
                    extra=manifest,
                )
        print_stages(meter, "outputs")
    result = _result(meter, region, nodes["osm"])
    if scenario.solver.closures_candidates is not None:
        print_full_bound(scenario, region, closures.objective)
    return result


def print_full_bound(scenario: Any, region: Any, objective: float) -> None:
    """``BOUND``: the plan against the LP bound of the whole closure model (every school
    for every village band, not only the candidates), computed after the timed stages."""
    from optimizer.closures.model import ClosureModel
    from optimizer.problem.build import build_problem
    from optimizer.solvers.facility import lp_bound

    started = time.perf_counter()
    problem = build_problem(region, scenario.policy, name=scenario.name)
    bound = lp_bound(ClosureModel(problem).model())
    print(
        f"BOUND full_model_lp={bound:.0f} plan={objective:.0f} "
        f"gap_to_full={100 * (objective - bound) / max(abs(objective), 1.0):.3f}% "
        f"time_s={time.perf_counter() - started:.1f} (not counted)",
        flush=True,
    )


def _result(meter: Meter, region: Any, nodes: int, *, failed: bool = False) -> Result:
    """The SUMMARY numbers of the stages that ran; a failed plan never meets the target."""
    top = [s for n, s in meter.stages.items() if "/" not in n]
    total_s = sum(s.seconds for s in top)
    peak_mb = _maxrss_mb()
    return Result(
        villages=len(region.villages),
        schools=len(region.schools),
        nodes=nodes,
        total_s=total_s,
        peak_mb=peak_mb,
        met=not failed and total_s <= TARGET_S and peak_mb <= TARGET_MB,
        stages=dict(meter.stages),
        failed=failed,
    )


@contextlib.contextmanager
def _swap(module: ModuleType, attr: str, value: Any) -> Iterator[None]:
    original = getattr(module, attr)
    setattr(module, attr, value)
    try:
        yield
    finally:
        setattr(module, attr, original)


def print_stages(meter: Meter, parent: str) -> None:
    """Print a top-level stage and its sub-stages (in :data:`STAGES` order)."""
    for name in STAGES:
        if name == parent or name.startswith(parent + "/"):
            print(meter.line(name), flush=True)


def summary_line(result: Result) -> str:
    """The final SUMMARY line."""
    return (
        f"SUMMARY set=county villages={result.villages} schools={result.schools} "
        f"nodes={result.nodes} total_s={result.total_s:.1f} peak_mb={result.peak_mb:.0f} "
        f"target_s={TARGET_S:.0f} target_mb={TARGET_MB:.0f} met={'yes' if result.met else 'no'}"
        + (" (plan failed; outputs not run)" if result.failed else "")
    )


def run(
    *,
    cache: Path = CACHE,
    scale: float = SCALE,
    node_spacing_m: float = NODE_SPACING_M,
    overrides: dict[str, int] | None = None,
    closures_time_limit_s: float = CLOSURES_TIME_LIMIT_S,
    closures_engine: str | None = None,
    trace: bool = False,
    out_dir: Path | None = None,
) -> Result:
    """Generate (or reuse) the county, plan it stage by stage and print the SUMMARY line."""
    county = prepare_county(
        cache,
        scale=scale,
        node_spacing_m=node_spacing_m,
        overrides=overrides,
        closures_time_limit_s=closures_time_limit_s,
    )
    how = "cached" if county.cached else "generated"
    print(
        f"GENERATE {county.folder} time_s={county.seconds:.1f} ({how}; not counted)",
        flush=True,
    )
    for text in county.summary.splitlines():
        if not text.startswith("wrote "):
            print(f"  {text}", flush=True)
    result = run_pipeline(
        county.scenario,
        out_dir or county.folder / "plan",
        trace=trace,
        closures_engine=closures_engine,
    )
    print(summary_line(result), flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.county [--scale F] [--node-spacing-m M] ...``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.county", description=__doc__)
    parser.add_argument("--cache", type=Path, default=CACHE, help="where the county is kept")
    parser.add_argument("--scale", type=float, default=SCALE)
    parser.add_argument("--node-spacing-m", type=float, default=NODE_SPACING_M)
    parser.add_argument("--closures-time-limit", type=float, default=CLOSURES_TIME_LIMIT_S)
    parser.add_argument("--closures-engine", choices=("highs", "scip", "sat"), default=None)
    parser.add_argument("--tracemalloc", action="store_true", help="Python peak per stage")
    args = parser.parse_args(argv)
    result = run(
        cache=args.cache,
        scale=args.scale,
        node_spacing_m=args.node_spacing_m,
        closures_time_limit_s=args.closures_time_limit,
        closures_engine=args.closures_engine,
        trace=args.tracemalloc,
    )
    return 0 if result.met else 1


if __name__ == "__main__":
    sys.exit(main())
