"""The print map: a static PNG (and PDF) of the plan drawn with matplotlib, no tiles.

Drawn over the county road network with the same colours as the interactive map:
catchments, bus routes and stops, villages coloured by the change of journey time,
schools after the plan and the closed ones, on an A3 or A4 landscape sheet
(:mod:`optimizer.outputs.maps.sheet`: title, stamp, issuing body, date, north arrow,
scale bar) with the schools' names and the routes' numbers
(:mod:`optimizer.outputs.maps.names`). Figures are made with
:class:`matplotlib.figure.Figure` directly (the Agg canvas; no pyplot state), and
saved without timestamps or software versions, so the same plan gives the same
bytes. Chinese labels need a CJK font on the machine (for example Debian's
``fonts-noto-cjk`` or ``fonts-wqy-microhei``); without one, a warning says so and
the Chinese glyphs print as boxes.
"""

from __future__ import annotations

import io
import logging
import math
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import matplotlib
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import withStroke
from shapely.geometry import Polygon

from optimizer.outputs import figures, styles
from optimizer.outputs.catchments import Catchment
from optimizer.outputs.labels import labels
from optimizer.outputs.maps.names import place_names
from optimizer.outputs.maps.sheet import (
    DEFAULT_SHEET,
    LEGEND_AT,
    MAP_BOX,
    PrintSheet,
    draw_sheet,
    legend_line,
    north_arrow,
    scale_bar,
)
from optimizer.outputs.townships import TownArea
from optimizer.plan import Plan, Role

#: The print resolution of map.png (and of the comparison's map).
DPI = 150

#: CJK fonts tried in turn; the first one installed is used for Chinese text.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "AR PL UMing CN",
)
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_PNG_METADATA = {"Software": None}
_PDF_METADATA = {"Creator": None, "Producer": None, "CreationDate": None}

Lines = Sequence[Sequence[tuple[float, float]]]


def render_static_map(
    plan: Plan,
    *,
    language: str = "en",
    road_lines: Lines | None = None,
    catchments: Sequence[Catchment] = (),
    formats: Sequence[str] = ("png",),
    towns: Sequence[TownArea] = (),
    sheet: PrintSheet = DEFAULT_SHEET,
) -> dict[str, bytes]:
    """The print map of a plan, laid out on an A4 or A3 landscape sheet.

    The map (north up, true to scale, with a north arrow and a metric scale bar), the
    school names and route numbers (:func:`~optimizer.outputs.maps.names.place_names`),
    the legend, the title, the "draft for consultation" stamp, the issuing body and the
    date (:mod:`optimizer.outputs.maps.sheet`).

    Parameters
    ----------
    plan : Plan
        A finished plan.
    language : {"en", "zh"}
        Language of every word on the sheet.
    road_lines : sequence of lines of (lon, lat), optional
        The county's roads, drawn as the background.
    catchments : sequence of Catchment
        The plan's catchments (drawn under everything else).
    formats : sequence of {"png", "pdf"}
        The files wanted: the PDF is the sheet's size exactly; the PNG the same page at
        :data:`DPI`.
    sheet : PrintSheet
        The paper, the date and the issuing body (the scenario's ``output`` section).
    towns : sequence of TownArea
        The towns' outlines (:mod:`optimizer.outputs.townships`), drawn dashed with
        each town's name.

    Returns
    -------
    dict of str to bytes
        The file contents by format; the same inputs give the same bytes.
    """
    text = labels(language)
    strings = [plan.scenario, sheet.issuer, *text.values(), *(t.town for t in towns)]
    s = sheet.scale
    with use_fonts(strings):
        fig = Figure(figsize=sheet.size_in, dpi=DPI)
        ax = fig.add_axes(MAP_BOX)
        draw_plan(ax, plan, road_lines=road_lines, catchments=catchments, text=text, scale=s)
        # Township outlines and names are drawn here, before the schools' names (which
        # keep clear of every text already on the map).
        _draw_towns(ax, towns, scale=s)
        placed = place_names(ax, plan, scale=s)
        k = figures.kpis(plan)
        summary = text["summary_line"].format(
            closed=k["schools_closed"],
            schools=k["schools"],
            buses=k.get("runs", k["buses"]),
            moved=k["pupils_moved"],
        )
        north_arrow(fig, text, scale=s)
        draw_sheet(
            fig, title=plan.scenario, subtitle=f"{text['title']} · {summary}", text=text,
            sheet=sheet,
        )  # fmt: skip
        handles = legend_handles(text, roads=bool(road_lines))
        if plan.routes:
            handles.append(_words(text["sheet.route_number"]))
        if placed.left_out:
            handles.append(_words(text["sheet.names_left_out"].format(n=len(placed.left_out))))
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=LEGEND_AT,
            fontsize=8 * s,
            frameon=False,
        )
        return {fmt: _save(fig, fmt) for fmt in formats}


