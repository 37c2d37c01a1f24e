"""Reading the public instance files: numbers, with the file named when one is not."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def read_numbers(path: Path, kind: str, error: type[Exception] = ValueError) -> np.ndarray:
    """Every whitespace-separated number of an instance file, as floats.

    Raises
    ------
    error
        Naming the file, the kind of file and the first token that is not a number.
    """
    tokens = Path(path).read_text().split()
    values = []
    for token in tokens:
        try:
            values.append(float(token))
        except ValueError:
            raise error(f"{path}: expected numbers only ({kind} file), got {token!r}") from None
    return np.array(values)
