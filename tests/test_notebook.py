"""The planner's walkthrough notebook runs from top to bottom without an error.

Its parameters cell is pointed at the tiny region (the demo takes minutes to plan);
every other cell runs as shipped.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tests.conftest import write_tiny_region

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "walkthrough.ipynb"


def test_the_walkthrough_runs_without_an_error(tmp_path, monkeypatch):
    write_tiny_region(tmp_path, name="tiny.yaml")
    (tmp_path / "tiny_p13_20.yaml").write_text(
        "extends: tiny.yaml\nname: tiny 20 min\npolicy:\n  bands:\n    p13: {one_way_min: 20}\n"
    )
    nb = nbformat.read(NOTEBOOK, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1
    params[0].source = (
        "from pathlib import Path\n"
        f"SCENARIO = Path({str(tmp_path / 'tiny.yaml')!r})\n"
        f"VARIANT = Path({str(tmp_path / 'tiny_p13_20.yaml')!r})\n"
        f"OUT = Path({str(tmp_path / 'out')!r})\n"
        f"CACHE = Path({str(tmp_path / 'cache')!r})\n"
        f"OWN_TABLES = Path({str(tmp_path)!r})\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the kernel imports the checkout
    monkeypatch.delenv("CI", raising=False)
    client = NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []
    shown = {c.source.splitlines()[-1]: c.outputs for c in nb.cells if c.cell_type == "code"}
    kpis = shown["kpis"][-1]["data"]["text/plain"]
    assert "schools closed" in kpis and "tiny 20 min" in kpis
    frame = shown[
        """HTML(f'<iframe src="{os.path.relpath(folder / "map.html")}" width="100%" """
        """height="520"></iframe>')"""
    ]
    assert "<iframe" in frame[-1]["data"]["text/html"]
    pictures = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert sum("image/png" in o.get("data", {}) for o in pictures) == 3
    assert (tmp_path / "out" / "tiny" / "manifest.json").is_file()
    assert (tmp_path / "out" / "tiny_p13_20" / "map.html").is_file()
    # Your own tables (the tiny region's folder): read, counted, no problem listed.
    text = "".join(o.get("text", "") for o in pictures if o["output_type"] == "stream")
    assert "3 villages, 2 schools and " in text
