"""The ``schoolplan`` command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from geodata.errors import InputError
from optimizer.errors import NoPlan, PlanRejected
from optimizer.outputs.manifest import manifest_file
from optimizer.outputs.progress import Progress
from optimizer.planning.flow import make_plan
from optimizer.scenario.schema import load_scenario, pending_settings

EXIT_BAD_INPUT = 2
EXIT_REJECTED = 3


def run(scenario_path: Path, out_dir: Path, *, cache_dir: Path | None = None) -> int:
    """Plan a scenario and write its outputs; return the exit code.

    The road graph and matrices are cached under ``cache_dir`` (by default a
    ``cache`` folder beside the output folder) by a hash of every input.
    """
    cache_dir = cache_dir or Path(out_dir).resolve().parent / "cache"
    progress = Progress()
    try:
        scenario = load_scenario(scenario_path)
        if pending_settings(scenario):
            raise InputError(pending_settings(scenario))
        with progress.step("loading region (road graph, snapping, matrices)"):
            region = scenario.load_region(cache_dir=cache_dir)
        for note in region.notes:
            print(f"schoolplan: warning: {note}", file=sys.stderr)
        with progress.step("planning (closures, bus routes, verification)"):
            if scenario.policy.timeline_years:
                from optimizer.planning.timeline import plan_timeline

                years = plan_timeline(scenario, region)
            else:
                plan, _ = make_plan(scenario, region)
    except InputError as exc:
        print(f"schoolplan: bad input\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except NoPlan as exc:
        print(f"schoolplan: scenario '{scenario_path}' has no plan\n  {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PlanRejected as exc:
        print(f"schoolplan: internal error, nothing written\n{exc}", file=sys.stderr)
        return EXIT_REJECTED
    from optimizer.outputs.folder import write_outputs

    if scenario.policy.timeline_years:
        with progress.step("writing each year's map, report and tables"):
            written = write_timeline(scenario, region, years, out_dir)
        for y in years:
            print(y.plan.summary())
        print(f"wrote {len(written)} entries to {out_dir}: " + ", ".join(written))
        return 0
    with progress.step("writing map, print map, report and tables"):
        written = write_outputs(
            plan,
            out_dir,
            language=scenario.output.language,
            tiles=scenario.output.tiles,
            road_lines=region.road_lines(),
            extra=manifest_file(scenario, plan),
        )
    print(plan.summary())
    print(f"wrote {len(written)} files to {out_dir}: " + ", ".join(p.name for p in written))
    return 0


def write_timeline(scenario, region, years, out_dir: Path) -> list[str]:
    """One output folder per year (``year+1``, ...) and ``timeline.csv``, all at once."""
    import csv
    import shutil
    import tempfile

    from optimizer.outputs.folder import replace_dir, write_outputs
    from optimizer.outputs.timeline_view import TimelineView
    from optimizer.planning.timeline import timeline_html, timeline_rows

    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    rows = tuple(timeline_rows(years))
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
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
        tmp.chmod(0o755)
        replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted(p.name for p in out_dir.iterdir())


def validate(scenario_path: Path, *, cache_dir: Path | None = None) -> int:
    """Check a scenario and its region files as a run does; print ``ok`` or every problem.

    With ``cache_dir`` the region read here is kept for the run (or taken from it).
    """
    from optimizer.planning.inputs import check_inputs
    from optimizer.scenario.validation import validate as check

    try:
        scenario = check(scenario_path)
        checked = check_inputs(scenario, cache_dir=cache_dir)  # what a run checks first
    except InputError as exc:
        print(f"schoolplan: bad input\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for note in checked.region.notes:
        print(f"schoolplan: warning: {note}", file=sys.stderr)
    print(
        f"ok: {scenario.name} ({' <- '.join(p.name for p in scenario.sources)}); roads, "
        f"places and matrices read in full in {checked.seconds:.1f} s"
    )
    return 0


def sweep(
    scenario_path: Path,
    varies: list[str],
    out_dir: Path,
    *,
    cache_dir: Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> int:
    """Run a grid of variants of a scenario and write the comparison; return the exit code."""
    from optimizer.sweep.run import INFEASIBLE, OK, run_sweep
    from optimizer.sweep.variants import Vary

    cache_dir = cache_dir or Path(out_dir).resolve().parent / "cache"
    try:
        results = run_sweep(
            scenario_path,
            [Vary.parse(text) for text in varies],
            out_dir,
            cache_dir=cache_dir,
            workers=(os.cpu_count() or 1) if workers is None else workers,
            scheduler=scheduler,
            progress=Progress(),
        )
    except InputError as exc:
        print(f"schoolplan: bad input\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
        if result.status != OK:
            print(f"{result.id}: {result.status}: {result.message}", file=sys.stderr)
    print("variants: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
    print(f"wrote {Path(out_dir) / 'sweep.csv'}, sweep.html and variants/")
    return EXIT_REJECTED if any(r.status not in (OK, INFEASIBLE) for r in results) else 0


def compare(
    plan_a: Path, plan_b: Path, *, out_dir: Path | None = None, language: str = "en"
) -> int:
    """Print what differs between two plans; with ``out_dir`` also write compare.html."""
    from optimizer.outputs.compare import compare as diff
    from optimizer.outputs.compare import compare_text, load_plan, write_compare

    try:
        a, b = load_plan(plan_a), load_plan(plan_b)
    except (FileNotFoundError, ValueError) as exc:
        print(f"schoolplan: bad input\n  {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    result = diff(a, b)
    print(compare_text(result, language=language), end="")
    if out_dir is not None:
        written = write_compare(result, out_dir, language=language)
        print(f"wrote {', '.join(p.name for p in written)} to {out_dir}")
    return 0


def places(roads: Path, out_dir: Path) -> int:
    """Write place tables from an OSM file (geodata.place_tables); return the exit code."""
    from geodata.place_tables import write_place_tables

    try:
        written = write_place_tables(roads, out_dir)
    except InputError as exc:
        print(f"schoolplan: bad input\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"wrote {len(written)} files to {out_dir}: " + ", ".join(p.name for p in written))
    print("every estimated field is named in its row's 'estimated' column: see README.txt")
    return 0


def fetch_roads(args: argparse.Namespace) -> int:
    """Download a road network once; scenarios then read the saved file offline."""
    from geodata.download import download_roads

    try:
        path = download_roads(
            args.out, place=args.place, bbox=args.bbox, polygon=args.polygon, cache_dir=args.cache
        )
    except InputError as exc:
        print(f"schoolplan: download failed\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"wrote {path}; name it as region.roads in a scenario")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``schoolplan`` console script."""
    parser = argparse.ArgumentParser(prog="schoolplan", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="plan a scenario and write map, plan and report")
    run_p.add_argument("scenario", type=Path, help="scenario YAML file")
    run_p.add_argument("--out", type=Path, required=True, help="output folder")
    run_p.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="cache folder for road graphs and matrices (default: OUT/../cache)",
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
    sweep_p.add_argument("--out", type=Path, required=True, help="output folder")
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
    places_p.add_argument("--out", type=Path, required=True, help="folder for the tables")
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
    if args.command == "run":
        return run(args.scenario, args.out, cache_dir=args.cache)
    return 1  # pragma: no cover (argparse rejects other commands)


if __name__ == "__main__":
    sys.exit(main())
