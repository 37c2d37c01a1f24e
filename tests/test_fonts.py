"""A CJK font installed after matplotlib built its font cache is still found.

The stale cache is reproduced without installing anything: a fresh ``MPLCONFIGDIR`` gets
its font list built, the CJK font files are then taken out of that list (the state of a cache
built before the font existed), and a new process using that cache must still find one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from optimizer.outputs.maps.static import CJK_FONTS, cjk_font

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str, config: Path) -> str:
    env = {**os.environ, "MPLCONFIGDIR": str(config), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


@pytest.mark.skipif(cjk_font() is None, reason="no CJK font on this machine")
def test_a_font_missing_from_a_stale_cache_is_found(tmp_path: Path) -> None:
    config = tmp_path / "mpl"
    _python("import matplotlib.font_manager", config)  # builds the cache
    (cache,) = config.glob("fontlist-*.json")
    data = json.loads(cache.read_text())
    cjk_files = {f["fname"] for f in data["ttflist"] if f["name"] in CJK_FONTS}
    data["ttflist"] = [f for f in data["ttflist"] if f["fname"] not in cjk_files]
    cache.write_text(json.dumps(data))
    check = "from matplotlib import font_manager as fm; from optimizer.outputs.maps.static import "
    listed = _python(
        check + "CJK_FONTS as c; print(any(f.name in c for f in fm.fontManager.ttflist))", config
    )
    assert listed == "False"  # the cache is stale: no CJK font in matplotlib's list
    found = _python(check + "cjk_font; print(cjk_font())", config)
    assert found in CJK_FONTS
