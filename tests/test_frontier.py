"""``schoolplan frontier``: the tiny region planned under a cap of 0, 1, 2 closures."""

from __future__ import annotations

import base64
import csv
import re

import pytest

from optimizer import verify
from optimizer.cli import main
from optimizer.plan import Plan
from optimizer.planning.flow import scenario_problem
from optimizer.scenario.schema import load_scenario
from optimizer.sweep.frontier import FrontierRow, cap_variants, with_steps
from optimizer.sweep.frontier_view import frontier_rows, label_groups
from optimizer.sweep.result import VariantResult, VariantStatus

#: A third, small primary school with its own village: the unconstrained plan closes it
#: and Small school P1 (made dearer to run, so that both closures pay at the routes'
#: bus cost), so the frontier has caps 0, 1 and 2.
HILL_VILLAGE = "D,Dvillage,118.0500000,36.0000000,0,12,8,0,,P3,\n"
HILL_SCHOOL = "P3,Hill school,118.0500000,36.0000000,primary,100,true,false,900000\n"


@pytest.fixture(scope="module")
def frontier(tmp_path_factory):
    """The frontier of the tiny region with the hill school, written twice serially."""
    from tests.conftest import write_tiny_region

    tmp = write_tiny_region(tmp_path_factory.mktemp("frontier"))
    with (tmp / "villages.csv").open("a", encoding="utf-8") as fh:
        fh.write(HILL_VILLAGE)
    schools = tmp / "schools.csv"  # P1 runs at 1,200,000 a year: its closure pays beside P3's
    schools.write_text(schools.read_text().replace(",900000\nP2", ",1200000\nP2") + HILL_SCHOOL)
    args = ["frontier", str(tmp / "scenario.yaml"), "--cache", str(tmp / "c"), "--workers", "0"]
    codes = [main([*args, "--out", str(tmp / "out")]), main([*args, "--out", str(tmp / "again")])]
    return tmp, codes


