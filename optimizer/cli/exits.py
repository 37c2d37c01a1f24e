"""Exit codes and the one place where a command's errors become a message and a code."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

from geodata.errors import InputError
from optimizer.errors import NoPlan, PlanRejected

EXIT_BAD_INPUT = 2
EXIT_REJECTED = 3
EXIT_INTERRUPTED = 130
#: What marks a folder that ``compare --out`` wrote.
COMPARE_MARKS = {"compare.html": b'<table id="kpis">'}
#: Set to show the traceback of a defect instead of the one-line report.
DEBUG_VARIABLE = "SCHOOLPLAN_DEBUG"
INTERRUPTED = (
    "schoolplan: interrupted (Ctrl-C); nothing was written and any previous output is as it was"
)
REPORT = (
    "  this is a defect of schoolplan, not of your input: please report it with this message "
    f"and the scenario (set {DEBUG_VARIABLE}=1 to see where it happened)"
)
#: ``schoolplan assess``: the plan is written, and the proposal breaks a rule.
EXIT_BROKEN_RULES = 4


def exit_code(work: Callable[[], int], *, scenario: Path | None = None, failed: str = "") -> int:
    """Run one command; every error a run can meet becomes one message and an exit code.

    The one place where the CLI catches errors, each kind through its base:
    :class:`~geodata.errors.InputError` (bad input) and :class:`~optimizer.errors.NoPlan`
    (a scenario without a plan) exit 2, as does an :class:`OSError` (a file that could
    not be read or written, named); :class:`~optimizer.errors.PlanRejected` (a plan the
    verifier refused) and any other exception (a defect) exit 3 with a line asking for
    a report; Ctrl-C prints one line and exits 130. ``failed`` replaces the headline of
    bad input (``download failed``).
    """
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _one_line_warning
            return work()
    except InputError as exc:
        print(f"schoolplan: {failed or 'bad input'}\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except NoPlan as exc:
        print(f"schoolplan: scenario '{scenario}' has no plan\n  {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PlanRejected as exc:
        print(f"schoolplan: internal error, nothing written\n{exc}\n{REPORT}", file=sys.stderr)
        return EXIT_REJECTED
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:
        if exc.filename is None:
            return _defect(exc)
        what = exc.strerror or type(exc).__name__
        print(
            f"schoolplan: {failed or 'a file could not be read or written'}\n"
            f"  {exc.filename}: {what}; nothing written",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    except Exception as exc:
        return _defect(exc)


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning as one line of its own words (no source location)."""
    print(f"schoolplan: warning: {message}", file=sys.stderr)


def _defect(exc: Exception) -> int:
    """One message for an error no check foresaw (exit 3); the traceback only on request."""
    if os.environ.get(DEBUG_VARIABLE, "").strip() not in ("", "0"):
        raise exc
    text = " ".join(str(exc).split())[:300]
    print(
        f"schoolplan: internal error ({type(exc).__name__}: {text}), nothing written\n{REPORT}",
        file=sys.stderr,
    )
    return EXIT_REJECTED
