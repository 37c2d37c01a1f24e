"""Ctrl-C during a long solver call: the call runs in a thread the caller can abandon.

Python raises :class:`KeyboardInterrupt` only between bytecodes of the main thread,
so a solver that runs for 30 s inside one C call (HiGHS through scipy, which has no
callback; CP-SAT) would hold a Ctrl-C back until it returns. :func:`interruptible`
runs such a call in a daemon thread (the solvers release the GIL) while the main
thread waits in short, interruptible steps: Ctrl-C then raises in the main thread
within :data:`POLL_S`, and the abandoned solve ends with the process. The result is
the same as a direct call: the solve itself is unchanged.

The CLI turns the :class:`KeyboardInterrupt` into one line and exit code 130; the
staged writer has written nothing by then, so the previous output stays as it was.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["POLL_S", "check", "interruptible", "on_ctrl_c"]

#: Set by :func:`on_ctrl_c`: a Ctrl-C came, even if Python swallowed its exception (one
#: that lands in a ``__del__`` or a weakref callback is only printed, never raised).
_CTRL_C = threading.Event()

#: How often the waiting main thread wakes to notice a Ctrl-C, seconds.
POLL_S = 0.1

T = TypeVar("T")


def interruptible(work: Callable[[], T]) -> T:
    """``work()``, run so that a Ctrl-C of the main thread takes effect within :data:`POLL_S`.

    Outside the main thread (a Dask worker, a test's thread) no signal can arrive,
    and ``work`` runs directly.

    Raises
    ------
    KeyboardInterrupt
        Ctrl-C while ``work`` runs; the thread running it is abandoned.
    BaseException
        Whatever ``work`` raised.
    """
    if threading.current_thread() is not threading.main_thread():
        return work()
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="schoolplan-solve", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(POLL_S)
        check()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def on_ctrl_c() -> None:
    """Make Ctrl-C stick: SIGINT sets a flag beside raising :class:`KeyboardInterrupt`,
    so :func:`check` raises it again where Python swallowed the first (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum: int, frame: object) -> None:
        _CTRL_C.set()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)


def check() -> None:
    """Raise :class:`KeyboardInterrupt` if a Ctrl-C came (see :func:`on_ctrl_c`)."""
    if _CTRL_C.is_set():
        raise KeyboardInterrupt
