"""``python -m benchmarks SET FOLDER [--time-limit S] [--engine E]``, or ``all``.

``all`` runs every shipped set. ``matrices`` and ``county`` take no FOLDER (they
generate their instance); for ``county`` the time limit bounds the closure model.
``--engine pyvrp|ortools|both`` picks the routing engine of the routing sets (vrptw,
sbrp; default pyvrp); ``both`` runs each engine in turn, one SUMMARY line each
(``engine=`` field), then prints the two engines' gaps side by side.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.runner import ENGINES, ROUTING_SETS, SETS, print_engines_side_by_side, run_set

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "benchmarks"
#: The shipped folders run by ``all`` (``make bench``), with their time limit per instance.
DEFAULT_RUNS = [
    ("pmed", SHARED / "pmed", 30.0),
    ("sscflp", SHARED / "sscflp", 30.0),
    ("vrptw", SHARED / "vrptw" / "solomon25", 20.0),
    ("vrptw", SHARED / "vrptw" / "solomon100", 20.0),
    ("clrp", SHARED / "clrp", 60.0),
    ("sbrp", SHARED / "sbrp", 60.0),
]
#: Time limit per instance of a single set run (a guard for the routing sets).
DEFAULT_LIMITS = {"pmed": 30.0, "sscflp": 30.0, "vrptw": 20.0, "sbrp": 60.0, "clrp": 60.0}


def run_folder(set_name: str, folder: Path, time_limit_s: float, engine: str | None) -> None:
    """One set on one folder; a routing set with each engine asked for."""
    if set_name not in ROUTING_SETS:
        run_set(set_name, folder, time_limit_s=time_limit_s)
        return
    engines = list(ENGINES) if engine == "both" else [engine or ENGINES[0]]
    rows = {}
    for name in engines:
        if len(engines) > 1:
            print(f"-- engine {name}")
        rows[name] = run_set(set_name, folder, time_limit_s=time_limit_s, engine=name)
    if len(engines) > 1:
        print_engines_side_by_side(rows)


def main(argv: list[str] | None = None) -> int:
    """Run one benchmark set on a folder, or every shipped set with ``all``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("set", choices=[*SETS, "matrices", "county", "all"])
    parser.add_argument(
        "folder", type=Path, nargs="?", help="folder with instance files and reference.csv"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="seconds per instance (default: the set's target limit)",
    )
    parser.add_argument(
        "--engine",
        choices=[*ENGINES, "both"],
        default=None,
        help="routing engine of vrptw and sbrp (default pyvrp); both: each, side by side",
    )
    args = parser.parse_args(argv)
    if args.set == "matrices":
        from benchmarks.matrices import run

        run()
        return 0
    if args.set == "county":
        from benchmarks import county

        result = county.run(closures_time_limit_s=args.time_limit or county.CLOSURES_TIME_LIMIT_S)
        return 0 if result.met else 1
    if args.set == "all":
        from benchmarks.matrices import run

        print("== matrices (generated 100k-node network)")
        run()
        from benchmarks import county

        print("== county (generated 1000 villages, 150 schools, 100k road nodes)")
        try:
            county.run()
        except Exception as exc:  # noqa: BLE001 - the other sets still run
            print(f"SUMMARY set=county failed: {type(exc).__name__}: {exc}")
        for name, folder, limit in DEFAULT_RUNS:
            if folder.is_dir():
                print(f"== {name} {folder}")
                run_folder(name, folder, args.time_limit or limit, args.engine)
            else:
                print(f"== {name}: {folder} not found, skipped")
        return 0
    if args.folder is None:
        parser.error("FOLDER is required for a single set")
    if not args.folder.is_dir():
        parser.error(f"{args.folder}: not a folder")
    if args.engine is not None and args.set not in ROUTING_SETS:
        parser.error(f"--engine is for the routing sets {', '.join(ROUTING_SETS)}")
    run_folder(args.set, args.folder, args.time_limit or DEFAULT_LIMITS[args.set], args.engine)
    return 0


if __name__ == "__main__":
    sys.exit(main())
