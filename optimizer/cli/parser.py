"""The ``schoolplan`` command line: its arguments, and which command they run."""

from __future__ import annotations

import argparse
import importlib.metadata
from pathlib import Path

from optimizer.cli.commands import (
    assess_proposal,
    compare,
    fetch_roads,
    frontier,
    places,
    run,
    sweep,
    validate,
)

#: What ``schoolplan --help`` says the tool does.
DESCRIPTION = "Plan the merging of small rural schools: closures, catchments, school buses."


def _version() -> str:
    """The installed distribution's version (``unknown`` when run from a bare checkout)."""
    try:
        return importlib.metadata.version("schoolplan")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``schoolplan`` console script."""
    parser = argparse.ArgumentParser(
        prog="schoolplan",
        description=DESCRIPTION,
    )
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
