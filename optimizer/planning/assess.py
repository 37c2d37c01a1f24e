"""Assess a proposal: every school fixed by the planner, the full plan, every broken rule.

``schoolplan assess PROPOSAL.yaml`` takes a scenario whose ``decisions`` fix every
school (the bureau's own list). The model plans the pupils, buses and investments
around it with the townships and the cap left to the verifier (and, where no plan
keeps them under the proposal, the families, boarding and investment rules too), and
the plan comes back with each rule it breaks (by school, township or village) instead
of a refusal.
Hard rules the proposal leaves no way to keep (a village out of every reach) still
give no plan, with the reason.
"""

from __future__ import annotations

import dataclasses

from geodata.errors import InputError, InputIssue
from geodata.region import Region
from optimizer.errors import NoPlan
from optimizer.plan import Plan
from optimizer.planning.flow import plan_and_check, scenario_problem
from optimizer.problem.data import Problem
from optimizer.scenario.schema import Scenario
from optimizer.verification.checks import verify
from optimizer.verification.closure_policy import check_proposal
from optimizer.verification.violation import Violation


def assess(scenario: Scenario, region: Region) -> tuple[Plan, Problem, list[Violation]]:
    """The plan of a proposal and every rule it breaks (empty: the proposal holds).

    Raises
    ------
    geodata.errors.InputError
        When a school has no decision (each one named).
    optimizer.errors.NoPlan
        When no plan meets the hard rules under the proposal.
    """
    problem = scenario_problem(scenario, region)
    missing = [
        sid for s, sid in enumerate(problem.school_ids) if s not in problem.closing.decisions
    ]
    if missing:
        file = str(scenario.sources[0]) if scenario.sources else "scenario"
        raise InputError(
            InputIssue(file, f"decisions.{sid}", "decision", "keep, close or teaching_point", "")
            for sid in missing
        )
    try:
        plan, problem, violations = plan_and_check(scenario, region, problem, relax=True)
    except NoPlan:
        # No plan keeps the families, boarding and investment rules under this proposal:
        # plan without them, and let the verifier list each one broken.
        loose = dataclasses.replace(
            problem.closing,
            families_together=False,
            board_only_when_needed=False,
            boarding_max_m=None,
            no_capital_below_small=False,
        )
        plan, _, _ = plan_and_check(
            scenario, region, dataclasses.replace(problem, closing=loose), relax=True
        )
        violations = verify(plan, problem)
    return plan, problem, [*check_proposal(plan, problem), *violations]


def broken_rules_csv(violations: list[Violation]) -> str:
    """The broken rules as CSV text: rule, subject (school, township or village), detail."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["rule", "subject", "detail"])
    writer.writerows([v.rule, v.subject, v.detail] for v in violations)
    return buffer.getvalue()
