"""The base of every scenario section, and the bounded value types the sections share."""

from __future__ import annotations

import difflib
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    """A scenario section: immutable, no key it does not know, no infinite or NaN number."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


#: The most a county could spend in a year or a plan, yuan (a bound on every cost).
MAX_YUAN = 1e12
#: A cost in yuan: finite, not negative, within what a county could have.
Yuan = Annotated[float, Field(ge=0, le=MAX_YUAN)]
#: A class-size norm: pupils per class.
ClassSize = Annotated[int, Field(gt=0, le=100)]
#: A school's largest size: classes.
ClassCount = Annotated[int, Field(gt=0, le=500)]
#: A speed of a loaded school bus, km/h.
Speed = Annotated[float, Field(gt=0, le=200)]


def merged_by_key(given: object, defaults: dict[str, int], what: str) -> object:
    """``defaults`` with ``given`` on top, key by key; a key not in ``defaults`` refused.

    Raises
    ------
    ValueError
        An unknown key, with the known ones and the nearest (did you mean).
    """
    if not isinstance(given, dict):
        return given
    unknown = sorted(str(k) for k in given if k not in defaults)
    if unknown:
        hints = []
        for key in unknown:
            close = difflib.get_close_matches(key, list(defaults), n=1)
            hints.append(f"'{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        raise ValueError(f"{what} by one of {', '.join(defaults)}; unknown: {', '.join(hints)}")
    return {**defaults, **given}
