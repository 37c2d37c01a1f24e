"""``schoolplan places``: editable tables from the shipped OSM extracts, planned end to end."""

from __future__ import annotations

import json

import pytest

from geodata.places import SCHOOLS, VILLAGES, read_places
from optimizer.cli import main
from tests.test_real_extracts import AUTAUGA, LIECHTENSTEIN, needs_data


@needs_data
@pytest.mark.parametrize("pbf", [AUTAUGA, LIECHTENSTEIN], ids=["autauga", "liechtenstein"])
def test_places_builds_tables_that_plan_end_to_end(pbf, tmp_path, capsys):
    tables = tmp_path / "tables"
    assert main(["places", str(pbf), "--out", str(tables)]) == 0
    villages = read_places(tables / "villages.csv", VILLAGES)
    schools = read_places(tables / "schools.csv", SCHOOLS)
    assert len(villages) >= 20 and len(schools) >= 5
    # The workbook holds the same tables, sheet by sheet.
    book = read_places(tables / "places.xlsx", VILLAGES, sheet="villages")
    assert list(book["id"]) == list(villages["id"])
    assert list(book["p13"]) == list(villages["p13"])
    raw = (tables / "villages.csv").read_text(encoding="utf-8")
    assert raw.count("k p13 p46 j79 (from ") == len(villages)  # every estimate marked
    readme = (tables / "README.txt").read_text(encoding="utf-8")
    assert "ESTIMATES" in readme
    if pbf == LIECHTENSTEIN:
        assert "'Liechtensteinische Musikschule': not a K-9 school" in readme
        assert "node/4735185131" in (tables / "schools.csv").read_text(encoding="utf-8")
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(
        f"name: {pbf.stem}\nregion:\n  roads: {pbf}\n  villages: tables/villages.csv\n"
        "  schools: tables/schools.csv\n"
        # Autauga's one junior school is over an hour's ride from its farthest hamlets;
        # Liechtenstein's kindergarten children are driven (40 km/h), as in the demo.
        "policy:\n  guardian_kph: 40\n  bands:\n    j79: {one_way_min: 90}\n"
        "solver:\n  seed: 1\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    code = main(["run", str(scenario), "--out", str(tmp_path / "out")])
    assert code == 0, capsys.readouterr().err
    plan = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    assert plan["kpis"]["buses"] >= 0
    with_pupils = villages[villages[["k", "p13", "p46", "j79"]].sum(axis=1) > 0]
    assert {a["village"] for a in plan["assignments"]} == set(with_pupils["id"])
