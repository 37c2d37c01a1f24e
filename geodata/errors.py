"""One error type for bad input, carrying every problem found at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class InputIssue:
    """One problem in an input file.

    Parameters
    ----------
    file
        The file (or scenario key) the problem is in.
    where
        The row number or id of the record, or ``"-"`` for the file as a whole.
    field
        The column or key at fault.
    expected
        What was expected, in words, with the numbers.
    found
        What was found instead.
    """

    file: str
    where: str
    field: str
    expected: str
    found: str = ""

    def __str__(self) -> str:
        found = f"; found {self.found}" if self.found else ""
        return f"{self.file}: {self.where}: {self.field}: expected {self.expected}{found}"


class InputError(ValueError):
    """Bad input: every problem that was found, one line each."""

    def __init__(self, issues: Iterable[InputIssue]):
        self.issues = tuple(issues)
        lines = [str(issue) for issue in self.issues]
        super().__init__(f"{len(lines)} problem(s) in the input:\n  " + "\n  ".join(lines))


class IssueCollector:
    """Collect issues while validating, then raise them together."""

    def __init__(self) -> None:
        self._issues: list[InputIssue] = []

    def add(self, file: str, where: object, field: str, expected: str, found: object = "") -> None:
        """Record one problem."""
        self._issues.append(InputIssue(str(file), str(where), field, expected, str(found)))

    def __len__(self) -> int:
        return len(self._issues)

    def raise_if_any(self) -> None:
        """Raise an :class:`InputError` holding every recorded issue, if there is one."""
        if self._issues:
            raise InputError(self._issues)
