"""The demo planned once and written with every output, for the route sheet and notice tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from geodata.region import Region
from optimizer.outputs.folder import write_outputs
from optimizer.outputs.manifest import manifest_file
from optimizer.plan import Plan
from optimizer.planning.flow import make_plan
from optimizer.problem.data import Problem
from optimizer.scenario.schema import load_scenario
from tests.conftest import ROOT


@dataclass(frozen=True)
class DemoOutputs:
    """The demo's plan, problem and region, and the folder its outputs went to."""

    plan: Plan
    problem: Problem
    region: Region
    out: Path


def demo_outputs(tmp: Path) -> DemoOutputs:
    """Plan the shipped demo and write its outputs (with the manifest) to ``tmp / "out"``."""
    scenario = load_scenario(ROOT / "scenarios" / "demo.yaml")
    region = scenario.load_region(cache_dir=tmp / "cache")
    plan, problem = make_plan(scenario, region)
    out = tmp / "out"
    write_outputs(
        plan,
        out,
        road_lines=region.road_lines(),
        extra=manifest_file(scenario, plan),
    )
    return DemoOutputs(plan, problem, region, out)
