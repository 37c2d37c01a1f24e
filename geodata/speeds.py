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

What each OSM way tag does here (the network filter is :mod:`geodata.road_filter`):

``highway``
    The road class: its default speed (``highway_kph``) where no limit is tagged;
    only classes in ``highway_kph`` are drivable for a bus.
``maxspeed``
    A posted limit. A number (``50``, ``50 km/h``, ``30 mph``, ``60|50`` per lane)
    is the road's speed, capped by law. A country code (``CN:urban``, ``DE:urban``,
    ``CH:rural``, ``DE:zone30``, ``DE:zone:30``...) is the implicit limit of a
    built-up area or road kind (``zone_kph``): it caps the class default, so that a
    primary road through a village runs at the urban limit and a residential street
    keeps its lower class speed.
``zone:maxspeed``, ``maxspeed:type``, ``source:maxspeed``
    The same country codes where ``maxspeed`` is absent or holds only the number
    (``zone:maxspeed=DE:30`` is a 30 zone).
``surface``, ``smoothness``, ``incline``, ``width``, ``est_width``
    The hazard rule above (20 km/h).
``tracktype``
    Which ``highway=track`` ways a bus may use at all (``track_grades``, by default
    only ``grade1``: solid, usually paved); a track it may use is a hazard segment.

Implicit limits in China (Road Traffic Safety Law, implementing regulations, art. 45):
on a road without a centre line 30 km/h in towns and 40 km/h elsewhere (the class
defaults of ``residential`` and ``unclassified``), with one lane each way 50 km/h in
towns (``CN:urban``) and 70 km/h elsewhere (``CN:rural``); expressways 120 km/h.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from geodata.kinds import Hazard

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
#: Implicit limits (km/h) of OSM's country codes: built-up areas, rural roads, zones.
#: From the OSM wiki's "default speed limits" tables; a scenario may add or change any.
DEFAULT_ZONE_KPH: Mapping[str, float] = MappingProxyType(
    {
        "CN:urban": 50.0,
        "CN:rural": 70.0,
        "CN:motorway": 120.0,
        "CN:living_street": 10.0,
        "DE:urban": 50.0,
        "DE:rural": 100.0,
        "DE:motorway": 130.0,
        "DE:living_street": 7.0,
        "DE:bicycle_road": 30.0,
        "AT:urban": 50.0,
        "AT:rural": 100.0,
        "AT:motorway": 130.0,
        "AT:living_street": 5.0,
        "CH:urban": 50.0,
        "CH:rural": 80.0,
        "CH:trunk": 100.0,
        "CH:motorway": 120.0,
        "CH:living_street": 20.0,
        "LI:urban": 50.0,
        "LI:rural": 80.0,
        "FR:urban": 50.0,
        "FR:rural": 80.0,
        "FR:motorway": 130.0,
        "IT:urban": 50.0,
        "IT:rural": 90.0,
        "GB:nsl_single": 96.56,
        "GB:nsl_dual": 112.65,
        "GB:motorway": 112.65,
        "RU:urban": 60.0,
        "RU:rural": 90.0,
        "JP:nsl": 60.0,
        "walk": 7.0,
    }
)
#: ``XX:zone30``, ``XX:zone:30``, ``XX:zone 30``: a zone with its number.
_ZONE = re.compile(r"^[A-Z]{2}:zone[: ]?(\d+)$")
#: Tags that may carry a country code, in the order they are read.
ZONE_KEYS = ("maxspeed", "zone:maxspeed", "maxspeed:type", "source:maxspeed")
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
    zone_kph
        Implicit limits by OSM country code (``CN:urban``...), see the module docstring.
    track_grades
        ``tracktype`` values of the ``highway=track`` ways a bus may use.
    """

    highway_kph: Mapping[str, float] = field(default_factory=lambda: DEFAULT_HIGHWAY_KPH)
    fallback_kph: float = 30.0
    road_cap_kph: float = 60.0
    motorway_cap_kph: float = 80.0
    hazard_kph: float = 20.0
    min_incline_pct: float = 8.0
    min_width_m: float = 4.0
    zone_kph: Mapping[str, float] = field(default_factory=lambda: DEFAULT_ZONE_KPH)
    track_grades: tuple[str, ...] = ("grade1",)

    def zone_limit(self, tags: Mapping[str, object]) -> float | None:
        """The implicit limit of a way's country code (built-up area, zone), if it has one."""
        for key in ZONE_KEYS:
            value = first(tags.get(key))
            if value is None:
                continue
            code = str(value).strip()
            if code in self.zone_kph:
                return float(self.zone_kph[code])
            match = _ZONE.match(code)
            if match:
                return float(match.group(1))
        return None

    def cap_for(self, highway: str) -> float:
        """The legal cap for a highway class."""
        return self.motorway_cap_kph if highway in MOTORWAY_CLASSES else self.road_cap_kph

    def hazards(self, tags: Mapping[str, object]) -> tuple[Hazard, ...]:
        """Why a way's tags make it a 20 km/h hazard segment (empty: it is none)."""
        found = []
        if first(tags.get("highway")) == "track":
            found.append(Hazard.TRACK)
        if first(tags.get("surface")) in UNPAVED_SURFACES:
            found.append(Hazard.UNPAVED)
        if first(tags.get("smoothness")) in BAD_SMOOTHNESS:
            found.append(Hazard.ROUGH)
        incline = _number(tags.get("incline"))
        if incline is not None and abs(incline) >= self.min_incline_pct:
            found.append(Hazard.STEEP)
        widths = (_number(tags.get(key)) for key in ("width", "est_width"))
        if any(w is not None and 0 < w < self.min_width_m for w in widths):
            found.append(Hazard.NARROW)
        return tuple(found)

    def is_hazard(self, tags: Mapping[str, object]) -> bool:
        """Whether a way's tags make it a 20 km/h hazard segment."""
        return bool(self.hazards(tags))

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
        zone = self.zone_limit(tags)
        if zone is not None:
            default = self.highway_kph.get(highway, self.fallback_kph)
            if _number(tags.get("maxspeed")) is None:  # no posted number: the class speed
                speed = min(default, self.cap_for(highway))
            speed = min(speed, zone)
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