def draw_plan(
    ax: Axes,
    plan: Plan,
    *,
    road_lines: Lines | None = None,
    catchments: Sequence[Catchment] = (),
    highlight_schools: Sequence[str] = (),
    highlight_villages: Sequence[str] = (),
    text: Mapping[str, str] | None = None,
    scale: float = 1.0,
) -> None:
    """Draw a plan into ``ax`` (lon/lat, north up, true to scale at the county's latitude),
    with a scale bar in km.

    ``highlight_*`` ids get a thick magenta ring (used by the comparison); ``text`` is the
    language's labels (English by default), ``scale`` the size of the scale bar's and the
    north arrow's words (1 on A4). Layers, bottom up: catchments (zorder 1), township
    outlines where drawn (1.5), roads (2), routes (3), stops (4), villages (5), schools
    (6, 7), rings (8), the scale bar (9, 10), names (11).
    """
    ax.set_facecolor(styles.BACKGROUND)
    for spine in ax.spines.values():
        spine.set_color("#888888")
    ax.set_xticks([])
    ax.set_yticks([])
    for n, c in enumerate(catchments):
        for poly in c.geometry.geoms:
            ax.add_patch(
                PathPatch(
                    _polygon_path(poly),
                    facecolor=styles.catchment_colour(n),
                    edgecolor="white",
                    alpha=0.45,
                    linewidth=0.8,
                    zorder=1,
                )
            )
    if road_lines:
        ax.add_collection(
            LineCollection(
                [list(line) for line in road_lines], colors=styles.ROAD_COLOUR, linewidths=0.5,
                zorder=2,
            )
        )  # fmt: skip
    for n, route in enumerate(plan.routes):
        path = figures.route_path(route, plan)
        if len(path) >= 2:
            ax.add_collection(
                LineCollection([path], colors=styles.route_colour(n), linewidths=1.6, zorder=3)
            )
        ax.scatter(
            [s.lon for s in route.stops],
            [s.lat for s in route.stops],
            s=45,
            facecolors="white",
            edgecolors=styles.route_colour(n),
            linewidths=1.2,
            zorder=4,
        )
    villages = figures.villages(plan)
    if villages:
        ax.scatter(
            [v.lon for v in villages],
            [v.lat for v in villages],
            s=[(styles.village_radius(v.pupils) * 0.9) ** 2 for v in villages],
            c=[styles.change_class(v.change_s)[1] for v in villages],
            edgecolors="#555555",
            linewidths=0.4,
            zorder=5,
        )
        over = [v for v in villages if v.over_limit]
        if over:  # the red dashed ring around the dot, as on the web map
            ax.scatter(
                [v.lon for v in over],
                [v.lat for v in over],
                s=[(styles.village_radius(v.pupils) * 0.9 + 4) ** 2 for v in over],
                facecolors="none",
                edgecolors=styles.OVER_LIMIT_RING,
                linewidths=1.4,
                linestyles="--",
                zorder=5.5,
            )
    receivers = figures.receiving(plan)
    for school in plan.schools:
        role = figures.role(school, receivers)
        if role is Role.CLOSED:
            ax.scatter(
                [school.lon], [school.lat], marker="X", s=60, c=styles.ROLE_STROKE[Role.CLOSED],
                edgecolors="white", linewidths=0.6, zorder=6,
            )  # fmt: skip
            continue
        size = styles.school_radius(sum(school.enrolment_after.values())) * 0.9
        ax.scatter(
            [school.lon],
            [school.lat],
            s=size**2,
            c=styles.ROLE_FILL[role],
            edgecolors=styles.INVESTMENT_RING if school.investment else styles.ROLE_STROKE[role],
            linewidths=2.2 if school.investment else 1.0,
            zorder=7,
        )
    marks = {s.id: (s.lon, s.lat) for s in plan.schools if s.id in set(highlight_schools)}
    marks.update({v.id: (v.lon, v.lat) for v in villages if v.id in set(highlight_villages)})
    if marks:
        ax.scatter(
            [p[0] for p in marks.values()], [p[1] for p in marks.values()], s=260,
            facecolors="none", edgecolors="#d500f9", linewidths=2.0, zorder=8,
        )  # fmt: skip
    _frame(ax, plan, text or labels("en"), scale)


