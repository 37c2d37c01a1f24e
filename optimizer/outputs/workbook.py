"""``plan.xlsx``: every table of the plan as a sheet, for the bureau's office.

One sheet per table of :func:`optimizer.outputs.tables.plan_tables`, headers in the
output's language (:mod:`optimizer.outputs.headers`), the codes of bands, modes, levels,
statuses, roles and ownership in words, yes/no for true/false, the header row frozen
and filterable. Written with openpyxl; the workbook's dates and the zip entries' times
are fixed, so the same plan gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from optimizer.outputs.headers import headers
from optimizer.outputs.labels import labels, term
from optimizer.outputs.wording import investment

#: The date the workbook records as created and modified, and its zip entries' time.
FIXED_TIME = dt.datetime(2000, 1, 1)

_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")

#: Sheet names (Excel allows 31 characters) of each table, per language.
SHEET_NAMES = {
    "en": {
        "schools": "Schools",
        "villages": "Villages",
        "assignments": "Assignments",
        "routes": "Routes",
        "stops": "Stops",
        "catchments": "Catchments",
        "depots": "Depots",
        "townships": "Townships",
    },
    "zh": {
        "schools": "学校",
        "villages": "村庄",
        "assignments": "各村各年级段去向",
        "routes": "校车线路",
        "stops": "校车站点",
        "catchments": "学区",
        "depots": "校车车场",
        "townships": "各乡镇街道汇总",
    },
}

#: The label kind of the columns holding a code (``mode_p13`` is a mode too).
_CODE_COLUMNS = {"band": "band", "mode": "mode", "level": "level", "status": "status"}
_CODE_COLUMNS |= {"role": "role", "ownership": "ownership", "investment": "investment"}


def _code_kind(column: str) -> str | None:
    return _CODE_COLUMNS.get(column) or ("mode" if column.startswith("mode_") else None)


def _cell(value: Any, kind: str | None, text: Mapping[str, str]) -> Any:
    """A cell's value: words for codes and booleans, ``None`` for missing values."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool):
        return text["yes"] if value else text["no"]
    if kind == "investment" and isinstance(value, str) and value:  # "classrooms 6, ..."
        units = dict(part.rsplit(" ", 1) for part in value.split(", "))
        return investment(text, {k: int(n) for k, n in units.items()})
    if kind is not None and isinstance(value, str) and value:
        return term(text, kind, value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def workbook_bytes(tables: Mapping[str, pd.DataFrame], *, language: str = "en") -> bytes:
    """The tables as an ``.xlsx`` file (bytes), one sheet each in the given order."""
    text = labels(language)
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEF2F6")
    for table, frame in tables.items():
        sheet = book.create_sheet(SHEET_NAMES[language].get(table, table)[:31])
        columns = list(frame.columns)
        sheet.append(headers(columns, language))
        kinds = [_code_kind(c) for c in columns]
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v, k, text) for v, k in zip(row, kinds)])
        for cell in sheet[1]:
            cell.font, cell.fill = bold, fill
        for n, title in enumerate(sheet[1], start=1):
            width = max(8, min(40, 2 * len(str(title.value)) + 2))
            sheet.column_dimensions[get_column_letter(n)].width = width
        sheet.freeze_panes = "A2"
        if columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(frame) + 1)}"
    book.properties.created = book.properties.modified = FIXED_TIME
    book.properties.creator = "schoolplan"
    raw = io.BytesIO()
    book.save(raw)
    return _fixed_zip_times(raw.getvalue())


def write_workbook(
    tables: Mapping[str, pd.DataFrame], path: str | Path, *, language: str = "en"
) -> None:
    """Write :func:`workbook_bytes` to ``path``."""
    Path(path).write_bytes(workbook_bytes(tables, language=language))


def _fixed_zip_times(data: bytes) -> bytes:
    """The same zip with every entry dated :data:`FIXED_TIME` (openpyxl stamps now)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" on save
                data = _STAMP.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            dst.writestr(entry, data)
    return out.getvalue()
