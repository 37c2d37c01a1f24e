"""osmnx, imported on its first use.

Importing osmnx imports ``matplotlib.pyplot`` and networkx's drawing (about 0.3 s); a
run that reads its region from the cache, or from OSM XML and PBF through the array
reader (:mod:`geodata.osm_arrays`), never needs it. ``ox`` stands for the module: its
attributes are osmnx's own, looked up when first used.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["ox"]


class _LazyModule:
    """A module imported when one of its attributes is first wanted."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)


#: osmnx (``import osmnx as ox``), imported on first use.
ox: Any = _LazyModule("osmnx")