def _words(label: str) -> Patch:
    """A legend line of words alone (no symbol)."""
    return Patch(facecolor="none", edgecolor="none", label=legend_line(label))


def legend_handles(text: Mapping[str, str], *, roads: bool) -> list:
    """Legend entries matching :func:`draw_plan`."""

    def dot(label: str, face: str, edge: str, size: float = 9, width: float = 1.0, marker="o"):
        return Line2D(
            [], [], marker=marker, linestyle="none", markersize=size, markerfacecolor=face,
            markeredgecolor=edge, markeredgewidth=width, label=label,
        )  # fmt: skip

    handles = [
        dot(
            text[styles.ROLE_LEGEND[Role.KEPT]],
            styles.ROLE_FILL[Role.KEPT],
            styles.ROLE_STROKE[Role.KEPT],
        ),
        dot(
            text[styles.ROLE_LEGEND[Role.RECEIVING]],
            styles.ROLE_FILL[Role.RECEIVING],
            styles.ROLE_STROKE[Role.RECEIVING],
        ),
        dot(
            text[styles.ROLE_LEGEND[Role.TEACHING_POINT]],
            styles.ROLE_FILL[Role.TEACHING_POINT],
            styles.ROLE_STROKE[Role.TEACHING_POINT],
        ),
        dot(text["legend.investment"], styles.ROLE_FILL[Role.KEPT], styles.INVESTMENT_RING, 9, 2.2),
        dot(
            text[styles.ROLE_LEGEND[Role.CLOSED]],
            styles.ROLE_STROKE[Role.CLOSED],
            "white",
            9,
            0.6,
            "X",
        ),
        dot(text["legend.village"], "white", "#555555", 6, 0.6),
        dot(text["legend.over"], "white", styles.OVER_LIMIT_RING, 6, 1.4),
        Patch(facecolor="none", edgecolor="none", label=text["legend.change"]),
        *(dot(text[key], colour, "#555555", 7, 0.4) for key, colour in styles.CHANGE_CLASSES),
        Patch(facecolor=styles.catchment_colour(0), alpha=0.6, label=text["legend.catchment"]),
        Line2D([], [], color=styles.route_colour(0), linewidth=1.6, label=text["legend.route"]),
        dot(text["legend.stop_plain"], "white", styles.route_colour(0), 7, 1.2),
    ]
    if roads:
        handles.append(
            Line2D([], [], color=styles.ROAD_COLOUR, linewidth=0.8, label=text["legend.road"])
        )
    return handles


def _frame(ax: Axes, plan: Plan, text: Mapping[str, str], scale: float) -> None:
    """Fit the axes to the places, true to scale, with a scale bar and a north arrow."""
    lons = [s.lon for s in plan.schools] + [a.lon for a in plan.assignments]
    lats = [s.lat for s in plan.schools] + [a.lat for a in plan.assignments]
    for r in plan.routes:
        lons += [p[0] for p in r.geometry]
        lats += [p[1] for p in r.geometry]
    if not lons:
        return
    pad = 0.01
    x0, x1, y0, y1 = min(lons) - pad, max(lons) + pad, min(lats) - pad, max(lats) + pad
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)), adjustable="box")
    scale_bar(ax, (x0, x1, y0, y1), text, scale=scale)


