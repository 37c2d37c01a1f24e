"""The ``schoolplan`` command line (the console script is :func:`main`).

:mod:`~optimizer.cli.parser` reads the arguments and picks the command;
:mod:`~optimizer.cli.commands` holds the commands (``run``, ``assess``, ``validate``,
``sweep``, ``frontier``, ``compare``, ``places``, ``fetch-roads``);
:mod:`~optimizer.cli.exits` the exit codes and the one place where every error a
command meets becomes one message and a code.
"""

from optimizer.cli.commands import (
    assess_proposal,
    compare,
    fetch_roads,
    frontier,
    places,
    run,
    sweep,
    validate,
    write_timeline,
)
from optimizer.cli.exits import (
    COMPARE_MARKS,
    DEBUG_VARIABLE,
    EXIT_BAD_INPUT,
    EXIT_BROKEN_RULES,
    EXIT_INTERRUPTED,
    EXIT_REJECTED,
    exit_code,
)
from optimizer.cli.parser import main

__all__ = [
    "COMPARE_MARKS",
    "DEBUG_VARIABLE",
    "EXIT_BAD_INPUT",
    "EXIT_BROKEN_RULES",
    "EXIT_INTERRUPTED",
    "EXIT_REJECTED",
    "assess_proposal",
    "compare",
    "exit_code",
    "fetch_roads",
    "frontier",
    "main",
    "places",
    "run",
    "sweep",
    "validate",
    "write_timeline",
]
