"""Place tables as a county office saves them: each file of tests/office_tables read
right or refused with its message; GCJ-02 and BD-09 against published pairs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from geodata.china_crs import (
    PlaceCrs,
    bd09_to_gcj02,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    wgs84_to_gcj02,
)
from geodata.errors import InputError
from geodata.places import SCHOOLS, VILLAGES, read_places

CASES = Path(__file__).resolve().parent / "office_tables"
VILLAGE_ROWS = [("A", 118.0, 36.0, 20, 15), ("B", 118.02, 36.0, 10, 0)]


def _rows(table):
    return [(r.id, round(r.lon, 7), round(r.lat, 7), r.p13, r.p46) for r in table.itertuples()]


@pytest.mark.parametrize(
    ("name", "note"),
    [
        ("villages_utf8_bom.csv", None),
        ("villages_gbk.csv", "read as GB18030 (GBK) text"),
        ("villages_semicolon.csv", None),
        ("villages_chinese_headers.csv", None),
        ("villages_fullwidth_comma_degree.csv", None),
        ("villages_title_totals_empty.csv", "rows 1-1 above the header skipped (a title)"),
    ],
)
def test_village_tables_are_read_right(name, note):
    table = read_places(CASES / name, VILLAGES)
    assert _rows(table) == VILLAGE_ROWS
    notes = " | ".join(table.attrs["notes"])
    if note:
        assert note in notes
    if "chinese" in name or "gbk" in name:
        assert list(table["name"]) == ["前村", "后村"]


def test_title_totals_and_empty_rows_are_named():
    notes = read_places(CASES / "villages_title_totals_empty.csv", VILLAGES).attrs["notes"]
    assert any("totals rows skipped: 6" in n for n in notes), notes
    assert any("empty rows skipped: 5, 7, 8" in n for n in notes), notes


def test_chinese_school_values():
    table = read_places(CASES / "schools_chinese_values.csv", SCHOOLS)
    assert list(table["level"]) == ["primary", "nine_year", "kindergarten"]
    assert list(table["ownership"]) == ["public", "public", "private_inclusive"]
    assert list(table["may_close"]) == [True, False, False]
    assert list(table["must_keep"]) == [False, True, False]
    assert list(table["running_cost"]) == [900000.0, 2000000.0, 300000.0]


def test_excel_overflow_is_refused_with_its_row():
    with pytest.raises(InputError) as err:
        read_places(CASES / "villages_excel_overflow.csv", VILLAGES)
    text = str(err.value)
    assert "row 2 (id A): p46: expected a whole number >= 0 (a value this large is an Excel" in text
    assert "row 3 (id B): p13: expected a whole number >= 0 (a value this large" in text
    assert "Traceback" not in text


def test_a_bad_byte_is_named_by_row_and_column():
    with pytest.raises(
        InputError,
        match=r"villages_bad_byte.csv: row 3: column 2 \(村名\): expected text in UTF-8 or "
        r"GB18030/GBK .*found the byte 0x80",
    ):
        read_places(CASES / "villages_bad_byte.csv", VILLAGES)


def test_published_gcj02_and_bd09_pairs():
    # The pairs published with the widely used coordTransform implementations.
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert (lon, lat) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-12)
    assert bd09_to_gcj02(116.404, 39.915) == pytest.approx(
        (116.39762729119315, 39.90865673957631), abs=1e-12
    )
    assert gcj02_to_bd09(116.404, 39.915) == pytest.approx(
        (116.41036949371029, 39.92133699351021), abs=1e-12
    )
    # The inverse is exact to the forward formula (iterated), not the one-step guess.
    back = gcj02_to_wgs84(116.41024449916938, 39.91640428150164)
    assert back == pytest.approx((116.404, 39.915), abs=1e-9)
    assert wgs84_to_gcj02(8.5, 47.1) == pytest.approx((8.5, 47.1))  # outside China


def test_a_gcj02_table_is_converted_to_wgs84():
    table = read_places(CASES / "schools_gcj02.csv", SCHOOLS, crs=PlaceCrs.GCJ02)
    assert (table.lon.iloc[0], table.lat.iloc[0]) == pytest.approx((116.404, 39.915), abs=1e-7)
    assert "converted from GCJ02 to WGS84" in table.attrs["notes"][-1]
    bd = read_places(CASES / "schools_gcj02.csv", SCHOOLS, crs=PlaceCrs.BD09)
    assert np.hypot(bd.lon.iloc[0] - 116.404, bd.lat.iloc[0] - 39.915) > 0.005


def test_the_gcj02_signature_is_warned():
    from geodata.snapping import gcj02_signature

    rng = np.random.default_rng(3)
    node_lon = 118.0 + rng.uniform(0, 0.3, 40)
    node_lat = 36.0 + rng.uniform(0, 0.3, 40)
    # WGS84 places: off their nodes in every direction.
    angle = rng.uniform(0, 2 * np.pi, 40)
    lon = node_lon + 0.002 * np.cos(angle)
    lat = node_lat + 0.002 * np.sin(angle)
    assert gcj02_signature(lon, lat, node_lon, node_lat) is None
    # The same places as a Chinese web map gives them: shifted one same way.
    glon, glat = wgs84_to_gcj02(node_lon, node_lat)
    warning = gcj02_signature(glon, glat, node_lon, node_lat)
    assert warning is not None and "set crs: gcj02" in warning
    assert gcj02_signature(glon - 110, glat, node_lon - 110, node_lat) is None  # not China


def _xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A minimal real .xlsx workbook (the Office Open XML parts Excel writes)."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(ref: str, value: object) -> str:
        if isinstance(value, (int, float)):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'

    def sheet_xml(rows: list[list[object]]) -> str:
        body = "".join(
            f'<row r="{r + 1}">'
            + "".join(cell(f"{chr(65 + c)}{r + 1}", v) for c, v in enumerate(row) if v != "")
            + "</row>"
            for r, row in enumerate(rows)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
            f'formats.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>'
        )

    ns = "http://schemas.openxmlformats.org"
    names = list(sheets)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxml'
            'formats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(len(names))
            )
            + "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
            f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>'
            + "".join(
                f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                for i, n in enumerate(names)
            )
            + "</sheets></workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{i + 1}" Type="{ns}/officeDocument/2006/relationships/'
                f'worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                for i in range(len(names))
            )
            + "</Relationships>",
        )
        for i, n in enumerate(names):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", sheet_xml(sheets[n]))
    return path


def test_an_xlsx_sheet_is_read_by_name_and_refused_with_the_sheets_it_has(tmp_path):
    rows = [
        ["村庄学生数", "", "", "", "", "", "", ""],
        ["编号", "村名", "经度", "纬度", "幼儿", "一至三年级", "四至六年级", "七至九年级"],
        ["A", "前村", 118.0, 36.0, 0, 20, 15, 0],
        ["B", "后村", 118.02, 36.0, 0, 10, 0, 0],
        ["合计", "", "", "", 0, 30, 15, 0],
    ]
    book = _xlsx(tmp_path / "villages.xlsx", {"说明": [["readme"]], "村庄": rows})
    table = read_places(book, VILLAGES, sheet="村庄")
    assert _rows(table) == VILLAGE_ROWS
    assert any("totals rows skipped: 5" in n for n in table.attrs["notes"])
    renamed = tmp_path / "villages.csv"  # a workbook under a CSV name: told by its bytes
    renamed.write_bytes(book.read_bytes())
    assert _rows(read_places(renamed, VILLAGES, sheet="村庄")) == VILLAGE_ROWS
    with pytest.raises(
        InputError, match=r"sheet: expected a sheet named '村民'; found sheets 说明, 村庄"
    ):
        read_places(book, VILLAGES, sheet="村民")
    overflow = [rows[1], ["A", "前村", 118.0, 36.0, 0, 1e20, 0, 0]]
    with pytest.raises(InputError, match=r"row 2 \(id A\): p13: expected a whole number >= 0 \(a"):
        read_places(_xlsx(tmp_path / "o.xlsx", {"s": overflow}), VILLAGES)
