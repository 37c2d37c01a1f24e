"""Multi-year plans on the tiny region: closed stays closed, nobody moves twice."""

from __future__ import annotations

import csv
import dataclasses
import json

from geodata.region import load_region
from optimizer import verify
from optimizer.cli import main
from optimizer.planning.accounts import phased_money
from optimizer.planning.timeline import plan_timeline, timeline_rows
from optimizer.scenario.schema import load_scenario


def _with_junior_school(tiny_dir):
    """Projected years move pupils into grades 7-9: the tiny county gets a junior school."""
    schools = tiny_dir / "schools.csv"  # P1 at 1,500,000 a year: its closure pays every year
    text = schools.read_text().replace(",900000\nP2", ",1500000\nP2")
    schools.write_text(
        text + "J1,Junior school,118.0900000,36.0000000,junior,500,false,true,1000000\n"
    )


def test_two_years_keep_the_closure_and_the_buses(tiny_dir):
    _with_junior_school(tiny_dir)
    scenario = load_scenario(tiny_dir / "scenario.yaml")
    scenario = scenario.model_copy(
        update={"policy": scenario.policy.model_copy(update={"timeline_years": 2})}
    )
    years = plan_timeline(scenario, load_region(scenario.region_files()))
    assert [y.year for y in years] == [1, 2]
    for y in years:
        assert verify(y.plan, y.problem) == []
        assert [s.status for s in y.plan.schools] == ["closed", "kept", "kept"]
        # Moved since the base year: still on the school bus, still counted as moved.
        modes = {(a.village, a.band): (a.mode, a.moved) for a in y.plan.assignments}
        assert modes[("A", "p13")] == ("bus", True)
    second = years[1]
    # P1 may not come back, and P2, which received the moved pupils, stays.
    assert second.problem.closed.tolist() == [True, False, False]
    reopened = dataclasses.replace(
        second.plan,
        schools=tuple(dataclasses.replace(s, status="kept") for s in second.plan.schools),
    )
    assert "closed" in {v.rule for v in verify(reopened, second.problem)}


def test_the_cli_writes_a_folder_per_year_and_the_timeline(tiny_dir, capsys):
    _with_junior_school(tiny_dir)
    path = tiny_dir / "scenario.yaml"
    path.write_text(path.read_text().replace('bell: "08:00"', 'bell: "08:00"\n  timeline_years: 2'))
    out = tiny_dir / "out"
    assert main(["run", str(path), "--out", str(out)]) == 0
    names = ["timeline.csv", "timeline.html", "year+1", "year+2"]
    assert sorted(p.name for p in out.iterdir()) == names
    page = (out / "timeline.html").read_text()
    assert 'href="year+2/map.html"' in page and "http" not in page
    assert (out / "year+2" / "manifest.json").is_file()
    plan = json.loads((out / "year+1" / "plan.json").read_text())
    assert plan["kpis"]["years_ahead"] == 1
    rows = list(csv.DictReader((out / "timeline.csv").open()))
    assert {"year": "1", "event": "close", "school": "P1"}.items() <= next(
        r for r in rows if r["event"] == "close"
    ).items()
    builds = [r for r in rows if r["event"] == "build"]
    assert builds and all(int(r["year"]) < 2 for r in builds)  # built before the year needs it
    assert "(year +1)" in capsys.readouterr().out
    # Each year's report has the timeline and links the other years; its map links them.
    report = (out / "year+1" / "report.html").read_text()
    assert "Timeline" in report and 'href="../year+2/report.html"' in report
    assert "<b>year +1</b>" in report and "close" in report
    assert 'href="../year+1/map.html"' in (out / "year+2" / "map.html").read_text()


def test_each_phase_builds_the_calendar_year_before_its_closures(tiny_dir):
    """Capital by year across the timeline: every phase's building and new buses in
    the year before its closures (policy.money.closure_year), adding up to capital by
    item; a bus bought in year +1 is not bought again; payback on the last phase's net."""
    _with_junior_school(tiny_dir)
    scenario = load_scenario(tiny_dir / "scenario.yaml")
    policy = scenario.policy
    scenario = scenario.model_copy(
        update={
            "policy": policy.model_copy(
                update={
                    "timeline_years": 2,
                    "money": policy.money.model_copy(
                        update={"closure_year": 2030, "teachers_saved": True}
                    ),
                }
            )
        }
    )
    years = plan_timeline(scenario, load_region(scenario.region_files()))
    first, second = (y.plan.kpis["money"] for y in years)
    assert [y.problem.money.closure_year for y in years] == [2030, 2031]
    # Year +1 closes P1 in 2030: the canteen seats and the two buses are bought in 2029.
    assert first["capital_by_year"] == {"2029": first["capital"]}
    assert first["capital_by_item"]["canteen_seats"] > 0
    assert first["capital_by_item"]["buses"] == 2 * 450_000
    # Year +2 runs the same buses (bought once) and adds two canteen seats in 2030.
    assert len(years[1].plan.buses) == len(years[0].plan.buses) == 2
    assert second["capital_by_item"] == {
        "classrooms": 0,
        "canteen_seats": 2 * 4_000,
        "boarding_beds": 0,
        "buses": 0,
    }
    assert second["capital_by_year"] == {"2030": 8_000}
    total = phased_money([first, second])
    assert sum(total["capital_by_year"].values()) == sum(total["capital_by_item"].values())
    assert total["capital"] == first["capital"] + second["capital"]
    assert total["net_annual_saving"] == second["net_annual_saving"]
    assert total["capital_by_year"] == {"2029": first["capital"], "2030": 8_000}
    assert second["net_annual_saving"] > 0
    assert total["payback_years"] == round(total["capital"] / second["net_annual_saving"], 1)
    rows = timeline_rows(years)
    capital_rows = [r for r in rows if r["event"] == "capital"]
    assert [r["year"] for r in capital_rows] == [0, 1]  # years after the base year
    assert f"{first['capital']:,} yuan in 2029" in capital_rows[0]["detail"]
    (payback,) = [r for r in rows if r["event"] == "payback"]
    assert payback["year"] == 2 and f"{total['payback_years']} years" in payback["detail"]
