"""The fleet: runs of staggered bells chained onto one bus (optimizer.buses.fleet)."""

from __future__ import annotations

import dataclasses

import pytest

from geodata.region import load_region
from optimizer import verify
from optimizer.planning.flow import make_plan
from optimizer.scenario.schema import load_scenario
from tests.conftest import write_tiny_region
from tests.test_bells import SCHOOLS_CSV, VILLAGES


def _plan(folder, schools_csv: str):
    write_tiny_region(folder)
    (folder / "villages.csv").write_text(VILLAGES, encoding="utf-8")
    (folder / "schools.csv").write_text(schools_csv, encoding="utf-8")
    scenario = load_scenario(folder / "scenario.yaml")
    return make_plan(scenario, load_region(scenario.region_files()))


@pytest.fixture(scope="module")
def staggered(tmp_path_factory):
    return _plan(tmp_path_factory.mktemp("staggered"), SCHOOLS_CSV)


def test_one_bus_does_the_early_and_the_late_run(staggered):
    plan, problem = staggered
    early, late = sorted(plan.routes, key=lambda r: r.arrive_school_s)
    assert (early.school, late.school) == ("P1", "P2")
    # Free at P1 after 20 pupils get off (30 s + 3 s each), then P1 -> village B by road.
    free = early.arrive_school_s + 30 + 3 * 20
    assert free + problem.time_s[problem.school_place(0), 1] <= late.stops[0].arrive_s
    (bus,) = plan.buses
    assert bus.routes == (early.id, late.id) and bus.start == early.start
    assert bus.empty_between_s == problem.time_s[problem.school_place(0), 1]
    assert plan.kpis["buses"] == 1 and plan.kpis["runs"] == 2
    assert plan.kpis["buses_by_type"] == {bus.bus_type: 1}
    assert verify(plan, problem) == []


def test_the_same_bell_needs_a_bus_per_run(tmp_path):
    plan, problem = _plan(tmp_path, SCHOOLS_CSV.replace("07:30", "08:00").replace("8:15", "08:00"))
    assert len(plan.routes) == 2 and len(plan.buses) == 2
    assert plan.kpis["buses"] == 2
    assert verify(plan, problem) == []


def test_the_verifier_catches_a_bus_that_cannot_make_its_next_run(staggered):
    plan, problem = staggered
    (bus,) = plan.buses
    backwards = dataclasses.replace(bus, routes=bus.routes[::-1], start=plan.routes[1].start)
    found = verify(dataclasses.replace(plan, buses=(backwards,)), problem)
    assert [v.rule for v in found] == ["bus"] and bus.id == found[0].subject
    twice = dataclasses.replace(plan, buses=(bus, dataclasses.replace(bus, id="B002")))
    assert {v.rule for v in verify(twice, problem)} == {"bus"}


def test_the_fleet_reads_back_from_plan_json(staggered):
    plan, _ = staggered
    from optimizer.plan import Plan

    assert Plan.from_json(plan.to_json()) == plan


def test_route_sheets_name_the_bus_and_where_it_comes_from(staggered):
    from optimizer.outputs.report import render_report
    from optimizer.outputs.route_sheets import render_route_sheets

    plan, _ = staggered
    early, late = sorted(plan.routes, key=lambda r: r.arrive_school_s)
    sheets = render_route_sheets(plan)
    assert "bus B001, run 1 of 2" in sheets and "bus B001, run 2 of 2" in sheets
    assert "Comes on from P1" in sheets
    html = render_report(plan)
    assert "Buses (the fleet" in html and "Bus runs (routes)" in html


def test_the_staggered_bells_scenario_needs_fewer_buses_than_runs(tmp_path):
    """The shipped scenario: junior and nine-year schools at 07:30, primary at 08:20."""
    from tests.conftest import ROOT

    scenario = load_scenario(ROOT / "scenarios" / "staggered_bells.yaml")
    plan, problem = make_plan(scenario, scenario.load_region(cache_dir=tmp_path / "cache"))
    assert plan.kpis["runs"] == len(plan.routes)
    assert plan.kpis["buses"] < plan.kpis["runs"]
    assert any(len(b.routes) > 1 for b in plan.buses)
    assert verify(plan, problem) == []
