"""The comparison of a sweep: ``sweep.csv`` and ``sweep.html`` with a Pareto view.

One row per variant: the values varied, its status, the annual cost and the
longest journey, whether it is on the Pareto front, every KPI of its plan, the
solvers' status and, for a variant without a plan, the explanation. The Pareto
view (annual cost against the longest one-way journey, both to be small) is an
SVG drawn here and inlined in the HTML, so the page needs nothing else to open;
the same view is also written as ``pareto.png`` with matplotlib when it is installed.
"""

from __future__ import annotations

import csv
import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from optimizer.scenario.schema import Scenario
from optimizer.sweep.result import VariantResult, VariantStatus
from optimizer.sweep.variants import Variant

#: How the sweep's annual cost is made up (shown in the page).
COST_NOTE = (
    "annual cost = running cost of the schools kept (teachers' pay redeployed with them "
    "unless money.teachers_saved) + buses (fixed per bus + bus.cost_per_km x km of the "
    "morning and afternoon runs) + lunch, boarding and inclusive subsidies + "
    "weights.capital x capital invested, buses included (yuan/year; the plan's "
    "kpis.money.annual_cost)"
)


def _plotted(r: VariantResult) -> bool:
    """Whether a variant has a place in the Pareto view (a plan, its cost and journey)."""
    return (
        r.status == VariantStatus.OK and r.annual_cost is not None and "longest_journey_s" in r.kpis
    )


def pareto_ids(results: Sequence[VariantResult]) -> set[str]:
    """Variants no other variant beats on both cost and longest journey."""
    points = [
        (r.id, r.annual_cost, r.kpis["longest_journey_s"])
        for r in results
        if r.status == VariantStatus.OK
        and r.annual_cost is not None
        and "longest_journey_s" in r.kpis
    ]
    front = set()
    for pid, cost, journey in points:
        beaten = any(c <= cost and j <= journey and (c < cost or j < journey) for _, c, j in points)
        if not beaten:
            front.add(pid)
    return front


def plot_points(results: Sequence[VariantResult]) -> list[tuple[str, float, float, bool]]:
    """``(ids, million yuan/year, minutes, on the front)`` per distinct point of the view.

    Variants with the same cost and journey share one point, labelled ``v001, v002``.
    """
    front = pareto_ids(results)
    groups: dict[tuple[float, float], list[str]] = {}
    for r in results:
        if (
            r.status == VariantStatus.OK
            and r.annual_cost is not None
            and "longest_journey_s" in r.kpis
        ):
            xy = (r.annual_cost / 1e6, r.kpis["longest_journey_s"] / 60)
            groups.setdefault(xy, []).append(r.id)
    return [(", ".join(ids), x, y, any(i in front for i in ids)) for (x, y), ids in groups.items()]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def sweep_rows(
    variants: Sequence[Variant], results: Sequence[VariantResult]
) -> list[dict[str, str]]:
    """The table: one row per variant, in variant order, every value as text."""
    front = pareto_ids(results)
    kpi_keys = sorted({k for r in results for k in r.kpis})
    rows = []
    for variant, result in zip(variants, results):
        journey = result.kpis.get("longest_journey_s")
        row = {"variant": variant.id, "status": result.status}
        row.update({key: _cell(value) for key, value in variant.changes})
        row["annual_cost_yuan"] = "" if result.annual_cost is None else f"{result.annual_cost:.0f}"
        row["longest_journey_min"] = "" if journey is None else f"{journey / 60:.1f}"
        row["pareto"] = "yes" if variant.id in front else ""
        row.update({key: _cell(result.kpis.get(key)) for key in kpi_keys})
        row["solver"] = result.solver
        row["message"] = result.message
        row["folder"] = f"variants/{result.folder}" if result.folder else ""
        rows.append(row)
    return rows


