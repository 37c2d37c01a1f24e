"""The report's pictures draw the plan's own numbers, in files and in the report.

The bars a picture draws are kept on it (``Picture.data``, the very numbers handed to
matplotlib); here they are worked out by hand on the sample plan, and recomputed from a
real run's ``plan.json`` by a plain loop that shares no code with the charts. The PNG
files are in the output folder and its manifest, the same bytes on a rerun, and the
report inlines exactly those bytes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from optimizer.cli import main
from optimizer.outputs.charts import PICTURES, costs_picture, enrolment_picture, journeys_picture
from optimizer.outputs.charts import pictures as make_pictures
from optimizer.outputs.report import render_report
from optimizer.plan import Plan
from tests.browser import pdf_page_sizes
from tests.conftest import SCENARIO_YAML, write_tiny_region
from tests.sample_plan import sample_plan
from tests.test_chinese_words import english_words, visible_text

#: Money of a plan, yuan, as optimizer.planning.accounts writes it (the parts add up).
MONEY = {
    "running_cost_saved": 350_000,
    "teacher_cost_moved": 245_000,
    "saved": 105_000,
    "bus_fixed": 60_000,
    "bus_km_cost": 20_000,
    "lunch_subsidy": 30_000,
    "boarding_subsidy": 0,
    "inclusive_subsidy": 0,
    "net_annual_saving": -5_000,
    "capital_by_item": {"boarding_beds": 0, "buses": 450_000, "canteen_seats": 80_000},
    "capital_by_year": {"1": 530_000},
    "capital": 530_000,
    "payback_years": None,
}


def test_the_journey_bars_of_the_sample_plan_by_hand() -> None:
    picture = journeys_picture(sample_plan())
    changed = {h.band: h for h in picture.data.changed}
    p13 = changed["p13"]
    assert p13.edges_min[:3] == (0, 5, 10) and p13.edges_min[-1] == 65  # up to the 60-min limit
    # V02: 12 pupils, 5 min today -> 30 min by bus; V03: 8 pupils, 25 min -> 20 min
    assert p13.before[1] == 12 and p13.before[5] == 8 and sum(p13.before) == 20
    assert p13.after[6] == 12 and p13.after[4] == 8 and sum(p13.after) == 20
    assert p13.limit_min == 45
    everyone = {h.band: h for h in picture.data.everyone}
    assert everyone["p13"].before[3] == 30  # V01 walks 15 min, and still does
    assert picture.data.numbers["changed"] == 30 and picture.data.numbers["all"] == 85
    assert (
        "Pupils whose school or way to school changes (30): under 10 minutes 22 today, 0 after"
        in picture.caption
    )
    assert "longest 25.0 min today, 30.0 min after" in picture.caption
    assert "boarders" not in picture.caption  # none in this plan


def test_the_enrolment_bars_and_caption() -> None:
    picture = enrolment_picture(sample_plan())
    bars = {r.id: (r.before, r.after, r.capacity, r.places_after) for r in picture.data["rows"]}
    assert bars == {"S01": (95, 125, 400, 400), "S02": (30, 0, 120, 120)}
    built = replace(sample_plan().schools[0], investment={"classrooms": 2})  # 2 x 45 places
    grown = enrolment_picture(replace(sample_plan(), schools=(built,)))
    assert [(r.capacity, r.places_after) for r in grown.data["rows"]] == [(400, 490)]
    assert picture.caption.startswith("1 receiving schools go from 95 to 125 pupils; 1 schools")
    assert "Hexi Central School at 31 % of its places" in picture.caption
    zh = enrolment_picture(sample_plan(), "zh")
    assert "接收学生的学校 1 所，学生数由 95 名增至 125 名" in zh.caption


def test_the_money_steps_add_up_to_the_net_saving() -> None:
    plan = sample_plan()
    plan = replace(plan, kpis={**plan.kpis, "money": MONEY})
    picture = costs_picture(plan)
    steps = picture.data["steps"]
    assert steps[0].start == 0 and steps[0].end == 350_000
    assert [s.end - s.start for s in steps[1:-1]] == [-245_000, -60_000, -20_000, -30_000, 0, 0]
    assert steps[-2].end == steps[-1].end == -5_000  # the steps end at the plan's net
    assert picture.data["capital"] == {
        "boarding_beds": 0,
        "buses": 450_000,
        "canteen_seats": 80_000,
    }
    assert "annual net saving -5,000 yuan" in picture.caption and "payback never" in picture.caption
    zh = costs_picture(plan, "zh")
    assert "年度净节省 -0.5 万元" in zh.caption and "校车 45 万元" in zh.caption
    empty = costs_picture(sample_plan())  # a plan without money figures still has a picture
    assert empty.caption == "The plan carries no money figures." and empty.png[:4] == b"\x89PNG"


def test_pictures_are_the_same_bytes_twice_and_carry_no_software_or_date() -> None:
    first, second = make_pictures(sample_plan()), make_pictures(sample_plan())
    assert list(first) == list(PICTURES)
    for name in PICTURES:
        assert first[name].png == second[name].png, name
        image = Image.open(io.BytesIO(first[name].png))
        assert image.format == "PNG" and image.width > 1000
        assert "Software" not in image.info and "date" not in str(image.info).lower()


def test_the_chinese_captions_have_no_english_word() -> None:
    plan = sample_plan()
    plan = replace(plan, kpis={**plan.kpis, "money": MONEY})
    page = render_report(plan, language="zh", pictures=make_pictures(plan, language="zh"))
    assert page.count('<figure class="chart"') == 3
    assert english_words(visible_text(page), plan) == []


def _recount(raw: dict) -> dict[str, dict[str, list[int]]]:
    """Pupils per 5-minute bin of the changed pupils, today and after, per band: a plain
    loop over plan.json (its own reading of 'changed' and 'daily')."""
    rows = [
        a
        for a in raw["assignments"]
        if a["before_school"] and "board" not in (a["mode"], a["before_mode"])
    ]
    top = max(max(a["time_s"], a["before_time_s"], a["limit_s"]) for a in rows)
    counts: dict[str, dict[str, list[int]]] = {}
    for a in rows:
        mode_changed = a["before_mode"] is not None and a["mode"] not in (
            a["before_mode"],
            "as_today",
        )
        if not (a["moved"] or mode_changed):
            continue
        band = counts.setdefault(a["band"], {"before": [0] * (top // 300 + 1)})
        band.setdefault("after", [0] * (top // 300 + 1))
        band["before"][a["before_time_s"] // 300] += a["pupils"]
        band["after"][a["time_s"] // 300] += a["pupils"]
    return counts


@pytest.fixture(scope="module")
def tiny_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny region planned twice, on A4 with a date and an issuing body."""
    folder = write_tiny_region(
        tmp_path_factory.mktemp("tiny"),
        SCENARIO_YAML
        + "output:\n  paper: a4\n  date: 2027-03-15\n  issuer: Tiny County Education Bureau\n",
    )
    for name in ("first", "second"):
        assert main(["run", str(folder / "scenario.yaml"), "--out", str(folder / name)]) == 0
    return folder


