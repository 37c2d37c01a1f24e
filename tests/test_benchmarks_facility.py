"""The p-median and SSCFLP adapters on the shared facility core, against published optima."""

from __future__ import annotations

import re
import shutil
from itertools import product
from pathlib import Path

import numpy as np
import pytest

from benchmarks import pmed, sscflp
from benchmarks.__main__ import main
from benchmarks.runner import read_reference
from optimizer.solvers.facility import Hint, SolveSettings, solve_facility

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks"
needs_shared = pytest.mark.skipif(
    not (SHARED / "pmed").is_dir() or not (SHARED / "sscflp").is_dir(),
    reason=f"the shared benchmark instances are not at {SHARED}",
)


@needs_shared
@pytest.mark.parametrize("name", ["pmed1", "pmed4"])
def test_pmed_reaches_the_published_optimum(name):
    outcome = pmed.solve_instance(SHARED / "pmed" / f"{name}.txt", 30.0)
    assert outcome.status == "OPTIMAL"
    assert outcome.value == read_reference(SHARED / "pmed")[name]


@needs_shared
@pytest.mark.parametrize("name", ["p1", "p13"])
def test_sscflp_reaches_the_published_optimum(name):
    outcome = sscflp.solve_instance(SHARED / "sscflp" / f"{name}.txt", 30.0)
    assert outcome.status == "OPTIMAL"
    assert outcome.value == read_reference(SHARED / "sscflp")[name]


@needs_shared
def test_runner_prints_one_row_and_the_summary_line(tmp_path, capsys):
    shutil.copy(SHARED / "sscflp" / "p1.txt", tmp_path / "p1.txt")
    (tmp_path / "reference.csv").write_text("instance,reference,kind\np1,8848,optimal\n")
    assert main(["sscflp", str(tmp_path), "--time-limit", "30"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3  # header, p1, SUMMARY
    assert re.fullmatch(r"p1\s+8848\.0\s+8848\.0\s+0\.000\s+\d+\.\d\s+OPTIMAL", lines[1])
    assert lines[-1] == (
        "SUMMARY set=sscflp instances=1 solved=1 failed=0 overruns=0 mean_gap=0.000% "
        "max_gap=0.000% optimal=1"
    )


def test_pmed_last_occurrence_of_an_edge_holds(tmp_path):
    path = tmp_path / "pmed_dup.txt"
    # 1-2 first costs 5, then 9 written the other way round: 9 holds, so 1->2 goes via 3.
    path.write_text("3 4 1\n1 2 5\n2 3 2\n1 3 4\n2 1 9\n")
    dist, p = pmed.distances(path)
    assert p == 1
    assert dist.tolist() == [[0, 6, 4], [6, 0, 2], [4, 2, 0]]
    outcome = pmed.solve_instance(path, 10.0)
    assert (outcome.value, outcome.status) == (6.0, "OPTIMAL")  # node 3: 4 + 2 + 0


def test_sscflp_reads_a_token_stream_and_matches_brute_force(tmp_path):
    capacity, open_cost, demand = [10, 8, 7], [30, 20, 25], [4, 5, 3, 6]
    cost = [[3, 9, 4], [8, 2, 6], [5, 5, 1], [7, 3, 9]]  # cost[j][i]
    numbers = [
        3,
        4,
        *capacity,
        *[f"{c}.000000" for c in open_cost],
        *demand,
        *[c for row in cost for c in row],
    ]
    # Wrapped at 5 numbers a line, as nothing in the format promises row breaks.
    lines = [" ".join(map(str, numbers[i : i + 5])) for i in range(0, len(numbers), 5)]
    path = tmp_path / "p_tiny.txt"
    path.write_text("\n".join(lines) + "\n")
    best = min(
        sum(open_cost[i] for i in set(choice)) + sum(cost[j][i] for j, i in enumerate(choice))
        for choice in product(range(3), repeat=4)
        if all(sum(demand[j] for j in range(4) if choice[j] == i) <= capacity[i] for i in range(3))
    )
    outcome = sscflp.solve_instance(path, 10.0)
    assert (outcome.value, outcome.status) == (float(best), "OPTIMAL")


@pytest.mark.parametrize(
    ("module", "text", "expected"),
    [
        (pmed, "3 2 1\n1 2 5\n", "expected 2 edges"),
        (pmed, "3 1 4\n1 2 5\n", "1 <= p <= n"),
        (pmed, "3 2 1\n1 2 5\n2 x 1\n", "expected integers"),
        (pmed, "3 1 1\n1 2 5\n", "connected"),
        (pmed, "3 2 1\n1 2 5\n2 4 1\n", "node numbers 1..3"),
        (sscflp, "2 2\n5 5\n1 1\n1 1\n1 2 3\n", "expected 12 numbers"),
        (sscflp, "2 2\n5 5\n1 1\n1 1\n1 2 3 four\n", "expected numbers only"),
        (sscflp, "2 2\n5 5\n1.5 1\n1 1\n1 2 3 4\n", "integer"),
    ],
)
def test_malformed_file_names_the_file_and_what_was_expected(tmp_path, module, text, expected):
    path = tmp_path / "broken.txt"
    path.write_text(text)
    with pytest.raises(ValueError, match=re.escape(expected)) as caught:
        module.read_instance(path)
    assert str(path) in str(caught.value)


def test_a_hint_is_checked_and_never_beaten_by_a_worse_answer():
    dist = np.array([[0, 3, 5], [3, 0, 2], [5, 2, 0]])
    model = pmed.median_model(dist, 1)
    with pytest.raises(ValueError, match="not p = 1"):
        solve_facility(model, hint=Hint(np.array([True, True, False]), np.array([0, 1, 1])))
    with pytest.raises(ValueError, match="closed facility"):
        solve_facility(model, hint=Hint(np.array([True, False, False]), np.array([0, 1, 0])))
    good = Hint(np.array([False, True, False]), np.array([1, 1, 1]))
    for engine in ("sat", "scip", "highs"):
        result = solve_facility(model, SolveSettings(engine=engine, time_limit_s=10), good)
        assert result.objective == pytest.approx(5.0)  # node 2 is the median: 3 + 0 + 2
        assert result.choice.tolist() == [1, 1, 1]


def test_the_lp_bound_is_below_the_optimum_and_tight_where_the_lp_is_integral():
    from optimizer.solvers.facility import lp_bound

    dist = np.array([[0, 3, 5], [3, 0, 2], [5, 2, 0]])
    # p-median with x continuous has an integral LP here: the bound is the optimum, 5.
    assert lp_bound(pmed.median_model(dist, 1)) == pytest.approx(5.0)
    model = sscflp.read_instance(SHARED / "sscflp" / "p1.txt")
    bound = lp_bound(model)
    result = solve_facility(model, SolveSettings(engine="highs", time_limit_s=60))
    optimum = read_reference(SHARED / "sscflp")["p1"]
    assert result.status == "OPTIMAL" and result.objective == optimum
    assert 0.9 * optimum < bound < optimum  # Holmberg p1's LP is fractional
