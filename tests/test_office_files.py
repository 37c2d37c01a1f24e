"""Files for the office: plan.xlsx, CSV with a BOM, a GeoPackage QGIS opens styled.

Each file is written by :func:`optimizer.outputs.folder.write_outputs` and read back.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from optimizer.outputs.folder import write_outputs
from tests.sample_plan import sample_plan
from tests.test_chinese_words import english_words
from tests.test_outputs import ROADS


@pytest.fixture(scope="module")
def zh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("office") / "zh"
    write_outputs(sample_plan(), out, language="zh", road_lines=ROADS)
    return out


def test_workbook_a_sheet_per_table_headers_in_chinese(zh: Path) -> None:
    book = openpyxl.load_workbook(zh / "plan.xlsx", read_only=True)
    assert book.sheetnames == [
        *("学校", "村庄", "各村各年级段去向", "校车线路", "校车站点"),
        *("校车车场", "各乡镇街道汇总", "学区"),
    ]
    schools = list(book["学校"].iter_rows(values_only=True))
    head = schools[0]
    assert head[:4] == ("学校编号", "名称", "乡镇/街道", "学段") and "学位数" in head
    assert "调整后 · 一至三年级" in head
    rows = {r[0]: dict(zip(head, r)) for r in schools[1:]}
    assert rows["S01"]["名称"] == "Hexi Central School" and rows["S01"]["学位数"] == 400
    assert rows["S02"]["状态"] == "撤并" and rows["S01"]["必须保留"] == "是"
    assert rows["S01"]["投资"] == "食堂座位 20 个"
    csv = pd.read_csv(zh / "schools.csv")  # the same rows as the CSV file
    assert len(schools) - 1 == len(csv)
    plan = sample_plan()
    for sheet in book.worksheets:
        header = next(sheet.iter_rows(max_row=1, values_only=True))
        assert english_words(" ".join(str(h) for h in header), plan) == [], sheet.title


def test_csv_files_carry_a_utf8_bom(zh: Path) -> None:
    for name in ("schools", "villages", "assignments", "routes", "stops", "catchments"):
        data = (zh / f"{name}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), name
    assert list(pd.read_csv(zh / "schools.csv").columns)[:2] == ["school", "name"]


def test_geopackage_has_qgis_styles_and_chinese_aliases(zh: Path) -> None:
    with sqlite3.connect(zh / "plan.gpkg") as db:
        styles = dict(db.execute("SELECT f_table_name, styleQML FROM layer_styles"))
        default = {r[0] for r in db.execute("SELECT useAsDefault FROM layer_styles")}
        aliases = db.execute("SELECT table_name, column_name, name FROM gpkg_data_columns")
        aliases = {(t, c): n for t, c, n in aliases}
        contents = {r[0] for r in db.execute("SELECT table_name FROM gpkg_contents")}
    assert set(styles) == {"villages", "schools", "assignments", "routes", "stops"} | {
        *("catchments", "depots", "towns"),
        "roads",
    }
    assert default == {1} and all("<renderer-v2" in qml for qml in styles.values())
    assert "layer_styles" in contents
    assert aliases[("schools", "capacity")] == "学位数"
    assert aliases[("stops", "boarding_p13")] == "上车人数 · 一至三年级"
    assert english_words(" ".join(aliases.values()), sample_plan()) == []
