"""Chinese outputs as a county bureau writes them: no English word left, measure words.

Every visible text of the Chinese report, the map's boxes, popups and tooltips is read and
every Latin word that is not a name from the plan (school, village, scenario, bus yard,
road), an id
(``S01``, ``R001``) or a product name (the solver's engine) is an untranslated word.
"""

from __future__ import annotations

import html
import re

import pytest

from optimizer.outputs.catchments import catchments
from optimizer.outputs.maps.web import render_map
from optimizer.outputs.report import render_report
from optimizer.plan import Plan
from tests.sample_plan import sample_plan

ROADS = (((110.0, 30.0), (110.05, 30.0), (110.08, 30.01)),)

#: Product names that stay as they are in any language.
PRODUCT_NAMES = frozenset({"pyvrp", "scipy", "highs", "or-tools", "cp-sat", "openstreetmap"})

_ID = re.compile(r"^[A-Z]{1,3}\d+$")


def english_words(text: str, plan: Plan) -> list[str]:
    """Latin words of ``text`` that are no name, id or product name of ``plan``."""
    names = {s.name for s in plan.schools} | {a.village_name for a in plan.assignments}
    names |= {r.start for r in plan.routes}  # the depot's id
    names |= {a.village for a in plan.assignments} | {s.id for s in plan.schools}  # any ids
    names |= {s.town for s in plan.schools} | {a.town for a in plan.assignments}  # townships
    names |= {r.start_name for r in plan.routes}  # the depot's name (the depots table's)
    names |= {n for r in plan.routes for s in r.roads for n in (s.name, s.ref)}  # the map's
    names.discard("")
    for name in sorted(names | {plan.scenario}, key=len, reverse=True):
        text = text.replace(name, " ")
    words = re.findall(r"[A-Za-z][A-Za-z_\-]*\d*", text)
    return sorted({w for w in words if w.lower() not in PRODUCT_NAMES and not _ID.match(w)})


def visible_text(page: str) -> str:
    """The text of an HTML page (scripts and styles left out), entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'(src|href)="[^"]*"', " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def map_text(page: str) -> str:
    """What the web map shows: its boxes (title, legend) and every popup and tooltip
    (folium writes them as JavaScript template literals), tags stripped."""
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    own = scripts[-1]  # folium's script comes after the inlined libraries
    literals = re.findall(r"`([^`]*)`", own)
    names = re.findall(r'"name": "([^"]*)"', own)  # layer names in the layer control
    controls = re.findall(r"L\.control\.layers\(\s*\{(.*?)\}", own, flags=re.S)
    keys = re.findall(r'"([^"]+)"\s*:', " ".join(controls))
    return visible_text(page) + " " + visible_text(" ".join([*literals, *names, *keys]))


@pytest.fixture(scope="module")
def plan() -> Plan:
    return sample_plan()


def test_the_chinese_report_has_no_english_word(plan: Plan) -> None:
    page = render_report(plan, language="zh")
    assert english_words(visible_text(page), plan) == []
    assert "{'" not in page and "inclusive_places" not in page


def test_the_english_report_has_english_words(plan: Plan) -> None:
    """The check finds words when there are some (the English report is full of them)."""
    found = english_words(visible_text(render_report(plan, language="en")), plan)
    assert {"Summary", "Route", "pupils"} <= set(found)


def test_the_chinese_map_has_no_english_word(plan: Plan) -> None:
    page = render_map(plan, language="zh", road_lines=ROADS, catchments=catchments(plan, ROADS))
    assert english_words(map_text(page), plan) == []
    assert "imperial: false" in page  # the scale bar in kilometres only


def test_measure_words_and_money(plan: Plan) -> None:
    page = render_report(plan, language="zh")
    assert "30 名学生" in page  # pupils moved
    assert "1 所（共 2 所学校）" in page or "1 / 2 所学校" in page
    assert "1 辆校车" in page and "1 条线路" in page
    assert "35 座" in page
    assert "35 万元/年" in page  # 350,000 yuan a year saved
    assert "学位数" in render_map(plan, language="zh")
    assert "到校" in render_map(plan, language="zh")
