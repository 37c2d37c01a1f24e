"""The CLRP adapter (Prodhon instances) on the facility core and PyVRP."""

from __future__ import annotations

import re
import shutil
from itertools import permutations, product
from pathlib import Path

import numpy as np
import pytest

from benchmarks import clrp
from benchmarks.__main__ import main
from benchmarks.runner import read_reference

FOLDER = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "clrp"
needs_shared = pytest.mark.skipif(
    not FOLDER.is_dir(), reason=f"the shared CLRP instances are not at {FOLDER}"
)
#: Small limits: on coord20-5-1 these already reach the best known total.
QUICK = clrp.ClrpSettings(multi_depot_iterations=300, single_depot_iterations=100, max_rounds=3)


def write_instance(path: Path, depots, customers, q, depot_cap, demand, opening, vehicle, flag=0):
    """A file in Prodhon's layout: CRLF, tab-separated coordinates, blank-line blocks."""
    blocks = [
        [str(len(customers)), str(len(depots))],
        [f"{x}\t{y}" for x, y in depots],
        [f"{x}\t{y}" for x, y in customers],
        [str(q)],
        [str(c) for c in depot_cap],
        [str(d) for d in demand],
        [str(o) for o in opening],
        [str(vehicle)],
        [str(flag)],
    ]
    path.write_bytes("\r\n\r\n".join("\r\n".join(b) for b in blocks).encode() + b"\r\n")
    return path


#: Three depots, four customers near depot 0; no single depot holds the demand of 16.
TINY = dict(
    depots=[(0, 0), (20, 0), (0, 10)],
    customers=[(1, 0), (2, 1), (0, 2), (3, 3)],
    q=8,
    depot_cap=[12, 12, 12],
    demand=[4, 4, 4, 4],
    opening=[500, 400, 300],
    vehicle=50,
)


def brute_force(instance: clrp.Instance) -> int:
    """The optimum over every depot set, partition into routes, depot and order."""
    n, m, d = instance.num_customers, instance.num_depots, instance.distance
    best = None
    for labels in product(range(n), repeat=n):  # route label of each customer
        blocks = sorted({tuple(c for c in range(n) if labels[c] == k) for k in labels})
        if any(instance.demand[list(b)].sum() > instance.vehicle_capacity for b in blocks):
            continue
        lengths = [
            [
                min(
                    sum(d[a, b] for a, b in zip(p, p[1:]))
                    for order in permutations(block)
                    for p in [(f, *(m + c for c in order), f)]
                )
                for f in range(m)
            ]
            for block in blocks
        ]
        for depots in product(range(m), repeat=len(blocks)):
            load = np.zeros(m, np.int64)
            for block, f in zip(blocks, depots):
                load[f] += instance.demand[list(block)].sum()
            if (load > instance.depot_capacity).any():
                continue
            cost = instance.opening_cost[sorted(set(depots))].sum() + sum(
                instance.vehicle_cost + lengths[k][f] for k, f in enumerate(depots)
            )
            best = cost if best is None else min(best, cost)
    return int(best)


def test_distances_are_100x_euclidean_rounded_up(tmp_path):
    inst = clrp.read_instance(write_instance(tmp_path / "t.dat", **TINY))
    # (0,0)-(1,0): 100 exactly; (0,0)-(2,1): 223.6 -> 224; (0,0)-(3,3): 424.26 -> 425.
    assert inst.distance[0, 3] == 100
    assert inst.distance[0, 4] == 224
    assert inst.distance[0, 6] == 425
    assert (inst.distance == inst.distance.T).all()
    assert not inst.distance.flags.writeable


def test_tiny_instance_matches_brute_force(tmp_path):
    inst = clrp.read_instance(write_instance(tmp_path / "t.dat", **TINY))
    solution = clrp.solve(inst, settings=QUICK, time_limit_s=60)
    cost, problems = clrp.evaluate(inst, solution)
    assert problems == []
    assert cost == brute_force(inst)
    # Depot 0 alone cannot serve all four (16 > 12): a second depot must open.
    assert len(solution.open_depots) >= 2


