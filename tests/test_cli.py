"""The command line: outputs written whole, the same bytes twice, clear errors."""

from __future__ import annotations

import json

from optimizer.cli import main
from tests.test_output_files import FILES

EXPECTED = sorted([*FILES, "manifest.json"])


def test_run_writes_every_output_and_the_same_plan_twice(tiny_dir, capsys):
    out_a, out_b = tiny_dir / "a", tiny_dir / "b"
    assert main(["run", str(tiny_dir / "scenario.yaml"), "--out", str(out_a)]) == 0
    assert main(["run", str(tiny_dir / "scenario.yaml"), "--out", str(out_b)]) == 0
    printed = capsys.readouterr().out
    assert "schools closed      1 of 2" in printed and "buses               1" in printed
    assert sorted(p.name for p in out_a.iterdir()) == EXPECTED
    assert (out_a / "plan.json").read_bytes() == (out_b / "plan.json").read_bytes()
    assert (out_a / "map.html").read_bytes() == (out_b / "map.html").read_bytes()
    plan = json.loads((out_a / "plan.json").read_text())
    assert plan["kpis"]["closed_ids"] == ["P1"]
    assert plan["solver"][0]["settings"]["deterministic_time"] == 60.0


def test_rerun_replaces_the_folder_and_leaves_no_temporaries(tiny_dir):
    out = tiny_dir / "out"
    assert main(["run", str(tiny_dir / "scenario.yaml"), "--out", str(out)]) == 0
    (out / "plan.json").write_text("from an earlier run")
    assert main(["run", str(tiny_dir / "scenario.yaml"), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == EXPECTED
    assert (out / "plan.json").read_text().startswith("{")
    assert [p.name for p in tiny_dir.iterdir() if p.name.startswith(".")] == []


def test_bad_input_exits_2_with_the_row_and_field(tiny_dir, capsys):
    text = (tiny_dir / "schools.csv").read_text().replace(",primary,100,", ",college,100,")
    (tiny_dir / "schools.csv").write_text(text)
    out = tiny_dir / "out"
    assert main(["run", str(tiny_dir / "scenario.yaml"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "schools.csv: row 2 (id P1): level: expected one of kindergarten" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_unknown_scenario_key(tiny_dir, capsys):
    path = tiny_dir / "scenario.yaml"
    path.write_text(path.read_text() + "polcy: {}\n")
    assert main(["run", str(path), "--out", str(tiny_dir / "out")]) == 2
    assert "polcy: value: expected one of the keys name, description, region, policy" in (
        capsys.readouterr().err
    )


def test_infeasible_limit_is_explained(tiny_dir, capsys):
    path = tiny_dir / "scenario.yaml"
    path.write_text(
        path.read_text().replace(
            'bell: "08:00"', 'bell: "08:00"\n  bands:\n    p13: {one_way_min: 1, walk_km: 0}'
        )
    )
    assert main(["run", str(path), "--out", str(tiny_dir / "out")]) == 2
    err = capsys.readouterr().err
    assert (
        "village C band p13 (30 pupils): no school within the 1-minute one-way limit; "
        "the nearest, P2, is 3.6 min away brought by a guardian (as today) (a limit of 4 min "
        "would serve it)"
    ) in err  # C's 1,799 m at 30 km/h: today's way, not a bus that does not run


def test_version(capsys):
    try:
        main(["--version"])
    except SystemExit as done:
        assert done.code == 0
    assert capsys.readouterr().out.startswith("schoolplan ")


def test_run_language_overrides_the_scenario(tiny_dir):
    out = tiny_dir / "zh"
    command = ["run", str(tiny_dir / "scenario.yaml"), "--out", str(out), "--language", "zh"]
    assert main(command) == 0
    assert '<html lang="zh">' in (out / "report.html").read_text(encoding="utf-8")
    assert (out / "schools.csv").read_bytes().startswith(b"\xef\xbb\xbf")
