"""``python -m optimizer.cli`` and the ``schoolplan`` console script."""

import os
import sys

from optimizer.cli.exits import EXIT_INTERRUPTED
from optimizer.cli.parser import main


def console() -> None:
    """Run the command line and exit with its code.

    After Ctrl-C a solver's worker threads (HiGHS, OR-Tools) may still be running; the
    interpreter's teardown would then abort in their C++ runtime ("terminate called
    without an active exception", exit -6) after the one-line message. Everything is
    already cleaned up by then (nothing was written), so the process leaves at once.
    """
    code = main()
    if code == EXIT_INTERRUPTED:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    console()
