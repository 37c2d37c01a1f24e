"""Decisions and what goes out: from a scenario and its region to a verified plan and its files.

The flow, one package per stage, read top to bottom (no import goes back up)::

    cli.py         the commands: run, validate, sweep, compare, fetch-roads
    sweep/         many variants of one scenario at once (Dask), and their comparison
    planning/      one scenario: problem -> closures -> buses -> assembled Plan; timelines
    closures/      which schools stay, close or change; who goes where; why there is no plan
    buses/         runs per school, stops, mixed loads, the fleet
    verification/  every rule of a Plan re-checked from the raw inputs
    outputs/       files, tables, report, maps/ (web and print), compare, the manifest
    problem/       the immutable Problem (numbers only), built from scenario and region
    scenario/      the YAML schema, extends, validation
    solvers/       generic cores (facility location, VRP, chaining): no school words
    plan.py        the Plan and its records;  errors.py  the error types

In code::

    scenario = load_scenario("scenarios/demo.yaml")
    region = scenario.load_region()
    plan, problem = make_plan(scenario, region)
    assert verify(plan, problem) == []
    write_plan(scenario, plan, region, "out/demo")   # the files ``schoolplan run`` writes

Bad input raises :class:`InputError`; a scenario without a plan :class:`NoPlan`
(:class:`InfeasibleScenario`, :class:`UnroutableRiders`), with the reason in words; a
plan the verifier refuses :class:`PlanRejected`.
"""

from optimizer.errors import (
    InfeasibleScenario,
    InputError,
    InputIssue,
    NoPlan,
    PlanRejected,
    UnroutableRiders,
)
from optimizer.outputs.folder import write_plan
from optimizer.plan import Plan
from optimizer.planning.flow import make_plan
from optimizer.scenario.schema import load_scenario
from optimizer.verification.checks import Violation, verify

__all__ = [
    "InfeasibleScenario",
    "InputError",
    "InputIssue",
    "NoPlan",
    "Plan",
    "PlanRejected",
    "UnroutableRiders",
    "Violation",
    "load_scenario",
    "make_plan",
    "verify",
    "write_plan",
]
