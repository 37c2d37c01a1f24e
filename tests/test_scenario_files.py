"""Scenario files: ``extends`` (deep merge, paths, cycles), ``validate``, the shipped set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geodata.errors import InputError
from optimizer.cli import main
from optimizer.scenario.inheritance import deep_merge
from optimizer.scenario.schema import load_scenario, pending_settings

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


def issues_of(path: Path) -> str:
    with pytest.raises(InputError) as info:
        load_scenario(path)
    return str(info.value)


def test_deep_merge_merges_mappings_and_replaces_the_rest():
    base = {"a": {"b": 1, "c": [1, 2], "d": {"e": 1}}, "f": 1}
    change = {"a": {"c": [3], "d": {"g": 2}}, "f": None}
    assert deep_merge(base, change) == {"a": {"b": 1, "c": [3], "d": {"e": 1, "g": 2}}, "f": None}
    assert base["a"]["c"] == [1, 2]  # nothing modified in place


def test_a_child_changes_a_few_keys_and_inherits_the_rest(tiny_dir):
    (tiny_dir / "child.yaml").write_text(
        "extends: scenario.yaml\nname: child\npolicy:\n  bands:\n    p13: {one_way_min: 20}\n"
    )
    child, parent = (
        load_scenario(tiny_dir / "child.yaml"),
        load_scenario(tiny_dir / "scenario.yaml"),
    )
    assert child.name == "child" and child.solver.seed == 7  # seed from the parent
    assert child.policy.bands["p13"].one_way_min == 20
    assert child.policy.bands["p13"].walk_km == parent.policy.bands["p13"].walk_km
    assert child.region_files() == parent.region_files()
    assert [p.name for p in child.sources] == ["child.yaml", "scenario.yaml"]


def test_region_paths_resolve_relative_to_the_file_that_declared_them(tiny_dir):
    sub = tiny_dir / "variants" / "deep"
    sub.mkdir(parents=True)
    (sub / "villages.csv").write_text((tiny_dir / "villages.csv").read_text())
    (sub / "child.yaml").write_text(
        "extends: ../../scenario.yaml\nname: deep\nregion:\n  villages: villages.csv\n"
    )
    files = load_scenario(sub / "child.yaml").region_files()
    assert files.roads == (tiny_dir / "roads.osm").resolve()  # declared by the parent
    assert files.villages.path == (sub / "villages.csv").resolve()  # declared by the child
    assert load_scenario(sub / "child.yaml").region.roads == "../../roads.osm"


def test_a_cycle_is_named_in_full(tiny_dir):
    (tiny_dir / "a.yaml").write_text("extends: b.yaml\nname: a\n")
    (tiny_dir / "b.yaml").write_text("extends: a.yaml\nname: b\n")
    text = issues_of(tiny_dir / "a.yaml")
    assert "b.yaml: extends: value: expected a chain of scenario files without a cycle" in text
    assert "the cycle a.yaml -> b.yaml -> a.yaml" in text
    (tiny_dir / "self.yaml").write_text("extends: self.yaml\nname: s\n")
    assert "the cycle self.yaml -> self.yaml" in issues_of(tiny_dir / "self.yaml")


def test_a_missing_parent_names_the_child_and_the_key(tiny_dir):
    (tiny_dir / "child.yaml").write_text("extends: nowhere.yaml\nname: c\n")
    text = issues_of(tiny_dir / "child.yaml")
    assert "child.yaml: extends: value: expected the path of an existing scenario file" in text
    assert "nowhere.yaml" in text


def test_a_problem_is_reported_in_the_file_that_declared_it(tiny_dir):
    (tiny_dir / "parent.yaml").write_text(
        (tiny_dir / "scenario.yaml").read_text() + "output:\n  language: fr\n"
    )
    (tiny_dir / "child.yaml").write_text(
        "extends: parent.yaml\nname: c\npolicy:\n  bus: {seats: -3}\n"
    )
    text = issues_of(tiny_dir / "child.yaml")
    assert "child.yaml: policy.bus.seats: value: expected a number greater than 0" in text
    assert "parent.yaml: output.language: value: expected 'en' or 'zh'" in text


def test_a_band_given_in_part_takes_the_rest_from_its_default(tiny_dir):
    path = tiny_dir / "scenario.yaml"
    text = path.read_text().replace('  bell: "08:00"\n', "  bands:\n    p46: {walk_km: 2}\n")
    path.write_text(text)
    bands = load_scenario(path).policy.bands
    assert (bands["p46"].one_way_min, bands["p46"].walk_km) == (45, 2)
    assert list(bands) == ["k", "p13", "p46", "j79"]


def test_validate_says_ok_or_lists_every_problem_at_once(tiny_dir, capsys):
    assert main(["validate", str(tiny_dir / "scenario.yaml")]) == 0
    assert capsys.readouterr().out.startswith("ok: tiny")
    path = tiny_dir / "scenario.yaml"
    path.write_text(
        path.read_text().replace("villages.csv", "missing.csv") + "output: {language: fr}\n"
    )
    (tiny_dir / "schools.csv").write_text(
        (tiny_dir / "schools.csv").read_text().replace(",primary,100,", ",college,100,")
    )
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "3 problem(s)" in err
    assert "output.language: value: expected 'en' or 'zh'" in err
    assert "missing.csv: -: file: expected an existing file; found no such file" in err
    assert "schools.csv: row 2 (id P1): level: expected one of kindergarten" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_scenario_validates(path, capsys, tmp_path_factory):
    cache = tmp_path_factory.getbasetemp() / "validate-cache"  # the demo region, read once
    assert main(["validate", str(path), "--cache", str(cache)]) == 0, capsys.readouterr().err
    if path.name != "demo.yaml":
        assert [p.name for p in load_scenario(path).sources] == [path.name, "demo.yaml"]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_policies_run_on_the_tiny_region_or_are_refused_clearly(path, tiny_dir, capsys):
    """Each shipped policy, on the tiny region (the demo takes minutes per run)."""
    child = tiny_dir / "child.yaml"
    child.write_text(
        f"extends: {path}\nregion:\n  roads: roads.osm\n  villages: villages.csv\n"
        "  schools: schools.csv\n  depots: null\n"
    )
    code = main(["run", str(child), "--out", str(tiny_dir / "out")])
    err = capsys.readouterr().err
    if pending_settings(load_scenario(child)):
        assert code == 2 and "does not honour" in err and "Traceback" not in err
    elif load_scenario(child).decisions:  # the planner's decisions name demo schools
        assert code == 2 and "school id: expected a school of the region" in err
        assert "Traceback" not in err
    else:
        assert code == 0, err
        plan = json.loads((tiny_dir / "out" / "plan.json").read_text())
        if path.stem == "keep_all":
            assert plan["kpis"]["schools_closed"] == 0
        if path.stem == "no_new_buses":
            assert plan["routes"] == [] and plan["kpis"]["pupils_newly_bused"] == 0
