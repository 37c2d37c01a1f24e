"""``python -m benchmarks SET FOLDER [--time-limit S]``, or ``all`` for every shipped set.

``matrices`` and ``county`` take no FOLDER (they generate their instance); for
``county`` the time limit bounds the closure model.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.runner import SETS, run_set

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "benchmarks"
#: The shipped folders run by ``all`` (``make bench``), with their time limit per instance.
DEFAULT_RUNS = [
    ("pmed", SHARED / "pmed", 30.0),
    ("sscflp", SHARED / "sscflp", 30.0),
    ("vrptw", SHARED / "vrptw" / "solomon25", 20.0),
    ("vrptw", SHARED / "vrptw" / "solomon100", 20.0),
    ("clrp", SHARED / "clrp", 60.0),
]


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
                run_set(name, folder, time_limit_s=args.time_limit or limit)
            else:
                print(f"== {name}: {folder} not found, skipped")
        return 0
    if args.folder is None:
        parser.error("FOLDER is required for a single set")
    if not args.folder.is_dir():
        parser.error(f"{args.folder}: not a folder")
    default = {"pmed": 30.0, "sscflp": 30.0, "vrptw": 20.0, "clrp": 60.0}[args.set]
    run_set(args.set, args.folder, time_limit_s=args.time_limit or default)
    return 0


if __name__ == "__main__":
    sys.exit(main())
