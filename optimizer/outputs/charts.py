"""The report's pictures: journey times, enrolment per school, money; PNG files too.

Each picture draws the numbers of :mod:`optimizer.outputs.chart_data` (kept on the
:class:`Picture` it returns, so the bars can be checked against the plan) and says its
key numbers in words in a caption, in the output's language. Drawn with
:class:`matplotlib.figure.Figure` on the Agg canvas (no pyplot state) and saved without
software or date, so the same plan gives the same bytes; Chinese needs a CJK font as the
print map does (:func:`optimizer.outputs.maps.static.use_fonts`).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from optimizer.outputs import chart_data, styles
from optimizer.outputs.html_parts import number
from optimizer.outputs.labels import labels, term
from optimizer.outputs.maps.sheet import legend_line
from optimizer.outputs.maps.static import use_fonts
from optimizer.outputs.wording import money, money_value
from optimizer.plan import Plan, Role

__all__ = [
    "PICTURES",
    "Picture",
    "costs_picture",
    "enrolment_picture",
    "journeys_picture",
    "pictures",
]

#: The pictures' files, in the report's order of sections.
PICTURES = ("costs.png", "enrolment.png", "journeys.png")
DPI = 150
TODAY = "#9e9e9e"
AFTER = "#1f5fa8"
LIMIT = "#c62828"
GAIN, LOSS, TOTAL = "#2e7d32", "#e65100", "#1f5fa8"
_METADATA = {"Software": None}


@dataclass(frozen=True)
class Picture:
    """A picture of the report: its PNG, title, caption and the numbers it draws."""

    name: str
    png: bytes
    title: str
    caption: str
    data: Any


def pictures(plan: Plan, *, language: str = "en") -> dict[str, Picture]:
    """Every picture of the report, by file name (:data:`PICTURES`)."""
    made = (
        costs_picture(plan, language),
        enrolment_picture(plan, language),
        journeys_picture(plan, language),
    )
    return {p.name: p for p in made}


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata=_METADATA)
    return buffer.getvalue()


def _fonts(plan: Plan, text: Mapping[str, str]):
    names = [s.name for s in plan.schools]
    return use_fonts([plan.scenario, *names, *text.values()])


# -- journeys ----------------------------------------------------------------------------


def journeys_picture(plan: Plan, language: str = "en") -> Picture:
    """Histograms of the one-way journey today and after, by band: the pupils whose school
    or way to school changes (top row) and everyone with a daily journey (bottom row),
    each band's limit a dashed line."""
    text = labels(language)
    data = chart_data.journeys(plan)
    n = data.numbers
    words = {k: number(v, 1 if k.startswith("longest") else 0) for k, v in n.items()}
    caption = text["chart.journeys_caption"].format(**words)
    if n["boarders"]:
        caption += text["chart.journeys_boarders"].format(**words)
    with _fonts(plan, text):
        columns = max(len(data.changed), 1)
        fig = Figure(figsize=(2.4 * columns + 0.6, 5.8), dpi=DPI)
        grid = fig.add_gridspec(
            2, columns, left=0.07, right=0.99, top=0.84, bottom=0.09, hspace=0.55, wspace=0.22
        )
        for row, (histograms, title) in enumerate(
            ((data.changed, "chart.journeys_changed"), (data.everyone, "chart.journeys_all"))
        ):
            for col, h in enumerate(histograms):
                _histogram(fig.add_subplot(grid[row, col]), h, text, first=col == 0)
            fig.text(0.07, 0.885 - row * 0.445, text[title], fontsize=10, weight="bold")
        fig.suptitle(text["chart.journeys"], x=0.07, ha="left", y=0.985, fontsize=12, weight="bold")
        fig.legend(
            handles=[
                Patch(facecolor=TODAY, alpha=0.55, label=text["chart.today"]),
                Line2D([], [], color=AFTER, linewidth=1.8, label=text["chart.after"]),
                Line2D(
                    [],
                    [],
                    color=LIMIT,
                    linestyle="--",
                    linewidth=1.2,
                    label=text["chart.limit_legend"],
                ),
            ],
            loc="upper right",
            ncols=3,
            fontsize=8.5,
            frameon=False,
            bbox_to_anchor=(0.99, 0.995),
        )
        png = _png(fig)
    return Picture("journeys.png", png, text["chart.journeys"], caption, data)


