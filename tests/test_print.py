"""The report prints on A4: every table within the page, Chinese cells not one character wide.

Checked in a real headless Chromium: its print-to-PDF gives A4 pages, and the page laid
out as wide as an A4 page's text (the report's print rules apply there too, pictures
included) has no element past the right edge.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from optimizer.outputs.charts import pictures
from optimizer.outputs.report import render_report
from optimizer.plan import Plan
from tests.browser import layout_problems, needs_chromium, pdf_page_sizes, print_to_pdf
from tests.sample_plan import sample_plan

#: A4 portrait in points, as Chromium writes it (to within a point).
A4_PT = (595.3, 841.9)


def long_named(plan: Plan) -> Plan:
    """The sample plan with the long names a county's schools have."""
    schools = tuple(
        replace(s, name=f"{s.name} of Chengguan Subdistrict, Anqiu County, No. {n}")
        for n, s in enumerate(plan.schools, start=1)
    )
    return replace(plan, schools=schools)


@needs_chromium
@pytest.mark.parametrize("language", ["en", "zh"])
def test_report_prints_on_a4_within_the_page(tmp_path: Path, language: str) -> None:
    page = tmp_path / f"report-{language}.html"
    plan = long_named(sample_plan())
    shown = render_report(plan, language=language, pictures=pictures(plan, language=language))
    assert shown.count('<figure class="chart"') == 3  # the pictures must fit the page too
    page.write_text(shown, encoding="utf-8")
    sizes = pdf_page_sizes(print_to_pdf(tmp_path, page))
    assert sizes and all(abs(w - A4_PT[0]) < 1 and abs(h - A4_PT[1]) < 1 for w, h in sizes)
    found = layout_problems(tmp_path, page)
    assert found["wide"] == [], found["wide"][:5]
    assert found["cramped"] == []


def test_report_css_asks_for_a4() -> None:
    page = render_report(sample_plan())
    assert "@page { size: A4;" in page
    assert "word-break: keep-all" in page  # Chinese cells break between words, not characters