def write_sweep_files(
    folder: Path, base: Scenario, variants: Sequence[Variant], results: Sequence[VariantResult]
) -> list[Path]:
    """Write ``sweep.csv`` and ``sweep.html`` into ``folder``."""
    rows = sweep_rows(variants, results)
    columns = list(rows[0]) if rows else ["variant", "status"]
    with (folder / "sweep.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    page = render_html(base, variants, results, rows, columns)
    (folder / "sweep.html").write_text(page, encoding="utf-8")
    written = [folder / "sweep.csv", folder / "sweep.html"]
    if write_pareto_png(folder / "pareto.png", results):
        written.append(folder / "pareto.png")
    return written


def write_pareto_png(path: Path, results: Sequence[VariantResult]) -> bool:
    """The Pareto view as a PNG (matplotlib, no global state); ``False`` without matplotlib."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        return False
    pts = plot_points(results)
    fig = Figure(figsize=(6.4, 4.0), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for pid, x, y, on_front in pts:
        ax.scatter([x], [y], color="#2a7d2a" if on_front else "#999999", zorder=3)
        ax.annotate(pid, (x, y), textcoords="offset points", xytext=(5, 5), fontsize=8)
    line = sorted((x, y) for _, x, y, on_front in pts if on_front)
    if len(line) > 1:
        ax.plot([x for x, _ in line], [y for _, y in line], color="#2a7d2a", zorder=2)
    ax.set_xlabel("annual cost, million yuan/year")
    ax.set_ylabel("longest one-way journey, min")
    ax.set_title("Pareto view" if pts else "Pareto view: no variant has a plan")
    ax.grid(True, color="#dddddd")
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})
    return True


def render_html(
    base: Scenario,
    variants: Sequence[Variant],
    results: Sequence[VariantResult],
    rows: list[dict[str, str]],
    columns: list[str],
) -> str:
    """The comparison page: table, variants without a plan, Pareto view."""
    e = html.escape
    varied = sorted({key for v in variants for key, _ in v.changes})
    head = "".join(f"<th>{e(c)}</th>" for c in columns if c != "message")
    body = []
    for row in rows:
        cells = []
        for c in columns:
            if c == "message":
                continue
            text = e(row[c])
            if c == "folder" and row[c]:
                text = f'<a href="{e(row[c])}/report.html">{text}</a>'
            elif len(row[c]) > 40 and " " in row[c]:  # a long list: folded
                text = f"<details><summary>{len(row[c].split())} items</summary>{text}</details>"
            cells.append(f"<td>{text}</td>")
        css = ' class="pareto"' if row["pareto"] else ""
        css = ' class="noplan"' if row["status"] != VariantStatus.OK else css
        body.append(f"<tr{css}>{''.join(cells)}</tr>")
    failed = [
        f"<li><b>{e(v.id)}</b> ({e(v.label)}): {e(r.status)}: {e(r.message)}</li>"
        for v, r in zip(variants, results)
        if r.status != VariantStatus.OK
    ]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Sweep: {e(base.name)}</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; }}
table {{ border-collapse: collapse; font-size: 0.85em; }}
th, td {{ border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: right; vertical-align: top; }}
tr.pareto {{ background: #e6f4e6; }}
tr.noplan {{ background: #fbe9e9; }}
</style></head><body>
<h1>Sweep of {e(base.name)}</h1>
<p>{len(variants)} variant(s) of <code>{e(base.sources[0].name if base.sources else "")}</code>,
varying {", ".join(f"<code>{e(k)}</code>" for k in varied)}.
Green rows are on the Pareto front (no other variant is both cheaper and faster);
red rows have no plan. {e(COST_NOTE)}.</p>
<table><thead><tr>{head}</tr></thead><tbody>
{chr(10).join(body)}
</tbody></table>
<h2>Variants without a plan</h2>
{"<ul>" + "".join(failed) + "</ul>" if failed else "<p>None: every variant has a plan.</p>"}
<h2>Pareto view: annual cost against the longest one-way journey</h2>
{pareto_svg(results)}
<p>Green: the Pareto front. Hover a point for its numbers.</p>
</body></html>
"""


def _ticks(low: float, high: float, n: int = 5) -> list[float]:
    return [low + (high - low) * i / (n - 1) for i in range(n)]


def pareto_svg(results: Sequence[VariantResult], width: int = 640, height: int = 400) -> str:
    """Inline SVG: each planned variant as a point, the Pareto front joined by a line."""
    pts = plot_points(results)
    if not pts:
        return "<p>No variant has a plan: nothing to draw.</p>"
    left, right, top, bottom = 80, 20, 20, 50
    xs, ys = [p[1] for p in pts], [p[2] for p in pts]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    if x1 - x0 < 1e-9:
        x0, x1 = x0 - 0.5, x1 + 0.5
    if y1 - y0 < 1e-9:
        y0, y1 = max(0.0, y0 - 1.0), y1 + 1.0
    pad_x, pad_y = (x1 - x0) * 0.08, (y1 - y0) * 0.08
    x0, x1, y0, y1 = x0 - pad_x, x1 + pad_x, y0 - pad_y, y1 + pad_y

    def sx(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * (width - left - right)

    def sy(y: float) -> float:
        return height - bottom - (y - y0) / (y1 - y0) * (height - top - bottom)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<rect x="{left}" y="{top}" width="{width - left - right}" '
        f'height="{height - top - bottom}" fill="none" stroke="#888"/>',
    ]
    for x in _ticks(x0, x1):
        out.append(
            f'<text x="{sx(x):.1f}" y="{height - bottom + 15}" text-anchor="middle">{x:.2f}</text>'
        )
    for y in _ticks(y0, y1):
        out.append(f'<text x="{left - 6}" y="{sy(y) + 4:.1f}" text-anchor="end">{y:.1f}</text>')
    out.append(
        f'<text x="{(left + width - right) / 2:.0f}" y="{height - 12}" text-anchor="middle">'
        "annual cost, million yuan/year</text>"
    )
    out.append(
        f'<text transform="translate(16 {(top + height - bottom) / 2:.0f}) rotate(-90)" '
        'text-anchor="middle">longest one-way journey, min</text>'
    )
    line = sorted((x, y) for _, x, y, on_front in pts if on_front)
    if len(line) > 1:
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in line)
        out.append(f'<polyline points="{path}" fill="none" stroke="#2a7d2a" stroke-width="1.5"/>')
    for pid, x, y, on_front in pts:
        colour = "#2a7d2a" if on_front else "#999"
        out.append(
            f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="5" fill="{colour}">'
            f"<title>{html.escape(pid)}: {x:.3f} M yuan/year, {y:.1f} min</title></circle>"
        )
        out.append(f'<text x="{sx(x) + 7:.1f}" y="{sy(y) - 6:.1f}">{html.escape(pid)}</text>')
    out.append("</svg>")
    return "\n".join(out)
