"""The print map's sheet: the paper, and what frames the map on it.

A4 or A3 landscape (the scenario's ``output.paper``): the title, the "draft for
consultation" stamp, the issuing body and the date (both blank lines to fill in when the
scenario gives none: the date never comes from the clock, so a rerun gives the same
bytes), a north arrow and a metric scale bar. Positions are fractions of the sheet, sizes
in points grow with the paper (:attr:`PrintSheet.scale`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrow, Rectangle

from optimizer.scenario.schema import Output, Paper

__all__ = [
    "DEFAULT_SHEET",
    "PAGE_MM",
    "PrintSheet",
    "date_words",
    "draw_sheet",
    "north_arrow",
    "scale_bar",
]

#: Landscape sheets, millimetres (width, height).
PAGE_MM: Mapping[Paper, tuple[float, float]] = MappingProxyType(
    {Paper.A4: (297.0, 210.0), Paper.A3: (420.0, 297.0)}
)
#: The map's axes on the sheet: left, bottom, width, height (fractions of the sheet).
MAP_BOX = (0.025, 0.06, 0.70, 0.81)
#: Where the legend starts (upper left corner), right of the map.
LEGEND_AT = (0.745, 0.87)
#: The foot of the north arrow, top right of the sheet beside the legend.
NORTH_AT = (0.962, 0.80)
#: The stamp's red.
STAMP_RED = "#c62828"
#: Scale bar lengths tried, longest first, km.
BAR_KM = (50, 20, 10, 5, 2, 1, 0.5, 0.2, 0.1)


@dataclass(frozen=True)
class PrintSheet:
    """What the scenario says about the print map's sheet (``output.paper``, ``date``,
    ``issuer``)."""

    paper: Paper = Paper.A3
    date: dt.date | None = None
    issuer: str = ""

    @classmethod
    def of(cls, output: Output) -> PrintSheet:
        """The sheet a scenario's ``output`` section asks for."""
        return cls(paper=output.paper, date=output.date, issuer=output.issuer)

    @property
    def size_in(self) -> tuple[float, float]:
        """Width and height in inches (landscape)."""
        w, h = PAGE_MM[self.paper]
        return w / 25.4, h / 25.4

    @property
    def scale(self) -> float:
        """Text and marker sizes relative to A4 (A3: about 1.4)."""
        return PAGE_MM[self.paper][0] / PAGE_MM[Paper.A4][0]


#: The sheet of a scenario that says nothing: A3, blank date and issuing body.
DEFAULT_SHEET = PrintSheet()


def date_words(text: Mapping[str, str], date: dt.date) -> str:
    """``1 December 2026`` / ``2026年12月1日``."""
    return text["date_format"].format(
        year=date.year, month=date.month, day=date.day, month_name=text[f"month.{date.month}"]
    )


def draw_sheet(
    fig: Figure, *, title: str, subtitle: str, text: Mapping[str, str], sheet: PrintSheet
) -> None:
    """The title block, the stamp, the issuing body and the date."""
    s = sheet.scale
    fig.text(0.025, 0.952, title, fontsize=17 * s, weight="bold", va="bottom")
    fig.text(0.025, 0.915, subtitle, fontsize=10 * s, va="bottom")
    fig.text(
        0.975,
        0.945,
        text["sheet.stamp"],
        fontsize=15 * s,
        weight="bold",
        color=STAMP_RED,
        ha="right",
        va="center",
        bbox={"boxstyle": "square,pad=0.35", "facecolor": "white", "edgecolor": STAMP_RED,
              "linewidth": 1.6 * s},
    )  # fmt: skip
    issuer = (
        text["sheet.issuer"].format(issuer=sheet.issuer)
        if sheet.issuer.strip()
        else text["sheet.issuer_blank"]
    )
    date = (
        text["sheet.date"].format(date=date_words(text, sheet.date))
        if sheet.date
        else text["sheet.date_blank"]
    )
    fig.text(LEGEND_AT[0], 0.105, issuer, fontsize=9.5 * s, va="bottom")
    fig.text(LEGEND_AT[0], 0.065, date, fontsize=9.5 * s, va="bottom")


def north_arrow(fig: Figure, text: Mapping[str, str], *, scale: float = 1.0) -> None:
    """A north arrow beside the map, top right of the sheet (the map is drawn north up)."""
    x, y = NORTH_AT
    fig.add_artist(
        FancyArrow(
            x, y, 0, 0.06, width=0.008, head_width=0.022, head_length=0.03,
            length_includes_head=True, transform=fig.transFigure, facecolor="black",
            edgecolor="black",
        )
    )  # fmt: skip
    fig.text(x, y - 0.008, text["sheet.north"], ha="center", va="top", fontsize=11 * scale,
             weight="bold")  # fmt: skip


def legend_line(label: str, width: int = 36) -> str:
    """A legend entry of words broken into lines of about ``width`` columns (a Chinese
    character counts two), so that it stays on the sheet."""
    lines, line, used = [], "", 0
    for word in re.split(r"(?<=\s)|(?<=[\u2e80-\u9fff\uff00-\uffef])", label):
        size = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in word)
        if used + size > width and line.strip():
            lines.append(line.rstrip())
            line, used = "", 0
        line, used = line + word, used + size
    return "\n".join([*lines, line.rstrip()])


def scale_bar(
    ax: Axes,
    extent: tuple[float, float, float, float],
    text: Mapping[str, str],
    *,
    scale: float = 1.0,
) -> float:
    """A metric scale bar in the map's lower left corner: four segments, black and white,
    ``0`` and its length in km under the ends. Returns its length, km.

    ``extent`` is ``(west, east, south, north)`` in degrees; the bar is at most a quarter
    of the map's width, measured at the map's middle latitude (the map is true to scale
    there).
    """
    x0, x1, y0, y1 = extent
    per_km = 1 / (111.32 * math.cos(math.radians((y0 + y1) / 2)))  # degrees of longitude
    width_km = (x1 - x0) / per_km
    bar_km = next((b for b in BAR_KM if b <= width_km / 4), BAR_KM[-1])
    left, base = x0 + (x1 - x0) * 0.035, y0 + (y1 - y0) * 0.04
    height = (y1 - y0) * 0.008
    step = bar_km * per_km / 4
    ax.add_patch(
        Rectangle(
            (left - step * 0.3, base - height * 3.2), step * 4.9, height * 6.6,
            facecolor="white", edgecolor="none", alpha=0.8, zorder=9,
        )
    )  # fmt: skip
    for k in range(4):
        ax.add_patch(
            Rectangle(
                (left + k * step, base), step, height, facecolor="black" if k % 2 == 0 else "white",
                edgecolor="black", linewidth=0.6, zorder=10,
            )
        )  # fmt: skip
    size = 7.5 * scale
    ax.text(left, base - height * 0.6, "0", ha="center", va="top", fontsize=size, zorder=10)
    ax.text(
        left + 4 * step, base - height * 0.6, text["count.km"].format(n=f"{bar_km:g}"),
        ha="center", va="top", fontsize=size, zorder=10,
    )  # fmt: skip
    return bar_km
