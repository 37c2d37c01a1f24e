"""What was generated, in a few lines, and the ``python -m geodata.synthetic`` command."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from geodata.synthetic.county import _LEVEL_ORDER, build_county
from geodata.synthetic.files import write_county
from geodata.synthetic.records import (
    BANDS,
    POLICY_DEFAULTS,
    County,
    CountySize,
    ReachLimits,
    serves,
)

# ----------------------------------------------------------------------------- summary


def summary(county: County) -> str:
    """A few lines on what was generated: counts, pupils, small schools, reach today."""
    by_level = {lv: [s for s in county.schools if s.level == lv] for lv in _LEVEL_ORDER}
    pupils = np.array([v.pupils for v in county.villages]).sum(axis=0)
    primaries = by_level["primary"] + by_level["nine_year"]
    small_p = sum(1 for s in primaries if s.level == "primary" and s.enrolment < 100)
    small_k = sum(1 for s in by_level["kindergarten"] if s.enrolment < 100)
    n_ways = len(county.network.ways)
    lines = [
        f"Synthetic County (seed {county.seed}): {len(county.towns)} towns, "
        f"{len(county.villages)} villages, {len(county.depots)} bus yards",
        f"roads: {len(county.network.lon)} nodes, {n_ways} ways",
        "schools: " + ", ".join(f"{len(v)} {k}" for k, v in by_level.items()),
        f"small (< 100 pupils today): {small_p} of {len(primaries)} primary/nine-year, "
        f"{small_k} of {len(by_level['kindergarten'])} kindergartens",
        "pupils: " + ", ".join(f"{b} {int(n)}" for b, n in zip(BANDS, pupils, strict=True)),
        _spare_line(county),
        _reach_line(county),
    ]
    return "\n".join(lines)


def _spare_line(county: County) -> str:
    kept = [s for s in county.schools if serves(s.level, "p13") and not s.may_close]
    capacity = sum(s.capacity for s in kept)
    enrolled = sum(s.enrolment for s in kept)
    return (
        f"primary/nine-year schools that may not close: {len(kept)}, capacity {capacity}, "
        f"pupils today {enrolled} ({1 - enrolled / capacity:.0%} spare)"
    )


def _reach_line(county: County) -> str:
    """How many villages could reach one, or several, primary schools within the limit."""
    levels = [s.level for s in county.schools]
    primary = [i for i, lv in enumerate(levels) if serves(lv, "p13")]
    limit_s = county.limits.primary_s
    within = (county.times_s[:, primary] <= limit_s).sum(axis=1)
    has_pupils = np.array([sum(v.pupils[1:3]) > 0 for v in county.villages])
    only_one = int(((within == 1) & has_pupils).sum())
    return (
        f"villages with pupils within {limit_s / 60:g} min of just one primary school: "
        f"{only_one}; "
        f"of two or more: {int(((within >= 2) & has_pupils).sum())}"
    )


def reach_problems(county: County) -> list[str]:
    """Villages with pupils beyond the limit of every school of a level today.

    The limits are the county's (:class:`~geodata.synthetic.records.ReachLimits`: by
    default the scenario schema's 30 min for primary, 20 min for kindergarten, by
    school bus); junior pupils may board, so they have none. An empty list means the
    keep-all plan is feasible on travel time.
    """
    levels = [s.level for s in county.schools]
    problems = []
    limits = county.limits
    for band, index, limit_s in (("k", 0, limits.kindergarten_s), ("p13", 1, limits.primary_s)):
        limit_min = f"{limit_s / 60:g}"
        serving = [i for i, lv in enumerate(levels) if serves(lv, band)]
        best = county.times_s[:, serving].min(axis=1)
        far = [
            f"{v.id} ({best[i] / 60:.1f} min)"
            for i, v in enumerate(county.villages)
            if v.pupils[index] > 0 and best[i] > limit_s
        ]
        if far:
            problems.append(f"{band}: {len(far)} villages over {limit_min} min: {', '.join(far)}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m geodata.synthetic --seed 2027 --out scenarios/demo_county``.

    ``--scale F`` generates a county ``F`` times the demo's area and villages
    (:meth:`CountySize.scaled`); ``--towns``, ``--villages-per-town``,
    ``--village-primary``, ``--village-kindergarten`` and ``--node-spacing-m`` override
    single sizes. ``--scale 4.5 --node-spacing-m 32`` gives about 1000 villages, 150
    schools and 100k road nodes.
    """
    parser = argparse.ArgumentParser(
        prog="python -m geodata.synthetic",
        description="Generate the synthetic demo county (not a real place).",
    )
    parser.add_argument("--seed", type=int, default=2027, help="random seed (default 2027)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the files to")
    size = parser.add_argument_group("size (default: the demo county)")
    size.add_argument(
        "--scale", type=float, default=1.0, help="area and villages relative to the demo"
    )
    size.add_argument("--towns", type=int, help="towns, the county seat included")
    size.add_argument("--villages-per-town", type=int, help="villages drawn around each town")
    size.add_argument("--village-primary", type=int, help="village primary schools")
    size.add_argument("--village-kindergarten", type=int, help="village kindergartens")
    limits = parser.add_argument_group("limits (default: the scenario schema's)")
    limits.add_argument(
        "--kindergarten-min",
        type=float,
        default=POLICY_DEFAULTS.kindergarten_s / 60,
        help="one-way limit to a kindergarten, minutes (policy.bands.k.one_way_min)",
    )
    limits.add_argument(
        "--primary-min",
        type=float,
        default=POLICY_DEFAULTS.primary_s / 60,
        help="one-way limit to a primary school, minutes (policy.bands.p13.one_way_min)",
    )
    size.add_argument(
        "--node-spacing-m", type=float, help="distance between road nodes (demo: 400-550 m)"
    )
    args = parser.parse_args(argv)
    county_size = CountySize.scaled(args.scale, node_spacing_m=args.node_spacing_m)
    overrides = {
        "towns": args.towns,
        "villages_per_town": args.villages_per_town,
        "village_primary": args.village_primary,
        "village_kindergarten": args.village_kindergarten,
    }
    county_size = replace(county_size, **{k: v for k, v in overrides.items() if v is not None})
    reach = ReachLimits(kindergarten_s=args.kindergarten_min * 60, primary_s=args.primary_min * 60)
    county = build_county(args.seed, county_size, limits=reach)
    files = write_county(county, args.out)
    print(summary(county))
    for problem in reach_problems(county):
        print(f"warning: {problem}")
    print(f"wrote {files.roads}, {files.villages}, {files.schools}, {files.depots}")
    return 0
