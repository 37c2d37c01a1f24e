"""Files written beside the main process: a forked child writes some while the parent
writes the others.

A plan's files are independent once the catchments and tables are known, and most of
the time goes into drawing them (matplotlib, folium). On a machine with a second core,
:class:`Beside` forks a child that runs one writing job into the staged folder while
the parent writes the rest; :meth:`Beside.wait` waits for it. Nothing comes back from
the child but its exit status. Where the child fails, or where no fork is possible (no
fork: not Linux, one core, not the main thread), the parent runs the same job itself: the
files are the same bytes either way, and the folder is complete or, as before, never
moved into place (:func:`geodata.staging.staged_folder`).

The child only draws and writes files: it leaves with ``os._exit`` (no ``atexit``
handler, no flushing of the parent's buffers), and a parent that stops early (an
error, Ctrl-C) ends it before the staged folder is removed.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from types import TracebackType

from optimizer.forked import can_fork

__all__ = ["Beside", "can_fork"]


class Beside:
    """Run ``job`` in a forked child from entering the block to :meth:`wait`.

    Parameters
    ----------
    job : callable
        Writes its files; the same call in the parent must give the same files.
    fork : bool, optional
        Whether to fork at all (default: :func:`can_fork`).
    """

    def __init__(self, job: Callable[[], None], *, fork: bool | None = None) -> None:
        self.job = job
        self.fork = can_fork() if fork is None else fork
        self.pid: int | None = None

    def __enter__(self) -> Beside:
        if self.fork:
            pid = os.fork()
            if pid == 0:  # the child: the job, then leave at once
                code = 1
                try:
                    signal.signal(signal.SIGINT, signal.SIG_DFL)  # the parent reports Ctrl-C
                    self.job()
                    code = 0
                finally:
                    os._exit(code)
            self.pid = pid
        return self

    def wait(self) -> None:
        """Wait for the child; run the job here if it failed or never ran."""
        if self.pid is None:
            self.job()
            return
        pid, self.pid = self.pid, None
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            self.job()  # the same files, written here

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.pid is not None:  # left early: the child's files are not wanted
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = None
