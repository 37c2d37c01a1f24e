"""The school-bus speed model: OSM speeds, per-highway defaults and the legal caps.

A loaded school bus may not exceed 60 km/h on ordinary roads and 80 km/h on
motorways; a lower posted limit wins; on sharp bends, steep slopes, narrow roads
or bridges it must keep to 20 km/h. OSM has no single tag for those hazards; we
treat a way as a hazard segment when any of these holds (OSM conventions):

- ``highway=track`` (field and forest roads),
- ``surface`` is unpaved (``unpaved``, ``gravel``, ``fine_gravel``, ``dirt``,
  ``earth``, ``ground``, ``grass``, ``mud``, ``sand``, ``compacted``, ``pebblestone``),
- ``smoothness`` is ``bad`` or worse,
- ``incline`` has a numeric grade of at least 8 % either way,
- ``width`` (or ``est_width``) is below 4 m (room for one bus only).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

DEFAULT_HIGHWAY_KPH: Mapping[str, float] = MappingProxyType(
    {
        "motorway": 100.0,
        "motorway_link": 60.0,
        "trunk": 80.0,
        "trunk_link": 50.0,
        "primary": 70.0,
        "primary_link": 40.0,
        "secondary": 60.0,
        "secondary_link": 40.0,
        "tertiary": 50.0,
        "tertiary_link": 30.0,
        "unclassified": 40.0,
        "residential": 30.0,
        "living_street": 10.0,
        "service": 20.0,
        "track": 20.0,
    }
)
MOTORWAY_CLASSES = frozenset({"motorway", "motorway_link"})
UNPAVED_SURFACES = frozenset(
    {
        "unpaved",
        "gravel",
        "fine_gravel",
        "dirt",
        "earth",
        "ground",
        "grass",
        "mud",
        "sand",
        "compacted",
        "pebblestone",
    }
)
BAD_SMOOTHNESS = frozenset({"bad", "very_bad", "horrible", "very_horrible", "impassable"})
#: Posted speeds above this (or not above 0) are not speeds: the class default is used.
MAX_POSTED_KPH = 200.0


class RoadDataWarning(UserWarning):
    """A road tag that cannot be right and was replaced by a default."""


_NUMBER = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)")


@dataclass(frozen=True)
class SpeedModel:
    """Speeds of a loaded school bus, in km/h.

    Parameters
    ----------
    highway_kph
        Speed for a way without a usable ``maxspeed`` tag, by ``highway`` class.
    fallback_kph
        Speed for a highway class missing from ``highway_kph``.
    road_cap_kph
        Legal cap on ordinary roads.
    motorway_cap_kph
        Legal cap on motorways (``motorway``, ``motorway_link``).
    hazard_kph
        Speed on hazard segments (see the module docstring).
    min_incline_pct, min_width_m
        Thresholds that make a segment a hazard.
    """

    highway_kph: Mapping[str, float] = field(default_factory=lambda: DEFAULT_HIGHWAY_KPH)
    fallback_kph: float = 30.0
    road_cap_kph: float = 60.0
    motorway_cap_kph: float = 80.0
    hazard_kph: float = 20.0
    min_incline_pct: float = 8.0
    min_width_m: float = 4.0

    def cap_for(self, highway: str) -> float:
        """The legal cap for a highway class."""
        return self.motorway_cap_kph if highway in MOTORWAY_CLASSES else self.road_cap_kph

    def is_hazard(self, tags: Mapping[str, object]) -> bool:
        """Whether a way's tags make it a 20 km/h hazard segment."""
        if first(tags.get("highway")) == "track":
            return True
        if first(tags.get("surface")) in UNPAVED_SURFACES:
            return True
        if first(tags.get("smoothness")) in BAD_SMOOTHNESS:
            return True
        incline = _number(tags.get("incline"))
        if incline is not None and abs(incline) >= self.min_incline_pct:
            return True
        for key in ("width", "est_width"):
            width = _number(tags.get(key))
            if width is not None and 0 < width < self.min_width_m:
                return True
        return False

    def bus_kph(self, highway: str, osm_kph: float, tags: Mapping[str, object]) -> float:
        """The school-bus speed on one segment.

        Parameters
        ----------
        highway
            The way's ``highway`` class.
        osm_kph
            The posted (or default) speed from OSM, km/h.
        tags
            The way's tags, for the hazard rule.
        """
        if not (math.isfinite(osm_kph) and 0 < osm_kph <= MAX_POSTED_KPH):
            default = self.highway_kph.get(highway, self.fallback_kph)
            warnings.warn(
                f"OSM speed {osm_kph:g} km/h on a {highway} way is not a speed limit; "
                f"the class default {default:g} km/h is used",
                RoadDataWarning,
                stacklevel=2,
            )
            osm_kph = default
        speed = min(osm_kph, self.cap_for(highway))
        if self.is_hazard(tags):
            speed = min(speed, self.hazard_kph)
        return speed


def first(value: object) -> object:
    """The first value of a tag that osmnx may have merged into a list."""
    if isinstance(value, list):
        return value[0] if value else None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _number(value: object) -> float | None:
    value = first(value)
    if value is None:
        return None
    match = _NUMBER.match(str(value))
    if not match:
        return None
    return float(match.group(1).replace(",", "."))
