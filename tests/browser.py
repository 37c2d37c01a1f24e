"""Open pages in a real headless Chromium: the DOM after scripts ran, and screenshots."""

from __future__ import annotations

import html
import json
import os
import re
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


#: A4 in CSS pixels (96 per inch) less the report's page margins (10 mm each side).
A4_CONTENT_PX = round((210 - 20) / 25.4 * 96)

_PROBE = """<script>
window.addEventListener("load", () => {
  const limit = document.documentElement.clientWidth;
  const wide = [];
  const cramped = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right > limit + 0.5) wide.push(el.tagName + ": " + el.textContent.slice(0, 60));
  }
  for (const cell of document.querySelectorAll("td, th")) {
    const size = parseFloat(getComputedStyle(cell).fontSize);
    const text = cell.textContent.trim();
    if (/[\\u4e00-\\u9fff]{3}/.test(text) && cell.getBoundingClientRect().width < 2.5 * size)
      cramped.push(text.slice(0, 30));
  }
  const out = document.createElement("pre");
  out.id = "schoolplan-probe";
  out.textContent = JSON.stringify({limit, wide, cramped});
  document.body.appendChild(out);
});
</script>"""


def layout_problems(tmp: Path, page: Path, width: int = A4_CONTENT_PX) -> dict:
    """Lay ``page`` out ``width`` CSS pixels wide (scrollbar added) in Chromium: the
    elements reaching past the right edge (``wide``) and the table cells holding Chinese
    that are under 2.5 characters wide, which wrap one character per line (``cramped``)."""
    probe = tmp / f"probe-{page.name}"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"))
    done = browse(tmp, probe, f"--window-size={width + 15},1000", "--dump-dom")
    found = re.search(r'<pre id="schoolplan-probe">(.*?)</pre>', done.stdout, flags=re.S)
    assert found is not None, done.stderr[-2000:]
    return json.loads(html.unescape(found.group(1)))


def print_to_pdf(tmp: Path, page: Path) -> bytes:
    """Chromium's print of ``page`` (no header or footer) as PDF bytes."""
    pdf = tmp / f"{page.stem}.pdf"
    browse(tmp, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    return pdf.read_bytes()


def pdf_page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Width and height (points) of every page of a PDF Chromium wrote."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]