def _draw_towns(ax: Axes, towns: Sequence[TownArea], *, scale: float = 1.0) -> None:
    """Each town's outline (thin, dashed, grey) and its name at its label point
    (``scale``: the sheet's size of words, 1 on A4)."""
    for t in towns:
        for poly in t.geometry.geoms:
            ax.add_patch(
                PathPatch(
                    _polygon_path(poly), facecolor="none", edgecolor="#555555",
                    linewidth=0.7, linestyle=(0, (4, 3)), zorder=2.5,
                )
            )  # fmt: skip
        ax.text(
            t.label_lon, t.label_lat, t.town, fontsize=7.5 * scale, color="#333333", ha="center",
            va="center", zorder=9, path_effects=[withStroke(linewidth=2.2, foreground="white")],
        )  # fmt: skip


def _polygon_path(poly: Polygon) -> MplPath:
    """A matplotlib path of a polygon with its holes."""
    return MplPath.make_compound_path(
        *(MplPath(list(ring.coords), closed=True) for ring in (poly.exterior, *poly.interiors))
    )


def _save(fig: Figure, fmt: str) -> bytes:
    """The whole sheet (never cropped: the PDF page is the paper's size)."""
    buffer = io.BytesIO()
    if fmt == "png":
        fig.savefig(buffer, format="png", dpi=DPI, metadata=_PNG_METADATA)
    elif fmt == "pdf":
        fig.savefig(buffer, format="pdf", metadata=_PDF_METADATA)
    else:
        raise ValueError(f"unknown print map format {fmt!r}; choose png or pdf")
    return buffer.getvalue()


def cjk_font() -> str | None:
    """The first installed font of :data:`CJK_FONTS`, if any.

    matplotlib keeps its list of fonts in a cache (``fontlist-*.json`` under
    ``MPLCONFIGDIR``) made the first time it ran: a CJK font installed after that is
    not in it. When the list has none, the system's font files it lacks are added to it
    (for this process), so a font installed after the first run is still found.
    """
    found = _listed_cjk_font()
    if found is None and _add_unlisted_system_fonts():
        found = _listed_cjk_font()
    return found


def _listed_cjk_font() -> str | None:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _add_unlisted_system_fonts() -> int:
    """Add the system's font files missing from matplotlib's font list; how many."""
    listed = {f.fname for f in font_manager.fontManager.ttflist}
    added = 0
    for path in sorted(set(font_manager.findSystemFonts()) - listed):
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):  # a file FreeType cannot read
            continue
        added += 1
    return added


@contextmanager
def use_fonts(strings: Sequence[str]) -> Iterator[None]:
    """Fonts for the figure: a CJK font first when any string needs one.

    Without a CJK font for CJK text, one warning says so and matplotlib's warnings
    about each missing glyph are silenced; so is its log line for a font without a bold
    face (most CJK fonts: bold text then prints in the regular face).
    """
    needs_cjk = any(_CJK.search(s) for s in strings)
    cjk = cjk_font() if needs_cjk else None
    family = [cjk, "DejaVu Sans"] if cjk else ["DejaVu Sans"]
    with warnings.catch_warnings():
        if needs_cjk and cjk is None:
            warnings.warn(
                "no CJK font found (tried " + ", ".join(CJK_FONTS) + "): Chinese text in the "
                "print map shows as boxes; install one, e.g. Debian's fonts-noto-cjk",
                UserWarning,
                stacklevel=3,
            )
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        # PDF fonts as Type 3 (glyph outlines): also right for CFF-flavoured CJK fonts,
        # which matplotlib would embed wrongly as TrueType (Type 42).
        with matplotlib.rc_context(
            {"font.family": family, "pdf.fonttype": 3, "svg.hashsalt": "schoolplan"}
        ):
            log = logging.getLogger("matplotlib.font_manager")
            level = log.level
            log.setLevel(logging.ERROR)
            try:
                yield
            finally:
                log.setLevel(level)
