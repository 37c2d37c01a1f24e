"""Validate a scenario before running it: the schema and the region's files.

``schoolplan validate`` reports every problem at once: the scenario's keys and
values (with their YAML paths and the file that declared them), then whether each
region file exists and is readable, and the content of the place tables (columns,
values, duplicate ids), and the road file's kind by its content. ``schoolplan
validate`` then reads the region in full as a run does
(:mod:`optimizer.planning.inputs`).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from geodata.boundaries import read_boundaries
from geodata.errors import InputError, InputIssue
from geodata.file_kinds import road_file_kind
from geodata.places import DEPOTS, SCHOOLS, VILLAGES, TableSpec, read_places
from geodata.region import PlaceFile
from optimizer.scenario.inheritance import read_scenario_source
from optimizer.scenario.schema import BoundarySource, RegionPaths, Scenario, load_scenario


def validate(path: str | Path) -> Scenario:
    """Check a scenario file and its region's files; return the validated scenario.

    Raises
    ------
    geodata.errors.InputError
        Every problem found, schema and files together.
    """
    issues: list[InputIssue] = []
    scenario = None
    try:
        scenario = load_scenario(path)
    except InputError as exc:
        issues.extend(exc.issues)
    region = scenario.region if scenario is not None else _region_alone(path)
    if region is not None:
        base = scenario.base_dir if scenario is not None else read_scenario_source(path).base_dir
        issues.extend(region_file_issues(region, base))
    if issues:
        raise InputError(issues)
    assert scenario is not None
    return scenario


def _region_alone(path: str | Path) -> RegionPaths | None:
    """The region section when the file reads but the scenario as a whole is invalid."""
    try:
        source = read_scenario_source(path)
        return RegionPaths.model_validate(source.data.get("region"))
    except (InputError, ValidationError):
        return None


def region_file_issues(region: RegionPaths, base_dir: Path) -> list[InputIssue]:
    """Problems with the region's files: missing, unreadable, or bad place tables."""
    issues: list[InputIssue] = []
    roads = (base_dir / region.roads).resolve()
    try:
        road_file_kind(roads)  # by content, as the run reads it
    except InputError as exc:
        issues.extend(exc.issues)
    tables: list[tuple[TableSpec, object]] = [
        (VILLAGES, region.villages),
        (SCHOOLS, region.schools),
        (DEPOTS, region.depots),
    ]
    for spec, source in tables:
        if source is None:
            continue
        if isinstance(source, str):
            place = PlaceFile((base_dir / source).resolve())
        else:
            place = PlaceFile(
                (base_dir / source.path).resolve(), source.columns, source.layer, sheet=source.sheet
            )
        problem = _unreadable(place.path)
        if problem is not None:
            issues.append(InputIssue(str(place.path), "-", "file", *problem))
            continue
        try:
            read_places(
                place.path, spec, columns=place.columns, layer=place.layer, sheet=place.sheet
            )
        except InputError as exc:
            issues.extend(exc.issues)
    issues.extend(_boundary_issues(region, base_dir))
    return issues


def _boundary_issues(region: RegionPaths, base_dir: Path) -> list[InputIssue]:
    """Problems with the township boundaries' file (``region.boundaries``), if named."""
    source = region.boundaries
    if source is None:
        return []
    if isinstance(source, str):
        source = BoundarySource(path=source)
    path = (base_dir / source.path).resolve()
    problem = _unreadable(path)
    if problem is not None:
        return [InputIssue(str(path), "-", "file", *problem)]
    try:
        read_boundaries(path, field=source.field, layer=source.layer)
    except InputError as exc:
        return list(exc.issues)
    return []


def _unreadable(path: Path) -> tuple[str, str] | None:
    """``(expected, found)`` when a file cannot be read, else ``None``."""
    if not path.exists():
        return "an existing file", "no such file"
    if not path.is_file():
        return "a file", "a folder" if path.is_dir() else "not a regular file"
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        return "a readable file", exc.strerror or type(exc).__name__
    if path.stat().st_size == 0:
        return "a non-empty file", "an empty file"
    return None
