"""Today as it is: each village band's journey today by the way it travels today.

On the tiny region (conftest: a straight road, places 900 m apart, buses at 60 km/h so a
segment is 54 s): A (20 grades 1-3, 15 grades 4-6) and B (10 grades 1-3) attend the small
school P1 today, 900 m away; C (30 + 30) the town school P2, 1,799 m away. Without
``current_mode_*`` a band walks within its walking distance (grades 1-3: 1.5 km; 4-6:
2.5 km) and is brought by a guardian beyond it (30 km/h on the road: 1,799 m in 216 s).
The plan closes P1 and buses A and B to P2.
"""

from __future__ import annotations

import csv
import dataclasses
import json

import pytest

from geodata.errors import InputError
from geodata.region import load_region
from optimizer import verify
from optimizer.outputs.figures import villages
from optimizer.outputs.folder import write_outputs
from optimizer.outputs.labels import labels
from optimizer.outputs.maps.popups import school_popup, village_popup
from optimizer.outputs.tables import plan_tables
from optimizer.plan import Mode, Plan
from optimizer.planning.flow import make_plan
from optimizer.scenario.schema import load_scenario
from tests.conftest import VILLAGES_CSV, write_tiny_region

HEADER = VILLAGES_CSV.splitlines()[0]


def _plan(folder, villages_csv: str = VILLAGES_CSV, p1_cost: int | None = None):
    write_tiny_region(folder)
    (folder / "villages.csv").write_text(villages_csv, encoding="utf-8")
    if p1_cost is not None:  # Small school P1's running cost, yuan a year
        schools = folder / "schools.csv"
        schools.write_text(schools.read_text().replace(",900000\nP2", f",{p1_cost}\nP2"))
    scenario = load_scenario(folder / "scenario.yaml")
    return make_plan(scenario, load_region(scenario.region_files()))


def _by_band(plan):
    return {(a.village, a.band): a for a in plan.assignments}


def test_without_current_mode_they_walk_or_a_guardian_brings_them(tmp_path):
    plan, problem = _plan(tmp_path)
    a = _by_band(plan)
    # A's grades 1-3 walk 900 m today at 4 km/h (810 s), never a bus that does not run.
    assert (a["A", "p13"].before_mode, a["A", "p13"].before_time_s) == ("walk", 810)
    assert a["A", "p13"].before_distance_m == 900
    # C's grades 1-3 live beyond 1.5 km: a guardian, 1,799 m at 30 km/h = 216 s; they
    # stay at P2 and keep that journey (not the 108-s bus-speed drive).
    c13 = a["C", "p13"]
    assert (c13.before_mode, c13.before_time_s, c13.before_distance_m) == ("guardian", 216, 1799)
    assert (c13.mode, c13.time_s, c13.distance_m) == (Mode.AS_TODAY, 216, 1799)
    # Their grades 4-6 walk the same 1,799 m (within 2.5 km): 1,620 s, today and after.
    assert (a["C", "p46"].before_mode, a["C", "p46"].time_s) == ("walk", 1620)
    assert verify(plan, problem) == []
    # Every moved pupil's bus ride is shorter than today's walk: nobody's day is longer.
    assert plan.kpis["longer_journeys"]["pupils"] == 0


