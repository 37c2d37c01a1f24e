"""The notices to parents: one A4 page per changed village, its schools, stops and times
read back against ``plan.json``; both languages; no English left in the Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from optimizer.outputs.figures import hhmm
from optimizer.outputs.notices import bus_times, changed, render_notices
from optimizer.outputs.timeline_view import TimelineView
from optimizer.plan import Mode, Plan, built_first
from tests.browser import layout_problems, needs_chromium, pdf_page_sizes, print_to_pdf
from tests.demo_outputs import DemoOutputs, demo_outputs
from tests.test_chinese_words import english_words, visible_text


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoOutputs:
    return demo_outputs(tmp_path_factory.mktemp("notices"))


def _notices(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<section class="notice" id="([^"]+)">(.*?)</section>', page, re.S)


def test_a_notice_per_changed_village_with_its_schools_stops_and_times(demo: DemoOutputs) -> None:
    plan = Plan.from_json((demo.out / "plan.json").read_text(encoding="utf-8"))
    notices = _notices((demo.out / "notices.html").read_text(encoding="utf-8"))
    changed_villages = {a.village for a in plan.assignments if changed(a)}
    assert changed_villages and {v for v, _ in notices} == changed_villages
    towns = demo.region.village_towns()
    order = [v for v, _ in notices]
    assert order == sorted(order, key=lambda v: (towns[v], v))  # township, then village
    names = {s.id: s.name for s in plan.schools}
    closed = {s.id: s.name for s in plan.schools if s.status == "closed"}
    bused = 0
    for village, page in notices:
        rows = [a for a in plan.assignments if a.village == village]
        assert towns[village] in page
        for a in rows:
            assert names[a.school] in page
            if a.mode is Mode.BUS:
                route, morning, home = bus_times(plan, a)
                stop = next(s for s in route.stops if s.village == (a.stop or village))
                assert stop.arrive_s == morning
                assert f"Route {route.id}" in page and hhmm(morning) in page
                homes = [
                    h.arrive_s
                    for run in route.afternoon
                    if a.band in run.bands
                    for h in run.stops
                    if h.village == stop.village
                ]
                assert homes and home == homes[0] and hhmm(home) in page
                bused += 1
            if a.before_school in closed:
                assert f"{closed[a.before_school]} closes" in page
        assert "Contact: ____" in page and "Draft for consultation" in page
    assert bused


def test_the_first_page_says_unchanged_villages_are_left_out(demo: DemoOutputs) -> None:
    page = (demo.out / "notices.html").read_text(encoding="utf-8")
    villages = {a.village for a in demo.plan.assignments}
    shown = len(_notices(page))
    assert f"{len(villages) - shown} villages with no change" in page
    assert f"{shown} villages" in page


def test_the_chinese_notice_reads_as_a_bureau_letter(demo: DemoOutputs) -> None:
    plan = demo.plan
    page = render_notices(plan, language="zh", towns=demo.region.village_towns())
    text = visible_text(page)
    for town in sorted(set(demo.region.village_towns().values()), key=len, reverse=True):
        text = text.replace(town, " ")
    assert english_words(text, plan) == []
    for words in ("告家长书", "尊敬的家长：", "征求意见稿", "名学生", "撤并", "联系电话"):
        assert words in page
    assert render_notices(plan, language="zh", towns=demo.region.village_towns()) == page


@needs_chromium
@pytest.mark.parametrize("language", ["en", "zh"])
def test_each_notice_prints_on_one_a4_page(
    demo: DemoOutputs, tmp_path: Path, language: str
) -> None:
    page = tmp_path / f"notices-{language}.html"
    html = render_notices(demo.plan, language=language, towns=demo.region.village_towns())
    page.write_text(html, encoding="utf-8")
    sizes = pdf_page_sizes(print_to_pdf(tmp_path, page))
    assert len(sizes) == len(_notices(html)) + 1  # the first page, then a page per village
    found = layout_problems(tmp_path, page, width=round((210 - 28) / 25.4 * 96))
    assert found["wide"] == [], found["wide"][:5]  # nothing past an A4 page's text width
    assert found["cramped"] == []


def test_a_closure_says_when_the_school_closes(demo: DemoOutputs) -> None:
    """Once the plan takes effect, after what the receiving school builds first; or, in a
    timeline, the year the school closes."""
    plan = demo.plan
    page = render_notices(plan, towns=demo.region.village_towns())
    schools = {s.id: s for s in plan.schools}
    for a in plan.assignments:
        if schools[a.before_school].status != "closed" or a.before_school == a.school:
            continue
        closed = schools[a.before_school].name
        if built_first(schools[a.school].investment):
            assert f"{closed} closes once the plan takes effect, after " in page
        else:
            assert f"{closed} closes once the plan takes effect;" in page
    school = next(s for s in plan.schools if s.status == "closed")
    rows = ({"year": 2, "event": "close", "school": school.id, "detail": ""},)
    later = render_notices(plan, timeline=TimelineView(1, 2, rows))
    assert f"{school.name} closes in year +2 of the plan" in later
