"""The commands: plan, assess, validate, sweep, frontier, compare, place tables, roads."""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from geodata.download import download_roads
from geodata.errors import InputError, InputIssue
from geodata.place_tables import write_place_tables
from geodata.region import Region
from geodata.staging import check_cache_folder, check_output_folder, staged_folder
from optimizer.cli.exits import COMPARE_MARKS, EXIT_BROKEN_RULES, EXIT_REJECTED, exit_code
from optimizer.interrupt import check
from optimizer.outputs.compare import compare as diff
from optimizer.outputs.compare import compare_text, load_plan, write_compare
from optimizer.outputs.folder import OUTPUT_MARKS, RegionReads, write_plan
from optimizer.outputs.manifest import input_files, manifest_file
from optimizer.outputs.progress import Progress
from optimizer.outputs.timeline_view import TimelineView
from optimizer.planning.assess import assess, broken_rules_csv
from optimizer.planning.flow import make_plan
from optimizer.planning.inputs import check_inputs
from optimizer.planning.timeline import YearPlan, plan_timeline, timeline_html, timeline_rows
from optimizer.scenario.schema import Scenario, load_scenario, pending_settings
from optimizer.scenario.validation import validate as check_scenario
from optimizer.sweep.frontier import run_frontier
from optimizer.sweep.result import VariantStatus
from optimizer.sweep.run import run_sweep
from optimizer.sweep.variants import Vary


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
    read = RegionReads.of(scenario, region)  # before planning: a bad boundaries file stops here
    with progress.step("planning (closures, bus routes, verification)"):
        if scenario.policy.timeline_years:
            years = plan_timeline(scenario, region)
        else:
            plan, _ = make_plan(scenario, region)
    if scenario.policy.timeline_years:
        with progress.step("writing each year's map, report and tables"):
            written = write_timeline(scenario, region, years, out, read)
        for y in years:
            print(y.plan.summary())
        print(f"wrote {len(written)} entries to {out_dir}: " + ", ".join(written))
        return 0
    with progress.step("writing map, print map, report and tables"):
        check()  # no output once Ctrl-C came
        files = write_plan(scenario, plan, region, out, read=read)
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

    def work() -> int:
        scenario = load_scenario(proposal_path)
        inputs = [path for _, path in input_files(scenario)]
        out, cache = _checked_folders(proposal_path, out_dir, cache_dir, inputs)
        region = scenario.load_region(cache_dir=cache)
        read = RegionReads.of(scenario, region)
        plan, _, broken = assess(scenario, region)
        manifest = manifest_file(scenario, plan)
        check()  # no output once Ctrl-C came
        write_plan(
            scenario,
            plan,
            region,
            out,
            extra=lambda files: {**manifest(files), "broken_rules.csv": broken_rules_csv(broken)},
            read=read,
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
    scenario: Scenario,
    region: Region,
    years: Sequence[YearPlan],
    out_dir: Path,
    read: RegionReads | None = None,
) -> list[str]:
    """One output folder per year (``year+1``, ...) and ``timeline.csv``, all at once;
    the region's and the scenario's files the maps draw are read once for every year."""
    rows = tuple(timeline_rows(years))
    read = read or RegionReads.of(scenario, region)
    with staged_folder(out_dir, marks=OUTPUT_MARKS) as tmp:
        for y in years:
            check()  # no output once Ctrl-C came
            write_plan(
                scenario,
                y.plan,
                region,
                tmp / f"year+{y.year}",
                timeline=TimelineView(y.year, len(years), rows),
                read=read,
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
