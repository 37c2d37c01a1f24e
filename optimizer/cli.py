"""The ``schoolplan`` command line."""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from geodata.download import download_roads
from geodata.errors import InputError, InputIssue
from geodata.place_tables import write_place_tables
from geodata.region import Region
from geodata.staging import check_cache_folder, check_output_folder, staged_folder
from optimizer.errors import NoPlan, PlanRejected
from optimizer.outputs.compare import compare as diff
from optimizer.outputs.compare import compare_text, load_plan, write_compare
from optimizer.outputs.folder import OUTPUT_MARKS, write_outputs
from optimizer.outputs.manifest import input_files, manifest_file
from optimizer.outputs.progress import Progress
from optimizer.outputs.timeline_view import TimelineView
from optimizer.planning.flow import make_plan
from optimizer.planning.inputs import check_inputs
from optimizer.planning.timeline import YearPlan, plan_timeline, timeline_html, timeline_rows
from optimizer.scenario.schema import Scenario, load_scenario, pending_settings
from optimizer.scenario.validation import validate as check_scenario
from optimizer.sweep.result import VariantStatus
from optimizer.sweep.run import run_sweep
from optimizer.sweep.variants import Vary

EXIT_BAD_INPUT = 2
EXIT_REJECTED = 3
EXIT_INTERRUPTED = 130
#: What marks a folder that ``compare --out`` wrote.
COMPARE_MARKS = {"compare.html": b'<table id="kpis">'}
#: Set to show the traceback of a defect instead of the one-line report.
DEBUG_VARIABLE = "SCHOOLPLAN_DEBUG"
INTERRUPTED = (
    "schoolplan: interrupted (Ctrl-C); nothing was written and any previous output is as it was"
)
REPORT = (
    "  this is a defect of schoolplan, not of your input: please report it with this message "
    f"and the scenario (set {DEBUG_VARIABLE}=1 to see where it happened)"
)
#: ``schoolplan assess``: the plan is written, and the proposal breaks a rule.
EXIT_BROKEN_RULES = 4


