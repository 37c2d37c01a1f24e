"""manifest.json in every output folder; progress on a terminal only."""

from __future__ import annotations

import hashlib
import io
import json

from optimizer.cli import main
from optimizer.outputs.progress import Progress, wanted


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_manifest_records_inputs_scenario_versions_seed_and_status(tiny_dir):
    out = tiny_dir / "out"
    assert main(["run", str(tiny_dir / "scenario.yaml"), "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    inputs = {i["role"]: i for i in manifest["inputs"]}
    assert set(inputs) == {"scenario", "roads", "villages", "schools"}
    for role, name in [("scenario", "scenario.yaml"), ("roads", "roads.osm")]:
        assert inputs[role]["path"] == name
        assert inputs[role]["sha256"] == sha(tiny_dir / name)
    assert manifest["scenario"]["policy"]["bands"]["p13"] == {
        "one_way_min": 30.0,
        "walk_km": 1.5,
        "walk_to_stop_m": None,
    }
    assert manifest["seed"] == 7 and manifest["status"] == "OPTIMAL"
    assert [r["stage"] for r in manifest["solver"]][0] == "closures"
    assert "schoolplan" in manifest["packages"]  # "not installed" when run from a checkout
    for package in ("ortools", "pyvrp", "osmnx", "numpy"):
        assert manifest["packages"][package] != "not installed"
    assert manifest["outputs"]["plan.json"] == sha(out / "plan.json")
    again = tiny_dir / "again"
    assert main(["run", str(tiny_dir / "scenario.yaml"), "--out", str(again)]) == 0
    assert (again / "manifest.json").read_bytes() == (out / "manifest.json").read_bytes()


def test_the_manifest_lists_the_files_a_scenario_extends(tiny_dir):
    (tiny_dir / "child.yaml").write_text("extends: scenario.yaml\nname: child\n")
    assert main(["run", str(tiny_dir / "child.yaml"), "--out", str(tiny_dir / "out")]) == 0
    manifest = json.loads((tiny_dir / "out" / "manifest.json").read_text())
    roles = [(i["role"], i["path"]) for i in manifest["inputs"]][:2]
    assert roles == [("scenario", "child.yaml"), ("extends", "scenario.yaml")]


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_outside_ci():
    assert wanted(Tty(), {}) and not wanted(io.StringIO(), {})
    assert not wanted(Tty(), {"CI": "true"}) and not wanted(Tty(), {"TERM": "dumb"})
    assert wanted(Tty(), {"CI": "0"})


def test_a_step_shows_its_label_and_time_or_nothing():
    shown = Tty()
    with Progress(shown, enabled=True, tick_s=0.01).step("loading region"):
        pass
    assert shown.getvalue().startswith("\rloading region ... ")
    assert shown.getvalue().endswith(" s\x1b[K\n")
    quiet = io.StringIO()
    with Progress(quiet).step("loading region"):
        pass
    assert quiet.getvalue() == ""
