"""``schoolplan compare``: two plans side by side, on stdout and as compare.html."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.cli import main
from optimizer.outputs.compare import compare, compare_text, load_plan
from tests.sample_plan import alternative_plan, sample_plan


@pytest.fixture
def plans(tmp_path: Path) -> tuple[Path, Path]:
    """The sample plan as an output folder, the alternative as a bare plan.json."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "plan.json").write_text(sample_plan().to_json(), encoding="utf-8")
    (tmp_path / "b.json").write_text(alternative_plan().to_json(), encoding="utf-8")
    return tmp_path / "a", tmp_path / "b.json"


def test_differences_between_two_plans() -> None:
    result = compare(sample_plan(), alternative_plan())
    kpis = {key: (a, b) for key, _, a, b in result.kpis}
    assert kpis["schools_closed"] == (1, 0)
    assert kpis["pupils_newly_bused"] == (30, 8)
    assert kpis["running_cost_saved"] == (350_000, 0)
    assert [(s.school, s.status_a, s.status_b) for s in result.schools] == [
        ("S02", "closed", "kept")
    ]
    assert [(v.village, v.band) for v in result.villages] == [("V02", "p13"), ("V02", "p46")]
    assert result.villages[0].a.school == "S01" and result.villages[0].b.school == "S02"
    same = compare(sample_plan(), sample_plan())
    assert same.schools == () and same.villages == ()


def test_text_table() -> None:
    text = compare_text(compare(sample_plan(), alternative_plan()))
    assert "A = Hexi pilot <A&B>; B = Hexi pilot, S02 kept" in text
    lines = text.splitlines()
    closed = next(line for line in lines if line.lstrip().startswith("Schools closed"))
    assert closed.split()[-3:] == ["1", "0", "-1"]
    saved = next(line for line in lines if "Running cost saved" in line)
    assert saved.split()[-3:] == ["350,000", "0", "-350,000"]
    assert "Schools whose status differs (1)" in text
    assert "Shangping <Village> School (S02)  closed  kept" in text
    assert "Villages whose school, mode or journey time differs (2)" in text
    assert "Hexi Central School (S01) · school bus · 30 min" in text
    assert "Shangping <Village> School (S02) · walk · 5 min" in text
    zh = compare_text(compare(sample_plan(), alternative_plan()), language="zh")
    assert "状态不同的学校 (1)" in zh and "撤并" in zh


def test_cli_compare_writes_html_and_map(plans: tuple[Path, Path], tmp_path: Path, capsys) -> None:
    out = tmp_path / "cmp"
    assert main(["compare", str(plans[0]), str(plans[1]), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Schools whose status differs (1)" in printed and "compare.html" in printed
    assert sorted(p.name for p in out.iterdir()) == ["compare.html", "compare_map.png"]
    page = (out / "compare.html").read_text()
    assert 'src="data:image/png;base64,iVBORw0KGgo' in page
    assert "Hexi pilot &lt;A&amp;B&gt;" in page and "<A&B>" not in page
    assert '<table id="villages">' in page and page.count("<tr>") == 1 + 15 + 2 + 3
    first = (out / "compare_map.png").read_bytes()
    assert main(["compare", str(plans[0]), str(plans[1]), "--out", str(out)]) == 0
    assert (out / "compare_map.png").read_bytes() == first  # the same bytes again


def test_cli_compare_bad_path(plans: tuple[Path, Path], tmp_path: Path, capsys) -> None:
    assert main(["compare", str(plans[0]), str(tmp_path / "nowhere")]) == 2
    assert "nowhere: no such plan file" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(ValueError, match="not a schoolplan plan.json"):
        load_plan(tmp_path / "bad.json")
