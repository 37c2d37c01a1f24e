"""``python -m optimizer.cli`` and the ``schoolplan`` console script."""

import os
import sys

from optimizer.cli.parser import main


def console() -> None:
    """Run the command line and exit with its code.

    The process leaves at once (``os._exit``) after flushing its output: every file a
    command writes is complete and closed, and every cluster it starts is shut down,
    before :func:`~optimizer.cli.parser.main` returns, so the interpreter's teardown
    (about 0.2 s of freeing modules) has nothing left to do. After Ctrl-C it could not
    even be done safely: a solver's worker threads (HiGHS, OR-Tools) may still be
    running, and the teardown would abort in their C++ runtime ("terminate called
    without an active exception", exit -6) after the one-line message.
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    console()