def exit_code(work: Callable[[], int], *, scenario: Path | None = None, failed: str = "") -> int:
    """Run one command; every error a run can meet becomes one message and an exit code.

    The one place where the CLI catches errors, each kind through its base:
    :class:`~geodata.errors.InputError` (bad input) and :class:`~optimizer.errors.NoPlan`
    (a scenario without a plan) exit 2, as does an :class:`OSError` (a file that could
    not be read or written, named); :class:`~optimizer.errors.PlanRejected` (a plan the
    verifier refused) and any other exception (a defect) exit 3 with a line asking for
    a report; Ctrl-C prints one line and exits 130. ``failed`` replaces the headline of
    bad input (``download failed``).
    """
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _one_line_warning
            return work()
    except InputError as exc:
        print(f"schoolplan: {failed or 'bad input'}\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except NoPlan as exc:
        print(f"schoolplan: scenario '{scenario}' has no plan\n  {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PlanRejected as exc:
        print(f"schoolplan: internal error, nothing written\n{exc}\n{REPORT}", file=sys.stderr)
        return EXIT_REJECTED
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:
        if exc.filename is None:
            return _defect(exc)
        what = exc.strerror or type(exc).__name__
        print(
            f"schoolplan: {failed or 'a file could not be read or written'}\n"
            f"  {exc.filename}: {what}; nothing written",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    except Exception as exc:
        return _defect(exc)


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning as one line of its own words (no source location)."""
    print(f"schoolplan: warning: {message}", file=sys.stderr)


def _defect(exc: Exception) -> int:
    """One message for an error no check foresaw (exit 3); the traceback only on request."""
    if os.environ.get(DEBUG_VARIABLE, "").strip() not in ("", "0"):
        raise exc
    text = " ".join(str(exc).split())[:300]
    print(
        f"schoolplan: internal error ({type(exc).__name__}: {text}), nothing written\n{REPORT}",
        file=sys.stderr,
    )
    return EXIT_REJECTED


def _checked_folders(
    scenario_path: Path, out_dir: Path | str, cache_dir: Path | None, inputs: Sequence[Path] = ()
) -> tuple[Path, Path]:
    """The output and cache folders, refused before any work unless safe to write."""
    given = [scenario_path, *inputs]
    out = check_output_folder(out_dir, marks=OUTPUT_MARKS, inputs=given)
    cache = check_cache_folder(cache_dir or out.parent / "cache", inputs=given)
    return out, cache


def run(
    scenario_path: Path,
    out_dir: Path | str,
    *,
    cache_dir: Path | None = None,
    language: str | None = None,
) -> int:
    """Plan a scenario and write its outputs; return the exit code.

    The road graph and matrices are cached under ``cache_dir`` (by default a
    ``cache`` folder beside the output folder) by a hash of every input. The output
    folder must be new, empty or one a previous run wrote, and hold no input
    (:func:`geodata.staging.check_output_folder`): else nothing runs (exit 2).
    ``language`` (``en`` or ``zh``) overrides the scenario's ``output.language``.
    """
    return exit_code(
        lambda: _run(scenario_path, out_dir, cache_dir, language), scenario=scenario_path
    )


def _run(
    scenario_path: Path, out_dir: Path | str, cache_dir: Path | None, language: str | None = None
) -> int:
    progress = Progress()
    _checked_folders(scenario_path, out_dir, cache_dir)
    scenario = load_scenario(scenario_path)
    if language is not None:
        output = scenario.output.model_copy(update={"language": language})
        scenario = scenario.model_copy(update={"output": output})
    if pending_settings(scenario):
        raise InputError(pending_settings(scenario))
    inputs = [path for _, path in input_files(scenario)]
    out, cache = _checked_folders(scenario_path, out_dir, cache_dir, inputs)
    with progress.step("loading region (road graph, snapping, matrices)"):
        region = scenario.load_region(cache_dir=cache)
    for note in region.notes:
        print(f"schoolplan: warning: {note}", file=sys.stderr)
    with progress.step("planning (closures, bus routes, verification)"):
        if scenario.policy.timeline_years:
            years = plan_timeline(scenario, region)
        else:
            plan, _ = make_plan(scenario, region)
    if scenario.policy.timeline_years:
        with progress.step("writing each year's map, report and tables"):
            written = write_timeline(scenario, region, years, out)
        for y in years:
            print(y.plan.summary())
        print(f"wrote {len(written)} entries to {out_dir}: " + ", ".join(written))
        return 0
    with progress.step("writing map, print map, report and tables"):
        files = write_outputs(
            plan,
            out,
            language=scenario.output.language,
            tiles=scenario.output.tiles,
            road_lines=region.road_lines(),
            extra=manifest_file(scenario, plan),
        )
    print(plan.summary())
    print(f"wrote {len(files)} files to {out_dir}: " + ", ".join(p.name for p in files))
    return 0


def assess_proposal(
    proposal_path: Path, out_dir: Path | str, *, cache_dir: Path | None = None
) -> int:
    """Plan a proposal with every school fixed and write the plan with its broken rules.

    Exit 0: the proposal keeps every rule; 4 (:data:`EXIT_BROKEN_RULES`): the plan and
    ``broken_rules.csv`` are written, each broken rule printed by school, township or
    village; 2: bad input or no plan under the hard rules.
    """
    from optimizer.planning.assess import assess, broken_rules_csv

    def work() -> int:
        scenario = load_scenario(proposal_path)
        inputs = [path for _, path in input_files(scenario)]
        out, cache = _checked_folders(proposal_path, out_dir, cache_dir, inputs)
        region = scenario.load_region(cache_dir=cache)
        plan, _, broken = assess(scenario, region)
        manifest = manifest_file(scenario, plan)
        write_outputs(
            plan,
            out,
            language=scenario.output.language,
            tiles=scenario.output.tiles,
            road_lines=region.road_lines(),
            extra=lambda files: {**manifest(files), "broken_rules.csv": broken_rules_csv(broken)},
        )
        print(plan.summary())
        if not broken:
            print(f"the proposal keeps every rule; plan written to {out_dir}")
            return 0
        print(f"the proposal breaks {len(broken)} rules (also in {out_dir}/broken_rules.csv):")
        for v in broken:
            print(f"  {v}")
        return EXIT_BROKEN_RULES

    return exit_code(work, scenario=proposal_path)


def write_timeline(
    scenario: Scenario, region: Region, years: Sequence[YearPlan], out_dir: Path
) -> list[str]:
    """One output folder per year (``year+1``, ...) and ``timeline.csv``, all at once."""
    rows = tuple(timeline_rows(years))
    with staged_folder(out_dir, marks=OUTPUT_MARKS) as tmp:
        for y in years:
            write_outputs(
                y.plan,
                tmp / f"year+{y.year}",
                language=scenario.output.language,
                tiles=scenario.output.tiles,
                road_lines=region.road_lines(),
                extra=manifest_file(scenario, y.plan),
                timeline=TimelineView(y.year, len(years), rows),
            )
        with (tmp / "timeline.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, ["year", "event", "school", "detail"], lineterminator="\n")
            writer.writeheader()
            writer.writerows(timeline_rows(years))
        (tmp / "timeline.html").write_text(timeline_html(scenario.name, years), encoding="utf-8")
    return sorted(p.name for p in Path(out_dir).iterdir())


def validate(scenario_path: Path, *, cache_dir: Path | None = None) -> int:
    """Check a scenario and its region files as a run does; print ``ok`` or every problem.

    With ``cache_dir`` the region read here is kept for the run (or taken from it).
    """

    def work() -> int:
        scenario = check_scenario(scenario_path)
        cache = None if cache_dir is None else check_cache_folder(cache_dir)
        checked = check_inputs(scenario, cache_dir=cache)  # what a run checks first
        for note in checked.region.notes:
            print(f"schoolplan: warning: {note}", file=sys.stderr)
        print(
            f"ok: {scenario.name} ({' <- '.join(p.name for p in scenario.sources)}); roads, "
            f"places and matrices read in full in {checked.seconds:.1f} s"
        )
        return 0

    return exit_code(work, scenario=scenario_path)


def sweep(
    scenario_path: Path,
    varies: list[str],
    out_dir: Path | str,
    *,
    cache_dir: Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> int:
    """Run a grid of variants of a scenario and write the comparison; return the exit code."""

    def work() -> int:
        out, cache = _checked_folders(scenario_path, out_dir, cache_dir)
        results = run_sweep(
            scenario_path,
            [Vary.parse(text) for text in varies],
            out,
            cache_dir=cache,
            workers=(os.cpu_count() or 1) if workers is None else workers,
            scheduler=scheduler,
            progress=Progress(),
        )
        counts: dict[str, int] = {}
        for result in results:
            counts[result.status] = counts.get(result.status, 0) + 1
            if result.status != VariantStatus.OK:
                print(f"{result.id}: {result.status}: {result.message}", file=sys.stderr)
        print("variants: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
        print(f"wrote {Path(out_dir) / 'sweep.csv'}, sweep.html and variants/")
        fine = (VariantStatus.OK, VariantStatus.INFEASIBLE)
        return EXIT_REJECTED if any(r.status not in fine for r in results) else 0

    return exit_code(work, scenario=scenario_path)


def frontier(
    scenario_path: Path,
    out_dir: Path | str,
    *,
    cache_dir: Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> int:
    """Plan a scenario under a cap of 0, 1, 2, ... closures and write what each step buys."""
    from optimizer.sweep.frontier import run_frontier

    def work() -> int:
        out, cache = _checked_folders(scenario_path, out_dir, cache_dir)
        rows = run_frontier(
            scenario_path,
            out,
            cache_dir=cache,
            workers=(os.cpu_count() or 1) if workers is None else workers,
            scheduler=scheduler,
            progress=Progress(),
        )
        for row in rows:
            r = row.result
            cap = "no cap" if row.cap is None else f"cap {row.cap}"
            if row.planned:
                money = r.kpis["money"]["net_annual_saving"]
                print(f"{cap}: {r.kpis['schools_closed']} closed {row.step}; net saving {money:,}")
            else:
                print(f"{cap}: {r.status}: {r.message}", file=sys.stderr)
        plans = " and plans/" if any(row.planned for row in rows) else ""
        print(f"wrote {Path(out_dir) / 'frontier.csv'}, frontier.png, frontier.html{plans}")
        fine = (VariantStatus.OK, VariantStatus.INFEASIBLE)
        return EXIT_REJECTED if any(r.result.status not in fine for r in rows) else 0

    return exit_code(work, scenario=scenario_path)


def _plan_at(path: Path):
    try:
        return load_plan(path)
    except (FileNotFoundError, ValueError) as exc:
        raise InputError(
            [InputIssue(str(path), "-", "plan", "a plan.json or a folder holding one", str(exc))]
        ) from None


def compare(
    plan_a: Path, plan_b: Path, *, out_dir: Path | None = None, language: str = "en"
) -> int:
    """Print what differs between two plans; with ``out_dir`` also write compare.html."""

    def work() -> int:
        if out_dir is not None:  # before any work: a new folder or one a comparison wrote
            check_output_folder(out_dir, marks=COMPARE_MARKS, inputs=[plan_a, plan_b])
        result = diff(_plan_at(plan_a), _plan_at(plan_b))
        print(compare_text(result, language=language), end="")
        if out_dir is not None:
            written = write_compare(result, out_dir, language=language)
            print(f"wrote {', '.join(p.name for p in written)} to {out_dir}")
        return 0

    return exit_code(work)


#: The file that marks a folder ``schoolplan places`` wrote (its README's first words).
PLACES_MARKS = {"README.txt": b"Place tables made from "}


def places(roads: Path, out_dir: Path | str) -> int:
    """Write place tables from an OSM file (:mod:`geodata.place_tables`); return the exit code.

    The folder follows the output-folder rule (:func:`geodata.staging.check_output_folder`)
    and is written whole or not at all.
    """

    def work() -> int:
        check_output_folder(out_dir, marks=PLACES_MARKS, inputs=[roads])
        with staged_folder(out_dir, marks=PLACES_MARKS) as tmp:
            written = write_place_tables(roads, tmp)
        print(f"wrote {len(written)} files to {out_dir}: " + ", ".join(p.name for p in written))
        print("every estimated field is named in its row's 'estimated' column: see README.txt")
        return 0

    return exit_code(work)


def fetch_roads(args: argparse.Namespace) -> int:
    """Download a road network once; scenarios then read the saved file offline."""

    def work() -> int:
        path = download_roads(
            args.out, place=args.place, bbox=args.bbox, polygon=args.polygon, cache_dir=args.cache
        )
        print(f"wrote {path}; name it as region.roads in a scenario")
        return 0

    return exit_code(work, failed="download failed")


def _version() -> str:
    """The installed distribution's version (``unknown`` when run from a bare checkout)."""
    try:
        return importlib.metadata.version("schoolplan")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``schoolplan`` console script."""
    parser = argparse.ArgumentParser(prog="schoolplan", description=__doc__)
    parser.add_argument("--version", action="version", version=f"schoolplan {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="plan a scenario and write map, plan and report")
    run_p.add_argument("scenario", type=Path, help="scenario YAML file")
    run_p.add_argument(
        "--out", required=True, help="output folder: new, empty or one a previous run wrote"
    )
    run_p.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="cache folder for road graphs and matrices (default: OUT/../cache)",
    )
    run_p.add_argument(
        "--language",
        choices=("en", "zh"),
        default=None,
        help="language of the map, report and tables (default: the scenario's output.language)",
    )
    val_p = sub.add_parser("validate", help="check a scenario and its region files")
    val_p.add_argument("scenario", type=Path, help="scenario YAML file")
    val_p.add_argument(
        "--cache", type=Path, default=None, help="region cache folder (shared with run --cache)"
    )
    sweep_p = sub.add_parser("sweep", help="run a grid of scenario variants and compare them")
    sweep_p.add_argument("scenario", type=Path, help="scenario YAML file")
    sweep_p.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="KEY=V1,V2",
        help="a dotted scenario key and its values, e.g. policy.bands.p13.one_way_min=20,25,30",
    )
    sweep_p.add_argument(
        "--out", required=True, help="output folder: new, empty or one a previous sweep wrote"
    )
    sweep_p.add_argument("--cache", type=Path, default=None, help="shared region cache folder")
    sweep_p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes of a local Dask cluster (default: one per CPU; 0: serially, no Dask)",
    )
    sweep_p.add_argument(
        "--scheduler", default=None, help="address of an existing Dask scheduler (shared disk)"
    )
    front_p = sub.add_parser(
        "frontier", help="plan with a cap of 0, 1, 2, ... closures: what each closure buys"
    )
    front_p.add_argument("scenario", type=Path, help="scenario YAML file")
    front_p.add_argument(
        "--out", required=True, help="output folder: new, empty or one a previous frontier wrote"
    )
    front_p.add_argument("--cache", type=Path, default=None, help="shared region cache folder")
    front_p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes of a local Dask cluster (default: one per CPU; 0: serially, no Dask)",
    )
    front_p.add_argument(
        "--scheduler", default=None, help="address of an existing Dask scheduler (shared disk)"
    )
    ass_p = sub.add_parser(
        "assess", help="plan a proposal with every school decided and list each broken rule"
    )
    ass_p.add_argument("proposal", type=Path, help="scenario YAML whose decisions fix every school")
    ass_p.add_argument("--out", required=True, help="output folder (as for run)")
    ass_p.add_argument("--cache", type=Path, default=None, help="region cache folder")
    cmp_p = sub.add_parser("compare", help="what differs between two plans")
    cmp_p.add_argument("plan_a", type=Path, help="plan.json, or an output folder holding one")
    cmp_p.add_argument("plan_b", type=Path, help="plan.json, or an output folder holding one")
    cmp_p.add_argument("--out", type=Path, default=None, help="write compare.html here")
    cmp_p.add_argument("--language", choices=("en", "zh"), default="en")
    fetch_p = sub.add_parser(
        "fetch-roads", help="download a road network from OpenStreetMap (online) to GraphML"
    )
    area = fetch_p.add_mutually_exclusive_group(required=True)
    area.add_argument("--place", help='a place name, e.g. "Vaduz, Liechtenstein"')
    area.add_argument("--bbox", type=float, nargs=4, metavar=("W", "S", "E", "N"))
    area.add_argument("--polygon", type=Path, help="a file with the area's polygon")
    fetch_p.add_argument("--out", type=Path, required=True, help="GraphML file to write")
    fetch_p.add_argument("--cache", type=Path, default=None, help="osmnx response cache")
    places_p = sub.add_parser(
        "places", help="editable village and school tables (CSV, XLSX) from an OSM file"
    )
    places_p.add_argument("roads", type=Path, help="OSM file (XML, gzip, bzip2 or PBF)")
    places_p.add_argument(
        "--out", required=True, help="folder for the tables (new, or one it wrote)"
    )
    args = parser.parse_args(argv)
    if args.command == "places":
        return places(args.roads, args.out)
    if args.command == "fetch-roads":
        return fetch_roads(args)
    if args.command == "compare":
        return compare(args.plan_a, args.plan_b, out_dir=args.out, language=args.language)
    if args.command == "validate":
        return validate(args.scenario, cache_dir=args.cache)
    if args.command == "sweep":
        return sweep(
            args.scenario,
            args.vary,
            args.out,
            cache_dir=args.cache,
            workers=args.workers,
            scheduler=args.scheduler,
        )
    if args.command == "frontier":
        return frontier(
            args.scenario,
            args.out,
            cache_dir=args.cache,
            workers=args.workers,
            scheduler=args.scheduler,
        )
    if args.command == "assess":
        return assess_proposal(args.proposal, args.out, cache_dir=args.cache)
    if args.command == "run":
        return run(args.scenario, args.out, cache_dir=args.cache, language=args.language)
    return 1  # pragma: no cover (argparse rejects other commands)


if __name__ == "__main__":
    sys.exit(main())