def _histogram(ax: Axes, h: chart_data.Histogram, text: Mapping[str, str], *, first: bool):
    band = term(text, "band", h.band)
    ax.set_title(text["chart.band_pupils"].format(band=band, n=number(h.pupils)), fontsize=9)
    ax.stairs(h.before, h.edges_min, fill=True, color=TODAY, alpha=0.55)
    ax.stairs(h.after, h.edges_min, color=AFTER, linewidth=1.8)
    if h.limit_min:
        ax.axvline(h.limit_min, color=LIMIT, linestyle="--", linewidth=1.2)
        right = h.limit_min > 0.6 * h.edges_min[-1]  # the words left of the line
        ax.text(
            h.limit_min,
            0.97,
            f" {text['chart.limit'].format(n=number(h.limit_min))} "[int(right) :],
            transform=ax.get_xaxis_transform(),
            color=LIMIT,
            fontsize=7,
            va="top",
            ha="right" if right else "left",
        )
    if not h.pupils:
        ax.text(
            0.5,
            0.5,
            text["chart.no_pupils"],
            transform=ax.transAxes,
            ha="center",
            color="#777777",
            fontsize=9,
        )
        ax.set_yticks([])
    ax.set_xlim(0, h.edges_min[-1])
    ax.set_ylim(0, None if h.pupils else 1)
    ax.set_xlabel(text["chart.minutes"], fontsize=8)
    if first:
        ax.set_ylabel(text["chart.pupils"], fontsize=8)
    ax.tick_params(labelsize=7.5)
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)


# -- enrolment ---------------------------------------------------------------------------

#: Schools in one column of the enrolment picture before a second (and a third) is
#: started; a county with more makes the columns longer.
_PER_COLUMN = 24
_COLUMNS = 3


def enrolment_picture(plan: Plan, language: str = "en") -> Picture:
    """Each school's pupils today (grey) and after the plan (its role's colour; a closed
    school at 0, its name in red), and its places after the plan (学位数 with the classrooms
    it builds, a black tick; today's a grey one where they differ); the schools in
    :func:`~optimizer.outputs.chart_data.enrolment`'s order, in columns of at most
    :data:`_PER_COLUMN` (at most :data:`_COLUMNS` columns, longer ones for a large
    county), each column on its own scale."""
    text = labels(language)
    rows = chart_data.enrolment(plan)
    n = chart_data.enrolment_numbers(rows)
    caption = text["chart.enrolment_caption"].format(
        **{k: v if isinstance(v, str) else number(v) for k, v in n.items()}
    )
    columns = min(_COLUMNS, max(1, math.ceil(len(rows) / _PER_COLUMN)))
    per = max(1, math.ceil(len(rows) / columns))
    with _fonts(plan, text):
        height = 1.3 + 0.2 * max(per, 4)
        fig = Figure(figsize=(11.7, height), dpi=DPI)
        width = 1 / columns
        for c in range(columns):
            ax = fig.add_axes((c * width + 0.16, 0.5 / height, width - 0.175, 1 - 1.3 / height))
            _enrolment_panel(ax, rows[c * per : (c + 1) * per], per, text)
        fig.suptitle(
            text["chart.enrolment"], x=0.01, ha="left", fontsize=12, weight="bold",
            y=1 - 0.1 / height,
        )  # fmt: skip
        roles = [r for r in chart_data.ROLE_ORDER if any(row.role is r for row in rows)]
        handles = [Patch(facecolor=TODAY, label=text["chart.enrolment_before"])]
        handles += [
            Patch(facecolor="none", edgecolor="none", label=text["chart.closed"])
            if r is Role.CLOSED
            else Patch(facecolor=styles.ROLE_FILL[r], label=term(text, "role", r))
            for r in roles
        ]
        handles.append(
            Line2D(
                [], [], color="black", marker="|", linestyle="none", markersize=9,
                markeredgewidth=1.6, label=text["chart.capacity"],
            )
        )  # fmt: skip
        if any(r.places_after != r.capacity for r in rows):
            handles.append(
                Line2D(
                    [], [], color=TODAY, marker="|", linestyle="none", markersize=9,
                    markeredgewidth=1.6, label=text["chart.capacity_today"],
                )
            )  # fmt: skip
        fig.legend(
            handles=handles, loc="upper right", ncols=min(len(handles), 4), fontsize=8,
            frameon=False,
            bbox_to_anchor=(0.99, 1 - 0.35 / height),
        )  # fmt: skip
        png = _png(fig)
    return Picture(
        "enrolment.png", png, text["chart.enrolment"], caption, {"rows": rows, "numbers": n}
    )


def _enrolment_panel(ax: Axes, rows: tuple, slots: int, text: Mapping[str, str]) -> None:
    y = list(range(len(rows)))
    ax.barh([v + 0.2 for v in y], [r.before for r in rows], height=0.38, color=TODAY)
    ax.barh(
        [v - 0.2 for v in y],
        [r.after for r in rows],
        height=0.38,
        color=[styles.ROLE_FILL[r.role] for r in rows],
    )
    grown = [(r.capacity, v) for r, v in zip(rows, y) if r.places_after != r.capacity]
    ax.scatter([c for c, _ in grown], [v for _, v in grown], marker="|", s=70, color=TODAY,
               linewidths=1.6, zorder=3)  # fmt: skip
    ax.scatter(
        [r.places_after for r in rows], y, marker="|", s=70, color="black", linewidths=1.6,
        zorder=3,
    )  # fmt: skip
    ax.set_yticks(y, [r.name for r in rows], fontsize=6.5)
    for tick, r in zip(ax.get_yticklabels(), rows):
        if r.role is Role.CLOSED:
            tick.set_color(styles.ROLE_STROKE[Role.CLOSED])
            tick.set_style("italic")
    ax.set_ylim(slots - 0.5, -0.5)
    ax.set_xlabel(text["chart.pupils"], fontsize=8)
    ax.set_xlim(left=0)
    ax.tick_params(axis="x", labelsize=7.5)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)


