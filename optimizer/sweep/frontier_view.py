"""The frontier's files: ``frontier.csv``, ``frontier.png`` and ``frontier.html``.

One row per cap on closures (:mod:`optimizer.sweep.frontier`); the picture draws the
annual cost against the added pupil-minutes of a school day and against the longest
daily journey, the caps joined in order and each point named by the school(s) its
step adds. The page holds the table and the same picture (the PNG inlined), so it
needs nothing else to open.
"""

from __future__ import annotations

import base64
import csv
import html
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from optimizer.scenario.schema import Scenario
from optimizer.sweep.report import COST_NOTE

if TYPE_CHECKING:
    from optimizer.sweep.frontier import FrontierRow

#: The columns of ``frontier.csv``, in order (the first two mark a folder it wrote).
COLUMNS = (
    "cap",
    "closures",
    "step",
    "adds",
    "reopens",
    "closed",
    "net_annual_saving_yuan",
    "annual_cost_yuan",
    "capital_yuan",
    "daily_pupil_min",
    "added_pupil_min_per_day",
    "longest_daily_journey_min",
    "weekly_boarders",
    "status",
    "message",
    "folder",
)
PUPIL_MIN_NOTE = (
    "pupil-minutes: the one-way journeys of a school day of every pupil who does not "
    "board (a boarder's trip home is weekly), added against cap 0, the plan that closes "
    "no school"
)


def _number(value: float | int | None, fmt: str = ".0f") -> str:
    return "" if value is None else format(value, fmt)


def frontier_rows(rows: Sequence[FrontierRow]) -> list[dict[str, str]]:
    """The table: one row per cap, every value as text."""
    out = []
    for row in rows:
        r = row.result
        money = r.kpis.get("money", {})
        journey = r.kpis.get("longest_journey_s")
        out.append(
            {
                "cap": _number(row.cap, "d"),
                "closures": _number(r.kpis.get("schools_closed"), "d"),
                "step": row.step,
                "adds": " ".join(row.adds),
                "reopens": " ".join(row.reopens),
                "closed": " ".join(row.closed),
                "net_annual_saving_yuan": _number(money.get("net_annual_saving")),
                "annual_cost_yuan": _number(r.annual_cost),
                "capital_yuan": _number(money.get("capital")),
                "daily_pupil_min": _number(row.daily_pupil_min, "d"),
                "added_pupil_min_per_day": _number(row.added_pupil_min, "d"),
                "longest_daily_journey_min": _number(
                    None if journey is None else journey / 60, ".1f"
                ),
                "weekly_boarders": _number(r.kpis.get("weekly_boarders"), "d"),
                "status": str(r.status),
                "message": r.message,
                "folder": row.folder,
            }
        )
    return out


