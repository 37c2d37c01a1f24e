"""Write a plan's files: all of them into a fresh folder, moved into place at the end.

An interrupted run never leaves a half-written output folder: files go to a
temporary sibling folder first (:func:`geodata.staging.staged_folder`), which
replaces the target only when complete, and only if the target is new, empty or a
folder a previous run wrote (:data:`OUTPUT_MARKS`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import MultiPolygon

from geodata.background import Background
from geodata.region import Region
from geodata.staging import check_output_folder, staged_folder
from optimizer.outputs.beside import Beside
from optimizer.outputs.catchments import catchments as compute_catchments
from optimizer.outputs.charts import pictures as make_pictures
from optimizer.outputs.geopackage import add_styles_and_aliases, plan_layers, write_geopackage
from optimizer.outputs.manifest import manifest_file
from optimizer.outputs.maps.sheet import DEFAULT_SHEET, PrintSheet
from optimizer.outputs.maps.static import render_static_map
from optimizer.outputs.notices import render_notices
from optimizer.outputs.report import render_report
from optimizer.outputs.route_sheets import render_route_sheets
from optimizer.outputs.tables import plan_tables
from optimizer.outputs.timeline_view import TimelineView
from optimizer.outputs.townships import town_areas
from optimizer.plan import Plan
from optimizer.scenario.schema import Scenario

#: The files that mark a folder a schoolplan run wrote, and the bytes each holds:
#: a plan's manifest, a timeline's table of events, a sweep's table of variants.
OUTPUT_MARKS = {
    "manifest.json": b'"schoolplan": "',
    "sweep.csv": b"variant,status",
    "frontier.csv": b"cap,closures,",
    "timeline.csv": b"year,event,school,detail\n",
}


def write_outputs(
    plan: Plan,
    out_dir: str | Path,
    *,
    language: str = "en",
    tiles: bool = False,
    road_lines: Sequence[Sequence[tuple[float, float]]] | None = None,
    extra: Callable[[list[Path]], dict[str, str]] | None = None,
    timeline: TimelineView | None = None,
    background: Background | None = None,
    boundaries: Mapping[str, MultiPolygon] | None = None,
    sheet: PrintSheet = DEFAULT_SHEET,
) -> list[Path]:
    """Write every output file of a plan into ``out_dir``, all at once or not at all.

    ``plan.json``; ``map.html`` (interactive, offline); ``map.png`` and ``map.pdf``
    (print map, A3 or A4 landscape); ``costs.png``, ``enrolment.png`` and
    ``journeys.png`` (the report's pictures); ``report.html`` (with the print map and
    the pictures inlined); ``route_sheets.html`` (one A4 page per bus run, the permit's
    route sheet); ``notices.html`` (a notice to parents per village the plan changes,
    one A4 page each, by township); ``plan.gpkg`` (layers villages, schools,
    assignments, routes, stops, catchments, depots, towns, roads; QGIS styles and field
    aliases in the output's language), one CSV table per layer (UTF-8 with a BOM; the
    towns' is ``townships.csv``) and ``plan.xlsx`` (a sheet per table, headers in the
    output's language). Catchments and the towns' outlines are computed once and
    shared by every file.

    Parameters
    ----------
    plan : Plan
        A finished, verified plan.
    out_dir : str or pathlib.Path
        The output folder: new, empty or one a previous run wrote; replaced whole.
    language : {"en", "zh"}
        Language of the map, print map and report.
    tiles : bool
        Add an online OpenStreetMap tile layer to ``map.html``.
    road_lines : sequence of lines of (lon, lat), optional
        The county's roads (``Region.road_lines()``): the maps' background, and the
        extent of the county hull that clips the catchments.
    extra : callable, optional
        Called with the files written (still in the temporary folder); returns more
        files (name -> text) to write before the folder moves into place, e.g. the
        manifest with every output's hash.
    timeline : TimelineView, optional
        For a year of a multi-year timeline: the map links the other years and the
        report gains the timeline.
    background : geodata.background.Background, optional
        Water, land use and place names of the region's road file
        (``Region.background()``), drawn under ``map.html``.
    boundaries : mapping of str to MultiPolygon, optional
        Township boundaries from the scenario's ``region.boundaries``
        (:meth:`~optimizer.scenario.schema.Scenario.town_boundaries`); towns they do not
        name are drawn as the union of their villages' cells.
    sheet : PrintSheet
        The print map's paper (A3 by default), date and issuing body
        (``PrintSheet.of(scenario.output)``).

    Returns
    -------
    list of pathlib.Path
        The files written, in ``out_dir``, sorted by name.
    """
    check_output_folder(out_dir, marks=OUTPUT_MARKS)  # before any work
    areas = compute_catchments(plan, road_lines)
    towns = town_areas(plan, road_lines, boundaries)
    tables = plan_tables(plan, areas, towns)
    with staged_folder(out_dir, marks=OUTPUT_MARKS) as tmp:

        def drawn_beside() -> None:
            """The web map, route sheets, notices and workbook (about half the time)."""
            # folium and openpyxl are imported here, in the process that draws these
            # (a forked child): the parent never waits for their imports.
            from optimizer.outputs.maps.web import render_map
            from optimizer.outputs.workbook import write_workbook

            page = render_map(
                plan,
                language=language,
                tiles=tiles,
                road_lines=road_lines,
                catchments=areas,
                timeline=timeline,
                background=background,
                towns=towns,
            )
            (tmp / "map.html").write_text(page, encoding="utf-8")
            sheets = render_route_sheets(plan, language=language, road_lines=road_lines)
            (tmp / "route_sheets.html").write_text(sheets, encoding="utf-8")
            notices = render_notices(plan, language=language, timeline=timeline)
            (tmp / "notices.html").write_text(notices, encoding="utf-8")
            write_workbook(tables, tmp / "plan.xlsx", language=language)

        with Beside(drawn_beside) as beside:  # in a second process where there is a core
            (tmp / "plan.json").write_text(plan.to_json(), encoding="utf-8")
            prints = render_static_map(
                plan,
                language=language,
                road_lines=road_lines,
                catchments=areas,
                formats=("png", "pdf"),
                towns=towns,
                sheet=sheet,
            )
            (tmp / "map.png").write_bytes(prints["png"])
            (tmp / "map.pdf").write_bytes(prints["pdf"])
            charts = make_pictures(plan, language=language)
            for name, picture in charts.items():
                (tmp / name).write_bytes(picture.png)
            report = render_report(
                plan, language=language, map_png=prints["png"], timeline=timeline, pictures=charts
            )
            (tmp / "report.html").write_text(report, encoding="utf-8")
            for name, table in tables.items():  # with a BOM: Excel then reads Chinese names
                table.to_csv(
                    tmp / f"{name}.csv", index=False, lineterminator="\n", encoding="utf-8-sig"
                )
            write_geopackage(
                plan_layers(plan, tables, areas, road_lines or (), towns), tmp / "plan.gpkg"
            )
            add_styles_and_aliases(tmp / "plan.gpkg", language=language)
            beside.wait()
        if extra is not None:
            for name, text in extra(sorted(tmp.iterdir())).items():
                (tmp / name).write_text(text, encoding="utf-8")
        for path in tmp.iterdir():
            os.chmod(path, 0o644)
    return sorted(Path(out_dir).resolve().iterdir())


def write_plan(
    scenario: Scenario,
    plan: Plan,
    region: Region,
    out_dir: str | Path,
    *,
    language: str | None = None,
    extra: Callable[[list[Path]], dict[str, str]] | None = None,
    timeline: TimelineView | None = None,
    read: RegionReads | None = None,
) -> list[Path]:
    """Write a plan's files as ``schoolplan run`` does: every output and the manifest.

    Parameters
    ----------
    scenario : Scenario
        The scenario the plan was made from (its output settings; the manifest's inputs).
    plan : Plan
        The verified plan (:func:`optimizer.make_plan`).
    region : Region
        The region the plan was made on (the maps draw its roads).
    out_dir : str or pathlib.Path
        The output folder: new, empty or one a previous run wrote; replaced whole.
    language : {"en", "zh"}, optional
        Overrides the scenario's ``output.language``.
    extra : callable, optional
        More files, as for :func:`write_outputs`; by default the manifest.
    timeline : TimelineView, optional
        For a year of a multi-year timeline (:func:`write_outputs`).
    read : RegionReads, optional
        What the maps draw from the region's and the scenario's files, read once for
        many plans (a timeline's years); read here when not given.

    Returns
    -------
    list of pathlib.Path
        The files written, in ``out_dir``, sorted by name.
    """
    read = read or RegionReads.of(scenario, region)
    return write_outputs(
        plan,
        out_dir,
        language=language or scenario.output.language,
        tiles=scenario.output.tiles,
        sheet=PrintSheet.of(scenario.output),
        road_lines=read.road_lines,
        background=read.background,
        boundaries=read.boundaries,
        extra=extra or manifest_file(scenario, plan),
        timeline=timeline,
    )


@dataclass(frozen=True)
class RegionReads:
    """What the maps draw besides the plan: the roads, the background of the road file
    and the township boundaries (each a read of a file)."""

    road_lines: Sequence[Sequence[tuple[float, float]]]
    background: Background | None
    boundaries: Mapping[str, MultiPolygon] | None

    @classmethod
    def of(cls, scenario: Scenario, region: Region) -> RegionReads:
        """Read them for ``scenario`` on ``region``."""
        return cls(region.road_lines(), region.background(), scenario.town_boundaries())