# -- money -------------------------------------------------------------------------------


def costs_picture(plan: Plan, language: str = "en") -> Picture:
    """The annual net saving as steps from the closed schools' running cost (gains green,
    new costs orange, the net blue), and capital by item, in the language's money unit."""
    text = labels(language)
    steps, capital = chart_data.money_steps(plan)
    scale = 10_000 if text["money_unit"] == "万元" else 1
    with _fonts(plan, text):
        fig = Figure(figsize=(9.8, 4.2), dpi=DPI)
        if not steps:
            fig.text(0.5, 0.5, text["chart.no_money"], ha="center", fontsize=11)
            caption = text["chart.no_money"]
        else:
            left = fig.add_axes((0.17, 0.13, 0.4, 0.72))
            right = fig.add_axes((0.7, 0.13, 0.27, 0.72))
            _steps(left, steps, scale, text)
            _capital(right, capital, scale, text)
            caption = _costs_caption(plan.kpis["money"], text)
        fig.suptitle(text["chart.costs"], x=0.01, ha="left", fontsize=12, weight="bold")
        png = _png(fig)
    return Picture(
        "costs.png", png, text["chart.costs"], caption, {"steps": steps, "capital": capital}
    )


def _steps(ax: Axes, steps: tuple, scale: float, text: Mapping[str, str]) -> None:
    y = list(range(len(steps)))
    last = len(steps) - 1
    colours = [
        TOTAL if k == last else (GAIN if s.end >= s.start else LOSS) for k, s in enumerate(steps)
    ]
    ax.barh(
        y,
        [(s.end - s.start) / scale for s in steps],
        left=[s.start / scale for s in steps],
        color=colours,
        height=0.6,
    )
    span = max(max(abs(s.start), abs(s.end)) for s in steps) / scale or 1
    for k, s in enumerate(steps):
        shown = s.end - s.start if k < last else s.end
        ax.text(
            max(s.start, s.end) / scale + span * 0.01,
            k,
            money_value(text, shown),
            va="center",
            fontsize=7.5,
        )
    ax.set_yticks(y, [legend_line(text[s.label], 26) for s in steps], fontsize=8)
    ax.set_ylim(len(steps) - 0.5, -0.5)
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlim(min(0, min(s.end for s in steps) / scale) * 1.1, span * 1.22)
    ax.set_title(text["chart.annual"], fontsize=10, loc="left")
    _money_axis(ax)


def _money_axis(ax: Axes) -> None:
    """Whole numbers with thousands separators on the money axis (no ``1e7`` offset)."""
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v)))
    ax.tick_params(axis="x", labelsize=7.5)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)


def _capital(ax: Axes, capital: Mapping[str, float], scale: float, text: Mapping[str, str]):
    items = [*capital.items(), ("total", sum(capital.values()))]
    y = list(range(len(items)))
    ax.barh(
        y,
        [v / scale for _, v in items],
        height=0.6,
        color=[TOTAL if k == "total" else TODAY for k, _ in items],
    )
    top = max(v for _, v in items) / scale or 1
    for k, (_, v) in enumerate(items):
        ax.text(v / scale + top * 0.02, k, money_value(text, v), va="center", fontsize=7.5)
    names = [
        text["chart.capital_total"] if k == "total" else term(text, "invest", k) for k, _ in items
    ]
    ax.set_yticks(y, [legend_line(name, 22) for name in names], fontsize=8)
    ax.set_ylim(len(items) - 0.5, -0.5)
    ax.set_xlim(0, top * 1.35)
    ax.set_title(text["chart.capital_items"], fontsize=10, loc="left")
    _money_axis(ax)


def _costs_caption(m: Mapping[str, Any], text: Mapping[str, str]) -> str:
    subsidies = m["lunch_subsidy"] + m["boarding_subsidy"] + m["inclusive_subsidy"]
    payback = m["payback_years"]
    units = {k: round(v) for k, v in m["capital_by_item"].items() if v}
    items = text["list_sep"].join(
        f"{term(text, 'invest', k)} {money(text, v)}" for k, v in sorted(units.items())
    )
    return text["chart.costs_caption"].format(
        gross=money(text, m["running_cost_saved"]),
        teachers=money(text, m["teacher_cost_moved"]),
        buses=money(text, m["bus_fixed"] + m["bus_km_cost"]),
        subsidies=money(text, subsidies),
        net=money(text, m["net_annual_saving"]),
        capital=money(text, m["capital"]),
        items=items or text["none"],
        payback=text["chart.payback_never"]
        if payback is None
        else text["chart.payback_years"].format(n=number(payback, 1)),
    )
