"""scenarios/teaching_points.yaml: a school kept as a teaching point, end to end.

The demo with ``min_enrolment: 200``: the closure model keeps small primary schools it
cannot close as teaching points. The plan must pass the verifier, and each teaching
point must show as one in plan.json, the tables, the GeoPackage, the map and the
report, in English and in Chinese.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyogrio
import pytest

from geodata.region import load_region
from optimizer import verify
from optimizer.outputs.compare import load_plan
from optimizer.outputs.folder import write_outputs
from optimizer.outputs.labels import labels
from optimizer.plan import Role, Status
from optimizer.planning.flow import make_plan
from optimizer.scenario.schema import load_scenario

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "teaching_points.yaml"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The scenario planned once, verified, and written in both languages."""
    scenario = load_scenario(SCENARIO)
    region = load_region(scenario.region_files(), speeds=scenario.policy.speeds.model())
    plan, problem = make_plan(scenario, region)
    tmp = tmp_path_factory.mktemp("teaching_points")
    folders = {}
    for language in ("en", "zh"):
        folders[language] = tmp / language
        write_outputs(plan, folders[language], language=language)
    return plan, verify(plan, problem), folders


def test_the_plan_keeps_a_teaching_point_and_passes_the_verifier(written):
    plan, violations, _ = written
    assert violations == []
    points = [s for s in plan.schools if s.status is Status.TEACHING_POINT]
    assert points and all(s.level == "primary" for s in points)
    assert "P11" in {s.id for s in points}
    p11 = next(s for s in points if s.id == "P11")
    assert sum(p11.enrolment_after.values()) > 0
    assert p11.class_norm == 30  # the teaching-point class norm of the demo's rules


@pytest.mark.parametrize("language", ["en", "zh"])
def test_teaching_points_show_in_every_output(written, language):
    plan, _, folders = written
    out = folders[language]
    points = sorted(s.id for s in plan.schools if s.status is Status.TEACHING_POINT)
    back = load_plan(out / "plan.json")
    assert sorted(s.id for s in back.schools if s.status is Status.TEACHING_POINT) == points
    with open(out / "schools.csv", encoding="utf-8-sig", newline="") as f:
        rows = {r["school"]: r for r in csv.DictReader(f)}
    for sid in points:
        assert rows[sid]["status"] == "teaching_point" and rows[sid]["role"] == "teaching_point"
    layer = pyogrio.read_dataframe(out / "plan.gpkg", layer="schools")
    assert sorted(layer.loc[layer["status"] == "teaching_point", "school"]) == points
    word = labels(language)[f"role.{Role.TEACHING_POINT}"]
    status = labels(language)["status"]
    page = (out / "map.html").read_text(encoding="utf-8")
    names = {s.id: s.name for s in plan.schools}
    for sid in points:
        head = re.escape(f"<b>{names[sid]}</b> ({sid})")
        popup = re.search(head + r"(?: · [^<]*)?<br>[^<]*<br>([^<]*)<", page)  # its town
        assert popup and popup.group(1) == f"{status}: {word}", sid
    assert labels(language)["legend.teaching_point"] in page
    report = (out / "report.html").read_text(encoding="utf-8")
    for sid in points:
        row = re.search(re.escape(f"({sid})</td><td>") + r"[^<]*</td><td>([^<]*)</td>", report)
        assert row and row.group(1) == word, sid


def test_a_teaching_point_keeps_its_own_pupils_in_its_own_rooms(written):
    """At the teaching-point norm (30) some kept schools' own pupils need more classes
    than they have rooms; a school kept small never has to build to keep them (the
    closure model and the verifier count today's classes at that norm)."""
    plan, violations, _ = written
    scenario = load_scenario(SCENARIO)
    region = load_region(scenario.region_files(), speeds=scenario.policy.speeds.model())
    from optimizer.planning.flow import scenario_problem

    problem = scenario_problem(scenario, region)
    index = {sid: s for s, sid in enumerate(problem.school_ids)}
    points = [s for s in plan.schools if s.status is Status.TEACHING_POINT]
    tight = [
        s.id
        for s in points
        if problem.room_limit(index[s.id], teaching_point=True) > problem.room_limit(index[s.id])
    ]
    assert tight, "no teaching point whose own pupils need more rooms at the norm of 30"
    assert all(s.investment.get("classrooms", 0) == 0 for s in points)
    assert violations == []
    # Those classes are for its own pupils: such a teaching point takes no more than today.
    for s in points:
        if s.id in tight:
            assert sum(s.enrolment_after.values()) <= problem.today_pupils(index[s.id]), s.id
    # The verifier holds the same rule: one pupil more is a broken rule.
    from optimizer.verification.school_sizes import _check_rooms_or_capacity

    school = next(s for s in points if s.id == tight[0])
    more = {b: n for b, n in school.enrolment_after.items() if n}
    out: list = []
    _check_rooms_or_capacity(problem, index[school.id], school, more, True, out)
    assert out == []
    first = next(iter(more))
    more[first] += problem.today_pupils(index[school.id]) - sum(more.values()) + 1
    _check_rooms_or_capacity(problem, index[school.id], school, more, True, out)
    assert [v.rule for v in out][:1] == ["teaching point"], out
    # The plan was priced with the routes' own bus cost (the default), not the first estimate.
    money = plan.kpis["money"]
    assert (money["bus_fill"], money["route_km_factor"]) != (1.0, 1.0)
