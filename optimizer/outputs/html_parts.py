"""Escaped HTML cells, tables and figures, shared by the report and its route sheets."""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Iterable

Cell = tuple[str, str]  # (escaped text, class: "" or "n" or "fail" or "warn")


def e(value: object) -> str:
    """``value`` as escaped HTML text."""
    return html.escape(str(value), quote=True)


def table(header: Iterable[str], rows: Iterable[Iterable[Cell]]) -> str:
    """An HTML table; cells are (already escaped text, CSS class) pairs."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "\n".join(
        "<tr>"
        + "".join(f'<td class="{cls}">{c}</td>' if cls else f"<td>{c}</td>" for c, cls in row)
        + "</tr>"
        for row in rows
    )
    return f"<table>\n{f'<tr>{head}</tr>' if head else ''}\n{body}\n</table>"


def number(value: float | None, digits: int = 0) -> str:
    """A number with thousands separators, ``-`` for none or not finite."""
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:,.{digits}f}"


def n(value: float | None, digits: int = 0) -> Cell:
    """A right-aligned number cell."""
    return e(number(value, digits)), "n"


def t(value: object) -> Cell:
    """A text cell."""
    return e(value), ""


def figure(png: bytes, title: str, caption: str, anchor: str) -> str:
    """A PNG inlined as a ``data:`` URI in a ``<figure>`` with its title and caption."""
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure class="chart" id="{e(anchor)}">'
        f'<img alt="{e(title)}" src="data:image/png;base64,{data}">'
        f"<figcaption><strong>{e(title)}</strong> {e(caption)}</figcaption></figure>"
    )
