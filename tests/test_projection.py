"""The cohort projection of enrolment, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.problem.projection import project


def test_one_year_by_hand():
    pupils = np.array([[30, 30, 30, 30], [9, 0, 0, 0]])
    out = project(pupils, np.array([-0.1, 0.0]), 1)
    # Village 1: year-groups of 10; the new kindergarten year is 10 x 0.9 = 9, so
    # k = 9 + 10 + 10 = 29; every other band gains 10 and loses 10.
    # Village 2: k = 3 + 3 + 3 = 9 (no trend); its oldest kindergarten year enters p13.
    assert out.tolist() == [[29, 30, 30, 30], [9, 3, 0, 0]]


def test_today_and_a_shrinking_village_over_the_years():
    pupils = np.array([[30, 30, 30, 30]])
    assert project(pupils, np.array([0.0]), 0).tolist() == pupils.tolist()
    assert project(pupils, np.array([0.0]), 5).tolist() == pupils.tolist()  # steady state
    shrinking = project(pupils, np.array([-0.05]), 6)
    assert (shrinking <= 30).all() and shrinking[0, 0] < shrinking[0, 3]
    with pytest.raises(ValueError):
        project(pupils, np.array([0.0]), -1)


def test_three_years_move_every_band_up_one(tiny_dir):
    from geodata.region import load_region
    from optimizer.errors import InfeasibleScenario
    from optimizer.planning.flow import make_plan
    from optimizer.problem.build import build_problem
    from optimizer.scenario.schema import load_scenario

    scenario = load_scenario(tiny_dir / "scenario.yaml")
    region = load_region(scenario.region_files())
    policy = scenario.policy.model_copy(update={"years_ahead": 3})
    problem = build_problem(region, policy, name="t")
    # Tiny villages have no kindergarten children: in three years grades 1-3 are in
    # grades 4-6, grades 4-6 in grades 7-9, and nobody is in grades 1-3.
    assert problem.pupils.tolist() == [[0, 0, 20, 15], [0, 0, 10, 0], [0, 0, 30, 30]]
    # The tiny county has no junior school: the plan for that year says so.
    later = scenario.model_copy(update={"policy": policy})
    with pytest.raises(InfeasibleScenario, match="village A band j79 .15 pupils.: no school"):
        make_plan(later, region)
