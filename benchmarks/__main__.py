"""``python -m benchmarks SET FOLDER [--time-limit S] [--engine E] [--bells B]``, or ``all``.

``all`` runs every shipped set. ``matrices``, ``county`` and ``regions`` take no FOLDER
(they make their instances; ``regions`` cuts the shipped OSM extracts and plans each
cold and warm, :mod:`benchmarks.regions`), nor does ``county-load`` (a small county
planned alone and under load, the same bytes expected: :mod:`benchmarks.under_load`);
for ``county`` the time limit bounds the closure model.
``--engine pyvrp|ortools|both`` picks the routing engine of the routing sets (vrptw,
sbrp; default pyvrp); ``both`` runs each engine in turn, one SUMMARY line each
(``engine=`` field), then prints the two engines' gaps side by side. ``--bells
window`` runs ``sbrp`` with each school's bell free inside its window, a relaxed
variant of the study's problem (default ``study``: the study's own settings).

A set that fails as a whole (a folder without ``reference.csv``, say) prints its
SUMMARY line with ``failed:`` and the error, and ``all`` goes on with the next set.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks.county import CACHE
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


def run_folder(
    set_name: str,
    folder: Path,
    time_limit_s: float,
    engine: str | None,
    bells: str | None = None,
) -> None:
    """One set on one folder; a routing set with each engine asked for."""
    options = {"bells": bells or "study"} if set_name == "sbrp" else {}
    if set_name not in ROUTING_SETS:
        run_set(set_name, folder, time_limit_s=time_limit_s, **options)
        return
    engines = list(ENGINES) if engine == "both" else [engine or ENGINES[0]]
    rows = {}
    for name in engines:
        if len(engines) > 1:
            print(f"-- engine {name}")
        rows[name] = run_set(set_name, folder, time_limit_s=time_limit_s, engine=name, **options)
    if len(engines) > 1:
        print_engines_side_by_side(rows)


def main(argv: list[str] | None = None) -> int:
    """Run one benchmark set on a folder, or every shipped set with ``all``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "set", choices=[*SETS, "matrices", "county", "county-load", "regions", "all"]
    )
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
    parser.add_argument(
        "--bells",
        choices=["study", "window"],
        default=None,
        help="sbrp: each school's bell at AMEARLY as in the study (default), or free in "
        "its window (a relaxed variant)",
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
    if args.set == "regions":
        from benchmarks import regions

        regions.run()
        return 0
    if args.set == "county-load":
        from benchmarks import under_load

        return 0 if under_load.run() else 1
    if args.set == "all":
        from benchmarks.matrices import run

        print("== matrices (generated 100k-node network)")
        guarded("matrices", run)
        from benchmarks import county

        print("== county (generated 1000 villages, 150 schools, 100k road nodes)")
        results: list = []
        guarded("county", lambda: results.append(county.run()))
        from benchmarks import regions

        print("== regions (the shipped extracts cut to 60k nodes, cold and warm)")
        guarded("regions", regions.run, CACHE, results[0].total_s if results else None)
        from benchmarks import under_load

        print("== county-load (a small county planned alone and beside a CPU-bound process)")
        guarded("county-load", under_load.run)
        for name, folder, limit in DEFAULT_RUNS:
            if folder.is_dir():
                print(f"== {name} {folder}")
                guarded(name, run_folder, name, folder, args.time_limit or limit, args.engine)
            else:
                print(f"== {name}: {folder} not found, skipped")
        return 0
    if args.folder is None:
        parser.error("FOLDER is required for a single set")
    if not args.folder.is_dir():
        parser.error(f"{args.folder}: not a folder")
    if args.engine is not None and args.set not in ROUTING_SETS:
        parser.error(f"--engine is for the routing sets {', '.join(ROUTING_SETS)}")
    if args.bells is not None and args.set != "sbrp":
        parser.error("--bells is for the sbrp set")
    limit = args.time_limit or DEFAULT_LIMITS[args.set]
    run_folder(args.set, args.folder, limit, args.engine, args.bells)
    return 0


def guarded(set_name: str, run: Callable[..., object], *args: object) -> bool:
    """Run one set of ``all``; a set that raises prints its SUMMARY line with the error
    (one line) instead of a traceback, and the next set still runs."""
    try:
        run(*args)
    except Exception as exc:  # noqa: BLE001 - the other sets still run
        text = " ".join(str(exc).split())
        print(f"SUMMARY set={set_name} failed: {type(exc).__name__}: {text}", flush=True)
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