def write_frontier_files(folder: Path, base: Scenario, rows: Sequence[FrontierRow]) -> list[Path]:
    """Write ``frontier.csv``, ``frontier.png`` and ``frontier.html`` into ``folder``."""
    table = frontier_rows(rows)
    with (folder / "frontier.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    png = frontier_png(rows)
    (folder / "frontier.png").write_bytes(png)
    (folder / "frontier.html").write_text(render_html(base, rows, table, png), encoding="utf-8")
    return [folder / name for name in ("frontier.csv", "frontier.png", "frontier.html")]


def plotted(rows: Sequence[FrontierRow]) -> list[tuple[str, float, float | None, float]]:
    """``(label, million yuan/year, added pupil-minutes, longest journey min)`` of each
    cap with a plan, in cap order."""
    out = []
    for row in rows:
        r = row.result
        if not row.planned or r.annual_cost is None:
            continue
        label = row.step if row.cap is None else f"{row.cap}: {row.step}"
        journey = r.kpis.get("longest_journey_s", 0) / 60
        out.append((label, r.annual_cost / 1e6, row.added_pupil_min, journey))
    return out


def label_groups(
    pts: Sequence[tuple[str, float, float]], near: tuple[float, float] = (0.05, 0.025)
) -> list[tuple[str, float, float]]:
    """One label per cluster of points closer than ``near`` of each axis's span (their
    labels joined, three to a line), so that the names of points drawn on top of one
    another stay readable; placed at the cluster's highest point."""
    if not pts:
        return []
    xs, ys = [p[1] for p in pts], [p[2] for p in pts]
    dx, dy = (max(xs) - min(xs)) * near[0], (max(ys) - min(ys)) * near[1]
    groups: list[list[tuple[str, float, float]]] = []
    for point in sorted(pts, key=lambda p: (-p[2], p[1])):
        for group in groups:
            head = group[0]
            if abs(head[1] - point[1]) <= dx and abs(head[2] - point[2]) <= dy:
                group.append(point)
                break
        else:
            groups.append([point])
    out = []
    for group in groups:
        labels = [p[0] for p in group]
        lines = [", ".join(labels[i : i + 3]) for i in range(0, len(labels), 3)]
        out.append(("\n".join(lines), group[0][1], group[0][2]))
    return out


def frontier_png(rows: Sequence[FrontierRow]) -> bytes:
    """Annual cost against added pupil-minutes (left) and longest daily journey (right)."""
    points = plotted(rows)
    fig = Figure(figsize=(11.0, 4.8), dpi=100)
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2, sharey=True)
    panels = (
        (
            left,
            [(p[0], p[2], p[1]) for p in points if p[2] is not None],
            "added pupil-minutes a day",
        ),
        (right, [(p[0], p[3], p[1]) for p in points], "longest daily journey, min"),
    )
    for ax, pts, xlabel in panels:
        if pts:
            ax.plot([x for _, x, _ in pts], [y for _, _, y in pts], color="#2a7d2a", zorder=2)
            ax.scatter([x for _, x, _ in pts], [y for _, _, y in pts], color="#2a7d2a", zorder=3)
        for label, x, y in label_groups(pts):
            ax.annotate(label, (x, y), textcoords="offset points", xytext=(5, 4), fontsize=7)
        ax.set_xlabel(xlabel)
        ax.grid(True, color="#dddddd")
    left.set_ylabel("annual cost, million yuan/year")
    title = "What each closure buys" if points else "What each closure buys: no cap has a plan"
    fig.suptitle(title)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def render_html(
    base: Scenario, rows: Sequence[FrontierRow], table: list[dict[str, str]], png: bytes
) -> str:
    """The page: what the frontier is, the table, the caps without a plan, the picture."""
    e = html.escape
    shown = [c for c in COLUMNS if c not in ("message", "adds", "reopens")]
    head = "".join(f"<th>{e(c)}</th>" for c in shown)
    body = []
    for values, row in zip(table, rows):
        cells = []
        for c in shown:
            text = e(values[c])
            if c == "folder" and values[c]:
                text = f'<a href="{e(values[c])}/report.html">{text}</a>'
            elif c == "closed" and len(values[c].split()) > 3:
                text = f"<details><summary>{len(values[c].split())}</summary>{text}</details>"
            cells.append(f"<td>{text}</td>")
        css = "" if row.planned else ' class="noplan"'
        body.append(f"<tr{css}>{''.join(cells)}</tr>")
    failed = [
        f"<li><b>cap {e(v['cap'] or 'none')}</b>: {e(v['status'])}: {e(v['message'])}</li>"
        for v, row in zip(table, rows)
        if not row.planned
    ]
    picture = base64.b64encode(png).decode("ascii")
    source = base.sources[0].name if base.sources else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Frontier: {e(base.name)}</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; }}
table {{ border-collapse: collapse; font-size: 0.85em; }}
th, td {{ border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: right; vertical-align: top; }}
tr.noplan {{ background: #fbe9e9; }}
img {{ max-width: 100%; }}
</style></head><body>
<h1>What each closure buys: {e(base.name)}</h1>
<p><code>{e(source)}</code> planned with at most 0, 1, 2, ... closures, up to the
{rows[-1].cap if rows and rows[-1].cap is not None else 0} schools its plan without a cap
closes (that plan is the last row). Each step names the school(s) it closes that the cap
before keeps (+) and any it keeps that the cap before closes (-). Red rows have no plan.
{e(COST_NOTE)}. {e(PUPIL_MIN_NOTE)}.</p>
<table><thead><tr>{head}</tr></thead><tbody>
{chr(10).join(body)}
</tbody></table>
<h2>Caps without a plan</h2>
{"<ul>" + "".join(failed) + "</ul>" if failed else "<p>None: every cap has a plan.</p>"}
<h2>Annual cost against added pupil-minutes and against the longest daily journey</h2>
<img alt="annual cost against added pupil-minutes and longest daily journey"
 src="data:image/png;base64,{picture}">
</body></html>
"""
