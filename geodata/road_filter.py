"""Which OSM ways are roads, which a pupil may walk on, and which a school bus may use.

One filter for every input kind: OSM XML (plain, gzip, bzip2) and PBF are streamed
down to their ``highway`` ways before osmnx reads them (:mod:`geodata.roads`), and
the predicates below then decide on each edge's tags, the same for a GraphML file.

What each tag does:

``highway``
    A way without it is no road (streams, landuse outlines, railways, buildings)
    and is never walked or driven. The walk network takes :data:`WALK_CLASSES`;
    the bus network the classes of the speed model (``SpeedModel.highway_kph``).
``area=yes``
    The outline of a square or a pedestrian area: not a road for a bus.
``access``, ``vehicle``, ``motor_vehicle``, ``psv``, ``bus``, ``school_bus``
    For a bus the most specific of these that is tagged decides (OSM's access
    hierarchy, in this order); :data:`NO_BUS_ACCESS` (``no``, ``private``,
    ``agricultural``, ``forestry``, ``delivery``) shuts the way, so ``access=private`` with
    ``bus=yes`` stays open and ``access=yes`` with ``motor_vehicle=agricultural``
    is shut.
``foot``, ``access``
    For walking ``foot`` decides where tagged, else ``access``: ``no`` or
    ``private`` shuts the way.
``highway=track`` with ``tracktype``
    A bus takes a track only of a grade the scenario allows
    (``SpeedModel.track_grades``, by default ``grade1``); a track without a
    ``tracktype`` only where the grades include ``untagged``.
``service``
    ``driveway``, ``parking_aisle``, ``drive-through`` and ``emergency_access``
    (:data:`NO_BUS_SERVICE`) are not bus roads.
"""

from __future__ import annotations

from collections.abc import Mapping

from geodata.speeds import SpeedModel, first

#: Highway classes a pupil may walk on.
WALK_CLASSES = frozenset(
    {
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "residential",
        "living_street",
        "service",
        "track",
        "road",
        "pedestrian",
        "footway",
        "path",
        "steps",
        "cycleway",
        "bridleway",
    }
)
#: Access values that shut a way to a school bus (one value, or each of a ``;`` list).
NO_BUS_ACCESS = frozenset({"no", "private", "agricultural", "forestry", "delivery"})
#: Access keys read for a bus, least specific first.
BUS_ACCESS_KEYS = ("access", "vehicle", "motor_vehicle", "psv", "bus", "school_bus")
#: ``service`` values that are no bus road.
NO_BUS_SERVICE = frozenset({"driveway", "parking_aisle", "drive-through", "emergency_access"})
#: Access values that shut a way to walkers.
NO_WALK_ACCESS = frozenset({"no", "private"})
#: Stands for a ``highway=track`` without ``tracktype`` in ``SpeedModel.track_grades``.
UNTAGGED_TRACK = "untagged"
#: Way tags the filters and the speed model read, kept on the graph's edges.
WAY_TAGS = (
    "access",
    "area",
    "bus",
    "est_width",
    "foot",
    "highway",
    "incline",
    "maxspeed",
    "maxspeed:type",
    "motor_vehicle",
    "psv",
    "school_bus",
    "service",
    "smoothness",
    "source:maxspeed",
    "surface",
    "tracktype",
    "vehicle",
    "width",
    "zone:maxspeed",
)


def _tag(tags: Mapping[str, object], key: str) -> str | None:
    value = first(tags.get(key))
    return None if value is None else str(value).strip().lower()


def _shut(value: str, shut: frozenset[str]) -> bool:
    return value in shut or all(part.strip() in shut for part in value.split(";"))


def is_road(tags: Mapping[str, object]) -> bool:
    """Whether a way is a road at all: it has a ``highway`` tag."""
    return _tag(tags, "highway") is not None


def walkable(tags: Mapping[str, object]) -> bool:
    """Whether a pupil may walk along a way (class, then ``foot``, then ``access``)."""
    if _tag(tags, "highway") not in WALK_CLASSES:
        return False
    rule = _tag(tags, "foot") or _tag(tags, "access")
    return rule is None or not _shut(rule, NO_WALK_ACCESS)


def bus_access(tags: Mapping[str, object]) -> bool:
    """Whether the access tags let a school bus through (the most specific tag decides)."""
    rule = None
    for key in BUS_ACCESS_KEYS:
        rule = _tag(tags, key) or rule
    return rule is None or not _shut(rule, NO_BUS_ACCESS)


def drivable(tags: Mapping[str, object], speeds: SpeedModel) -> bool:
    """Whether a school bus may use a way: class, area, track grade, service, access."""
    highway = _tag(tags, "highway")
    if highway is None or highway not in speeds.highway_kph:
        return False
    if _tag(tags, "area") == "yes":
        return False
    grade = _tag(tags, "tracktype") or UNTAGGED_TRACK
    if highway == "track" and grade not in speeds.track_grades:
        return False
    if _tag(tags, "service") in NO_BUS_SERVICE:
        return False
    return bus_access(tags)
