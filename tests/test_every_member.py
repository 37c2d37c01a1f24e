"""Every member of every enumeration through a plan, the verifier, plan.json, the map
legend and both languages' labels."""

from __future__ import annotations

import dataclasses

import pytest

from geodata.kinds import Band, Hazard, Level, Ownership
from geodata.region import load_region
from optimizer import verify
from optimizer.outputs.compare import load_plan
from optimizer.outputs.folder import write_outputs
from optimizer.outputs.labels import LANGUAGES, labels
from optimizer.outputs.styles import ROLE_FILL, ROLE_LEGEND, ROLE_STROKE
from optimizer.outputs.terms import KINDS, MEMBER_WORDS, name
from optimizer.plan import Mode, Plan, Role, Status, VetoCheck, VetoStatus
from optimizer.planning.flow import make_plan
from optimizer.scenario.schema import load_scenario
from tests.sample_plan import sample_plan

ENUMS = (Band, Level, Ownership, Mode, Status, Role, VetoStatus, Hazard)


def every_member_plan() -> Plan:
    """The sample plan with a school of every level, ownership and status, an assignment
    of every band and mode, and a checklist item of every outcome."""
    plan = sample_plan()
    first, *_ = plan.schools
    schools = tuple(
        dataclasses.replace(
            first,
            id=f"X{i}",
            level=list(Level)[i % len(Level)],
            ownership=list(Ownership)[i % len(Ownership)],
            status=list(Status)[i % len(Status)],
        )
        for i in range(len(Level) * len(Ownership))
    )
    a = plan.assignments[0]
    assignments = tuple(
        dataclasses.replace(a, village=f"W{i}", band=band, mode=mode)
        for i, (band, mode) in enumerate((b, m) for b in Band for m in Mode)
    )
    vetoes = tuple(VetoCheck("X1", "journey", status, "") for status in VetoStatus)
    return dataclasses.replace(
        plan, schools=plan.schools + schools, assignments=assignments, vetoes=vetoes
    )


def test_plan_json_gives_every_member_back(tmp_path):
    plan = every_member_plan()
    (tmp_path / "plan.json").write_text(plan.to_json(), encoding="utf-8")
    back = load_plan(tmp_path)
    assert back == plan and back.to_json() == plan.to_json()
    assert {s.status for s in back.schools} == set(Status)
    pairs = {(s.level, s.ownership) for s in back.schools}
    assert pairs >= {(v, o) for v in Level for o in Ownership}
    assert {(x.band, x.mode) for x in back.assignments} == {(b, m) for b in Band for m in Mode}
    assert {v.status for v in back.vetoes} == set(VetoStatus)
    for s in back.schools:
        assert type(s.status) is Status and type(s.level) is Level
        assert type(s.ownership) is Ownership
        assert all(type(b) is Band for b in s.enrolment_before | s.enrolment_after)
    for x in back.assignments:
        assert type(x.band) is Band and type(x.mode) is Mode
    for stop in (st for r in back.routes for st in r.stops):
        assert all(type(b) is Band for b in stop.boarding)


def test_an_unknown_value_is_refused_when_read():
    plan = sample_plan().to_dict()
    plan["assignments"][0]["mode"] = "taxi"
    with pytest.raises(ValueError, match="'taxi' is not a valid Mode"):
        Plan.from_dict(plan)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_member_has_a_word_in_both_languages(language):
    text = labels(language)
    for kind in ENUMS:
        assert set(MEMBER_WORDS[kind]) == set(kind), kind
        for member in kind:
            assert f"{KINDS[kind]}.{member}" in text and name(text, member), member
    other = labels("zh" if language == "en" else "en")
    assert name(text, Status.TEACHING_POINT) != name(other, Status.TEACHING_POINT)


def test_every_status_and_mode_is_known_to_the_verifier(tiny_dir):
    scenario = load_scenario(tiny_dir / "scenario.yaml")
    plan, problem = make_plan(scenario, load_region(scenario.region_files()))
    assert verify(plan, problem) == []
    for status in Status:
        schools = (dataclasses.replace(plan.schools[0], status=status), *plan.schools[1:])
        rules = {v.rule for v in verify(dataclasses.replace(plan, schools=schools), problem)}
        assert "status" not in rules, status
        if status is not Status.CLOSED:  # P1 open: its assignments are to an open school
            assert "open" not in rules, status
    for mode in Mode:
        assignments = (dataclasses.replace(plan.assignments[0], mode=mode), *plan.assignments[1:])
        broken = verify(dataclasses.replace(plan, assignments=assignments), problem)
        assert not any("unknown" in v.detail for v in broken), mode


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_role_is_in_the_map_legend(tmp_path, language):
    plan = every_member_plan()
    write_outputs(plan, tmp_path / "out", language=language)
    page = (tmp_path / "out" / "map.html").read_text(encoding="utf-8")
    text = labels(language)
    for role in Role:
        assert ROLE_FILL[role] in page and ROLE_STROKE[role] in page, role
        assert text[ROLE_LEGEND[role]] in page, role
