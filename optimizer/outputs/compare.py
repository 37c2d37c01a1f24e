"""Two plans side by side: what changes between two scenarios.

``schoolplan compare A B`` reads two ``plan.json`` files (or output folders holding
one) and prints the headline numbers side by side, the schools whose status differs
and the village bands whose school, mode or journey time differs. With ``--out DIR``
it also writes ``compare.html`` (the same tables and a two-panel map, inlined) and
``compare_map.png`` (A left, B right, every difference ringed in magenta). Every
number comes from the two plans through :mod:`optimizer.outputs.figures`.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from geodata.staging import staged_files
from optimizer.outputs import figures
from optimizer.outputs.catchments import catchments
from optimizer.outputs.labels import labels, term
from optimizer.outputs.maps.static import DPI, draw_plan, legend_handles, use_fonts
from optimizer.outputs.wording import money_value
from optimizer.plan import Assignment, Plan

#: The label of each unit of :data:`KPI_ROWS` (money in the language's unit: 万元 in Chinese).
_UNIT_LABEL = {"yuan": "money_unit"}

#: A journey time differs when the two plans are at least this far apart (seconds).
TIME_TOLERANCE_S = 60

#: Headline figures compared: KPI key, label key, unit ("" count, "min", "yuan").
KPI_ROWS = (
    ("schools_closed", "kpi.schools_closed", ""),
    ("pupils_affected", "kpi.pupils_affected", ""),
    ("pupils_moved", "kpi.pupils_moved", ""),
    ("pupils_newly_bused", "kpi.newly_bused", ""),
    ("buses", "kpi.buses", ""),
    ("bus_km", "kpi.bus_km", "km"),
    ("longest_ride_s", "kpi.longest_ride", "min"),
    ("longest_journey_s", "kpi.longest_journey", "min"),
    ("p13_over_limit", "kpi.p13_over", ""),
    ("lunch_pupils", "kpi.lunch_pupils", ""),
    ("canteen_seats", "kpi.canteen_seats", ""),
    ("boarders", "kpi.boarders", ""),
    ("boarding_beds", "kpi.boarding_beds", ""),
    ("running_cost_saved", "kpi.cost_saved", "yuan"),
    ("capital_cost", "kpi.capital", "yuan"),
)


@dataclass(frozen=True)
class SchoolChange:
    """A school whose status differs (``""`` where a plan lacks the school)."""

    school: str
    name: str
    status_a: str
    status_b: str


@dataclass(frozen=True)
class VillageChange:
    """A village band whose school, mode or journey time differs (``None``: absent)."""

    village: str
    name: str
    band: str
    a: Assignment | None
    b: Assignment | None


@dataclass(frozen=True)
class Comparison:
    """What differs between plan ``a`` and plan ``b``."""

    a: Plan
    b: Plan
    name_a: str
    name_b: str
    kpis: tuple[tuple[str, str, float, float], ...]
    schools: tuple[SchoolChange, ...]
    villages: tuple[VillageChange, ...]


def load_plan(path: str | Path) -> Plan:
    """A plan from a ``plan.json`` file or an output folder holding one.

    Raises
    ------
    FileNotFoundError
        When there is no such file.
    ValueError
        When the file is not a plan.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "plan.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such plan file")
    try:
        return Plan.from_json(path.read_text(encoding="utf-8"))
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not a schoolplan plan.json ({exc})") from None