def test_current_mode_in_chinese_and_the_longer_journeys_counted(tmp_path):
    rows = VILLAGES_CSV.splitlines()[1:]
    text = "\n".join(
        [
            HEADER + ",一至三年级上学方式,四至六年级上学方式",
            rows[0] + ",家长接送,家长接送",  # A: brought by guardians today
            rows[1] + ",,",  # B: the default (a walk)
            rows[2] + ",校车,步行",  # C: a bus runs today for grades 1-3
        ]
    )
    # P1 at 1,500,000 a year: closing it pays although A's guardians drive 108 s today.
    plan, problem = _plan(tmp_path, text + "\n", p1_cost=1_500_000)
    a = _by_band(plan)
    # A: 900 m at 30 km/h = 108 s today; the school bus to P2 takes 735 s: 627 s longer.
    assert (a["A", "p13"].before_mode, a["A", "p13"].before_time_s) == ("guardian", 108)
    assert a["A", "p13"].mode == Mode.BUS and a["A", "p13"].time_s == 735
    assert a["A", "p46"].before_time_s == 108 and a["A", "p46"].time_s == 735
    # C's grades 1-3 ride today's bus: the 108-s drive and its stop (30 s + 3 s x 30).
    c13 = a["C", "p13"]
    assert (c13.before_mode, c13.before_time_s) == ("bus", 228)
    assert (c13.mode, c13.time_s) == (Mode.AS_TODAY, 228)
    assert verify(plan, problem) == []
    longer = plan.kpis["longer_journeys"]
    assert longer["pupils"] == 35  # A's 20 + 15; B's walk of 810 s becomes a 492-s ride
    assert longer["extra_min_total"] == round(35 * 627 / 60, 1)
    assert longer["largest_extra_min"] == round(627 / 60, 1)
    assert longer["by_band"]["p13"]["pupils"] == 20 and longer["by_band"]["p46"]["pupils"] == 15
    assert longer["by_band"]["k"] == {"pupils": 0, "extra_min_total": 0.0, "largest_extra_min": 0.0}
    back = Plan.from_json(plan.to_json())
    assert back == plan and back.assignments[0].before_mode is Mode.GUARDIAN
    # The files say the same: plan.json, the villages table and the report (Chinese).
    out = tmp_path / "out"
    write_outputs(plan, out, language="zh")
    assert json.loads((out / "plan.json").read_text("utf-8"))["kpis"]["longer_journeys"] == longer
    with open(out / "villages.csv", encoding="utf-8-sig", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["village"] == "A")
    assert (row["before_mode_p13"], row["before_time_min_p13"]) == ("guardian", "1.8")
    report = (out / "report.html").read_text("utf-8")
    zh = labels("zh")
    assert zh["kpi.longer"] in report and "合计每日增加 365.8 人·分钟" in report


def test_the_verifier_rechecks_today_from_the_inputs(tmp_path):
    plan, problem = _plan(tmp_path)
    first = plan.assignments[0]
    for change in ({"before_time_s": 60}, {"before_mode": "bus"}, {"before_distance_m": 1}):
        fake = dataclasses.replace(first, **change)
        broken = dataclasses.replace(plan, assignments=(fake, *plan.assignments[1:]))
        assert {v.rule for v in verify(broken, problem)} == {"today"}, change
    # A pupil who stays keeps today's journey: the bus-speed drive is not it.
    i, stays = next((i, a) for i, a in enumerate(plan.assignments) if a.village == "C")
    fake = dataclasses.replace(stays, time_s=108)
    broken = dataclasses.replace(plan, assignments=(*plan.assignments[:i], fake))
    assert "time" in {v.rule for v in verify(broken, problem)}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("taxi", "one of walk, guardian, bus, board"),
        ("board", "walk, guardian or bus (only grades 4-9 board)"),
    ],
)
def test_a_bad_current_mode_names_the_row_and_column(tmp_path, value, expected):
    rows = VILLAGES_CSV.splitlines()[1:]
    text = "\n".join(
        [HEADER + ",current_mode_p13", rows[0] + f",{value}", *[r + "," for r in rows[1:]]]
    )
    with pytest.raises(InputError) as caught:
        _plan(tmp_path, text + "\n")
    message = str(caught.value)
    assert "villages.csv" in message and "current_mode_p13" in message
    assert expected in message and value in message


def test_the_snap_distance_is_in_the_tables_and_the_popups(tmp_path):
    # C sits 0.001 degrees (111 m) north of the road: its journeys include that leg.
    text = VILLAGES_CSV.replace(
        "C,Cvillage,118.1000000,36.0000000", "C,Cvillage,118.1000000,36.0010000"
    )
    plan, problem = _plan(tmp_path, text)
    a = _by_band(plan)
    snap = a["C", "p13"].snap_m
    assert 110 <= snap <= 112 and a["C", "p13"].walk_snap_m == snap
    assert a["C", "p13"].before_distance_m == 1799 + snap
    assert {a["A", "p13"].snap_m, a["B", "p13"].snap_m} == {0}
    tables = plan_tables(plan)
    village_rows = tables["villages"].set_index("village")
    assert village_rows.loc["C", "snap_m"] == snap and village_rows.loc["A", "snap_m"] == 0
    assert set(tables["schools"]["snap_m"]) == {0}
    for language in ("en", "zh"):
        text = labels(language)
        c = next(v for v in villages(plan) if v.id == "C")
        popup = village_popup(c, {s.id: s.name for s in plan.schools}, text)
        assert text["snap"].format(bus=snap, walk=snap) in popup
        p2 = next(s for s in plan.schools if s.id == "P2")
        assert text["snap"].format(bus=0, walk=0) in school_popup(p2, "kept", {}, {}, text)
