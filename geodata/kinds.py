"""The kinds of values the input tables carry: grade bands, school levels, ownership,
how pupils travel to school today.

Each is a ``StrEnum``: a member equals its plain text (``Band.P13 == "p13"``), so it
reads from a table cell, keys a mapping and writes to JSON or CSV as that text.
"""

from __future__ import annotations

from enum import StrEnum


class Band(StrEnum):
    """A grade band: kindergarten, grades 1-3, grades 4-6, grades 7-9."""

    K = "k"
    P13 = "p13"
    P46 = "p46"
    J79 = "j79"


class Level(StrEnum):
    """What a school teaches: kindergarten, primary, junior secondary, or nine-year."""

    KINDERGARTEN = "kindergarten"
    PRIMARY = "primary"
    JUNIOR = "junior"
    NINE_YEAR = "nine_year"


class Ownership(StrEnum):
    """Who runs a school: public, private with public subsidy (inclusive), or private."""

    PUBLIC = "public"
    PRIVATE_INCLUSIVE = "private_inclusive"
    PRIVATE = "private"


class Travel(StrEnum):
    """How the pupils of a village band reach their school today (``current_mode_*``).

    Without the column a village band walks within its band's walking distance and is
    otherwise brought by a guardian (``policy.guardian_kph``); a bus only where the
    table says one runs today.
    """

    WALK = "walk"
    GUARDIAN = "guardian"  # brought by a parent or grandparent (motorbike, e-bike, car)
    BUS = "bus"  # a bus that runs today (county school bus or public transport)
    BOARD = "board"  # boards at the school, home weekly


#: The bands in their fixed order (the columns of every ``V x 4`` matrix).
BANDS: tuple[Band, ...] = tuple(Band)
LEVELS: tuple[Level, ...] = tuple(Level)
OWNERSHIPS: tuple[Ownership, ...] = tuple(Ownership)
TRAVELS: tuple[Travel, ...] = tuple(Travel)
#: The villages table's column of today's travel for each band.
CURRENT_MODE_COLUMNS: dict[Band, str] = {band: f"current_mode_{band}" for band in BANDS}


class Hazard(StrEnum):
    """Why a road segment is a 20 km/h hazard segment for a school bus
    (:meth:`geodata.speeds.SpeedModel.hazards`)."""

    TRACK = "track"  # highway=track: a field or forest road
    UNPAVED = "unpaved"  # an unpaved surface (gravel, dirt...)
    ROUGH = "rough"  # smoothness bad or worse
    STEEP = "steep"  # an incline of at least min_incline_pct either way
    NARROW = "narrow"  # width below min_width_m: room for one bus only
