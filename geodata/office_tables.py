"""Tables as a county office saves them: encodings, separators, Chinese names, stray rows.

What is recognised, and what is said about it (``notes``) or refused:

- **workbooks**: ``.xlsx``, ``.xls`` and ``.ods`` (also under a ``.csv`` name: told by
  their first bytes), one sheet by name (``sheet:``) or the first, read with calamine;
- **encoding**: UTF-8 with or without a byte-order mark, else GB18030 (a superset of
  GBK and GB2312, what Excel and WPS save on a Chinese Windows) with a note; a byte
  that is neither is refused with its row and column;
- **separator**: comma, semicolon, tab or ``|``, read from the header line;
- **title rows** above the header (a header is the first row naming at least two
  known columns): skipped, with a note;
- **empty rows** and **totals rows** (a first cell such as 合计, 总计, 小计, Total):
  skipped, with a note naming their row numbers;
- **column names** in Chinese (:data:`HEADER_SYNONYMS`) and **values** in Chinese
  (:data:`VALUE_SYNONYMS`: levels, ownership, yes/no, today's travel: 步行, 家长接送, 校车, 寄宿);
- **numbers** (:func:`plain_number`): full-width digits (１２３), a decimal comma in
  coordinates and fractions (``118,5``), thousands separators in counts and amounts
  (``1,200,000``), degree signs and hemispheres in coordinates (``118.5°E``,
  ``36°3'0"N``).

Row numbers in every message are the file's own line numbers (the header is row 1
when it is the first line).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from geodata.errors import IssueCollector

#: Chinese (and common English) column names -> ours.
HEADER_SYNONYMS: Mapping[str, str] = MappingProxyType(
    {
        "编号": "id",
        "代码": "id",
        "学校代码": "id",
        "村编号": "id",
        "名称": "name",
        "村名": "name",
        "村庄": "name",
        "村庄名称": "name",
        "学校名称": "name",
        "校名": "name",
        "经度": "lon",
        "纬度": "lat",
        "longitude": "lon",
        "latitude": "lat",
        "lng": "lon",
        "幼儿": "k",
        "学前": "k",
        "幼儿园在园": "k",
        "一至三年级": "p13",
        "1-3年级": "p13",
        "四至六年级": "p46",
        "4-6年级": "p46",
        "七至九年级": "j79",
        "7-9年级": "j79",
        "乡镇": "town",
        "所属乡镇": "town",
        "镇街": "town",
        "学段": "level",
        "办学类型": "level",
        "学校类型": "level",
        "容量": "capacity",
        "学位数": "capacity",
        "可撤并": "may_close",
        "可否撤并": "may_close",
        "必须保留": "must_keep",
        "年运行成本": "running_cost",
        "运行成本": "running_cost",
        "办学性质": "ownership",
        "举办性质": "ownership",
        "教室数": "classrooms",
        "食堂座位": "canteen_seats",
        "餐位": "canteen_seats",
        "住宿床位": "boarding_beds",
        "床位": "boarding_beds",
        "年变化率": "annual_change",
        "上课时间": "bell",
        "幼儿园上学方式": "current_mode_k",
        "一至三年级上学方式": "current_mode_p13",
        "四至六年级上学方式": "current_mode_p46",
        "七至九年级上学方式": "current_mode_j79",
    }
)
_FLAGS = {"是": "true", "否": "false", "可": "true", "不可": "false", "有": "true", "无": "false"}
#: How pupils travel today, in Chinese (``current_mode_*``).
_TRAVEL = {
    "步行": "walk",
    "走读": "walk",
    "家长接送": "guardian",
    "接送": "guardian",
    "家长": "guardian",
    "校车": "bus",
    "公交": "bus",
    "班车": "bus",
    "寄宿": "board",
    "住校": "board",
}
#: Chinese values -> ours, by column.
VALUE_SYNONYMS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "level": {
            "小学": "primary",
            "完全小学": "primary",
            "教学点": "primary",
            "初中": "junior",
            "初级中学": "junior",
            "九年一贯制": "nine_year",
            "九年一贯制学校": "nine_year",
            "幼儿园": "kindergarten",
            "中心幼儿园": "kindergarten",
        },
        "ownership": {
            "公办": "public",
            "民办普惠": "private_inclusive",
            "普惠性民办": "private_inclusive",
            "普惠": "private_inclusive",
            "民办": "private",
        },
        "may_close": _FLAGS,
        "must_keep": _FLAGS,
        **{f"current_mode_{band}": _TRAVEL for band in ("k", "p13", "p46", "j79")},
    }
)
#: First cells that mark a totals row.
TOTALS = frozenset({"合计", "总计", "小计", "合 计", "total", "totals", "sum"})
SEPARATORS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class OfficeTable:
    """A table's cells as text, the file line of each row, and what was done to read it."""

    frame: pd.DataFrame
    rows: tuple[int, ...]
    notes: tuple[str, ...]


