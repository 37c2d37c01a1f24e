"""Work on the second core: forked processes, where the machine and the platform allow.

:func:`can_fork` says whether a job may run in a forked child here (Linux, the main
thread, more than one core for the process); :func:`fork_map` applies a function to
each item in forked workers and returns the results in the items' order, or applies
it here, one item after another, where no fork is possible. The results are the same
either way: each call depends on its item alone and is deterministic, so the same
inputs give the same plan on one core or two.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from optimizer.interrupt import POLL_S, check

__all__ = ["can_fork", "cores", "fork_map"]

T = TypeVar("T")
R = TypeVar("R")

#: The function and items of the running :func:`fork_map`: forked workers inherit
#: them, so nothing but the item's index and the result is sent between processes.
_JOB: tuple[Callable, Sequence] | None = None


def cores() -> int:
    """Cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether a job can run in a forked child here: on Linux (macOS's system libraries
    are not safe to use after a fork, Windows has none), in the main thread, and with
    more than one core for the process."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    return cores() > 1


def _quiet() -> None:  # a forked worker: Ctrl-C is the parent's to report (one line)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _call(index: int):  # in a forked worker
    work, items = _JOB
    return work(items[index])


def fork_map(work: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[work(item) for item in items]``, on as many forked workers as there are cores
    (and items) where :func:`can_fork`; the results must pickle.

    Raises
    ------
    KeyboardInterrupt
        Ctrl-C while the workers run (they ignore it, and are ended here).
    BaseException
        Whatever ``work`` raised for an item.
    """
    global _JOB
    if len(items) < 2 or not can_fork():
        return [work(item) for item in items]
    _JOB = (work, items)
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(min(cores(), len(items)), initializer=_quiet) as pool:
            pending = pool.map_async(_call, range(len(items)), chunksize=1)
            while not pending.ready():
                pending.wait(POLL_S)
                check()
            return pending.get()
    finally:
        _JOB = None
