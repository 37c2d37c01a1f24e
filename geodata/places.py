"""Villages, schools and bus depots: read from tables, validated, as GeoDataFrames (WGS84)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata.china_crs import PlaceCrs, to_wgs84
from geodata.errors import IssueCollector
from geodata.kinds import BANDS, CURRENT_MODE_COLUMNS, LEVELS, OWNERSHIPS, TRAVELS
from geodata.office_tables import (
    plain_number,
    plain_value,
    read_csv_table,
    read_workbook_table,
    rename_synonyms,
)

_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f", ""}

Parser = Callable[[str], object]


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("a non-empty text")
    return value.strip()


#: Larger counts or amounts are no real value (Excel's 1E+20 for an overflowing cell).
LARGEST = 1e12


def _count(value: str) -> int:
    try:
        number = float(plain_number(value))
    except ValueError:
        hint = " (a decimal comma?)" if "," in value else ""
        raise ValueError(f"a whole number >= 0{hint}") from None
    if number != number or abs(number) > LARGEST:
        raise ValueError("a whole number >= 0 (a value this large is an Excel overflow or error)")
    if number < 0 or number != int(number):
        raise ValueError("a whole number >= 0")
    return int(number)


def _optional_amount(value: str) -> float:
    """A number >= 0, or NaN when empty (not given)."""
    return float("nan") if not value.strip() else _amount(value)


def _amount(value: str) -> float:
    try:
        number = float(plain_number(value))
    except ValueError:
        raise ValueError("a number >= 0") from None
    if number != number or abs(number) > LARGEST:
        raise ValueError("a number >= 0 (a value this large is an Excel overflow or error)")
    if number < 0:
        raise ValueError("a number >= 0")
    return number


def _fraction(value: str) -> float:
    try:
        number = float(plain_number(value, decimal_comma=True)) if value.strip() else 0.0
    except ValueError:
        raise ValueError("a fraction such as -0.04") from None
    if not -1.0 < number < 1.0:
        raise ValueError("a fraction between -1 and 1")
    return number


def _flag(value: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("true or false")


def _degrees(value: str) -> float:
    try:
        return float(plain_number(value, coordinate=True))
    except ValueError:
        raise ValueError("degrees as a decimal number, e.g. 118.52 (or 118°31'12\"E)") from None


def _lon(value: str) -> float:
    number = _degrees(value)
    if not -180.0 <= number <= 180.0:
        raise ValueError("a longitude in [-180, 180]")
    return number


def _lat(value: str) -> float:
    number = _degrees(value)
    if not -90.0 <= number <= 90.0:
        raise ValueError("a latitude in [-90, 90] (lon and lat swapped?)")
    return number


def _choice(options: tuple[str, ...]) -> Parser:
    def parse(value: str) -> str:
        text = value.strip().lower()
        if text not in options:
            raise ValueError("one of " + ", ".join(options))
        return text

    return parse


def _optional_choice(options: tuple[str, ...]) -> Parser:
    """One of ``options``, or empty (the documented default applies)."""
    choice = _choice(options)

    def parse(value: str) -> str:
        return choice(value) if value.strip() else ""

    return parse


def _optional_text(value: str) -> str:
    return value.strip()


def _bell(value: str) -> str:
    """A school's bell time ``HH:MM`` (24-hour clock); empty: the scenario's ``policy.bell``."""
    text = value.strip()
    if not text:
        return ""
    hours, sep, minutes = text.partition(":")
    if (
        not sep
        or len(minutes) != 2
        or not (hours.isdigit() and minutes.isdigit())
        or not 1 <= len(hours) <= 2
        or int(hours) > 23
        or int(minutes) > 59
    ):
        raise ValueError("a bell time HH:MM between 00:00 and 23:59 (or empty: policy.bell)")
    return f"{int(hours):02d}:{minutes}"


@dataclass(frozen=True)
class TableSpec:
    """What a place table must hold: required and optional columns with their parsers."""

    kind: str
    required: dict[str, Parser]
    optional: dict[str, tuple[Parser, str]]


VILLAGES = TableSpec(
    "villages",
    required={
        "id": _text,
        "name": _text,
        "lon": _lon,
        "lat": _lat,
        **{band: _count for band in BANDS},
    },
    optional={
        "town": (_optional_text, ""),
        "annual_change": (_fraction, "0"),
        "current_k": (_optional_text, ""),
        "current_primary": (_optional_text, ""),
        "current_junior": (_optional_text, ""),
        # How each band travels today (walk, guardian, bus, board); empty: walk within
        # the band's walking distance, else a guardian (see geodata.kinds.Travel).
        **{column: (_optional_choice(TRAVELS), "") for column in CURRENT_MODE_COLUMNS.values()},
    },
)
SCHOOLS = TableSpec(
    "schools",
    required={
        "id": _text,
        "name": _text,
        "lon": _lon,
        "lat": _lat,
        "level": _choice(LEVELS),
        "capacity": _count,
        "may_close": _flag,
        "must_keep": _flag,
        "running_cost": _amount,
    },
    optional={
        "town": (_optional_text, ""),
        "ownership": (_choice(OWNERSHIPS), "public"),
        "classrooms": (_count, "0"),
        "canteen_seats": (_count, "0"),
        "boarding_beds": (_count, "0"),
        "bell": (_bell, ""),
        "teacher_cost": (_optional_amount, ""),
        "central": (_flag, "false"),  # the township's central kindergarten or school
        "condition": (_optional_text, ""),  # e.g. poor: a closure candidate (quality data)
    },
)
DEPOTS = TableSpec(
    "depots",
    required={"id": _text, "name": _text, "lon": _lon, "lat": _lat},
    optional={"town": (_optional_text, "")},
)


VECTOR_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp", ".fgb")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
#: First bytes of a zip (xlsx, ods) and of an OLE file (xls), whatever the name.
WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


#: A Shapefile (dBase) keeps this many characters of a column name.
DBF_NAME_CHARS = 10


def _refuse_near_misses(
    path: Path, spec: TableSpec, header: list[str], issues: IssueCollector
) -> None:
    """Refuse a column whose name is a misspelling or a Shapefile cut of a known one.

    Such a column would be ignored and its values lost (``current_primay``, or
    ``current_pr`` from a Shapefile's 10-character names): today's schools would then
    count as unknown and pupils move who should stay. Columns unlike any known name
    (the office's own remarks, say) are read past.
    """
    known = [*spec.required, *spec.optional]
    for column in header:
        if column in known or column == "geometry":
            continue
        cut = [k for k in known if len(column) == DBF_NAME_CHARS and k.startswith(column)]
        close = cut or difflib.get_close_matches(column, known, n=1, cutoff=0.8)
        if close:
            why = (
                "a Shapefile keeps 10 characters of a name"
                if cut
                else "an unknown column this close to a known one is taken for a misspelling"
            )
            issues.add(
                path,
                "header",
                column,
                f"a known column: did you mean '{close[0]}'? ({why}; rename it, or map it "
                f"with region.<table>.columns: {{{close[0]}: {column}}})",
                column,
            )


def read_places(
    path: str | Path,
    spec: TableSpec,
    *,
    columns: Mapping[str, str] | None = None,
    layer: str | None = None,
    crs: PlaceCrs = PlaceCrs.WGS84,
    sheet: str | None = None,
) -> gpd.GeoDataFrame:
    """Read and validate one place table.

    Parameters
    ----------
    path
        A CSV file with ``lon``/``lat`` columns (WGS84), or a GeoPackage, GeoJSON,
        Shapefile or FlatGeobuf read with geopandas/pyogrio (any CRS; reprojected to
        WGS84; a non-point geometry is placed at its representative point).
    spec
        :data:`VILLAGES`, :data:`SCHOOLS` or :data:`DEPOTS`.
    columns
        ``our name -> the file's column name`` for columns named otherwise.
    layer
        The layer of a multi-layer file (GeoPackage).
    sheet
        The sheet of a workbook (``.xlsx``, ``.xls``, ``.ods``); the first when omitted.
    crs
        The system of a CSV table's ``lon``/``lat``: WGS84, or GCJ-02 / BD-09 as
        copied from Chinese web maps (converted to WGS84, :mod:`geodata.china_crs`).

    A CSV table is read as :mod:`geodata.office_tables` describes (encodings,
    separators, Chinese names and values, title, empty and totals rows); what was
    done is in ``table.attrs["notes"]``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per place in file order, typed columns, point geometry, EPSG:4326.

    Raises
    ------
    geodata.errors.InputError
        Listing every problem: missing file or columns, bad values (with row and id),
        duplicate ids.
    """
    path = Path(path)
    issues = IssueCollector()
    raw, rows, notes = _read_raw(path, spec, layer or sheet, issues)
    rename = {theirs: ours for ours, theirs in (columns or {}).items()}
    raw = raw.rename(columns=rename)
    raw.columns = [str(c).strip() for c in raw.columns]
    raw = rename_synonyms(raw, set(columns or {}))
    _refuse_near_misses(path, spec, list(raw.columns), issues)
    missing = [c for c in spec.required if c not in raw.columns]
    for column in missing:
        mapped = f" (mapped from '{columns[column]}')" if columns and column in columns else ""
        issues.add(
            path,
            "header",
            column,
            f"a column '{column}'{mapped}",
            "columns " + ", ".join(raw.columns),
        )
    issues.raise_if_any()
    if raw.empty:
        issues.add(path, "-", "rows", f"at least one {spec.kind[:-1]}", "no rows")
        issues.raise_if_any()

    parsed: dict[str, list[object]] = {}
    table = {**spec.required, **{k: parser for k, (parser, _) in spec.optional.items()}}
    for column, parser in table.items():
        default = spec.optional[column][1] if column in spec.optional else None
        values: list[object] = []
        for i, cell in enumerate(raw[column] if column in raw else [default] * len(raw)):
            where = f"row {rows[i]} (id {raw['id'].iloc[i] or '?'})"
            try:
                values.append(parser(plain_value(column, cell)))
            except ValueError as exc:
                issues.add(path, where, column, str(exc) or "a valid value", repr(cell))
                values.append(None)
        parsed[column] = values
    seen: dict[str, int] = {}
    for i, place_id in enumerate(parsed["id"]):
        if place_id in seen:
            issues.add(
                path,
                f"row {rows[i]} (id {place_id})",
                "id",
                f"a unique id (also on row {seen[place_id]})",
                place_id,
            )
        elif place_id:
            seen[place_id] = rows[i]
    issues.raise_if_any()
    frame = pd.DataFrame(parsed)
    if crs is not PlaceCrs.WGS84:
        lon, lat = to_wgs84(frame["lon"].to_numpy(float), frame["lat"].to_numpy(float), crs)
        frame["lon"], frame["lat"] = lon.round(7), lat.round(7)
        notes = (*notes, f"{path}: lon/lat converted from {crs.value.upper()} to WGS84")
    table = gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326"
    )
    table.attrs["source"] = str(path)
    table.attrs["notes"] = tuple(notes)
    return table


def _read_raw(
    path: Path, spec: TableSpec, layer: str | None, issues: IssueCollector
) -> tuple[pd.DataFrame, list[int], tuple[str, ...]]:
    """The file's records as text columns (``lon``/``lat`` for vector files), the file
    row of each, and notes on how it was read."""
    if not path.is_file():
        issues.add(
            path,
            "-",
            "file",
            f"a {spec.kind} table (CSV, GeoPackage, GeoJSON, Shapefile)",
            "a folder" if path.is_dir() else "no such file",
        )
        issues.raise_if_any()
    if path.stat().st_size == 0:
        issues.add(path, "-", "content", f"a {spec.kind} table with a header row", "an empty file")
        issues.raise_if_any()
    known = frozenset(spec.required) | frozenset(spec.optional)
    with path.open("rb") as fh:
        magic = fh.read(8)
    workbook = path.suffix.lower() not in VECTOR_SUFFIXES and magic.startswith(WORKBOOK_MAGIC)
    if path.suffix.lower() in WORKBOOK_SUFFIXES or workbook:
        office = read_workbook_table(path, layer, known, issues)
        if office.frame.columns.empty:
            issues.add(path, "-", "content", f"a {spec.kind} table with a header row", "none")
            issues.raise_if_any()
        return office.frame, list(office.rows), office.notes
    if path.suffix.lower() not in VECTOR_SUFFIXES:
        office = read_csv_table(path, known, issues)
        if office.frame.columns.empty:
            issues.add(path, "-", "content", f"a {spec.kind} table with a header row", "none")
            issues.raise_if_any()
        return office.frame, list(office.rows), office.notes
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:  # pyogrio raises several kinds for unreadable files
        issues.add(
            path, "-", "content", f"a readable {path.suffix} file", " ".join(str(exc).split())
        )
        issues.raise_if_any()
    if frame.crs is None:
        issues.add(path, "-", "crs", "a coordinate reference system", "none")
        issues.raise_if_any()
    bad = frame.geometry.isna() | frame.geometry.is_empty
    for i in range(len(frame)):
        if bad.iloc[i]:
            issues.add(path, f"row {i + 2}", "geometry", "a point", "no geometry")
    issues.raise_if_any()
    points = frame.geometry.to_crs("EPSG:4326")
    points = points.where(points.geom_type == "Point", points.representative_point())
    text = pd.DataFrame(frame.drop(columns=frame.geometry.name)).astype(object)
    text = text.where(text.notna(), "").astype(str)
    if "lon" not in text:
        text["lon"] = [repr(float(x)) for x in points.x]
    if "lat" not in text:
        text["lat"] = [repr(float(y)) for y in points.y]
    return text, list(range(2, len(text) + 2)), ()
