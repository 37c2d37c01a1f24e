"""Property: any mutation of the tiny region's tables or scenario ends in a verified plan
(exit 0) or in one clear message (exit 2), never a traceback, the inputs unchanged.

The mutations are those a spreadsheet makes by accident: a column dropped, renamed or
swapped with another, a cell turned to text, emptied, huge, negative or NaN, a row
duplicated; and a scenario value turned into another. Hypothesis runs a bounded,
derandomized set of examples (no example database), so the test is deterministic.
"""

from __future__ import annotations

import contextlib
import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.cli import main
from tests.conftest import SCHOOLS_CSV, VILLAGES_CSV, write_tiny_region

TABLES = {"villages.csv": VILLAGES_CSV, "schools.csv": SCHOOLS_CSV}
CELLS = ["many", "", "1E+20", "-5", "NaN", "99999999999", "0", "1,5", "true", "P9"]
#: Scenario lines a mutation may change, and values they may take.
SCENARIO_KEYS = ["policy.bell", "solver.seed", "policy.walk_kph", "policy.bus.seats"]
SCENARIO_VALUES = ["0", "-1", "8:20", '"25:70"', ".inf", "many", "1.0e+20", "[]", "{}", "null"]


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@st.composite
def table_mutation(draw) -> tuple[str, str]:
    """A table's name and its mutated text."""
    name = draw(st.sampled_from(sorted(TABLES)))
    rows = _rows(TABLES[name])
    width = len(rows[0])
    col = draw(st.integers(0, width - 1))
    kind = draw(st.sampled_from(["drop", "rename", "swap", "cell", "duplicate"]))
    if kind == "drop":
        rows = [r[:col] + r[col + 1 :] for r in rows]
    elif kind == "rename":
        rows[0][col] = draw(st.sampled_from(["", "x", rows[0][col][:10], rows[0][col] + "s"]))
    elif kind == "swap":
        other = draw(st.integers(0, width - 1))
        for r in rows:
            r[col], r[other] = r[other], r[col]
    elif kind == "cell":
        row = draw(st.integers(1, len(rows) - 1))
        rows[row][col] = draw(st.sampled_from(CELLS))
    else:
        row = draw(st.integers(1, len(rows) - 1))
        rows.insert(row, list(rows[row]))
    return name, _text(rows)


@st.composite
def scenario_mutation(draw) -> str:
    """The tiny scenario with one key set to an awkward value."""
    key = draw(st.sampled_from(SCENARIO_KEYS))
    value = draw(st.sampled_from(SCENARIO_VALUES))
    section, *rest = key.split(".")
    body = "".join(f"{'  ' * (i + 1)}{part}:\n" for i, part in enumerate(rest[:-1]))
    indent = "  " * len(rest)
    return (
        "name: tiny\nregion:\n  roads: roads.osm\n  villages: villages.csv\n"
        f"  schools: schools.csv\n{section}:\n{body}{indent}{rest[-1]}: {value}\n"
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _check(table: tuple[str, str] | None, scenario: str | None) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = write_tiny_region(Path(name))
        if table is not None:
            (folder / table[0]).write_text(table[1], encoding="utf-8")
        if scenario is not None:
            (folder / "scenario.yaml").write_text(scenario, encoding="utf-8")
        before = _files(folder)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["run", str(folder / "scenario.yaml"), "--out", str(folder / "out")])
        text = err.getvalue()
        assert code in (0, 2), text
        assert "Traceback" not in text
        assert _files(folder) == before, "an input file was changed"
        if code == 0:
            assert (folder / "out" / "plan.json").is_file()  # written only once verified
        else:
            assert text.startswith("schoolplan: "), text
            assert not (folder / "out").exists()


FEW = settings(
    max_examples=12,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@FEW
@given(table_mutation())
def test_a_mutated_table_gives_a_plan_or_one_message(mutation: tuple[str, str]) -> None:
    _check(mutation, None)


@FEW
@given(scenario_mutation())
def test_a_mutated_scenario_gives_a_plan_or_one_message(scenario: str) -> None:
    _check(None, scenario)
