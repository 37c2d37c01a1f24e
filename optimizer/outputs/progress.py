"""Progress of the long steps, shown on a terminal and silent everywhere else.

A :class:`Progress` writes one line per step to a stream (stderr by default) while
the step runs, with a ticking clock, and ends the line with the time it took::

    loading region (roads, snapping, matrices) ... 3.2 s
    planning (closures, bus routes, verification) ... 25.1 s

It is active only when the stream is a terminal, ``TERM`` is not ``dumb`` and
``CI`` is not set, so CI logs, pipes and files stay free of it. Nothing here is
shared between runs: each command makes its own :class:`Progress`.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TextIO


def wanted(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether progress should be shown on ``stream``.

    Parameters
    ----------
    stream
        Where progress would go.
    environ
        The environment (``os.environ`` by default).
    """
    env = os.environ if environ is None else environ
    if env.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    if env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Progress:
    """Show the steps of a run on a terminal.

    Parameters
    ----------
    stream
        Where to write (default ``sys.stderr``).
    enabled
        Force on or off; by default :func:`wanted` decides.
    tick_s
        How often the clock of a running step is redrawn, seconds.
    """

    def __init__(
        self, stream: TextIO | None = None, *, enabled: bool | None = None, tick_s: float = 0.5
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = wanted(self.stream) if enabled is None else enabled
        self.tick_s = tick_s

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        """Show ``label`` with a running clock while the body runs."""
        if not self.enabled:
            yield
            return
        start = time.monotonic()
        done = threading.Event()
        lock = threading.Lock()

        def draw(suffix: str, end: str = "") -> None:
            with lock:
                self.stream.write(f"\r{label} ... {suffix}\033[K{end}")
                self.stream.flush()

        def tick() -> None:
            while not done.wait(self.tick_s):
                draw(f"{time.monotonic() - start:.0f} s")

        draw("")
        ticker = threading.Thread(target=tick, name="schoolplan-progress", daemon=True)
        ticker.start()
        outcome = "failed"
        try:
            yield
            outcome = "done"
        finally:
            done.set()
            ticker.join()
            elapsed = time.monotonic() - start
            draw(f"{elapsed:.1f} s" if outcome == "done" else f"failed after {elapsed:.1f} s", "\n")

    def note(self, text: str) -> None:
        """A line of its own (only when active)."""
        if self.enabled:
            self.stream.write("\r\033[K" + text + "\n")
            self.stream.flush()
