"""The base of every scenario section."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """A scenario section: immutable, no key it does not know, no infinite or NaN number."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
