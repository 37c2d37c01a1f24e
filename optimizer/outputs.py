"""Write a plan's files: all of them into a fresh folder, moved into place at the end.

An interrupted run never leaves a half-written output folder: files go to a
temporary sibling folder first, which replaces the target only when complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from optimizer.maps import render_map
from optimizer.plan import Plan
from optimizer.report import plan_tables, render_report


def write_outputs(
    plan: Plan, out_dir: str | Path, *, language: str = "en", tiles: bool = False
) -> list[Path]:
    """Write ``plan.json``, ``map.html``, ``report.html`` and the CSV tables.

    Returns
    -------
    list of pathlib.Path
        The files written, in ``out_dir``.
    """
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        (tmp / "plan.json").write_text(plan.to_json(), encoding="utf-8")
        (tmp / "map.html").write_text(
            render_map(plan, language=language, tiles=tiles), encoding="utf-8"
        )
        (tmp / "report.html").write_text(render_report(plan, language=language), encoding="utf-8")
        for name, table in plan_tables(plan).items():
            table.to_csv(tmp / f"{name}.csv", index=False, lineterminator="\n")
        os.chmod(tmp, 0o755)
        _replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted(out_dir.iterdir())


def _replace_dir(new: Path, target: Path) -> None:
    """Put ``new`` in the place of ``target``; the old folder goes only once it is there."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
