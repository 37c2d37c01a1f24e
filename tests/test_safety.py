"""Nothing lost, nothing silent: Ctrl-C, a damaged cache, a user's file in an output folder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from optimizer.cli import EXIT_INTERRUPTED, main
from optimizer.scenario.schema import load_scenario
from tests.conftest import ROOT, tiny_osm

#: A previous run's folder: its manifest lists its one output.
PREVIOUS = {
    "manifest.json": json.dumps({"schoolplan": "0.1.0", "outputs": {"plan.json": "-"}}),
    "plan.json": '{"previous": true}\n',
}


def _previous_output(out: Path) -> dict[str, bytes]:
    out.mkdir(parents=True)
    for name, text in PREVIOUS.items():
        (out / name).write_text(text, encoding="utf-8")
    return {p.name: p.read_bytes() for p in out.iterdir()}


def test_ctrl_c_during_the_closure_solve_of_the_demo(tmp_path: Path) -> None:
    """SIGINT while HiGHS solves the demo's closures: exit 130 within 5 s, one line,
    the previous output as it was and no temporary left."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    # The demo under the closure policy solves in ~2 s: the test lifts the policy and
    # the closing-pays rows (every school a candidate) for a closure solve of ~30 s.
    heavy = tmp_path / "heavy.yaml"
    heavy.write_text(
        f"extends: {ROOT / 'scenarios' / 'demo.yaml'}\nname: heavy\n"
        "policy:\n  closures: {candidates_only: false, township_keeps: [], "
        "families_together: false, board_only_when_needed: false}\n"
        "  money: {closing_must_pay: false, teachers_saved: true}\n",
        encoding="utf-8",
    )
    load_scenario(heavy).load_region(cache_dir=cache)  # warm
    before = _previous_output(out)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = [sys.executable, "-m", "optimizer.cli", "run", str(heavy)]
    child = subprocess.Popen(
        [*run, "--out", str(out), "--cache", str(cache)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(8)  # the region from the cache in ~2 s; the closure solve takes ~30 s
    assert child.poll() is None, "the run ended before the closure solve was interrupted"
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    took = time.monotonic() - sent
    assert child.returncode == EXIT_INTERRUPTED, err
    assert took < 5, f"Ctrl-C took {took:.1f} s"
    assert [line for line in err.splitlines() if line.strip()] == [
        "schoolplan: interrupted (Ctrl-C); nothing was written and any previous output is as it was"
    ]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "heavy.yaml", "out"]


def test_a_damaged_cache_entry_is_computed_again(tiny_dir: Path, capsys) -> None:
    args = ["run", str(tiny_dir / "scenario.yaml"), "--out", str(tiny_dir / "out")]
    assert main(args) == 0
    (entry,) = (tiny_dir / "cache").iterdir()
    whole = entry.read_bytes()
    entry.write_bytes(whole[: len(whole) // 2])  # a full disk
    capsys.readouterr()
    assert main(args) == 0
    err = capsys.readouterr().err
    assert f"schoolplan: warning: the cache entry {entry} is damaged" in err
    assert "Traceback" not in err
    assert len(entry.read_bytes()) > len(whole) // 2  # written whole again


def test_a_users_file_in_a_previous_run_folder_is_never_deleted(tiny_dir: Path, capsys) -> None:
    out = tiny_dir / "out"
    before = _previous_output(out)
    (out / "my notes.txt").write_text("mine", encoding="utf-8")
    code = main(["run", str(tiny_dir / "scenario.yaml"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "holding only the files its manifest.json lists" in err and "my notes.txt" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {
        **before,
        "my notes.txt": b"mine",
    }


@pytest.mark.parametrize("where", ["inputs", "file"])
def test_compare_out_follows_the_folder_rule(tiny_dir: Path, capsys, monkeypatch, where) -> None:
    plan = tiny_dir / "out" / "plan.json"
    assert main(["run", str(tiny_dir / "scenario.yaml"), "--out", str(tiny_dir / "out")]) == 0
    monkeypatch.chdir(tiny_dir)
    target = "." if where == "inputs" else "villages.csv"
    before = {p.name: p.read_bytes() for p in tiny_dir.iterdir() if p.is_file()}
    capsys.readouterr()
    assert main(["compare", str(plan), str(plan), "--out", target]) == 2
    err = capsys.readouterr().err
    assert err.startswith("schoolplan: bad input\n") and "--out" in err, err
    assert {p.name: p.read_bytes() for p in tiny_dir.iterdir() if p.is_file()} == before


def test_a_posted_speed_of_zero_takes_the_class_default(tiny_dir: Path, capsys) -> None:
    roads = tiny_osm().replace('"80"/><tag k="incline"', '"0"/><tag k="incline"')
    assert roads != tiny_osm()
    (tiny_dir / "roads.osm").write_text(roads, encoding="utf-8")
    assert main(["run", str(tiny_dir / "scenario.yaml"), "--out", str(tiny_dir / "out")]) == 0
    err = capsys.readouterr().err
    assert (
        "schoolplan: warning: OSM speed 0 km/h on a secondary way is not a speed limit; "
        "the class default 60 km/h is used"
    ) in err
