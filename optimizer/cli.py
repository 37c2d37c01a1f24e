"""The ``schoolplan`` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geodata.errors import InputError
from geodata.region import load_region
from optimizer.buses import UnroutableRiders
from optimizer.closures import InfeasibleScenario
from optimizer.planning import PlanRejected, make_plan
from optimizer.scenario import load_scenario

EXIT_BAD_INPUT = 2
EXIT_REJECTED = 3


def run(scenario_path: Path, out_dir: Path, *, cache_dir: Path | None = None) -> int:
    """Plan a scenario and write its outputs; return the exit code.

    The road graph and matrices are cached under ``cache_dir`` (by default a
    ``cache`` folder beside the output folder) by a hash of every input.
    """
    cache_dir = cache_dir or Path(out_dir).resolve().parent / "cache"
    try:
        scenario = load_scenario(scenario_path)
        policy = scenario.policy
        region = load_region(
            scenario.region_files(),
            speeds=policy.speeds.model(),
            walk_kph=policy.walk_kph,
            max_snap_m=scenario.region.max_snap_m,
            cache_dir=cache_dir,
        )
        plan, _ = make_plan(scenario, region)
    except InputError as exc:
        print(f"schoolplan: bad input\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (InfeasibleScenario, UnroutableRiders) as exc:
        print(f"schoolplan: scenario '{scenario_path}' has no plan\n  {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PlanRejected as exc:
        print(f"schoolplan: internal error, nothing written\n{exc}", file=sys.stderr)
        return EXIT_REJECTED
    from optimizer.outputs import write_outputs

    written = write_outputs(
        plan,
        out_dir,
        language=scenario.output.language,
        tiles=scenario.output.tiles,
        road_lines=region.road_lines(),
    )
    print(plan.summary())
    print(f"wrote {len(written)} files to {out_dir}: " + ", ".join(p.name for p in written))
    return 0


def compare(
    plan_a: Path, plan_b: Path, *, out_dir: Path | None = None, language: str = "en"
) -> int:
    """Print what differs between two plans; with ``out_dir`` also write compare.html."""
    from optimizer.compare import compare as diff
    from optimizer.compare import compare_text, load_plan, write_compare

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
    cmp_p = sub.add_parser("compare", help="what differs between two plans")
    cmp_p.add_argument("plan_a", type=Path, help="plan.json, or an output folder holding one")
    cmp_p.add_argument("plan_b", type=Path, help="plan.json, or an output folder holding one")
    cmp_p.add_argument("--out", type=Path, default=None, help="write compare.html here")
    cmp_p.add_argument("--language", choices=("en", "zh"), default="en")
    args = parser.parse_args(argv)
    if args.command == "compare":
        return compare(args.plan_a, args.plan_b, out_dir=args.out, language=args.language)
    if args.command == "run":
        return run(args.scenario, args.out, cache_dir=args.cache)
    return 1  # pragma: no cover (argparse rejects other commands)


if __name__ == "__main__":
    sys.exit(main())
