"""Scenario files: a planning run's region, policy, solver and output, validated from YAML.

The policy's sections live in :mod:`optimizer.scenario.policy`; this module holds
the scenario around them, how a file (with its ``extends`` chain) is read and
validated, and the settings a run cannot honour yet.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field,
    ValidationError,
    field_validator,
)
from shapely.geometry import MultiPolygon

from geodata.boundaries import DEFAULT_FIELD, read_boundaries
from geodata.china_crs import PlaceCrs
from geodata.errors import InputError, InputIssue
from geodata.region import PlaceFile, Region, RegionFiles, load_region
from optimizer.scenario.clock import late_bells
from optimizer.scenario.closure_policy import DecisionWord
from optimizer.scenario.inheritance import read_scenario_source
from optimizer.scenario.policy import Frozen, Policy
from optimizer.scenario.schema_errors import describe

__all__ = [
    "Output",
    "Paper",
    "PlaceSource",
    "Policy",
    "RegionPaths",
    "Scenario",
    "Solver",
    "load_scenario",
    "pending_settings",
    "validate_scenario_data",
]


class Solver(Frozen):
    """Solver settings. Limits are deterministic so that a plan is reproducible."""

    seed: int = Field(
        2027, ge=0, le=2**31 - 1, description="random seed of every solver (0 to 2147483647)"
    )
    closures_deterministic_time: float = Field(
        60.0, gt=0, description="CP-SAT max_deterministic_time (work units, not seconds)"
    )
    closures_workers: int = Field(1, ge=1, description="CP-SAT workers (1 is reproducible)")
    closures_engine: Literal["sat", "scip", "highs"] = Field(
        "highs",
        description="highs (default: solves the closure model to proven optimality "
        "fastest), scip, or sat (CP-SAT, stopped by its deterministic time limit)",
    )
    closures_time_limit_s: float = Field(
        600.0,
        gt=0,
        description="wall-clock guard; a run that reaches it is flagged non-reproducible",
    )
    closures_node_limit: int | None = Field(
        None,
        ge=1,
        description="MIP engines (highs, scip): stop after this many branch-and-bound "
        "nodes, a deterministic limit (the same plan on any machine); empty: none",
    )
    closures_relative_gap: float = Field(
        0.0,
        ge=0,
        le=0.1,
        description="stop once the plan is proven within this fraction of the best possible "
        "(0: optimal); the plan records the gap and stays reproducible",
    )
    closures_candidates: int | None = Field(
        None,
        gt=0,
        description="each village band weighs only its N cheapest schools (and today's); for "
        "counties of a thousand villages; the gap is then to the best plan among those; "
        "empty: every school within the rules",
    )
    routing_engine: Literal["pyvrp", "ortools"] = Field(
        "pyvrp", description="bus routing: PyVRP (default) or OR-Tools routing"
    )
    routing_iterations: int = Field(
        2000, gt=0, description="PyVRP: stop after this many iterations"
    )
    routing_solution_limit: int = Field(
        200, gt=0, description="OR-Tools routing: stop after this many solutions"
    )
    routing_time_limit_s: float = Field(
        60.0, gt=0, description="safety limit; a run that reaches it is flagged non-reproducible"
    )


#: The farthest a village or school may lie from its road, metres: beyond that the
#: journey off the road would be longer than the roads can tell.
MAX_SNAP_M = 5000.0


class PlaceSource(Frozen):
    """A place table with options: a column mapping and a layer."""

    path: str
    columns: dict[str, str] = Field(
        default_factory=dict, description="our column name -> the file's column name"
    )
    layer: str | None = None
    sheet: str | None = Field(None, description="the sheet of a workbook (.xlsx); the first")
    crs: Literal["wgs84", "gcj02", "bd09"] = Field(
        "wgs84", description="lon/lat system: gcj02 or bd09 as copied from Chinese web maps"
    )


class BoundarySource(Frozen):
    """The townships' boundaries: a GeoJSON or GeoPackage of polygons, one per town."""

    path: str
    field: str = Field(DEFAULT_FIELD, description="the field holding each town's name")
    layer: str | None = Field(None, description="the layer of a GeoPackage; the first")


class RegionPaths(Frozen):
    """Region files, relative to the scenario file."""

    roads: str = Field(description="OSM XML, OSM PBF or GraphML file")
    villages: str | PlaceSource
    schools: str | PlaceSource
    depots: str | PlaceSource | None = None
    boundaries: str | BoundarySource | None = Field(
        None,
        description="township boundaries for the maps (GeoJSON or GeoPackage with a town "
        "field); without them each town is drawn as the union of its villages' cells",
    )
    max_snap_m: float = Field(
        1000.0,
        gt=0,
        le=MAX_SNAP_M,
        description="farther from a road is an error, metres; the margin of the extent",
    )
    warn_snap_m: float = Field(
        300.0, gt=0, le=MAX_SNAP_M, description="farther from a road is named in a warning"
    )
    cutoff_min: float | None = Field(
        None, gt=0, le=24 * 60, description="bus times beyond this are not computed (large regions)"
    )


class Paper(StrEnum):
    """The sheet the print map is laid out on, landscape."""

    A4 = "a4"
    A3 = "a3"


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Output(Frozen):
    """What to write."""

    language: Literal["en", "zh"] = "en"
    tiles: bool = Field(False, description="add an online tile layer to the map")
    paper: Paper = Field(Paper.A3, description="the print map's sheet, landscape: a4 or a3")
    date: dt.date | None = Field(
        None,
        description="the date printed on the print map, YYYY-MM-DD (never the clock: a rerun "
        "gives the same bytes); without it a blank line to fill in",
    )
    issuer: str = Field(
        "",
        max_length=80,
        description="the issuing body printed on the print map, e.g. XX县教育和体育局; "
        "without it a blank line to fill in",
    )

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        """A calendar date written ``YYYY-MM-DD`` (the YAML reader keeps dates as text), or a
        ``datetime.date``; no number, no time of day, no impossible day."""
        if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            return value
        if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValueError("a calendar date written YYYY-MM-DD, e.g. 2026-12-01")


