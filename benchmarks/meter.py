"""Wall time and memory of the benchmark's stages (a sampling thread reads the RSS).

Peak memory is the process's ``ru_maxrss`` when a stage raised it, else the highest
resident size sampled every 10 ms during the stage.
"""

from __future__ import annotations

import contextlib
import resource
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any


def rss_mb() -> float:
    """Resident memory of this process now (MB)."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def maxrss_mb() -> float:
    """Highest resident memory of this process so far (MB; Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Stage:
    """What one stage took, summed over its calls."""

    name: str
    seconds: float = 0.0
    peak_mb: float = 0.0
    end_mb: float = 0.0
    py_peak_mb: float | None = None
    calls: int = 0
    running: list[float] = field(default_factory=list)  # sampled peak of open calls


class Meter:
    """Times stages and measures their memory (a sampling thread reads the RSS).

    Parameters
    ----------
    trace
        Also measure Python allocations of top-level stages with :mod:`tracemalloc`
        (slows allocation-heavy code down; off by default).
    interval_s
        Sampling period of the resident memory.
    """

    def __init__(self, *, trace: bool = False, interval_s: float = 0.01) -> None:
        self.stages: dict[str, Stage] = {}
        self.trace = trace
        self._interval = interval_s
        self._open: list[Stage] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> Meter:
        self._thread.start()
        if self.trace:
            tracemalloc.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self.trace:
            tracemalloc.stop()

    def _sample(self) -> None:
        while not self._stop.wait(self._interval):
            rss = rss_mb()
            with self._lock:
                for stage in self._open:
                    stage.running[-1] = max(stage.running[-1], rss)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[Stage]:
        """Measure the block as stage ``name`` (added to earlier calls of that name)."""
        stage = self.stages.setdefault(name, Stage(name))
        top = "/" not in name
        if top and self.trace:
            tracemalloc.reset_peak()
        before = maxrss_mb()
        with self._lock:
            stage.running.append(rss_mb())
            self._open.append(stage)
        started = time.perf_counter()
        try:
            yield stage
        finally:
            stage.seconds += time.perf_counter() - started
            end = rss_mb()
            after = maxrss_mb()
            with self._lock:
                self._open.remove(stage)
                sampled = max(stage.running.pop(), end)
            stage.peak_mb = max(stage.peak_mb, after if after > before else sampled)
            stage.end_mb = end
            stage.calls += 1
            if top and self.trace:
                py_peak = tracemalloc.get_traced_memory()[1] / 2**20
                stage.py_peak_mb = max(stage.py_peak_mb or 0.0, py_peak)

    def other(self, parent: str) -> None:
        """Record ``parent/other``: the parent's time not spent in its timed sub-stages."""
        children = [s for n, s in self.stages.items() if n.startswith(parent + "/")]
        rest = self.stages[parent].seconds - sum(s.seconds for s in children)
        self.stages[f"{parent}/other"] = Stage(
            f"{parent}/other",
            seconds=max(rest, 0.0),
            peak_mb=self.stages[parent].peak_mb,
            end_mb=self.stages[parent].end_mb,
            calls=1,
        )

    @contextlib.contextmanager
    def wrapping(self, module: ModuleType | type, attr: str, name: str) -> Iterator[None]:
        """Time every call of ``module.attr`` as stage ``name`` while the block runs.

        A name the module no longer has is left alone (its time then counts as the
        parent's ``other``).
        """
        original: Callable[..., Any] | None = getattr(module, attr, None)
        if original is None:
            yield
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                return original(*args, **kwargs)

        setattr(module, attr, timed)
        try:
            yield
        finally:
            setattr(module, attr, original)

    def line(self, name: str) -> str:
        """The printed line of one stage."""
        s = self.stages.get(name) or Stage(name)
        text = (
            f"STAGE {name:<20} time_s={s.seconds:8.2f} peak_mb={s.peak_mb:7.0f} "
            f"end_mb={s.end_mb:7.0f} calls={s.calls}"
        )
        if s.py_peak_mb is not None:
            text += f" py_peak_mb={s.py_peak_mb:.0f}"
        return text