def compare(a: Plan, b: Plan, *, name_a: str = "A", name_b: str = "B") -> Comparison:
    """The differences between two plans.

    A village band differs when its school or mode differs, or its one-way journey
    time differs by at least :data:`TIME_TOLERANCE_S`, or it is in one plan only.
    """
    ka, kb = figures.kpis(a), figures.kpis(b)
    kpis = tuple(
        (key, label, float(ka.get(key, 0)), float(kb.get(key, 0))) for key, label, _ in KPI_ROWS
    )
    sa, sb = {s.id: s for s in a.schools}, {s.id: s for s in b.schools}
    schools = tuple(
        SchoolChange(
            sid,
            (sa.get(sid) or sb[sid]).name,
            sa[sid].status if sid in sa else "",
            sb[sid].status if sid in sb else "",
        )
        for sid in dict.fromkeys([*sa, *sb])
        if (sa[sid].status if sid in sa else "") != (sb[sid].status if sid in sb else "")
    )
    aa = {(x.village, x.band): x for x in a.assignments}
    ab = {(x.village, x.band): x for x in b.assignments}
    villages = tuple(
        VillageChange(
            key[0], (aa.get(key) or ab[key]).village_name, key[1], aa.get(key), ab.get(key)
        )
        for key in dict.fromkeys([*aa, *ab])
        if _differs(aa.get(key), ab.get(key))
    )
    return Comparison(a, b, name_a, name_b, kpis, schools, villages)


def _differs(x: Assignment | None, y: Assignment | None) -> bool:
    if x is None or y is None:
        return True
    return x.school != y.school or x.mode != y.mode or abs(x.time_s - y.time_s) >= TIME_TOLERANCE_S


def _value(value: float, unit: str, text: Mapping[str, str]) -> str:
    if unit == "yuan":  # yuan in English, 万元 in Chinese
        return money_value(text, value)
    if unit == "min":
        return f"{value / 60:.1f}"
    if unit == "km":
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def _journey(x: Assignment | None, names: Mapping[str, str], text: Mapping[str, str]) -> str:
    if x is None:
        return "-"
    return (
        f"{names.get(x.school, x.school)} ({x.school}) · {term(text, 'mode', x.mode)} · "
        f"{x.time_s / 60:.0f} {text['min']}"
    )


def _rows(cmp: Comparison, text: Mapping[str, str]) -> dict[str, list[list[str]]]:
    """The three tables as plain strings (headers first)."""
    names = {s.id: s.name for s in (*cmp.b.schools, *cmp.a.schools)}
    units = {key: unit for key, _, unit in KPI_ROWS}
    kpi = [[text["kpi"], cmp.name_a, cmp.name_b, text["difference"]]]
    for key, label, va, vb in cmp.kpis:
        unit = units[key]
        diff = vb - va
        sign = "+" if diff > 0 else ""
        kpi.append(
            [
                text[label] + (f" ({text[_UNIT_LABEL.get(unit, unit)]})" if unit else ""),
                _value(va, unit, text),
                _value(vb, unit, text),
                sign + _value(diff, unit, text) if diff else "0",
            ]
        )
    schools = [[text["school"], cmp.name_a, cmp.name_b]]
    schools += [
        [f"{s.name} ({s.school})", term(text, "status", s.status_a) or "-",
         term(text, "status", s.status_b) or "-"]
        for s in cmp.schools
    ]  # fmt: skip
    villages = [[text["village"], text["band"], cmp.name_a, cmp.name_b]]
    villages += [
        [f"{v.name} ({v.village})", term(text, "band", v.band), _journey(v.a, names, text),
         _journey(v.b, names, text)]
        for v in cmp.villages
    ]  # fmt: skip
    return {"kpis": kpi, "schools": schools, "villages": villages}


def compare_text(cmp: Comparison, *, language: str = "en") -> str:
    """The comparison as plain-text tables for a terminal."""
    text = labels(language)
    tables = _rows(cmp, text)
    out = [
        f"{text['compare_title']}: {cmp.name_a} = {cmp.a.scenario}; {cmp.name_b} = {cmp.b.scenario}"
    ]
    for key, title in (
        ("kpis", text["summary"]),
        ("schools", text["schools_differ"]),
        ("villages", text["villages_differ"]),
    ):
        rows = tables[key]
        out += ["", f"{title} ({len(rows) - 1})" if key != "kpis" else title]
        if len(rows) == 1:
            out.append(f"  {text['no_differences']}")
            continue
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for row in rows:
            cells = [
                c.rjust(w) if key == "kpis" and i else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths))
            ]
            out.append("  " + "  ".join(cells).rstrip())
    return "\n".join(out) + "\n"