def test_evaluate_names_each_broken_rule(tmp_path):
    inst = clrp.read_instance(write_instance(tmp_path / "t.dat", **TINY))
    over = clrp.Solution(
        (0,), (clrp.Route(0, (0, 1)), clrp.Route(0, (2, 3, 1)), clrp.Route(1, (2,)))
    )
    cost, problems = clrp.evaluate(inst, over)
    assert problems == [
        "route 1: load 12 over the capacity 8",
        "route 2: leaves depot 1, which is not open",
        "depot 0: serves 20, over its capacity 12",
        "customers not served exactly once: [1, 2]",
    ]
    # Opening 500, three vehicles 150, and the three paths from the matrix.
    d = inst.distance
    legs = [(0, 3, 4, 0), (0, 5, 6, 4, 0), (1, 5, 1)]
    assert cost == 650 + sum(d[a, b] for p in legs for a, b in zip(p, p[1:]))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (dict(demand=[4, 4, 4]), r"expected 29 numbers for 4 customers and 3 depots"),
        (dict(flag=1), r"cost flag 1: only 0"),
        (
            dict(demand=[4, 4, 4.5, -4]),
            r"non-negative integers expected: demand of "
            r"customer 3 = 4\.5; demand of customer 4 = -4$",
        ),
        (dict(customers=[(1, 0), (2, 1), (0, 2.5), (3, 3)]), r"coordinates must be integers"),
    ],
)
def test_bad_file_is_named(tmp_path, change, message):
    path = write_instance(tmp_path / "bad.dat", **{**TINY, **change})
    with pytest.raises(clrp.InstanceError, match=rf"bad\.dat: {message}"):
        clrp.read_instance(path)


@needs_shared
def test_coord20_5_1_valid_and_within_3_percent():
    path = FOLDER / "coord20-5-1.dat"
    inst = clrp.read_instance(path)
    reference = read_reference(FOLDER)["coord20-5-1"]
    solution = clrp.solve(inst, settings=QUICK, time_limit_s=60)
    # Checked here again, from the file's numbers, without clrp.evaluate.
    m, d = inst.num_depots, inst.distance
    served = sorted(c for r in solution.routes for c in r.customers)
    assert served == list(range(inst.num_customers))
    depot_load = np.zeros(m, np.int64)
    total = int(inst.opening_cost[list(solution.open_depots)].sum())
    for r in solution.routes:
        assert r.depot in solution.open_depots
        load = int(inst.demand[list(r.customers)].sum())
        assert load <= inst.vehicle_capacity
        depot_load[r.depot] += load
        path = [r.depot, *(m + c for c in r.customers), r.depot]
        total += inst.vehicle_cost + int(sum(d[a, b] for a, b in zip(path, path[1:])))
    assert (depot_load <= inst.depot_capacity).all()
    assert clrp.evaluate(inst, solution) == (total, [])
    # Below the best known would point at a wrong distance convention (truncating does that).
    assert reference <= total <= 1.03 * reference


@needs_shared
def test_runner_prints_the_summary_line(tmp_path, capsys):
    shutil.copy(FOLDER / "coord20-5-2b.dat", tmp_path / "coord20-5-2b.dat")
    (tmp_path / "reference.csv").write_text("instance,reference,kind\ncoord20-5-2b,37542,best\n")
    assert main(["clrp", str(tmp_path), "--time-limit", "60"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3  # header, the instance, SUMMARY
    match = re.fullmatch(
        r"coord20-5-2b\s+37542\.0\s+(\d+)\.0\s+(-?\d+\.\d{3})\s+\d+\.\d\s+FEASIBLE", lines[1]
    )
    assert match is not None
    assert 37542 <= int(match.group(1)) <= 1.03 * 37542
    assert lines[-1].startswith("SUMMARY set=clrp instances=1 solved=1 failed=0 overruns=0 ")
