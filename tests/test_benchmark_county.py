"""The county-scale benchmark's machinery, end to end on a small generated county."""

from __future__ import annotations

import re

from benchmarks import county
from geodata.synthetic import CountySize, build_county, reach_problems
from tests.test_synthetic import policy_limits

SUMMARY = re.compile(
    r"^SUMMARY set=county villages=(\d+) schools=(\d+) nodes=(\d+) total_s=([\d.]+) "
    r"peak_mb=(\d+) target_s=60 target_mb=4096 met=(yes|no)$"
)


def test_small_county_runs_every_stage_and_prints_the_summary(tmp_path, capsys):
    # A small county that meets the demo policy (at 0.1, or 0.2 with 200 m node spacing,
    # the county seat's private kindergartens outweigh the public share of places).
    result = county.run(cache=tmp_path / "bench", scale=0.2)
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("GENERATE ") and "not counted" in lines[0]
    stages = [line.split()[1] for line in lines if line.startswith("STAGE ")]
    assert stages == list(county.STAGES)
    for line in lines:
        if line.startswith("STAGE "):
            assert re.search(r"time_s=\s*[\d.]+ peak_mb=\s*\d+ end_mb=\s*\d+ calls=\d+", line)
    assert any(line.startswith("CLOSURES engine=") for line in lines)
    match = SUMMARY.match(lines[-1])
    assert match, lines[-1]
    villages, schools, nodes = (int(match.group(i)) for i in (1, 2, 3))
    assert (villages, schools, nodes) == (result.villages, result.schools, result.nodes)
    assert 40 <= villages <= 80 and 15 <= schools <= 30 and nodes > 500
    assert result.total_s < 30 and (match.group(6) == "yes") == result.met
    assert (tmp_path / "bench").is_dir()
    plan_dirs = list((tmp_path / "bench").glob("county-*/plan"))
    assert plan_dirs and (plan_dirs[0] / "plan.json").is_file()


def test_generated_county_is_cached(tmp_path, capsys):
    first = county.prepare_county(tmp_path, scale=0.2, node_spacing_m=400.0)
    again = county.prepare_county(tmp_path, scale=0.2, node_spacing_m=400.0)
    assert not first.cached and again.cached and again.folder == first.folder
    assert (first.folder / "scenario.yaml").is_file()


def test_scaled_one_is_the_demo_size_and_scaling_grows_the_county():
    assert CountySize.scaled(1.0) == CountySize()
    big = CountySize.scaled(4.5, node_spacing_m=32)
    assert big.towns == 21 and big.half_x_km > 40 and big.node_spacing_km[1] < 0.04


def test_small_scaled_county_reaches_a_school_of_each_level():
    small = build_county(2027, CountySize.scaled(0.2), limits=policy_limits())
    assert 40 <= len(small.villages) <= 80
    assert reach_problems(small) == []
