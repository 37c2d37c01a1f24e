"""The closure policy (issue 12) on the tiny region, where each answer is known by hand.

P1 (45 pupils: villages A and B) is small-scale; P2 (60 pupils, village C) is kept.
Each rule is held by the model, re-checked by the verifier, and turned off by its switch.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from geodata.region import load_region
from optimizer import verify
from optimizer.cli import EXIT_BROKEN_RULES, main
from optimizer.plan import Decision, Mode, Status
from optimizer.planning.flow import make_plan, plan_and_check, scenario_problem
from optimizer.problem.data import frozen
from optimizer.scenario.schema import load_scenario
from tests.conftest import SCENARIO_YAML, write_tiny_region


@pytest.fixture
def tiny(tiny_dir):
    scenario = load_scenario(tiny_dir / "scenario.yaml")
    return scenario, load_region(scenario.region_files())


def _closures(scenario, **rules):
    closures = scenario.policy.closures.model_copy(update=rules)
    return scenario.model_copy(
        update={"policy": scenario.policy.model_copy(update={"closures": closures})}
    )


def _status(plan):
    return {s.id: s.status for s in plan.schools}


def test_a_school_of_the_small_scale_size_or_more_is_no_candidate_and_stays(tiny):
    scenario, region = tiny
    plan, problem = make_plan(_closures(scenario, small_school_pupils=40, horizon_years=0), region)
    assert _status(plan)["P1"] == Status.KEPT  # 45 pupils >= 40, not shrinking
    assert verify(plan, problem) == []
    plan, _ = make_plan(
        _closures(scenario, small_school_pupils=40, horizon_years=0, candidates_only=False), region
    )
    assert _status(plan)["P1"] == Status.CLOSED  # the switch: every may_close school


def test_a_listed_school_is_a_candidate(tiny):
    scenario, region = tiny
    plan, problem = make_plan(
        _closures(scenario, small_school_pupils=40, horizon_years=0, listed=["P1"]), region
    )
    assert _status(plan)["P1"] == Status.CLOSED and verify(plan, problem) == []


def test_the_verifier_names_a_closed_school_that_is_no_candidate(tiny):
    scenario, region = tiny
    plan, problem = make_plan(scenario, region)  # P1 closes (45 pupils < 100)
    rules = dataclasses.replace(
        problem.closing, small_school_pupils=40, enrolment_horizon=problem.closing.enrolment_today
    )
    strict = dataclasses.replace(problem, closing=rules)
    assert [(v.rule, v.subject) for v in verify(plan, strict)] == [("closure candidate", "P1")]


def test_a_township_keeps_its_only_primary_school(tiny):
    scenario, region = tiny
    problem = scenario_problem(scenario, region)
    own_town = dataclasses.replace(problem.closing, towns=("Xiang", "Zhen"))
    plan, problem, broken = plan_and_check(
        scenario, region, dataclasses.replace(problem, closing=own_town)
    )
    assert _status(plan)["P1"] == Status.KEPT and broken == []
    # The verifier's own re-check: the plan that closes it breaks the township rule.
    closed, _ = make_plan(scenario, region)
    broken = verify(closed, problem)
    assert [(v.rule, v.subject) for v in broken if v.rule != "town"] == [("township", "Xiang")]
    # The plan was made without towns: its records disagree with these towns, and say so.
    assert {v.subject for v in broken if v.rule == "town"} >= {"P1", "P2"}
    # The switch: no township rule.
    off = dataclasses.replace(own_town, township_keeps=frozenset())
    plan, _, _ = plan_and_check(scenario, region, dataclasses.replace(problem, closing=off))
    assert _status(plan)["P1"] == Status.CLOSED


def test_families_stay_together_unless_switched_off(tiny):
    """P1 kept by the planner but holds only 30: A (20 + 15) and B (10) cannot all stay.
    Together, A (35) goes whole to P2."""
    scenario, region = tiny
    free = scenario.policy.model_copy(update={"move_only_from_closed": False})
    decided = scenario.model_copy(update={"decisions": {"P1": "keep"}, "policy": free})
    problem = scenario_problem(decided, region)
    capacity = problem.capacity.copy()
    capacity[0] = 30
    # Today's 45 must fit too (else P1, over its capacity today, keeps its own pupils).
    rules = dataclasses.replace(problem.school_rules, size_limits_apply_to_unmoved=True)
    problem = dataclasses.replace(problem, capacity=capacity, school_rules=rules)
    plan, _, broken = plan_and_check(decided, region, problem)
    where = {(a.village, a.band): a.school for a in plan.assignments}
    assert where[("A", "p13")] == where[("A", "p46")] == "P2"
    assert broken == []
    # The verifier's own re-check: a plan that splits A breaks the rule, unless switched off.
    split = dataclasses.replace(
        plan,
        assignments=tuple(
            dataclasses.replace(x, school="P1") if (x.village, x.band) == ("A", "p46") else x
            for x in plan.assignments
        ),
    )
    assert ("families", "A") in [(v.rule, v.subject) for v in verify(split, problem)]
    off = dataclasses.replace(
        problem, closing=dataclasses.replace(problem.closing, families_together=False)
    )
    assert ("families", "A") not in [(v.rule, v.subject) for v in verify(split, off)]


def test_the_planners_decisions_are_kept_and_recorded(tiny):
    scenario, region = tiny
    decided = scenario.model_copy(update={"decisions": {"P1": "teaching_point"}})
    plan, problem = make_plan(decided, region)
    p1 = next(s for s in plan.schools if s.id == "P1")
    assert p1.status == Status.TEACHING_POINT and p1.decision == Decision.TEACHING_POINT
    assert plan.kpis["planner_decisions"] == 1 and verify(plan, problem) == []
    keep = scenario.model_copy(update={"decisions": {"P1": "keep"}})
    plan, _ = make_plan(keep, region)
    assert _status(plan)["P1"] == Status.KEPT


def test_no_capital_for_a_school_staying_small_is_named_by_the_verifier(tiny):
    scenario, region = tiny
    plan, problem = make_plan(scenario.model_copy(update={"decisions": {"P1": "keep"}}), region)
    p1 = next(s for s in plan.schools if s.id == "P1")
    built = dataclasses.replace(p1, investment={"classrooms": 2})
    bad = dataclasses.replace(
        plan, schools=tuple(built if s.id == "P1" else s for s in plan.schools)
    )
    assert ("no capital below small", "P1") in [(v.rule, v.subject) for v in verify(bad, problem)]


def test_a_boarder_with_an_open_day_school_is_named(tiny):
    scenario, region = tiny
    plan, problem = make_plan(scenario, region)
    boarded = tuple(
        dataclasses.replace(a, mode=Mode.BOARD) if (a.village, a.band) == ("C", "p46") else a
        for a in plan.assignments
    )
    broken = verify(dataclasses.replace(plan, assignments=boarded), problem)
    assert ("boarding only when needed", "C p46") in [(v.rule, v.subject) for v in broken]
    assert plan.kpis["longest_weekly_trip_s"] == 0 and plan.kpis["weekly_boarders"] == 0


def test_assess_lists_each_broken_rule_and_exits_4(tmp_path, capsys):
    rules = "policy:\n  closures: {small_school_pupils: 40, horizon_years: 0}\n"
    proposal = SCENARIO_YAML.replace("policy:\n", rules) + "decisions:\n  P1: close\n  P2: keep\n"
    (tmp_path / "region").mkdir()
    folder = write_tiny_region(tmp_path / "region", proposal, name="proposal.yaml")
    code = main(["assess", str(folder / "proposal.yaml"), "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == EXIT_BROKEN_RULES == 4
    assert "[closure candidate] P1: closed with 45 pupils today" in out
    rows = (tmp_path / "out" / "broken_rules.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "rule,subject,detail" and rows[1].startswith("closure candidate,P1,")


def test_assess_names_every_school_without_a_decision(tmp_path, capsys):
    (tmp_path / "region").mkdir()
    folder = write_tiny_region(tmp_path / "region", SCENARIO_YAML + "decisions:\n  P1: keep\n")
    code = main(["assess", str(folder / "scenario.yaml"), "--out", str(tmp_path / "out")])
    assert code == 2 and "decisions.P2" in capsys.readouterr().err


def test_an_unknown_school_in_decisions_is_bad_input(tiny):
    scenario, region = tiny
    with pytest.raises(Exception, match="decisions.P9"):
        scenario_problem(scenario.model_copy(update={"decisions": {"P9": "close"}}), region)


def test_a_cap_on_closures_keeps_the_school_the_plan_would_close(tiny):
    scenario, region = tiny
    plan, problem = make_plan(scenario, region)
    assert _status(plan)["P1"] == Status.CLOSED  # no cap: P1 (45 pupils) closes
    capped, problem = make_plan(_closures(scenario, max_closures=0), region)
    assert _status(capped)["P1"] == Status.KEPT and capped.kpis["schools_closed"] == 0
    assert verify(capped, problem) == []
    # The verifier's own count: a plan closing one school is refused under a cap of 0.
    over = scenario_problem(_closures(scenario, max_closures=0), region)
    assert any("closure" in v.rule or "cap" in v.rule for v in verify(plan, over))


def _boarding_case(scenario, region, *, rule: bool):
    """P1 kept by the planner but full at 30; grades 4-6 have 5 min (A's ride to P2 is over
    it, so they may board there, in P2's 20 beds); families may split."""
    bands = {k: v.model_dump() for k, v in scenario.policy.bands.items()}
    bands["p46"]["one_way_min"] = 5
    policy = scenario.policy.model_copy(
        update={
            "move_only_from_closed": False,
            "limits_apply_to_unmoved": False,
            "closures": scenario.policy.closures.model_copy(
                update={"families_together": False, "board_only_when_needed": rule}
            ),
        }
    )
    policy = policy.model_validate({**policy.model_dump(), "bands": bands})
    decided = scenario.model_copy(update={"decisions": {"P1": "keep"}, "policy": policy})
    problem = scenario_problem(decided, region)
    problem = dataclasses.replace(
        problem,
        capacity=frozen(np.array([30, 400])),
        boarding_beds=frozen(np.array([0, 20])),
        # Today's 45 must fit too (else P1, over its capacity today, keeps them).
        school_rules=dataclasses.replace(problem.school_rules, size_limits_apply_to_unmoved=True),
    )
    return plan_and_check(decided, region, problem)


def test_the_boarding_rule_changes_the_plan_and_its_switch_lifts_it(tiny):
    """Rule on: A's grades 4-6 have a day school open (P1), so they may not board; A's
    grades 1-3 ride to P2 instead. Rule off: boarding is cheaper than the bus, and they board."""
    scenario, region = tiny
    held, held_problem, broken = _boarding_case(scenario, region, rule=True)
    assert broken == []
    where = {(a.village, a.band): (a.school, a.mode) for a in held.assignments}
    assert where[("A", "p46")] == ("P1", Mode.AS_TODAY) and where[("A", "p13")][0] == "P2"
    assert held.kpis["weekly_boarders"] == 0
    lifted, _, broken = _boarding_case(scenario, region, rule=False)
    assert broken == []
    where = {(a.village, a.band): (a.school, a.mode) for a in lifted.assignments}
    assert where[("A", "p46")] == ("P2", Mode.BOARD) and where[("A", "p13")] == ("P1", Mode.WALK)
    assert lifted.kpis["weekly_boarders"] == 15
    # The verifier holds the rule where it is on: the lifted plan breaks it.
    assert ("boarding only when needed", "A p46") in [
        (v.rule, v.subject) for v in verify(lifted, held_problem)
    ]


def _one_room_case(scenario, region, *, rule: bool):
    """P1 kept by the planner with 1 classroom for its 2 classes (grades 1-3 and 4-6) and
    45 pupils (under the small-scale 100); P2 has 20 classrooms."""
    free = scenario.policy.model_copy(
        update={
            "move_only_from_closed": False,
            "closures": scenario.policy.closures.model_copy(
                update={"no_capital_below_small": rule}
            ),
        }
    )
    decided = scenario.model_copy(update={"decisions": {"P1": "keep"}, "policy": free})
    problem = scenario_problem(decided, region)
    problem = dataclasses.replace(
        problem,
        classrooms=frozen(np.array([1, 20])),
        school_rules=dataclasses.replace(problem.school_rules, size_limits_apply_to_unmoved=True),
    )
    return plan_and_check(decided, region, problem)


def test_no_capital_below_small_changes_the_plan_and_its_switch_lifts_it(tiny):
    """Rule on: no classroom for P1 (it stays under 100), so village A moves to P2 by bus.
    Rule off: P1 gets a classroom and every pupil stays."""
    scenario, region = tiny
    held, held_problem, broken = _one_room_case(scenario, region, rule=True)
    assert broken == []
    investment = {s.id: s.investment for s in held.schools}
    assert "classrooms" not in investment["P1"]
    assert {(a.village, a.band) for a in held.assignments if a.moved} == {
        ("A", "p13"),
        ("A", "p46"),
    }
    lifted, _, broken = _one_room_case(scenario, region, rule=False)
    assert broken == []
    assert {s.id: s.investment for s in lifted.schools}["P1"] == {"classrooms": 1}
    assert not any(a.moved for a in lifted.assignments)
    assert lifted.kpis["money"]["capital_by_item"]["classrooms"] > 0
    assert ("no capital below small", "P1") in [
        (v.rule, v.subject) for v in verify(lifted, held_problem)
    ]


def _run_tiny(tmp_path, capsys, closures: str, decisions: str = "", towns: bool = False):
    """``schoolplan run`` on the tiny region with ``closures`` (YAML flow mapping)."""
    text = SCENARIO_YAML.replace("policy:\n", f"policy:\n  closures: {closures}\n") + decisions
    (tmp_path / "region").mkdir()
    folder = write_tiny_region(tmp_path / "region", text)
    if towns:  # P1 is the only primary school of its township
        schools = folder / "schools.csv"
        lines = schools.read_text().splitlines()
        rows = [lines[0] + ",town", lines[1] + ",Xiang", lines[2] + ",Zhen"]
        schools.write_text("\n".join(rows) + "\n")
    code = main(["run", str(folder / "scenario.yaml"), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_target_above_what_the_policy_lets_close_names_the_target(tmp_path, capsys):
    code, message = _run_tiny(tmp_path, capsys, "{target_closures: 2}")
    assert code == 2 and not (tmp_path / "out").exists()
    assert "policy.closures.target_closures = 2 asks for more closures" in message
    assert "only 1 school may close" in message
    assert "capacity" not in message and "school-wide" not in message


def test_closing_the_townships_only_primary_names_the_township_rule(tmp_path, capsys):
    code, message = _run_tiny(tmp_path, capsys, "{}", "decisions:\n  P1: close\n", towns=True)
    assert code == 2
    assert "township Xiang keeps an open primary school (policy.closures.township_keeps)" in (
        message
    )
    assert "close every one it has (P1)" in message and "capacity" not in message


def test_decisions_over_the_cap_name_the_cap(tmp_path, capsys):
    code, message = _run_tiny(tmp_path, capsys, "{max_closures: 0}", "decisions:\n  P1: close\n")
    assert code == 2
    assert "the planner's decisions close 1 school (P1), more than " in message
    assert "policy.closures.max_closures = 0" in message


def test_a_target_the_township_rule_blocks_names_both_rules(tmp_path, capsys):
    """One school may close (P1), the target asks for one, but P1 is its township's only
    primary school: the counts agree, the model has no plan, and each rule lifted alone
    gives one."""
    code, message = _run_tiny(tmp_path, capsys, "{target_closures: 1}", towns=True)
    assert code == 2
    assert "the target of closures (policy.closures.target_closures = 1)" in message
    assert "the township rule (policy.closures.township_keeps = ['kindergarten', 'primary'])" in (
        message
    )
    assert "capacity" not in message and "school-wide" not in message


def test_a_boarding_placement_says_why_not_the_nearer_school_in_both_languages(tiny):
    """The lifted boarding case: A's grades 4-6 board at P2 although P1 is nearer; P1 is
    full (30 places). plan.json, the report and the map give the reason with its numbers,
    and the Chinese pages in Chinese words."""
    from optimizer.outputs.maps.web import render_map
    from optimizer.outputs.report import render_report
    from optimizer.plan import Plan
    from optimizer.reasons import WhyNot
    from tests.test_chinese_words import english_words, map_text, visible_text

    scenario, region = tiny
    plan, _, broken = _boarding_case(scenario, region, rule=False)
    assert broken == []
    (why,) = [p for p in plan.placements if (p.village, p.band) == ("A", "p46")]
    assert why.school == "P2" and why.nearer == "P1" and why.why is WhyNot.FULL
    assert (why.nearer_pupils, why.nearer_places) == (
        sum(next(s for s in plan.schools if s.id == "P1").enrolment_after.values()),
        30,
    )
    assert Plan.from_json(plan.to_json()).placements == plan.placements
    english = render_report(plan, language="en")
    assert f"P1 holds {why.nearer_pupils} of 30 places" in english
    chinese = render_report(plan, language="zh")
    assert f"P1已有{why.nearer_pupils}名学生，学位数30个" in chinese
    assert english_words(visible_text(chinese), plan) == []
    page = render_map(plan, language="zh")
    assert "学位数30个" in page and english_words(map_text(page), plan) == []


def test_the_shipped_draft_proposal_is_assessed_with_its_broken_rules(tmp_path, capsys):
    """scenarios/proposals/draft.yaml plans (every school decided) and breaks the closure
    candidate rule at schools that are neither small nor shrinking: exit 4, each named,
    the plan written and re-checked."""
    from pathlib import Path

    draft = Path(__file__).resolve().parents[1] / "scenarios" / "proposals" / "draft.yaml"
    code = main(["assess", str(draft), "--out", str(tmp_path / "out")])
    printed = capsys.readouterr().out
    assert code == EXIT_BROKEN_RULES
    assert "[closure candidate] P30: closed with 140 pupils" in printed
    rows = (tmp_path / "out" / "broken_rules.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) - 1 == printed.count("[closure candidate]") >= 1


def test_a_proposal_closing_a_villages_only_kindergarten_has_no_plan_and_says_why(tmp_path, capsys):
    """The draft with K05 closed too: village V078's only kindergarten within 20 min is
    closed by the planner's word; the reason names it, not a lack of room."""
    from pathlib import Path

    draft = Path(__file__).resolve().parents[1] / "scenarios" / "proposals" / "draft.yaml"
    proposal = tmp_path / "k05.yaml"
    proposal.write_text(f"extends: {draft}\nname: K05 closed\ndecisions:\n  K05: close\n")
    code = main(["assess", str(proposal), "--out", str(tmp_path / "out")])
    printed = capsys.readouterr()
    assert code == 2
    assert (
        "village V078 band k (2 pupils): every school within 20 min (K05) is closed by the "
        "planner's decisions" in printed.err + printed.out
    )
    assert not (tmp_path / "out").exists()