def test_a_run_writes_the_pictures_and_the_report_shows_them(tiny_runs: Path) -> None:
    out = tiny_runs / "first"
    manifest = json.loads((out / "manifest.json").read_text())
    report = (out / "report.html").read_text()
    inlined = re.findall(
        r'<figure class="chart" id="(\w+)"><img alt="[^"]*" src="data:image/png;base64,([^"]+)"',
        report,
    )  # noqa: E501
    assert [name for name, _ in inlined] == ["costs", "enrolment", "journeys"]
    for name, data in inlined:
        png = (out / f"{name}.png").read_bytes()
        assert base64.b64decode(data) == png  # the report shows the file
        assert manifest["outputs"][f"{name}.png"] == hashlib.sha256(png).hexdigest()
        assert png == (tiny_runs / "second" / f"{name}.png").read_bytes()
    ((w, h),) = pdf_page_sizes((out / "map.pdf").read_bytes())
    assert (round(w), round(h)) == (842, 595)  # output.paper: a4
    assert manifest["scenario"]["output"]["date"] == "2027-03-15"


def test_the_bars_are_the_plan_s_numbers(tiny_runs: Path) -> None:
    raw = json.loads((tiny_runs / "first" / "plan.json").read_text())
    picture = journeys_picture(Plan.from_json(json.dumps(raw)))
    drawn = {
        h.band: {"before": list(h.before), "after": list(h.after)}
        for h in picture.data.changed
        if h.pupils
    }
    assert drawn == _recount(raw) and drawn  # the tiny plan moves pupils
    money = raw["kpis"]["money"]
    steps = costs_picture(Plan.from_json(json.dumps(raw))).data["steps"]
    assert steps[-2].end == pytest.approx(money["net_annual_saving"], abs=1)  # parts add up
    assert steps[-1].end == money["net_annual_saving"]


def test_the_printed_date_and_issuer_of_a_run(tiny_runs: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    text = pypdf.PdfReader(tiny_runs / "first" / "map.pdf").pages[0].extract_text()
    assert "Date: 15 March 2027" in text and "Issued by: Tiny County Education Bureau" in text
    assert "Small school" in text and "Town school" in text
