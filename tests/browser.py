"""Open pages in a real headless Chromium: the DOM after scripts ran, and screenshots."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image


def _chromium() -> str | None:
    """The Chromium binary (installed by .ci/run from Debian's packages), if any."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def browse(tmp: Path, page: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Open ``page`` from its file URL with no network; ``extra`` Chromium flags."""
    browser = _chromium()
    assert browser is not None
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp / 'profile'}",
        "--virtual-time-budget=5000",
        *extra,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


needs_chromium = pytest.mark.skipif(
    _chromium() is None, reason="no Chromium at /usr/bin/chromium or on PATH"
)


def distinct_colours(png: Path) -> int:
    """Distinct pixel colours of a screenshot."""
    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24)
    return len(colours or [])
