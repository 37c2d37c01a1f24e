"""Villages, schools and bus depots: read from tables, validated, as GeoDataFrames (WGS84)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata.errors import IssueCollector
from geodata.kinds import BANDS, LEVELS, OWNERSHIPS

_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f", ""}

Parser = Callable[[str], object]


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("a non-empty text")
    return value.strip()


def _count(value: str) -> int:
    try:
        number = float(value)
    except ValueError:
        raise ValueError("a whole number >= 0") from None
    if number < 0 or number != int(number):
        raise ValueError("a whole number >= 0")
    return int(number)


def _amount(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError("a number >= 0") from None
    if number < 0 or number != number:
        raise ValueError("a number >= 0")
    return number


def _fraction(value: str) -> float:
    try:
        number = float(value) if value.strip() else 0.0
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


def _lon(value: str) -> float:
    number = float(value)
    if not -180.0 <= number <= 180.0:
        raise ValueError("a longitude in [-180, 180]")
    return number


def _lat(value: str) -> float:
    number = float(value)
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


def read_places(
    path: str | Path,
    spec: TableSpec,
    *,
    columns: Mapping[str, str] | None = None,
    layer: str | None = None,
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
    raw = _read_raw(path, spec, layer, issues)
    rename = {theirs: ours for ours, theirs in (columns or {}).items()}
    raw = raw.rename(columns=rename)
    raw.columns = [str(c).strip() for c in raw.columns]
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
            where = f"row {i + 2} (id {raw['id'].iloc[i] or '?'})"
            try:
                values.append(parser(cell))
            except ValueError as exc:
                issues.add(path, where, column, str(exc) or "a valid value", repr(cell))
                values.append(None)
        parsed[column] = values
    seen: dict[str, int] = {}
    for i, place_id in enumerate(parsed["id"]):
        if place_id in seen:
            issues.add(
                path,
                f"row {i + 2} (id {place_id})",
                "id",
                f"a unique id (also on row {seen[place_id]})",
                place_id,
            )
        elif place_id:
            seen[place_id] = i + 2
    issues.raise_if_any()
    frame = pd.DataFrame(parsed)
    table = gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326"
    )
    table.attrs["source"] = str(path)
    return table


def _read_raw(
    path: Path, spec: TableSpec, layer: str | None, issues: IssueCollector
) -> pd.DataFrame:
    """The file's records as text columns, with ``lon``/``lat`` for vector files."""
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
    if path.suffix.lower() not in VECTOR_SUFFIXES:
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
        except UnicodeDecodeError as exc:
            issues.add(
                path,
                "-",
                "encoding",
                "a UTF-8 CSV file (in Excel: Save As 'CSV UTF-8')",
                f"a byte that is not UTF-8 at position {exc.start}",
            )
            issues.raise_if_any()
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            issues.add(
                path, "-", "content", "a CSV table with a header row", " ".join(str(exc).split())
            )
            issues.raise_if_any()
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
    return text
