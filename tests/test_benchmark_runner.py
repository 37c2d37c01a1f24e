"""The benchmark runner keeps its word: failed instances are rows, overruns are reported.

Real instances and real solvers throughout: a school the study's files place beyond
the ride limit, a malformed file, and a limit that the file reading alone overruns.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from benchmarks import pmed, sbrp
from benchmarks.__main__ import guarded, main
from benchmarks.budget import Budget
from benchmarks.runner import Row, Status, run_set, summary_line

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks"
SCHOOLS = "ID\tX\tY\tAMEARLY\tAMLATE\n"
STOPS = "ID\tX_COORD\tY_COORD\tEP_ID\tSTUDENT_COUNT\n"


def small_district(folder: Path, *, far_x: float) -> None:
    """Two schools a few minutes apart; school 2's one stop is ``far_x`` feet away."""
    folder.mkdir()
    (folder / "Schools.txt").write_text(
        SCHOOLS + "200001\t100000\t100000\t730\t745\n200002\t110000\t100000\t800\t815\n"
    )
    (folder / "Stops.txt").write_text(
        STOPS
        + "100001\t101000\t100000\t200001\t20\n"
        + "100002\t100000\t103000\t200001\t30\n"
        + f"100003\t{110000 + far_x}\t100000\t200002\t10\n"
    )


def test_an_unroutable_school_is_a_row_and_the_set_goes_on(tmp_path, capsys):
    small_district(tmp_path / "NEAR01", far_x=2000)
    small_district(tmp_path / "FAR01", far_x=200_000)  # 200 000 ft: 6818 s of driving
    (tmp_path / "reference.csv").write_text(
        "instance,max_ride_s,reference_buses,kind\n"
        "FAR01,2700,2,best_known\nNEAR01,2700,2,best_known\n"
    )
    rows = run_set("sbrp", tmp_path, time_limit_s=30, engine="pyvrp", bells="study")
    out = capsys.readouterr().out.splitlines()
    assert [r.instance for r in rows] == ["FAR01-2700", "NEAR01-2700"]
    far, near = rows
    assert far.status is Status.NO_SOLUTION and far.value is None
    assert "FAR01 stop 100003: the direct ride is over 2700 s" in far.note
    assert "NO_SOLUTION (FAR01 stop 100003" in out[1]
    # The near district still runs: one bus does school 1 at 7:30 then school 2 at 8:00.
    assert near.status is Status.FEASIBLE and near.value == 1.0
    assert out[-1] == (
        "SUMMARY set=sbrp engine=pyvrp bells=study instances=2 solved=1 failed=1 "
        "overruns=0 mean_gap=-50.000% max_gap=-50.000% optimal=1"
    )