def _decode(data: bytes, path: Path, issues: IssueCollector) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first = exc
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    line_start = data.rfind(b"\n", 0, first.start) + 1
    row = data.count(b"\n", 0, first.start) + 1
    header = data.split(b"\n", 1)[0].decode("utf-8", "replace")
    sep = max(SEPARATORS, key=header.count)
    column = data[line_start : first.start].count(sep.encode()) + 1
    names = [c.strip() for c in header.split(sep)]
    printable = column <= len(names) and names[column - 1].isprintable()
    name = f" ({names[column - 1]})" if printable and "\ufffd" not in names[column - 1] else ""
    issues.add(
        path,
        f"row {row}",
        f"column {column}{name}",
        "text in UTF-8 or GB18030/GBK (in Excel: Save As 'CSV UTF-8')",
        f"the byte {data[first.start]:#04x}, which is neither",
    )
    issues.raise_if_any()
    raise AssertionError("unreachable")


def _known(cell: str, known: frozenset[str]) -> bool:
    text = unicodedata.normalize("NFKC", cell).strip()
    return text in known or text.lower() in known or text in HEADER_SYNONYMS


def read_csv_table(
    path: Path, known_columns: frozenset[str], issues: IssueCollector
) -> OfficeTable:
    """Read a CSV table as an office saves it (see the module docstring)."""
    text, encoding = _decode(path.read_bytes(), path, issues)
    notes: list[str] = []
    if encoding != "utf-8":
        notes.append(f"{path}: read as {encoding.upper()} (GBK) text, not UTF-8")
    head = next((line for line in text.splitlines() if line.strip()), "")
    sep = max(SEPARATORS, key=head.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=sep, skipinitialspace=True))
    return _table(path, rows, known_columns, notes)