def _table(folder):
    with (folder / "frontier.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_closures_rise_by_at_most_one_per_cap_up_to_the_unconstrained_plan(frontier):
    tmp, codes = frontier
    assert codes == [0, 0]
    rows = _table(tmp / "out")
    assert [r["cap"] for r in rows] == ["0", "1", "2"]
    assert [r["status"] for r in rows] == ["ok"] * 3
    closures = [int(r["closures"]) for r in rows]
    assert closures == [0, 1, 2]  # the last row is the plan without a cap: it closes two
    assert all(int(r["closures"]) <= int(r["cap"]) for r in rows)
    assert all(b - a <= 1 for a, b in zip(closures, closures[1:]))
    previous: set[str] = set()
    for row in rows:
        closed = set(row["closed"].split())
        assert set(row["adds"].split()) == closed - previous
        assert set(row["reopens"].split()) == previous - closed
        previous = closed
    assert [r["step"] for r in rows] == ["all kept", f"+{rows[1]['adds']}", f"+{rows[2]['adds']}"]
    assert set(rows[2]["closed"].split()) == {"P1", "P3"}


def test_each_row_is_a_verified_plan_whose_numbers_the_table_repeats(frontier):
    tmp, _ = frontier
    base = load_scenario(tmp / "scenario.yaml")
    rows = _table(tmp / "out")
    zero_min = None
    for row, variant in zip(rows, cap_variants(base, [int(r["cap"]) for r in rows])):
        plan = Plan.from_json((tmp / "out" / row["folder"] / "plan.json").read_text())
        region = variant.scenario.load_region(cache_dir=tmp / "c")
        assert verify(plan, scenario_problem(variant.scenario, region)) == []
        assert sorted(plan.kpis["closed_ids"]) == row["closed"].split()
        money = plan.kpis["money"]
        assert row["net_annual_saving_yuan"] == f"{money['net_annual_saving']:.0f}"
        assert row["annual_cost_yuan"] == f"{money['annual_cost']:.0f}"
        assert row["longest_daily_journey_min"] == f"{plan.kpis['longest_journey_s'] / 60:.1f}"
        daily = round(sum(a.pupils * a.time_s for a in plan.assignments if a.mode != "board") / 60)
        assert int(row["daily_pupil_min"]) == daily
        zero_min = daily if zero_min is None else zero_min
        assert int(row["added_pupil_min_per_day"]) == daily - zero_min
    assert rows[0]["net_annual_saving_yuan"] == "0"


def test_the_files_are_written_read_back_and_the_same_bytes_again(frontier):
    tmp, _ = frontier
    out, again = tmp / "out", tmp / "again"
    assert sorted(p.name for p in out.iterdir()) == [
        "frontier.csv",
        "frontier.html",
        "frontier.png",
        "plans",
    ]
    assert sorted(p.name for p in (out / "plans").iterdir()) == ["cap00", "cap01", "cap02"]
    png = (out / "frontier.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    page = (out / "frontier.html").read_text(encoding="utf-8")
    inlined = re.search(r'src="data:image/png;base64,([^"]+)"', page)
    assert inlined and base64.b64decode(inlined.group(1)) == png
    for row in _table(out):
        assert f'<a href="{row["folder"]}/report.html">' in page
        assert (out / row["folder"] / "report.html").is_file()
    assert "None: every cap has a plan." in page
    for name in ("frontier.csv", "frontier.png", "frontier.html"):
        assert (out / name).read_bytes() == (again / name).read_bytes()
    # a folder the frontier wrote may be written again; the old one is replaced whole
    code = main(["frontier", str(tmp / "scenario.yaml"), "--out", str(again), "--workers", "0"])
    assert code == 0
    assert (again / "frontier.csv").read_bytes() == (out / "frontier.csv").read_bytes()


def test_a_cap_without_a_plan_is_a_row_with_its_reason():
    def ok(closed, cost):
        kpis = {"schools_closed": len(closed), "closed_ids": closed, "longest_journey_s": 600}
        kpis["money"] = {"net_annual_saving": 5, "capital": 0}
        return VariantResult("x", VariantStatus.OK, kpis=kpis, annual_cost=cost)

    reason = "villages V1 (p13) have no school within 30 min"
    rows = with_steps(
        [
            FrontierRow(0, ok([], 3e6), daily_pupil_min=100, folder="plans/cap00"),
            FrontierRow(1, VariantResult("cap01", VariantStatus.INFEASIBLE, reason)),
            FrontierRow(2, ok(["P3", "P1"], 2e6), ("P1", "P3"), daily_pupil_min=160),
        ]
    )
    table = frontier_rows(rows)
    assert table[1]["status"] == "infeasible" and table[1]["message"] == reason
    assert table[1]["closures"] == "" and table[1]["annual_cost_yuan"] == ""
    # the step after the gap is counted against the last cap with a plan
    assert table[2]["adds"] == "P1 P3" and table[2]["step"] == "+P1 +P3"
    assert table[2]["added_pupil_min_per_day"] == "60"


def test_a_bad_scenario_writes_nothing(tiny_dir, capsys):
    text = (tiny_dir / "scenario.yaml").read_text()
    policy = "policy:\n  closures:\n    max_closures: -1\n"
    (tiny_dir / "scenario.yaml").write_text(text.replace("policy:\n", policy))
    out = tiny_dir / "front"
    assert main(["frontier", str(tiny_dir / "scenario.yaml"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "max_closures" in err and "Traceback" not in err
    assert not out.exists()


def test_labels_of_points_drawn_on_top_of_one_another_are_joined():
    pts = [("0: all kept", 51.4, 161.0), ("8: +P13", 51.4, 159.73), ("19: +P22", 51.4, 159.75)]
    groups = label_groups([*pts, ("4: +K19", 51.4, 160.3)])
    assert groups == [
        ("0: all kept", 51.4, 161.0),
        ("4: +K19", 51.4, 160.3),
        ("19: +P22, 8: +P13", 51.4, 159.75),
    ]


def test_a_scenario_without_a_plan_is_one_row_with_its_reason(tmp_path, capsys):
    from tests.conftest import SCENARIO_YAML, write_tiny_region

    scenario = SCENARIO_YAML.replace("policy:\n", "policy:\n  bands:\n    p13: {one_way_min: 1}\n")
    write_tiny_region(tmp_path, scenario)
    out = tmp_path / "out"
    assert (
        main(["frontier", str(tmp_path / "scenario.yaml"), "--out", str(out), "--workers", "0"])
        == 0
    )
    (row,) = _table(out)
    assert (row["cap"], row["closures"], row["status"]) == ("", "", "infeasible")
    assert "village C band p13 (30 pupils)" in row["message"]
    page = (out / "frontier.html").read_text(encoding="utf-8")
    assert "<b>cap none</b>: infeasible: no plan meets every rule" in page
    assert sorted(p.name for p in out.iterdir()) == [
        "frontier.csv",
        "frontier.html",
        "frontier.png",
    ]
    assert "no cap: infeasible" in capsys.readouterr().err
