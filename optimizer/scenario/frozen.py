"""The base of every scenario section."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """A scenario section: immutable, and no key it does not know."""

    model_config = ConfigDict(frozen=True, extra="forbid")