class Scenario(Frozen):
    """A planning run: where the region is, the policy, the solver settings."""

    name: str
    description: str = ""
    region: RegionPaths
    policy: Policy = Field(default_factory=Policy)
    solver: Solver = Field(default_factory=Solver)
    output: Output = Field(default_factory=Output)
    decisions: dict[str, DecisionWord] = Field(
        default_factory=dict,
        description="the planner's word: school id -> keep, close or teaching_point; the "
        "plan is built around these and records which they were",
    )
    base_dir: Path = Field(Path("."), exclude=True)
    sources: tuple[Path, ...] = Field(
        (), exclude=True, description="the scenario file, then every file it extends"
    )

    def load_region(self, cache_dir: Path | None = None) -> Region:
        """The scenario's region, read with its speed model, walking speed and limits.

        Raises
        ------
        geodata.errors.InputError
            Bad region files, or a school's own bell too early for its buses
            (:func:`optimizer.scenario.clock.late_bells`).
        """
        cutoff = self.region.cutoff_min
        region = load_region(
            self.region_files(),
            speeds=self.policy.speeds.model(),
            walk_kph=self.policy.walk_kph,
            max_snap_m=self.region.max_snap_m,
            warn_snap_m=min(self.region.warn_snap_m, self.region.max_snap_m),
            cutoff_s=None if cutoff is None else 60 * cutoff,
            cache_dir=cache_dir,
        )
        if "bell" in region.schools:
            bells = dict(zip(region.schools["id"], region.schools["bell"], strict=True))
            late = list(late_bells(self.policy, bells, str(self.region_files().schools.path)))
            if late:
                raise InputError(late)
        return region

    def boundary_source(self) -> BoundarySource | None:
        """The township boundaries' file with an absolute path, if the region names one."""
        source = self.region.boundaries
        if source is None:
            return None
        if isinstance(source, str):
            source = BoundarySource(path=source)
        return source.model_copy(update={"path": str((self.base_dir / source.path).resolve())})

    def town_boundaries(self) -> dict[str, MultiPolygon] | None:
        """Each town's boundary from ``region.boundaries`` (lon/lat), or ``None``.

        Raises
        ------
        geodata.errors.InputError
            The file is missing, unreadable, lacks the town field or holds no polygons.
        """
        source = self.boundary_source()
        if source is None:
            return None
        return read_boundaries(source.path, field=source.field, layer=source.layer)

    def region_files(self) -> RegionFiles:
        """The region's files as absolute paths."""

        def resolve(p: str) -> Path:
            return (self.base_dir / p).resolve()

        def place(source: str | PlaceSource | None) -> PlaceFile | None:
            if source is None:
                return None
            if isinstance(source, str):
                return PlaceFile(resolve(source))
            return PlaceFile(
                resolve(source.path),
                dict(source.columns),
                source.layer,
                PlaceCrs(source.crs),
                source.sheet,
            )

        r = self.region
        return RegionFiles(resolve(r.roads), place(r.villages), place(r.schools), place(r.depots))


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file and the files it ``extends``.

    Raises
    ------
    geodata.errors.InputError
        Every problem at once, each with its YAML path and the file that declared it.
    """
    source = read_scenario_source(path)

    def file_of(loc: tuple[object, ...]) -> str:
        file = source.declared_in(loc)
        return str(path) if file == source.files[0] else str(file)

    return validate_scenario_data(
        source.data, base_dir=source.base_dir, sources=source.files, file_of=file_of
    )


def validate_scenario_data(
    data: Mapping[str, Any],
    *,
    base_dir: Path,
    sources: tuple[Path, ...] = (),
    file_of: Callable[[tuple[object, ...]], str],
) -> Scenario:
    """Validate a scenario mapping (region paths relative to ``base_dir``).

    Parameters
    ----------
    file_of
        Names the file (or option) to blame for a problem at a YAML path.

    Raises
    ------
    geodata.errors.InputError
        Every problem at once, each with its YAML path.
    """
    try:
        return Scenario.model_validate({**data, "base_dir": base_dir, "sources": sources})
    except ValidationError as exc:
        raise InputError(
            InputIssue(
                file_of(tuple(err["loc"])),
                ".".join(str(p) for p in err["loc"]) or "-",
                "value",
                *describe(err, Scenario),
            )
            for err in exc.errors()
        ) from None


#: Settings that the models do not honour yet, each with the value that changes
#: nothing. A run refuses a scenario setting one otherwise, rather than plan as if
#: it were not there; remove an entry once the model honours the setting.
PENDING_SETTINGS: dict[str, object] = {}


def pending_settings(scenario: Scenario) -> list[InputIssue]:
    """One issue per setting of :data:`PENDING_SETTINGS` that the scenario changes."""
    data = scenario.model_dump(mode="json")
    file = str(scenario.sources[0]) if scenario.sources else "-"
    issues = []
    for key, neutral in PENDING_SETTINGS.items():
        value: Any = data
        for part in key.split("."):
            value = value[part]
        if value != neutral:
            issues.append(
                InputIssue(
                    file,
                    key,
                    "value",
                    f"{neutral!r} (this version of the model does not honour {key} yet)",
                    repr(value),
                )
            )
    return issues