def test_a_solve_that_raises_is_a_failed_row_not_a_traceback(tmp_path, capsys):
    shutil.copy(SHARED / "sscflp" / "p1.txt", tmp_path / "p1.txt")
    (tmp_path / "p2.txt").write_text("2 3\n10 10\n5 five\n")
    (tmp_path / "reference.csv").write_text(
        "instance,reference,kind\np1,8848,optimal\np2,1,optimal\n"
    )
    assert main(["sscflp", str(tmp_path), "--time-limit", "30"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"p1\s+8848\.0\s+8848\.0\s+0\.000\s+\d+\.\d\s+OPTIMAL", lines[1])
    assert re.fullmatch(
        r"p2\s+1\.0\s+-\s+-\s+\d+\.\d\s+FAILED \(ValueError: .*p2\.txt: expected numbers "
        r"only \(SSCFLP file\), got 'five'\)",
        lines[2],
    )
    assert lines[-1] == (
        "SUMMARY set=sscflp instances=2 solved=1 failed=1 overruns=0 mean_gap=0.000% "
        "max_gap=0.000% optimal=1"
    )


def test_a_limit_overrun_is_reported_on_the_row_and_counted(tmp_path, capsys):
    # 1 microsecond: reading pmed1 alone takes longer; the budget starts before the file
    # is read, so the runner reports the overrun.
    shutil.copy(SHARED / "pmed" / "pmed1.txt", tmp_path / "pmed1.txt")
    (tmp_path / "reference.csv").write_text("instance,reference,kind\npmed1,5819,optimal\n")
    (row,) = run_set("pmed", tmp_path, time_limit_s=1e-6)
    out = capsys.readouterr().out.splitlines()
    assert row.overrun_s is not None and row.overrun_s == pytest.approx(row.seconds - 1e-6)
    assert row.value is not None  # the heuristic's medians still give a verified value
    assert re.search(r"OVERRUN \+\d+\.\d s over the 1e-06 s limit$", out[1])
    assert " failed=0 overruns=1 " in out[-1]


def test_the_row_within_its_limit_says_nothing_of_time():
    row = Row("x", 10.0, 11.0, 0.1, 4.9, Status.FEASIBLE, "time guard", 5.0)
    assert row.overrun_s is None and row.outcome == "FEASIBLE (time guard)"
    late = Row("x", 10.0, None, None, 7.25, Status.FAILED, "KeyError: 'a'", 5.0)
    assert late.outcome == "FAILED (KeyError: 'a') OVERRUN +2.2 s over the 5 s limit"
    assert summary_line("sbrp", [row, late], engine="pyvrp", bells="study") == (
        "SUMMARY set=sbrp engine=pyvrp bells=study instances=2 solved=1 failed=1 "
        "overruns=1 mean_gap=10.000% max_gap=10.000% optimal=0"
    )


def test_a_set_that_fails_whole_prints_its_summary_line(tmp_path, capsys):
    def no_reference() -> None:
        run_set("pmed", tmp_path, time_limit_s=1)

    assert guarded("pmed", no_reference) is False
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("SUMMARY set=pmed failed: FileNotFoundError: ")
    assert "no reference.csv" in line


def test_the_budget_keeps_a_reserve_and_a_floor():
    budget = Budget(10.0)
    assert 9.0 < budget.solver_s() <= 9.5 and not budget.expired()
    assert Budget(0.0).solver_s() == 0.1 and Budget(0.0).expired()


def test_sbrp_bells_flag_is_for_sbrp_only(capsys):
    with pytest.raises(SystemExit):
        main(["pmed", str(SHARED / "pmed"), "--bells", "window"])
    assert "--bells is for the sbrp set" in capsys.readouterr().err
    assert sbrp.Bells("study") is sbrp.Bells.STUDY


def test_a_large_p_median_stays_within_its_limit(tmp_path, capsys):
    # pmed38's size (900 nodes, 16 200 edges): building its 810 000-pair MIP alone took
    # longer than the limit, so the interchange heuristic's medians stand, in time.
    rng = np.random.default_rng(38)
    n, edges = 900, [(i, i + 1) for i in range(1, 900)]
    while len(edges) < 16_200:
        a, b = (int(v) for v in rng.integers(1, n + 1, 2))
        if a != b:
            edges.append((a, b))
    lines = [f"{n} {len(edges)} 5"] + [f"{a} {b} {int(rng.integers(1, 200))}" for a, b in edges]
    (tmp_path / "pmed38.txt").write_text("\n".join(lines) + "\n")
    (tmp_path / "reference.csv").write_text("instance,reference,kind\npmed38,1,optimal\n")
    (row,) = run_set("pmed", tmp_path, time_limit_s=10)
    assert row.overrun_s is None and row.seconds < 10
    assert row.status is Status.FEASIBLE and "interchange only" in row.note
    dist, p = pmed.distances(tmp_path / "pmed38.txt")
    medians = pmed.interchange(dist, p)
    assert row.value == float(dist[:, medians].min(axis=1).sum())
    assert " overruns=0 " in capsys.readouterr().out.splitlines()[-1]
