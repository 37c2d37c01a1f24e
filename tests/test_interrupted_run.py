"""A run killed half-way leaves the previous output folder as it was."""

from __future__ import annotations

import hashlib
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from optimizer.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "scenarios" / "demo.yaml"
#: The progress line shown (on a terminal) once the region is loaded.
MARKER = b"planning (closures"


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def read_until(fd: int, marker: bytes, timeout_s: float) -> bytes:
    """What the child wrote to the terminal, up to the marker (or the timeout)."""
    seen, end = b"", time.monotonic() + timeout_s
    while marker not in seen and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
    return seen


def test_a_killed_run_leaves_the_previous_outputs_intact(tiny_dir):
    out = tiny_dir / "out"
    assert main(["run", str(tiny_dir / "scenario.yaml"), "--out", str(out)]) == 0
    before = snapshot(out)
    # The demo plans for long enough to be killed while planning; stderr on a terminal
    # shows the progress line that says the region is loaded.
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"TERM": "xterm"}
    parent, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "optimizer.cli", "run", str(DEMO), "--out", str(out)]
        + ["--cache", str(tiny_dir / "cache")],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=child,
    )
    os.close(child)
    try:
        seen = read_until(parent, MARKER, timeout_s=120)
        assert MARKER in seen, seen.decode(errors="replace")
        assert proc.poll() is None, "the run ended before it could be killed"
        proc.kill()  # SIGKILL: no handler, no clean-up
        assert proc.wait(timeout=30) == -9
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(parent)
    assert b"loading region (road graph, snapping, matrices) ... " in seen
    assert snapshot(out) == before
    assert sorted(p.name for p in tiny_dir.iterdir() if p.name.startswith(".out")) == []