def compare_map_png(cmp: Comparison, *, language: str = "en") -> bytes:
    """Plan A (left) and plan B (right) on one image; differences ringed in magenta."""
    text = labels(language)
    schools = [s.school for s in cmp.schools]
    villages = sorted({v.village for v in cmp.villages})
    with use_fonts([cmp.a.scenario, cmp.b.scenario, *text.values()]):
        fig = Figure(figsize=(16.0, 7.5), dpi=DPI)
        for n, (plan, name) in enumerate(((cmp.a, cmp.name_a), (cmp.b, cmp.name_b))):
            ax = fig.add_axes((0.01 + 0.40 * n, 0.03, 0.39, 0.87))
            draw_plan(
                ax,
                plan,
                catchments=catchments(plan),
                highlight_schools=schools,
                highlight_villages=villages,
                text=text,  # the scale bar in the language's km (公里)
            )
            ax.set_title(f"{name}: {plan.scenario}", fontsize=12, loc="left")
        fig.legend(
            handles=legend_handles(text, roads=False),
            loc="upper left",
            bbox_to_anchor=(0.81, 0.90),
            fontsize=8,
            frameon=False,
        )
        fig.text(0.01, 0.95, text["compare_title"], fontsize=14, weight="bold")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def render_compare_html(
    cmp: Comparison, *, language: str = "en", map_png: bytes | None = None
) -> str:
    """``compare.html``: the tables, and the two-panel map inlined as a data URI."""
    text = labels(language)
    e = html.escape
    parts = [
        f"<h1>{e(text['compare_title'])}</h1>",
        f"<p>{e(cmp.name_a)} = {e(cmp.a.scenario)}<br>{e(cmp.name_b)} = {e(cmp.b.scenario)}</p>",
    ]
    if map_png:
        data = base64.b64encode(map_png).decode("ascii")
        parts.append(
            f'<img class="map" alt="{e(text["map_alt"])}" src="data:image/png;base64,{data}">'
        )
    for key, title in (
        ("kpis", text["summary"]),
        ("schools", text["schools_differ"]),
        ("villages", text["villages_differ"]),
    ):
        rows = _rows(cmp, text)[key]
        parts.append(f"<h2>{e(title)}</h2>")
        if len(rows) == 1:
            parts.append(f"<p>{e(text['no_differences'])}</p>")
            continue
        head = "".join(f"<th>{e(c)}</th>" for c in rows[0])
        body = "\n".join(
            "<tr>" + "".join(
                f'<td class="n">{e(c)}</td>' if key == "kpis" and i else f"<td>{e(c)}</td>"
                for i, c in enumerate(row)
            ) + "</tr>"
            for row in rows[1:]
        )  # fmt: skip
        parts.append(f'<table id="{key}">\n<tr>{head}</tr>\n{body}\n</table>')
    return (
        f'<!DOCTYPE html>\n<html lang="{e(language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(text['compare_title'])}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(parts)
        + "\n</body>\n</html>\n"
    )


_CSS = """
body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
  margin: 2em auto; max-width: 80em; padding: 0 1em; color: #222; }
h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #bbb; }
table { border-collapse: collapse; margin: .4em 0; font-size: .92em; }
th, td { border: 1px solid #bbb; padding: .2em .6em; text-align: left; }
th { background: #eef2f6; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
img.map { width: 100%; height: auto; border: 1px solid #bbb; }
"""


def write_compare(cmp: Comparison, out_dir: str | Path, *, language: str = "en") -> list[Path]:
    """Write ``compare.html`` and ``compare_map.png`` into ``out_dir`` (each file whole).

    Other files in ``out_dir`` are left alone.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    png = compare_map_png(cmp, language=language)
    files: dict[str, Any] = {
        "compare_map.png": png,
        "compare.html": render_compare_html(cmp, language=language, map_png=png).encode("utf-8"),
    }
    written = [out_dir / name for name in files]
    with staged_files(written) as temps:
        for temp, data in zip(temps, files.values(), strict=True):
            temp.write_bytes(data)
    return sorted(written)