def read_workbook_table(
    path: Path, sheet: str | None, known_columns: frozenset[str], issues: IssueCollector
) -> OfficeTable:
    """Read one sheet of an Excel or WPS workbook (``.xlsx``, ``.xls``, ``.ods``).

    ``sheet`` is the sheet's name; the first sheet when ``None``. Cells are read as
    text: whole numbers without ``.0``, dates as ISO text.
    """
    import python_calamine

    try:
        book = python_calamine.load_workbook(str(path))
    except Exception as exc:  # calamine raises several kinds for unreadable workbooks
        issues.add(path, "-", "content", "a readable Excel workbook", " ".join(str(exc).split()))
        issues.raise_if_any()
    names = list(book.sheet_names)
    if sheet is not None and sheet not in names:
        issues.add(path, "-", "sheet", f"a sheet named '{sheet}'", "sheets " + ", ".join(names))
        issues.raise_if_any()
    chosen = sheet if sheet is not None else names[0]
    rows = [[_cell_text(c) for c in row] for row in book.get_sheet_by_name(chosen).to_python()]
    notes = [f"{path}: sheet '{chosen}' of {len(names)}"] if len(names) > 1 else []
    return _table(path, rows, known_columns, notes)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _table(
    path: Path, rows: list[list[str]], known_columns: frozenset[str], notes: list[str]
) -> OfficeTable:
    """Header, title rows, empty and totals rows of a table's rows of text."""
    if not rows:
        return OfficeTable(pd.DataFrame(), (), tuple(notes))
    header_at = 0
    for i, row in enumerate(rows[:10]):
        if sum(_known(c, known_columns) for c in row) >= 2:
            header_at = i
            break
    if header_at:
        notes.append(f"{path}: rows 1-{header_at} above the header skipped (a title)")
    header = [unicodedata.normalize("NFKC", c).strip() for c in rows[header_at]]
    while header and not header[-1]:
        header.pop()
    body, numbers, empty, totals = [], [], [], []
    for i, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = [c.strip() for c in row]
        if not any(cells):
            empty.append(i)
            continue
        first = unicodedata.normalize("NFKC", next(c for c in cells if c)).lower()
        if first.replace(" ", "") in TOTALS or first in TOTALS:
            totals.append(i)
            continue
        cells = (cells + [""] * len(header))[: len(header)]
        body.append(cells)
        numbers.append(i)
    if empty:
        notes.append(f"{path}: empty rows skipped: {_spans(empty)}")
    if totals:
        notes.append(f"{path}: totals rows skipped: {_spans(totals)}")
    frame = pd.DataFrame(body, columns=header, dtype=str) if header else pd.DataFrame()
    return OfficeTable(frame, tuple(numbers), tuple(notes))


def _spans(rows: list[int]) -> str:
    return ", ".join(str(r) for r in rows[:10]) + (" ..." if len(rows) > 10 else "")


def rename_synonyms(frame: pd.DataFrame, keep: set[str]) -> pd.DataFrame:
    """Chinese column names -> ours, where ours is not already a column or mapped."""
    names = {}
    for column in frame.columns:
        text = unicodedata.normalize("NFKC", str(column)).strip()
        ours = HEADER_SYNONYMS.get(text) or HEADER_SYNONYMS.get(text.lower())
        if ours and ours not in frame.columns and ours not in keep and ours not in names.values():
            names[column] = ours
    return frame.rename(columns=names)


def plain_value(column: str, value: str) -> str:
    """A cell in half-width characters, with its Chinese value synonym replaced."""
    text = unicodedata.normalize("NFKC", value).strip()
    return VALUE_SYNONYMS.get(column, {}).get(text, text)


_DMS = re.compile(
    r"^(?P<d>\d+(?:\.\d+)?)\s*°\s*(?:(?P<m>\d+(?:\.\d+)?)\s*['′]\s*)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:\"|″|'')\s*)?(?P<h>[NSEW])?$",
    re.IGNORECASE,
)
_HEMISPHERE = re.compile(r"^(?P<n>-?\d+(?:\.\d+)?)\s*°?\s*(?P<h>[NSEW])?$", re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


def plain_number(value: str, *, coordinate: bool = False, decimal_comma: bool = False) -> str:
    """A number cell as Python reads it: full-width, commas and degree signs undone.

    Parameters
    ----------
    coordinate
        Degrees: ``118.5°E``, ``36°3'0"N`` (S and W negative).
    decimal_comma
        ``118,5`` is a decimal comma (coordinates, fractions); otherwise commas
        between groups of three digits are thousands separators.
    """
    text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
    if coordinate:
        match = _DMS.match(text) or None
        if match and (match["m"] or match["s"]):
            number = float(match["d"]) + float(match["m"] or 0) / 60 + float(match["s"] or 0) / 3600
            sign = -1 if (match["h"] or "").upper() in ("S", "W") else 1
            return repr(sign * number)
        plain = text.replace(",", ".") if _DECIMAL_COMMA.match(text) else text
        match = _HEMISPHERE.match(plain)
        if match:
            sign = -1 if (match["h"] or "").upper() in ("S", "W") else 1
            return repr(sign * float(match["n"]))
        return plain
    if decimal_comma and _DECIMAL_COMMA.match(text):
        return text.replace(",", ".")
    if _THOUSANDS.match(text):
        return text.replace(",", "")
    return text
